/*
 * test-anon.c - properties of the pseudonyms (export/anon.c) that the
 * sample is too small to show: no two of 200 000 MACs of one vendor or of
 * 65 536 addresses of one /16 share a pseudonym, private ranges stay
 * private and public addresses public, kept addresses are kept, the same
 * key gives the same pseudonyms and free text is scrubbed.  TAP.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "anon.h"
#include "otscope/packet.h"
#include "../tap.h"

int main(void)
{
    Anon *a = anon_new("test-key");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    bool distinct = true;
    bool oui_kept = true;
    for (int i = 0; i < 200000; i++) {
        char mac[18];
        g_snprintf(mac, sizeof mac, "00:1b:1b:%02x:%02x:%02x", (i >> 16) & 255, (i >> 8) & 255,
                   i & 255);
        const char *p = anon_value(a, STK_ADDR, mac);
        oui_kept = oui_kept && strncmp(p, "00:1b:1b:", 9) == 0;
        if (!g_hash_table_add(seen, g_strdup(p)))
            distinct = false;
    }
    tap_ok(distinct, "200000 MACs of one OUI get 200000 pseudonyms");
    tap_ok(oui_kept, "every MAC keeps its OUI");
    g_hash_table_remove_all(seen);
    anon_free(a);

    a = anon_new("test-key");
    distinct = true;
    bool private_kept = true;
    for (int i = 0; i < 65536; i++) {
        char ip[16];
        g_snprintf(ip, sizeof ip, "10.7.%d.%d", i >> 8, i & 255);
        const char *p = anon_value(a, STK_ADDR, ip);
        private_kept = private_kept && strncmp(p, "10.", 3) == 0;
        if (!g_hash_table_add(seen, g_strdup(p)))
            distinct = false;
    }
    tap_ok(distinct, "65536 addresses of a /16 get 65536 pseudonyms");
    tap_ok(private_kept, "10/8 stays in 10/8");
    bool public_public = true;
    for (int i = 0; i < 20000; i++) {
        char ip[16];
        g_snprintf(ip, sizeof ip, "%d.%d.%d.%d", 1 + i % 200, (i * 7) & 255, (i * 13) & 255, i & 255);
        IpAddr in;
        IpAddr out;
        if (!ipaddr_parse(ip, &in) || ipaddr_is_private(&in) || ipaddr_is_multicast(&in))
            continue;
        const char *p = anon_value(a, STK_ADDR, ip);
        public_public = public_public && ipaddr_parse(p, &out) && !ipaddr_is_private(&out) &&
                        !ipaddr_is_multicast(&out) && !ipaddr_is_zero(&out);
    }
    tap_ok(public_public, "public addresses stay public");
    tap_ok(strcmp(anon_value(a, STK_ADDR, "255.255.255.255"), "255.255.255.255") == 0 &&
           strcmp(anon_value(a, STK_ADDR, "224.0.0.251"), "224.0.0.251") == 0 &&
           strcmp(anon_value(a, STK_ADDR, "ff:ff:ff:ff:ff:ff"), "ff:ff:ff:ff:ff:ff") == 0 &&
           strcmp(anon_value(a, STK_ADDR, "0.0.0.0"), "0.0.0.0") == 0,
       "broadcast, multicast and unspecified addresses are kept");
    const char *v6 = anon_value(a, STK_ADDR, "fe80::200:86ff:fe05:80da");
    printf("# %s\n", v6);
    tap_ok((strncmp(v6, "fe8", 3) == 0 || strncmp(v6, "fe9", 3) == 0 || strncmp(v6, "fea", 3) == 0 ||
        strncmp(v6, "feb", 3) == 0) &&
           strcmp(v6, "fe80::200:86ff:fe05:80da") != 0,
       "IPv6 link-local stays in fe80::/10, changed");

    Anon *b = anon_new("test-key");
    tap_ok(strcmp(anon_value(b, STK_ADDR, "10.7.1.2"), anon_value(a, STK_ADDR, "10.7.1.2")) == 0 &&
           strcmp(anon_value(b, STK_NAME, "plc-7"), anon_value(a, STK_NAME, "plc-7")) == 0,
       "the same key gives the same pseudonyms");
    Anon *c = anon_new(NULL);
    tap_ok(strcmp(anon_value(c, STK_ADDR, "10.7.1.2"), anon_value(a, STK_ADDR, "10.7.1.2")) != 0,
       "a random key gives other pseudonyms");

    anon_learn(a, STK_NAME, "ENG-WS01");
    anon_learn(a, STK_PATH, "/home/alice/caps/day1.pcapng");
    const char *t = anon_value(a, STK_TEXT,
                               "day1.pcapng frames 3-4: ENG-WS01 (10.7.0.9:502) asked "
                               "wpad.corp.example for mac:00:1b:1b:00:00:01 via /home/alice/x.csv");
    printf("# %s\n", t);
    tap_ok(!strstr(t, "ENG-WS01") && !strstr(t, "10.7.0.9") && !strstr(t, "corp.example") &&
           !strstr(t, "00:1b:1b:00:00:01") && !strstr(t, "alice") && !strstr(t, "day1") &&
           strstr(t, "capture-1.pcapng frames 3-4") && strstr(t, ":502)"),
       "free text: names, addresses, DNS names, paths replaced, the rest kept");
    tap_ok(strcmp(anon_value(a, STK_SECRET, "hunter2"), "") == 0, "secrets are dropped");
    anon_free(a);
    anon_free(b);
    anon_free(c);
    g_hash_table_unref(seen);
    return tap_end();
}
