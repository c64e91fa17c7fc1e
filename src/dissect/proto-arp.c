/*
 * proto-arp.c - ARP for IPv4 over Ethernet.
 *
 * Parses the fixed 28-byte Ethernet/IPv4 ARP message and reports each as a
 * discovery operation: "request" (who-has) or "reply" (is-at), with the
 * addresses in the detail.  Gratuitous ARP (sender IP == target IP, the
 * announcement form) and ARP probes (sender IP 0.0.0.0, RFC 5227) are named
 * in the detail, because the arp-spoof rule counts them.  RARP/InARP
 * opcodes are reported by name.  Other hardware or protocol types (ATM ARP,
 * ARP over IEEE 802 hardware type 6, IPv6 has none) are NOT_MINE: decode/
 * already keeps the addresses in Packet.arp for the model; this file only
 * names the operation.
 *
 * Reference: RFC 826 (An Ethernet Address Resolution Protocol, 1982);
 * RFC 5227 section 2.1.1 (probe), 2.3 (announcement); RFC 5494 (opcodes).
 *
 *   0               1               2               3
 *  +---------------+---------------+---------------+---------------+
 *  |  hardware type (1)            |  protocol type (0x0800)       |
 *  +---------------+---------------+---------------+---------------+
 *  |  hlen (6)     |  plen (4)     |  opcode (1 request, 2 reply)  |
 *  +---------------+---------------+---------------+---------------+
 *  |  sender hardware address (6) | sender protocol address (4)    |
 *  |  target hardware address (6) | target protocol address (4)    |
 *  +---------------------------------------------------------------+
 *  (Ethernet padding to 46 bytes follows and is ignored.)
 */
#include <string.h>

#include "dissect.h"
#include "textbuf-fmt.h"

enum {
    ARP_HTYPE_ETHERNET = 1,
    ARP_PTYPE_IPV4 = 0x0800,
    ARP_HLEN_ETHERNET = 6,
    ARP_PLEN_IPV4 = 4,
    ARP_FIXED_LEN = 8,
    ARP_OP_REQUEST = 1,
    ARP_OP_REPLY = 2,
};

typedef struct ArpOpName {
    uint16_t code;
    const char *name;
    bool is_response;
} ArpOpName;

static const ArpOpName arp_ops[] = {
    {1, "request", false},   {2, "reply", true},          {3, "rarp request", false},
    {4, "rarp reply", true}, {8, "inarp request", false}, {9, "inarp reply", true},
};

typedef struct ArpMsg {
    uint16_t op;
    uint8_t sha[6];
    uint8_t spa[4];
    uint8_t tha[6];
    uint8_t tpa[4];
} ArpMsg;

static const ArpOpName *arp_op_lookup(uint16_t op)
{
    for (size_t i = 0; i < sizeof(arp_ops) / sizeof(arp_ops[0]); i++) {
        if (arp_ops[i].code == op)
            return &arp_ops[i];
    }
    return NULL;
}

/* Reads the fixed header; true when it is Ethernet/IPv4 ARP. */
static bool arp_header_ok(Cursor *c)
{
    uint16_t htype = cursor_be16(c);
    uint16_t ptype = cursor_be16(c);
    uint8_t hlen = cursor_u8(c);
    uint8_t plen = cursor_u8(c);
    return htype == ARP_HTYPE_ETHERNET && ptype == ARP_PTYPE_IPV4 && hlen == ARP_HLEN_ETHERNET &&
           plen == ARP_PLEN_IPV4;
}

static DissectResult arp_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    if (cursor_left(c) < ARP_FIXED_LEN)
        return DISSECT_NEED_MORE;
    if (!arp_header_ok(c))
        return DISSECT_NOT_MINE;
    return arp_op_lookup(cursor_be16(c)) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static void text_ip4(TextBuf *b, const uint8_t ip[4])
{
    for (int i = 0; i < 4; i++) {
        if (i)
            textbuf_char(b, '.');
        textbuf_uint(b, ip[i]);
    }
}

static void text_mac(TextBuf *b, const uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        if (i)
            textbuf_char(b, ':');
        textbuf_hex_fixed(b, mac[i], 2);
    }
}

/* The detail of every ARP packet: appended, not printed (snprintf was
 * nine tenths of this file's cost per packet). */
static void arp_describe(const ArpMsg *m, char *detail, size_t detailsz)
{
    TextBuf b = textbuf(detail, detailsz);
    bool is_spa_zero = memcmp(m->spa, "\0\0\0\0", 4) == 0;

    if (memcmp(m->spa, m->tpa, 4) == 0 && !is_spa_zero) {
        textbuf_str(&b, "gratuitous ");
        text_ip4(&b, m->spa);
    } else if (m->op == ARP_OP_REQUEST && is_spa_zero) {
        textbuf_str(&b, "probe "); /* RFC 5227 address probe */
        text_ip4(&b, m->tpa);
    } else if (m->op == ARP_OP_REQUEST) {
        textbuf_str(&b, "who-has ");
        text_ip4(&b, m->tpa);
        textbuf_str(&b, " tell ");
        text_ip4(&b, m->spa);
    } else if (m->op == ARP_OP_REPLY) {
        text_ip4(&b, m->spa);
        textbuf_str(&b, " is-at ");
        text_mac(&b, m->sha);
    }
}

static DissectResult arp_dissect(Cursor *c, DissectCtx *ctx)
{
    ArpMsg m;
    bool is_arp = arp_header_ok(c);
    m.op = cursor_be16(c);
    cursor_copy(c, m.sha, sizeof(m.sha));
    cursor_copy(c, m.spa, sizeof(m.spa));
    cursor_copy(c, m.tha, sizeof(m.tha));
    cursor_copy(c, m.tpa, sizeof(m.tpa));
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!is_arp) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    const ArpOpName *op = arp_op_lookup(m.op);
    if (!op) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }

    char detail[FACT_DETAIL_MAX];
    arp_describe(&m, detail, sizeof(detail));
    dissect_op(ctx, op->code, op->name, OP_DISCOVERY, op->is_response, 0, detail);
    ctx->dir_hint = op->is_response ? DIR_RESPONSE : DIR_REQUEST;
    /* A clipped window is reported as such even when the message fit. */
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_arp = {
    .name = "arp",
    .transports = PT_ETHER,
    .ethertypes = {0x0806},
    .probe = arp_probe,
    .dissect = arp_dissect,
};
