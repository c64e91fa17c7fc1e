/*
 * decode-nd.c - IPv6 Neighbor Discovery (RFC 4861 section 4): which MAC
 * owns which IPv6 address, the IPv6 counterpart of an ARP sender.
 *
 * A Router Solicitation, Router Advertisement or Neighbor Solicitation
 * claims its source address (not the unspecified address of duplicate
 * address detection); a Neighbor Advertisement claims its target address.
 * The owner is the link-layer address in the Source/Target Link-Layer
 * Address option, else the frame's source MAC.  Messages with a hop limit
 * other than 255 did not come from the link (RFC 4861 7.1.1) and claim
 * nothing; redirects and the other options are not read.
 *
 *   RS (133): type code sum(2) reserved(4)                       options
 *   RA (134): type code sum(2) hop(1) flags(1) lifetime(2) reachable(4)
 *             retrans(4)                                          options
 *   NS (135): type code sum(2) reserved(4) target(16)             options
 *   NA (136): type code sum(2) flags(1) reserved(3) target(16)    options
 *   option:   type(1) length(1, units of 8 bytes) value; 1 = source,
 *             2 = target link-layer address (6 bytes on Ethernet)
 */
#include "config.h"

#include <string.h>

#include "decode.h"

enum {
    ND_RS = 133,
    ND_RA = 134,
    ND_NS = 135,
    ND_NA = 136,
    ND_HOP_LIMIT = 255,
    ND_OPT_SOURCE_LLA = 1,
    ND_OPT_TARGET_LLA = 2,
    ND_MAX_OPTIONS = 16,
    ND_RS_FIXED = 8,
    ND_RA_FIXED = 16,
    ND_NS_NA_FIXED = 8, /* before the target */
};

/* The link-layer address option of the wanted type, if any. */
static bool read_lla(Cursor *opts, uint8_t want, MacAddr *mac)
{
    for (int i = 0; i < ND_MAX_OPTIONS && cursor_left(opts) >= 2; i++) {
        uint8_t type = cursor_u8(opts);
        uint8_t units = cursor_u8(opts);
        Cursor value;
        if (units == 0 || !cursor_take(opts, (size_t)units * 8 - 2, &value))
            return false; /* a zero length is invalid (4.6) and ends parsing */
        if (type == want && cursor_copy(&value, mac->b, sizeof mac->b))
            return true;
    }
    return false;
}

void decode_nd(const Cursor *msg, Packet *pkt)
{
    if (pkt->ip_ver != 6 || pkt->ttl != ND_HOP_LIMIT || pkt->icmp_code != 0)
        return;
    Cursor c = *msg;
    IpAddr claimed = pkt->src_ip;
    uint8_t lla_type = ND_OPT_SOURCE_LLA;
    switch (pkt->icmp_type) {
    case ND_RS:
        cursor_skip(&c, ND_RS_FIXED);
        break;
    case ND_RA:
        cursor_skip(&c, ND_RA_FIXED);
        break;
    case ND_NS:
        cursor_skip(&c, ND_NS_NA_FIXED + sizeof claimed.b);
        break;
    case ND_NA:
        cursor_skip(&c, ND_NS_NA_FIXED);
        cursor_copy(&c, claimed.b, sizeof claimed.b);
        lla_type = ND_OPT_TARGET_LLA;
        break;
    default:
        return;
    }
    if (!cursor_ok(&c) || ipaddr_is_zero(&claimed) || ipaddr_is_multicast(&claimed))
        return;
    MacAddr owner;
    if (!read_lla(&c, lla_type, &owner)) {
        if (!pkt->has_src_mac)
            return;
        owner = pkt->src_mac;
    }
    if (macaddr_is_group(&owner) || macaddr_is_zero(&owner))
        return;
    pkt->nd.is_claim = true;
    pkt->nd.addr = claimed;
    pkt->nd.owner = owner;
}
