/*
 * community-id.h - Community ID flow hashing, version 1
 * (https://github.com/corelight/community-id-spec): "1:" + base64 of the
 * SHA-1 over seed, the ordered address pair, protocol, a zero byte and the
 * ordered port pair, all in network byte order.
 */
#ifndef OTS_EXPORT_COMMUNITY_ID_H
#define OTS_EXPORT_COMMUNITY_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/packet.h"

enum {
    COMMUNITY_ID_STRLEN = 32, /* "1:" + 28 base64 characters + NUL, rounded up */
    IANA_ICMP = 1,
    IANA_TCP = 6,
    IANA_UDP = 17,
    IANA_ICMPV6 = 58,
    IANA_SCTP = 132,
};

/* The ID of a flow between src and dst (both IPv4 or both IPv6; false
 * otherwise).  has_ports: TCP, UDP, SCTP and the ICMPs carry a port pair;
 * other protocols hash addresses and protocol only.  is_one_way keeps the
 * given order instead of putting the smaller endpoint first (ICMP messages
 * without a counterpart). */
bool community_id_v1(const IpAddr *src, const IpAddr *dst, uint8_t proto, bool has_ports,
                     uint16_t sport, uint16_t dport, bool is_one_way, uint16_t seed,
                     char out[COMMUNITY_ID_STRLEN]);

/* The port pair the spec derives from an ICMP (is_v6 false) or ICMPv6
 * type and code, after Zeek: request/reply types map to (type, counter
 * type); any other message is one-way (type, code). */
void community_id_icmp_ports(bool is_v6, uint8_t type, uint8_t code, uint16_t *sport,
                             uint16_t *dport, bool *is_one_way);

#endif /* OTS_EXPORT_COMMUNITY_ID_H */
