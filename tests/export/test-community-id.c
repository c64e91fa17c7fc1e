/*
 * test-community-id.c - SHA-1 against FIPS 180 examples and Community ID
 * v1 against the spec's baseline (community-id-spec/baseline/
 * baseline_deflt.json and baseline_seed1.json: the tuples are given there
 * with ICMP types already mapped to their port pairs), plus the ICMP port
 * mapping.  TAP.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "community-id.h"
#include "sha1.h"
#include "../tap.h"

static void sha1_hex(const char *msg, size_t repeat, char out[41])
{
    Sha1 h;
    uint8_t d[SHA1_DIGEST_LEN];
    sha1_init(&h);
    for (size_t i = 0; i < repeat; i++)
        sha1_update(&h, msg, strlen(msg));
    sha1_final(&h, d);
    for (int i = 0; i < SHA1_DIGEST_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

typedef struct Vector {
    int proto;
    const char *saddr;
    const char *daddr;
    int sport; /* -1: the protocol has no ports */
    int dport;
    const char *id_seed0;
    const char *id_seed1;
} Vector;

static const Vector vectors[] = {
    { 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136,
      "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
    { 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135,
      "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
    { 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136,
      "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
    { 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
      "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=", "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=" },
    { 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4,
      "1:hLZd0XGWojozrvxqE0dWB1iM6R0=", "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=" },
    { 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129,
      "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
    { 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
      "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=" },
    { 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=",
      "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=" },
    { 1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
      "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
    { 1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
      "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
    { 1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=",
      "1:XjUibYHaafLQ3pxQeiMI8g25q20=" },
    { 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25,
      "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
    { 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
      "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
    { 132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
      "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
    { 132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
      "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
    { 6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
      "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
    { 6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
      "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
    { 17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
      "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
    { 17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
      "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
    { 46, "10.1.12.1", "10.1.12.2", -1, -1, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
      "1:rYir8gphR31noO9iDRQmF/BteEI=" },
    { 46, "10.1.12.2", "10.1.12.1", -1, -1, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
      "1:rYir8gphR31noO9iDRQmF/BteEI=" },
};

int main(void)
{
    char hex[41];
    sha1_hex("abc", 1, hex);
    tap_ok(strcmp(hex, "a9993e364706816aba3e25717850c26c9cd0d89d") == 0, "sha1 abc");
    sha1_hex("", 1, hex);
    tap_ok(strcmp(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709") == 0, "sha1 empty");
    sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, hex);
    tap_ok(strcmp(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1") == 0, "sha1 two blocks");
    sha1_hex("a", 1000000, hex);
    tap_ok(strcmp(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f") == 0, "sha1 million a");

    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const Vector *v = &vectors[i];
        IpAddr s;
        IpAddr d;
        char id[COMMUNITY_ID_STRLEN];
        char what[160];
        bool has_ports = v->sport >= 0;
        bool parsed = ipaddr_parse(v->saddr, &s) && ipaddr_parse(v->daddr, &d);
        for (int seed = 0; seed <= 1; seed++) {
            bool done = parsed && community_id_v1(&s, &d, (uint8_t)v->proto, has_ports,
                                                  (uint16_t)(has_ports ? v->sport : 0),
                                                  (uint16_t)(has_ports ? v->dport : 0), false,
                                                  (uint16_t)seed, id);
            const char *want = seed ? v->id_seed1 : v->id_seed0;
            snprintf(what, sizeof what, "proto %d %s:%d -> %s:%d seed %d = %s", v->proto,
                     v->saddr, v->sport, v->daddr, v->dport, seed, want);
            tap_ok(done && strcmp(id, want) == 0, what);
            if (done && strcmp(id, want) != 0)
                printf("# got %s\n", id);
        }
    }

    uint16_t sp;
    uint16_t dp;
    bool one_way;
    community_id_icmp_ports(false, 8, 0, &sp, &dp, &one_way);
    tap_ok(sp == 8 && dp == 0 && !one_way, "icmp echo request -> (8, 0)");
    community_id_icmp_ports(false, 0, 0, &sp, &dp, &one_way);
    tap_ok(sp == 0 && dp == 8 && !one_way, "icmp echo reply -> (0, 8)");
    community_id_icmp_ports(false, 11, 1, &sp, &dp, &one_way);
    tap_ok(sp == 11 && dp == 1 && one_way, "icmp time exceeded is one-way (type, code)");
    community_id_icmp_ports(true, 135, 0, &sp, &dp, &one_way);
    tap_ok(sp == 135 && dp == 136 && !one_way, "icmpv6 neighbor solicitation -> (135, 136)");
    community_id_icmp_ports(true, 1, 4, &sp, &dp, &one_way);
    tap_ok(sp == 1 && dp == 4 && one_way, "icmpv6 unreachable is one-way");

    /* a one-way flow keeps its order: swapping the ends changes the ID */
    IpAddr a;
    IpAddr b;
    char id1[COMMUNITY_ID_STRLEN];
    char id2[COMMUNITY_ID_STRLEN];
    ipaddr_parse("10.0.0.2", &a);
    ipaddr_parse("10.0.0.1", &b);
    community_id_v1(&a, &b, 1, true, 11, 0, true, 0, id1);
    community_id_v1(&b, &a, 1, true, 11, 0, true, 0, id2);
    tap_ok(strcmp(id1, id2) != 0, "one-way ICMP is not reordered");
    tap_ok(!community_id_v1(&a, &(IpAddr){ .b = { 0xfe, 0x80, [15] = 1 } }, 6, true, 1, 2, false, 0,
                        id1),
       "mixed IPv4/IPv6 is refused");

    return tap_end();
}
