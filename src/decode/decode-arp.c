/*
 * decode-arp.c - ARP for IPv4 over Ethernet (RFC 826).
 *
 *   htype(2)=1 ptype(2)=0x0800 hlen(1)=6 plen(1)=4 op(2)
 *   sha(6) spa(4) tha(6) tpa(4)
 *
 * Other hardware/protocol combinations are left as plain L2 frames.  The
 * address pairs matter to the model (who owns which IP), so ARP is decoded
 * here rather than only in the arp dissector.
 */
#include "config.h"

#include "decode.h"

SkipReason decode_arp(Cursor *c, Packet *pkt)
{
    uint16_t htype = cursor_be16(c);
    uint16_t ptype = cursor_be16(c);
    uint8_t hlen = cursor_u8(c);
    uint8_t plen = cursor_u8(c);
    uint16_t op = cursor_be16(c);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
        return SKIP_NONE; /* not IPv4-over-Ethernet ARP: stays an L2 frame */
    ArpInfo arp;
    arp.op = op;
    cursor_copy(c, arp.sha.b, 6);
    uint32_t spa = cursor_be32(c);
    cursor_copy(c, arp.tha.b, 6);
    uint32_t tpa = cursor_be32(c);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    ipaddr_from_v4(&arp.spa, spa);
    ipaddr_from_v4(&arp.tpa, tpa);
    pkt->arp = arp;
    pkt->is_arp = true;
    return SKIP_NONE;
}
