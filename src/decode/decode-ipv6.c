/*
 * decode-ipv6.c - IPv6 header and extension headers (RFC 8200).
 *
 *   +-------+---------------+---------------------------------------+
 *   |Version| Traffic Class |              Flow Label               |
 *   +-------+---------------+-------+---------------+---------------+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-------------------------------+---------------+---------------+
 *   |          Source Address (16) / Destination Address (16)       |
 *   +---------------------------------------------------------------+
 *
 * Extension headers walked: hop-by-hop (0), routing (43), fragment (44),
 * destination options (60), AH (51).  ESP (50) and "no next header" (59)
 * end the walk with an opaque payload.
 */
#include "config.h"

#include "decode.h"

enum {
    IP6_HOPOPTS = 0,
    IP6_ROUTING = 43,
    IP6_FRAGMENT = 44,
    IP6_AH = 51,
    IP6_DSTOPTS = 60,
    IP6_MAX_EXT_HEADERS = 8, /* more is an evasion attempt, not a plant */
};

/* Skips one generic extension header; returns its next-header value. */
static bool skip_ext_header(Cursor *c, uint8_t type, uint8_t *next)
{
    *next = cursor_u8(c);
    uint8_t len = cursor_u8(c);
    /* AH counts 4-byte units minus 2; the others 8-byte units minus 1 */
    size_t total = type == IP6_AH ? ((size_t)len + 2) * 4 : ((size_t)len + 1) * 8;
    return cursor_skip(c, total - 2);
}

SkipReason decode_ipv6(Decoder *d, Cursor *c, Packet *pkt)
{
    uint32_t vtf = cursor_be32(c);
    uint16_t payload_len = cursor_be16(c);
    uint8_t next = cursor_u8(c);
    uint8_t hop_limit = cursor_u8(c);
    cursor_copy(c, pkt->src_ip.b, 16);
    cursor_copy(c, pkt->dst_ip.b, 16);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    if ((vtf >> 28) != 6)
        return SKIP_MALFORMED;
    Cursor body;
    if (!cursor_take_declared(c, payload_len, &body))
        return SKIP_MALFORMED;
    pkt->ip_ver = 6;
    pkt->ttl = hop_limit;
    pkt->ip_ecn = (uint8_t)((vtf >> 20) & 0x03);

    uint32_t frag_id = 0;
    uint32_t frag_offset = 0;
    bool is_fragment = false;
    bool has_more = false;
    for (int n = 0; n < IP6_MAX_EXT_HEADERS; n++) {
        if (next == IP6_FRAGMENT) {
            uint8_t after = cursor_u8(&body);
            cursor_skip(&body, 1);
            uint16_t off_flags = cursor_be16(&body);
            frag_id = cursor_be32(&body);
            if (!cursor_ok(&body))
                return SKIP_TRUNCATED;
            frag_offset = (uint32_t)(off_flags & 0xfff8);
            has_more = (off_flags & 1) != 0;
            is_fragment = true;
            next = after;
        } else if (next == IP6_HOPOPTS || next == IP6_ROUTING || next == IP6_DSTOPTS ||
                   next == IP6_AH) {
            uint8_t after;
            if (!skip_ext_header(&body, next, &after))
                return cursor_fail(&body) == CUR_CAPTRUNC ? SKIP_TRUNCATED : SKIP_MALFORMED;
            next = after;
        } else {
            break;
        }
    }
    pkt->ip_proto = next;
    pkt->payload_wire_len = (uint32_t)(payload_len - cursor_offset(&body));
    if (is_fragment && (has_more || frag_offset)) {
        Cursor rest = cursor_rest(&body);
        Cursor datagram;
        if (!ipfrag_add(decoder_frags(d), pkt, frag_id, frag_offset, has_more, &rest, &datagram))
            return SKIP_FRAGMENT;
        pkt->is_reassembled = true;
        pkt->payload_wire_len = (uint32_t)cursor_len(&datagram);
        return decode_transport(&datagram, pkt);
    }
    Cursor rest = cursor_rest(&body);
    return decode_transport(&rest, pkt);
}
