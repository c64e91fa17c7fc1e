/*
 * proto-gre.c - GRE headers (IP protocol 47): the tunnel's own
 * conversation.
 *
 * The decoder (decode/decode-tunnel.c) opens the packet a GRE header
 * carries and analyzes it as traffic of its own; this file names the
 * outer conversation and records one operation per packet, named by the
 * protocol type it carries (IPv4, IPv6, transparent Ethernet bridging,
 * PPP of PPTP, MPLS, ERSPAN...), class other.  Version 0 (RFC 2784, keys
 * and sequence numbers RFC 2890) and version 1 (RFC 2637, PPTP's enhanced
 * GRE, PPP with a call id) are parsed; routing (RFC 1701) and any other
 * version are not GRE this file knows.  Not parsed: the checksum, the
 * payload (the decoder's).
 *
 *   0                   1                   2                   3
 *  +-+-+-+-+-+-----+-+-----+-----+-------------------------------+
 *  |C|R|K|S|s|Recur|A|Flags| Ver |         Protocol Type         |
 *  +-+-+-+-+-+-----+-+-----+-----+-------------------------------+
 *  | [Checksum (2) Reserved1 (2)] if C                           |
 *  | [Key (4)] if K: v1 = payload length (2), call id (2)        |
 *  | [Sequence number (4)] if S   [Acknowledgment (4)] if A (v1)  |
 */
#include <stdio.h>

#include "dissect.h"

enum {
    GRE_IP_PROTO = 47,
    GRE_HDR_LEN = 4,

    GRE_C = 0x8000,
    GRE_K = 0x2000,
    GRE_S = 0x1000,
    GRE_A = 0x0080,
    GRE_VERSION = 0x0007,
    /* routing, strict route, recursion, ack, flags: zero in version 0 */
    GRE_V0_ZERO = 0x4ff8,
    /* checksum, routing, strict route, recursion, flags: zero in version 1 */
    GRE_V1_ZERO = 0xcf78,
    GRE_PPP = 0x880b, /* the only payload of version 1 */
};

typedef struct GreType {
    uint16_t type;
    const char *name;
} GreType;

/* IEEE ethertypes as GRE protocol types (RFC 2784 section 2.4). */
static const GreType gre_types[] = {
    {0x0800, "IPv4"},
    {0x86dd, "IPv6"},
    {0x6558, "Ethernet"}, /* transparent Ethernet bridging */
    {0x0806, "ARP"},
    {0x880b, "PPP"},
    {0x8847, "MPLS"},
    {0x8848, "MPLS multicast"},
    {0x88be, "ERSPAN"},
    {0x22eb, "ERSPAN type III"},
    {0x883e, "WCCP"},
    {0x8100, "VLAN"},
};

typedef struct GreHeader {
    uint16_t flags;
    uint16_t type;
    uint32_t key;
} GreHeader;

/* True when the flags and protocol type make a header this file parses. */
static bool gre_is_valid(uint16_t flags, uint16_t type)
{
    switch (flags & GRE_VERSION) {
    case 0:
        return (flags & GRE_V0_ZERO) == 0;
    case 1:
        return (flags & GRE_V1_ZERO) == 0 && (flags & GRE_K) && type == GRE_PPP;
    default:
        return false;
    }
}

static bool is_gre_packet(const DissectCtx *ctx)
{
    return ctx->pkt->transport == TP_IP && ctx->pkt->ip_proto == GRE_IP_PROTO;
}

static DissectResult gre_probe(Cursor *c, const DissectCtx *ctx)
{
    if (!is_gre_packet(ctx))
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < GRE_HDR_LEN)
        return DISSECT_NEED_MORE;
    uint16_t flags = cursor_be16(c);
    uint16_t type = cursor_be16(c);
    return gre_is_valid(flags, type) ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* The header and its optional fields; false when they are cut or lie. */
static bool gre_read(Cursor *c, GreHeader *h)
{
    h->flags = cursor_be16(c);
    h->type = cursor_be16(c);
    if (h->flags & GRE_C)
        cursor_skip(c, 4);
    h->key = (h->flags & GRE_K) ? cursor_be32(c) : 0;
    if (h->flags & GRE_S)
        cursor_skip(c, 4);
    if ((h->flags & GRE_VERSION) == 1 && (h->flags & GRE_A))
        cursor_skip(c, 4);
    return cursor_ok(c);
}

static const char *gre_type_name(uint16_t type)
{
    for (size_t i = 0; i < sizeof gre_types / sizeof gre_types[0]; i++) {
        if (gre_types[i].type == type)
            return gre_types[i].name;
    }
    return "other payload";
}

static DissectResult gre_dissect(Cursor *c, DissectCtx *ctx)
{
    GreHeader h;
    if (!gre_read(c, &h))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!gre_is_valid(h.flags, h.type)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    char detail[32] = "";
    if ((h.flags & GRE_VERSION) == 1)
        snprintf(detail, sizeof detail, "call-id=%u", (unsigned)(h.key & 0xffff));
    else if (h.flags & GRE_K)
        snprintf(detail, sizeof detail, "key=0x%08x", (unsigned)h.key);
    dissect_op(ctx, h.type, gre_type_name(h.type), OP_OTHER, false, 0, detail);
    return DISSECT_OK;
}

const ProtoDesc proto_gre = {
    .name = "gre",
    .transports = PT_IP,
    .ports = {GRE_IP_PROTO},
    .probe = gre_probe,
    .dissect = gre_dissect,
};
