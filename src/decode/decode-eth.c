/*
 * decode-eth.c - Ethernet II, IEEE 802.3 with LLC/SNAP, 802.1Q and QinQ.
 *
 * Reference: IEEE 802.3-2018 clause 3; IEEE 802.1Q-2018 clause 9.
 *
 *   +---------+---------+------------+--------------------------+
 *   | dst (6) | src (6) | type/len(2)| payload                  |
 *   +---------+---------+------------+--------------------------+
 *   type/len <= 1500: 802.3 length, then LLC (DSAP SSAP ctrl)
 *   [+ SNAP: OUI(3) PID(2) when DSAP = SSAP = 0xaa]
 *   0x8100 / 0x88a8 / 0x9100: a 4-byte VLAN tag, then the real type.
 *
 * Frames that are not IP or ARP stay L2 frames (TP_ETHER) whose payload
 * the L2 dissectors (LLDP, CDP, GOOSE, PROFINET, ...) identify.
 */
#include "config.h"

#include "decode.h"

enum {
    ETH_TYPE_IPV4 = 0x0800,
    ETH_TYPE_ARP = 0x0806,
    ETH_TYPE_VLAN = 0x8100,
    ETH_TYPE_QINQ = 0x88a8,
    ETH_TYPE_QINQ_OLD = 0x9100,
    ETH_TYPE_IPV6 = 0x86dd,
    ETH_MAX_LENGTH = 1500, /* type/len values up to this are 802.3 lengths */
    VLAN_MAX_TAGS = 4,     /* deeper stacks are not plant networks */
};

static SkipReason decode_l2_only(Cursor *c, Packet *pkt)
{
    pkt->transport = TP_ETHER;
    pkt->payload = cursor_rest(c);
    pkt->payload_wire_len = (uint32_t)cursor_len(&pkt->payload);
    return SKIP_NONE;
}

/* 802.3 frame: the type/len field is a length; LLC (and maybe SNAP) follows. */
static SkipReason decode_llc(Cursor *c, uint16_t length, Packet *pkt)
{
    Cursor body;
    if (!cursor_take_declared(c, length, &body))
        return SKIP_MALFORMED;
    uint8_t dsap = cursor_u8(&body);
    uint8_t ssap = cursor_u8(&body);
    cursor_u8(&body); /* control: U frames only in practice */
    if (!cursor_ok(&body))
        return SKIP_TRUNCATED;
    pkt->llc_dsap = dsap;
    if (dsap == 0xaa && ssap == 0xaa) {
        pkt->snap_oui = cursor_be24(&body);
        pkt->snap_pid = cursor_be16(&body);
        if (!cursor_ok(&body))
            return SKIP_TRUNCATED;
    }
    return decode_l2_only(&body, pkt);
}

SkipReason decode_ethertype(Decoder *d, uint16_t ethertype, Cursor *c, Packet *pkt)
{
    while (ethertype == ETH_TYPE_VLAN || ethertype == ETH_TYPE_QINQ ||
           ethertype == ETH_TYPE_QINQ_OLD) {
        uint16_t tci = cursor_be16(c);
        ethertype = cursor_be16(c);
        if (!cursor_ok(c))
            return SKIP_TRUNCATED;
        if (++pkt->n_vlan > VLAN_MAX_TAGS)
            return SKIP_MALFORMED;
        if (pkt->n_vlan == 1)
            pkt->vlan_outer = tci & 0x0fff;
        pkt->vlan = tci & 0x0fff;
    }
    pkt->ethertype = ethertype;
    switch (ethertype) {
    case ETH_TYPE_IPV4:
        return decode_ipv4(d, c, pkt);
    case ETH_TYPE_IPV6:
        return decode_ipv6(d, c, pkt);
    case ETH_TYPE_ARP: {
        Cursor arp = *c;
        SkipReason why = decode_arp(&arp, pkt);
        if (why != SKIP_NONE)
            return why;
        return decode_l2_only(c, pkt);
    }
    default:
        if (ethertype <= ETH_MAX_LENGTH) {
            pkt->ethertype = 0;
            return decode_llc(c, ethertype, pkt);
        }
        return decode_l2_only(c, pkt);
    }
}

SkipReason decode_ethernet(Decoder *d, Cursor *c, Packet *pkt)
{
    cursor_copy(c, pkt->dst_mac.b, 6);
    cursor_copy(c, pkt->src_mac.b, 6);
    uint16_t ethertype = cursor_be16(c);
    if (!cursor_ok(c))
        return SKIP_TRUNCATED;
    pkt->has_src_mac = true;
    pkt->has_dst_mac = true;
    return decode_ethertype(d, ethertype, c, pkt);
}
