/*
 * cidr.h - IPv4/IPv6 networks in CIDR notation, for the zone policy.
 */
#ifndef OTS_RULES_CIDR_H
#define OTS_RULES_CIDR_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/packet.h"

typedef struct Cidr {
    IpAddr net;  /* host bits cleared */
    int prefix;  /* 0..32 (IPv4) or 0..128 */
    bool is_v4;
} Cidr;

/* "10.10.0.0/16", "10.10.1.5" (a /32), "fd00::/8".  False when it is not
 * an address with a prefix in range; host bits set below the prefix are
 * cleared, as routers do. */
bool cidr_parse(const char *text, Cidr *out);
bool cidr_contains(const Cidr *c, const IpAddr *ip);
/* The IPv4 network as an inclusive range of host-order numbers (the
 * asset_ip4 view of the store compares those); false for IPv6. */
bool cidr_v4_range(const Cidr *c, uint32_t *lo, uint32_t *hi);

#endif /* OTS_RULES_CIDR_H */
