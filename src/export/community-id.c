/*
 * community-id.c - Community ID v1 (contract in community-id.h), checked
 * against the spec's baseline vectors in tests/export/test-community-id.c.
 */
#include "config.h"

#include "community-id.h"

#include <string.h>

#include <glib.h>

#include "sha1.h"

/* (saddr, sport) < (daddr, dport), addresses compared as big-endian bytes */
static bool endpoint_lt(const uint8_t *sa, const uint8_t *da, size_t alen, uint16_t sport,
                        uint16_t dport)
{
    int c = memcmp(sa, da, alen);
    return c < 0 || (c == 0 && sport < dport);
}

bool community_id_v1(const IpAddr *src, const IpAddr *dst, uint8_t proto, bool has_ports,
                     uint16_t sport, uint16_t dport, bool is_one_way, uint16_t seed,
                     char out[COMMUNITY_ID_STRLEN])
{
    out[0] = '\0';
    bool v4 = ipaddr_is_v4(src);
    if (v4 != ipaddr_is_v4(dst))
        return false;
    const uint8_t *sa = v4 ? src->b + 12 : src->b;
    const uint8_t *da = v4 ? dst->b + 12 : dst->b;
    size_t alen = v4 ? 4 : 16;
    if (!has_ports)
        sport = dport = 0;
    if (!is_one_way && !endpoint_lt(sa, da, alen, sport, dport)) {
        const uint8_t *ta = sa;
        sa = da;
        da = ta;
        uint16_t tp = sport;
        sport = dport;
        dport = tp;
    }
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t n = 0;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, sa, alen);
    n += alen;
    memcpy(buf + n, da, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0; /* padding to a 32-bit boundary */
    if (has_ports) {
        buf[n++] = (uint8_t)(sport >> 8);
        buf[n++] = (uint8_t)sport;
        buf[n++] = (uint8_t)(dport >> 8);
        buf[n++] = (uint8_t)dport;
    }
    Sha1 h;
    uint8_t digest[SHA1_DIGEST_LEN];
    sha1_init(&h);
    sha1_update(&h, buf, n);
    sha1_final(&h, digest);
    gchar *b64 = g_base64_encode(digest, sizeof digest);
    g_snprintf(out, COMMUNITY_ID_STRLEN, "1:%s", b64);
    g_free(b64);
    return true;
}

void community_id_icmp_ports(bool is_v6, uint8_t type, uint8_t code, uint16_t *sport,
                             uint16_t *dport, bool *is_one_way)
{
    /* request/reply pairs; a type absent here is one-way */
    static const uint8_t v4_pairs[][2] = {
        { 8, 0 },   { 0, 8 },   /* echo */
        { 13, 14 }, { 14, 13 }, /* timestamp */
        { 15, 16 }, { 16, 15 }, /* information */
        { 10, 9 },              /* router solicitation -> advertisement */
        { 17, 18 }, { 18, 17 }, /* address mask */
    };
    static const uint8_t v6_pairs[][2] = {
        { 128, 129 }, { 129, 128 }, /* echo */
        { 133, 134 }, { 134, 133 }, /* router solicitation/advertisement */
        { 135, 136 }, { 136, 135 }, /* neighbor solicitation/advertisement */
        { 130, 131 }, { 131, 130 }, /* multicast listener query/report */
        { 139, 140 }, { 140, 139 }, /* node information query/reply */
        { 144, 145 }, { 145, 144 }, /* home agent address discovery */
    };
    const uint8_t(*pairs)[2] = is_v6 ? v6_pairs : v4_pairs;
    size_t n = is_v6 ? G_N_ELEMENTS(v6_pairs) : G_N_ELEMENTS(v4_pairs);
    for (size_t i = 0; i < n; i++) {
        if (pairs[i][0] == type) {
            *sport = type;
            *dport = pairs[i][1];
            *is_one_way = false;
            return;
        }
    }
    *sport = type;
    *dport = code;
    *is_one_way = true;
}
