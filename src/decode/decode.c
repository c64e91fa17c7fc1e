/*
 * decode.c - the link-type table: which decoder starts each frame.
 *
 * Supported: Ethernet, Linux SLL and SLL2, raw IPv4/IPv6 (DLT_RAW and the
 * IPv4/IPv6 link types), BSD loopback (DLT_NULL, DLT_LOOP).  Everything
 * else is skipped with SKIP_LINKTYPE.
 */
#include "config.h"

#include "decode.h"

#include <string.h>

#include <glib.h>
#include <pcap/dlt.h>

struct Decoder {
    IpFragTable *frags;
};

typedef SkipReason (*LinkDecodeFn)(Decoder *d, Cursor *c, Packet *pkt);

static SkipReason decode_raw(Decoder *d, Cursor *c, Packet *pkt)
{
    int first = cursor_peek(c, 0);
    if (first < 0)
        return SKIP_TRUNCATED;
    if ((first >> 4) == 4)
        return decode_ipv4(d, c, pkt);
    if ((first >> 4) == 6)
        return decode_ipv6(d, c, pkt);
    return SKIP_MALFORMED;
}

/* What both cooked headers end with: the sender's link address (an
 * Ethernet one when ARPHRD_ETHER with 6 bytes), then the packet of the
 * protocol they named. */
static SkipReason decode_sll_rest(Decoder *d, Cursor *c, Packet *pkt, uint16_t hatype,
                                  unsigned alen, const uint8_t addr[8], uint16_t proto)
{
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    if (alen == 6 && hatype == 1) {
        memcpy(pkt->src_mac.b, addr, 6);
        pkt->has_src_mac = true;
    }
    return decode_ethertype(d, proto, c, pkt);
}

/* Linux "cooked" capture v1: packet type, ARPHRD, address length, 8 address
 * bytes, protocol.  The address is the sender's link address. */
static SkipReason decode_sll(Decoder *d, Cursor *c, Packet *pkt)
{
    cursor_skip(c, 2); /* packet type */
    uint16_t hatype = cursor_be16(c);
    uint16_t alen = cursor_be16(c);
    uint8_t addr[8];
    cursor_copy(c, addr, sizeof addr);
    uint16_t proto = cursor_be16(c);
    return decode_sll_rest(d, c, pkt, hatype, alen, addr, proto);
}

/* Linux cooked capture v2: protocol first, then interface and address. */
static SkipReason decode_sll2(Decoder *d, Cursor *c, Packet *pkt)
{
    uint16_t proto = cursor_be16(c);
    cursor_skip(c, 2 + 4); /* reserved, interface index */
    uint16_t hatype = cursor_be16(c);
    cursor_skip(c, 1); /* packet type */
    uint8_t alen = cursor_u8(c);
    uint8_t addr[8];
    cursor_copy(c, addr, sizeof addr);
    return decode_sll_rest(d, c, pkt, hatype, alen, addr, proto);
}

/* BSD loopback: a 4-byte address family, host order for DLT_NULL (we
 * accept either order, as tcpdump does) and network order for DLT_LOOP. */
static SkipReason decode_null(Decoder *d, Cursor *c, Packet *pkt)
{
    uint32_t family = cursor_le32(c);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    if (family > 0xffff)
        family = GUINT32_SWAP_LE_BE(family);
    switch (family) {
    case 2:
        return decode_ipv4(d, c, pkt);
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD */
    case 28: /* FreeBSD */
    case 30: /* macOS */
        return decode_ipv6(d, c, pkt);
    default:
        return SKIP_LINKTYPE;
    }
}

typedef struct LinkType {
    int dlt;
    LinkDecodeFn decode;
} LinkType;

static const LinkType link_types[] = {
    { DLT_EN10MB, decode_ethernet },
    { DLT_LINUX_SLL, decode_sll },
#ifdef DLT_LINUX_SLL2
    { DLT_LINUX_SLL2, decode_sll2 },
#else
    { 276, decode_sll2 },
#endif
    { DLT_RAW, decode_raw },
    { 12, decode_raw },  /* DLT_RAW on some BSDs */
    { 14, decode_raw },  /* DLT_RAW on OpenBSD */
    { 228, decode_raw }, /* LINKTYPE_IPV4 */
    { 229, decode_raw }, /* LINKTYPE_IPV6 */
    { DLT_NULL, decode_null },
    { DLT_LOOP, decode_null },
};

static const LinkType *find_link_type(int dlt)
{
    for (size_t i = 0; i < G_N_ELEMENTS(link_types); i++)
        if (link_types[i].dlt == dlt)
            return &link_types[i];
    return NULL;
}

bool decoder_supports_linktype(int dlt)
{
    return find_link_type(dlt) != NULL;
}

Decoder *decoder_new(void)
{
    Decoder *d = g_new0(Decoder, 1);
    d->frags = ipfrag_new();
    return d;
}

void decoder_free(Decoder *d)
{
    if (!d)
        return;
    ipfrag_free(d->frags);
    g_free(d);
}

IpFragTable *decoder_frags(Decoder *d)
{
    return d->frags;
}

uint64_t decoder_frags_dropped(const Decoder *d)
{
    return ipfrag_dropped(d->frags);
}

SkipReason decoder_frame(Decoder *d, int dlt, Cursor *frame, Packet *pkt)
{
    const LinkType *lt = find_link_type(dlt);
    if (!lt)
        return SKIP_LINKTYPE;
    pkt->transport = TP_NONE;
    pkt->payload = cursor_empty();
    ipfrag_new_frame(d->frags);
    return lt->decode(d, frame, pkt);
}
