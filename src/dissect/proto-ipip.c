/*
 * proto-ipip.c - IP in IP (RFC 2003; IPv6 in IPv4 and IPv4 in IPv6, RFC
 * 4213): the tunnel's own conversation, IP protocols 4 and 41.
 *
 * There is no header of its own: the payload is the inner packet, which
 * the decoder (decode/decode-tunnel.c) opens and analyzes as traffic of
 * its own.  This file names the outer conversation when the payload
 * starts like the packet the protocol number announces (version 4 with a
 * header length of at least 20 bytes for protocol 4, version 6 for 41) and
 * records one operation per packet, "IPv4 in IP" or "IPv6 in IP" (code:
 * the protocol number), class other.
 */
#include "dissect.h"

enum {
    IPIP_V4 = 4,  /* IPv4 inside */
    IPIP_V6 = 41, /* IPv6 inside */
    IPV4_MIN_IHL = 5,
    IPV4_HDR_LEN = 20,
    IPV6_HDR_LEN = 40,
};

/* The inner version the packet's IP protocol announces; 0 when neither. */
static int announced_version(const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_IP)
        return 0;
    return ctx->pkt->ip_proto == IPIP_V4 ? 4 : ctx->pkt->ip_proto == IPIP_V6 ? 6 : 0;
}

static bool starts_like(int first, int version)
{
    return (first >> 4) == version && (version == 6 || (first & 0x0f) >= IPV4_MIN_IHL);
}

static DissectResult ipip_probe(Cursor *c, const DissectCtx *ctx)
{
    int version = announced_version(ctx);
    int first = cursor_peek(c, 0);
    if (!version)
        return DISSECT_NOT_MINE;
    if (first < 0)
        return DISSECT_NEED_MORE;
    return starts_like(first, version) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static DissectResult ipip_dissect(Cursor *c, DissectCtx *ctx)
{
    int version = announced_version(ctx);
    /* a capture cut inside the inner header leaves its first byte unproven */
    size_t header_len = version == 6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cursor_left(c) < header_len && cursor_is_clipped(c))
        return DISSECT_SHORT;
    uint8_t first = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!version || !starts_like(first, version)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    dissect_op(ctx, ctx->pkt->ip_proto, version == 4 ? "IPv4 in IP" : "IPv6 in IP", OP_OTHER, false,
               0, NULL);
    return DISSECT_OK;
}

const ProtoDesc proto_ipip = {
    .name = "ipip",
    .transports = PT_IP,
    .ports = {IPIP_V4, IPIP_V6},
    .probe = ipip_probe,
    .dissect = ipip_dissect,
};
