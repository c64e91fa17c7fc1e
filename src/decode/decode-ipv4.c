/*
 * decode-ipv4.c - IPv4 header (RFC 791), handing fragments to reassembly.
 *
 *    0                   1                   2                   3
 *   +-------+-------+---------------+-------------------------------+
 *   |Version|  IHL  |    DSCP/ECN   |          Total Length         |
 *   +-------+-------+---------------+-----+-------------------------+
 *   |         Identification        |Flags|     Fragment Offset     |
 *   +---------------+---------------+-----+-------------------------+
 *   |      TTL      |    Protocol   |        Header Checksum        |
 *   +---------------+---------------+-------------------------------+
 *   |              Source Address / Destination Address             |
 *   +---------------------------------------------------------------+
 *
 * The datagram window is cut at Total Length, so Ethernet padding never
 * reaches a dissector.  A Total Length beyond the captured bytes is
 * truncation when the capture clipped the frame, and malformed otherwise.
 * The checksum is not verified: NIC offload makes it wrong in many
 * captures taken on the sending host.
 */
#include "config.h"

#include "decode.h"

SkipReason decode_ipv4(Decoder *d, Cursor *c, Packet *pkt)
{
    uint8_t ver_ihl = cursor_u8(c);
    uint8_t tos = cursor_u8(c);
    uint16_t total_len = cursor_be16(c);
    uint16_t id = cursor_be16(c);
    uint16_t frag = cursor_be16(c);
    uint8_t ttl = cursor_u8(c);
    uint8_t proto = cursor_u8(c);
    cursor_skip(c, 2);
    uint32_t src = cursor_be32(c);
    uint32_t dst = cursor_be32(c);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    unsigned header_len = (ver_ihl & 0x0f) * 4u;
    if ((ver_ihl >> 4) != 4 || header_len < 20 || total_len < header_len)
        return SKIP_MALFORMED;
    if (!cursor_skip(c, header_len - 20))
        return SKIP_TRUNCATED;
    Cursor body;
    if (!cursor_take_declared(c, total_len - header_len, &body))
        return SKIP_MALFORMED;

    pkt->ip_ver = 4;
    ipaddr_from_v4(&pkt->src_ip, src);
    ipaddr_from_v4(&pkt->dst_ip, dst);
    pkt->ttl = ttl;
    pkt->ip_proto = proto;
    pkt->ip_opt_len = (uint8_t)(header_len - 20);
    pkt->ip_df = (frag & 0x4000) != 0;
    pkt->ip_id = id;
    pkt->ip_ecn = tos & 0x03;
    uint32_t wire_body_len = total_len - header_len;

    bool has_more = (frag & 0x2000) != 0;
    uint32_t offset = (uint32_t)(frag & 0x1fff) * 8;
    if (has_more || offset) {
        Cursor datagram;
        if (!ipfrag_add(decoder_frags(d), pkt, id, offset, has_more, &body, &datagram))
            return SKIP_FRAGMENT;
        pkt->is_reassembled = true;
        body = datagram;
        wire_body_len = (uint32_t)cursor_len(&datagram);
    }
    pkt->payload_wire_len = wire_body_len;
    return decode_transport(&body, pkt);
}
