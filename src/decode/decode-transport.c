/*
 * decode-transport.c - TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792) and
 * ICMPv6 (RFC 4443) headers.
 *
 *   TCP: sport(2) dport(2) seq(4) ack(4) off/flags(2) window(2) sum(2) urg(2) [options]
 *   UDP: sport(2) dport(2) length(2) sum(2)
 *   ICMP: type(1) code(1) sum(2) rest...
 *
 * On entry c is the IP payload and pkt->payload_wire_len its length on the
 * wire; on return pkt->payload is the L4 payload (the whole message for
 * ICMP, the IP payload for other IP protocols) and payload_wire_len its
 * wire length.  Checksums are not verified (offload, see decode-ipv4.c).
 * A payload that is a tunnel's is marked for decoder_tunnel() here.
 */
#include "config.h"

#include "decode.h"

enum {
    IPPROTO_ICMP_ = 1,
    IPPROTO_TCP_ = 6,
    IPPROTO_UDP_ = 17,
    IPPROTO_ICMPV6_ = 58,
};

static uint32_t less(uint32_t wire_len, size_t header_len)
{
    return wire_len > header_len ? wire_len - (uint32_t)header_len : 0;
}

static SkipReason decode_tcp(Cursor *c, Packet *pkt)
{
    pkt->sport = cursor_be16(c);
    pkt->dport = cursor_be16(c);
    pkt->tcp_seq = cursor_be32(c);
    pkt->tcp_ack = cursor_be32(c);
    uint8_t offset = cursor_u8(c);
    pkt->tcp_flags = cursor_u8(c);
    pkt->tcp_win = cursor_be16(c);
    cursor_skip(c, 2); /* checksum */
    pkt->tcp_urg_ptr = cursor_be16(c);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    size_t header_len = (size_t)(offset >> 4) * 4;
    if (header_len < 20)
        return SKIP_MALFORMED;
    if (!cursor_take(c, header_len - 20, &pkt->tcp_opts))
        return cursor_fail(c) == CUR_CAPTRUNC ? SKIP_TRUNCATED : SKIP_MALFORMED;
    pkt->transport = TP_TCP;
    pkt->payload = cursor_rest(c);
    pkt->payload_wire_len = less(pkt->payload_wire_len, header_len);
    return SKIP_NONE;
}

static SkipReason decode_udp(Cursor *c, Packet *pkt)
{
    pkt->sport = cursor_be16(c);
    pkt->dport = cursor_be16(c);
    uint16_t length = cursor_be16(c);
    cursor_skip(c, 2);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    /* Length 0 is legal for IPv6 jumbograms only; take the IP length then. */
    if (length != 0 && length < 8)
        return SKIP_MALFORMED;
    pkt->transport = TP_UDP;
    if (length == 0) {
        pkt->payload = cursor_rest(c);
        pkt->payload_wire_len = less(pkt->payload_wire_len, 8);
        return SKIP_NONE;
    }
    if (!cursor_take_declared(c, length - 8u, &pkt->payload))
        return SKIP_MALFORMED;
    pkt->payload_wire_len = length - 8u;
    return SKIP_NONE;
}

static SkipReason decode_icmp(Cursor *c, Packet *pkt, Transport tp)
{
    int type = cursor_peek(c, 0);
    int code = cursor_peek(c, 1);
    if (type < 0 || code < 0)
        return SKIP_TRUNCATED;
    pkt->icmp_type = (uint8_t)type;
    pkt->icmp_code = (uint8_t)code;
    pkt->transport = tp;
    pkt->payload = cursor_rest(c);
    if (tp == TP_ICMPV6)
        decode_nd(&pkt->payload, pkt);
    return SKIP_NONE;
}

static SkipReason decode_l4(Cursor *c, Packet *pkt)
{
    switch (pkt->ip_proto) {
    case IPPROTO_TCP_:
        return decode_tcp(c, pkt);
    case IPPROTO_UDP_:
        return decode_udp(c, pkt);
    case IPPROTO_ICMP_:
        return pkt->ip_ver == 4 ? decode_icmp(c, pkt, TP_ICMP) : SKIP_MALFORMED;
    case IPPROTO_ICMPV6_:
        return pkt->ip_ver == 6 ? decode_icmp(c, pkt, TP_ICMPV6) : SKIP_MALFORMED;
    default:
        pkt->transport = TP_IP;
        pkt->payload = cursor_rest(c);
        return SKIP_NONE;
    }
}

SkipReason decode_transport(Cursor *c, Packet *pkt)
{
    SkipReason why = decode_l4(c, pkt);
    if (why == SKIP_NONE)
        tunnel_detect(pkt);
    return why;
}
