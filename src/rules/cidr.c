/*
 * cidr.c - CIDR networks: parsing and membership, for IPv4 and IPv6.
 */
#include "config.h"

#include "cidr.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

bool cidr_parse(const char *text, Cidr *out)
{
    memset(out, 0, sizeof *out);
    const char *slash = strchr(text, '/');
    char *addr = slash ? g_strndup(text, (gsize)(slash - text)) : g_strdup(text);
    bool ok = ipaddr_parse(g_strstrip(addr), &out->net);
    g_free(addr);
    if (!ok)
        return false;
    out->is_v4 = ipaddr_is_v4(&out->net);
    int max = out->is_v4 ? 32 : 128;
    out->prefix = max;
    if (slash) {
        char *end;
        long p = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || p < 0 || p > max)
            return false;
        out->prefix = (int)p;
    }
    if (out->is_v4) {
        uint32_t mask = out->prefix ? 0xffffffffu << (32 - out->prefix) : 0;
        ipaddr_from_v4(&out->net, ipaddr_v4(&out->net) & mask);
    } else {
        for (int bit = out->prefix; bit < 128; bit++)
            out->net.b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
    }
    return true;
}

bool cidr_contains(const Cidr *c, const IpAddr *ip)
{
    if (c->is_v4 != ipaddr_is_v4(ip))
        return false;
    if (c->is_v4) {
        uint32_t mask = c->prefix ? 0xffffffffu << (32 - c->prefix) : 0;
        return (ipaddr_v4(ip) & mask) == ipaddr_v4(&c->net);
    }
    int full = c->prefix / 8;
    if (memcmp(ip->b, c->net.b, (size_t)full) != 0)
        return false;
    int rest = c->prefix % 8;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (ip->b[full] & mask) == c->net.b[full];
}

bool cidr_v4_range(const Cidr *c, uint32_t *lo, uint32_t *hi)
{
    if (!c->is_v4)
        return false;
    *lo = ipaddr_v4(&c->net);
    *hi = *lo | (c->prefix ? ~(0xffffffffu << (32 - c->prefix)) : 0xffffffffu);
    return true;
}
