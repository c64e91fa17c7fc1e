/*
 * gen-dhcp.c - DHCP message builder; see gen-dhcp.h.
 *
 * References: RFC 2131 (DHCP), RFC 2132 (options), RFC 951 (BOOTP).
 *
 *   | op | htype | hlen | hops | xid 4 | secs 2 | flags 2 |
 *   | ciaddr 4 | yiaddr 4 | siaddr 4 | giaddr 4 | chaddr 16 |
 *   | sname 64 | file 128 | magic cookie 63 82 53 63 | options ... | 255 |
 */
#include "gen-dhcp.h"

#include <string.h>

enum {
    BOOTP_MIN_LEN = 300,
    DHCP_OPT_END = 255,
};

size_t dhcp_begin(Buf *b, const DhcpHead *h)
{
    size_t start = b->len;
    buf_u8(b, h->op);
    buf_u8(b, 1); /* htype Ethernet */
    buf_u8(b, 6);
    buf_u8(b, 0);
    buf_be32(b, h->xid);
    buf_be16(b, h->secs);
    buf_be16(b, h->flags);
    buf_be32(b, h->ciaddr);
    buf_be32(b, h->yiaddr);
    buf_be32(b, h->siaddr);
    buf_be32(b, 0); /* giaddr: no relay */
    buf_bytes(b, h->chaddr, 6);
    buf_zero(b, 10);
    buf_zero(b, 64 + 128); /* sname, file */
    buf_be32(b, 0x63825363);
    return start;
}

void dhcp_opt(Buf *b, uint8_t code, const void *data, size_t len)
{
    buf_u8(b, code);
    buf_u8(b, (unsigned)len);
    buf_bytes(b, data, len);
}

void dhcp_opt_u8(Buf *b, uint8_t code, uint8_t v)
{
    dhcp_opt(b, code, &v, 1);
}

void dhcp_opt_u32(Buf *b, uint8_t code, uint32_t v)
{
    uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    dhcp_opt(b, code, be, sizeof be);
}

void dhcp_opt_str(Buf *b, uint8_t code, const char *s)
{
    dhcp_opt(b, code, s, strlen(s));
}

void dhcp_end(Buf *b, size_t start)
{
    buf_u8(b, DHCP_OPT_END);
    if (b->len - start < BOOTP_MIN_LEN)
        buf_zero(b, BOOTP_MIN_LEN - (b->len - start));
}
