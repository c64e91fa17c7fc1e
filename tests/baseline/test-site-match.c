/*
 * test-site-match.c - the comparisons the site rules stand on: vendor
 * firmware versions and advisory ranges, CIDR membership, loose identity
 * matching, MAC normalisation, and the JSON reader of advisory files.  TAP.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cidr.h"
#include "fw-version.h"
#include "ident-match.h"
#include "json-read.h"
#include "../tap.h"

static bool in(const char *range, const char *version)
{
    return fwrange_contains(range, version);
}

static bool cidr_has(const char *net, const char *addr)
{
    Cidr c;
    IpAddr ip;
    return cidr_parse(net, &c) && ipaddr_parse(addr, &ip) && cidr_contains(&c, &ip);
}

int main(void)
{
    /* versions as vendors write them */
    tap_ok(fwver_same("V4.2.1", "4.2.1"), "V4.2.1 is 4.2.1");
    tap_ok(fwver_same("FW 20.011", "20.11"), "FW 20.011 is 20.11 (components are integers)");
    tap_ok(fwver_same("Rev. 3.01", "3.1.0"), "3.01 is 3.1.0 (trailing zeros)");
    tap_ok(!fwver_same("v2.80", "v2.90"), "v2.80 is not v2.90");
    tap_ok(!fwver_same("unknown", "unknown"), "text without a number is no version");
    /* ranges */
    tap_ok(in("<3.01", "v2.80"), "v2.80 < 3.01");
    tap_ok(!in("<3.01", "3.01"), "3.01 is not < 3.01");
    tap_ok(in(">=2.0,<2.9.2", "V2.8.3"), "V2.8.3 in >=2.0,<2.9.2");
    tap_ok(!in(">=2.0,<2.9.2", "V2.9.2"), "V2.9.2 not in >=2.0,<2.9.2");
    tap_ok(in("<3.x.14", "V3.2.6"), "V3.2.6 < V3.X.14 (x: any minor)");
    tap_ok(!in("<3.x.14", "V3.3.17"), "V3.3.17 not < V3.X.14");
    tap_ok(in("20.011 - 20.013", "20.12"), "20.12 in 20.011 - 20.013");
    tap_ok(!in("20.011 - 20.013", "21.011"), "21.011 not in 20.011 - 20.013");
    tap_ok(in("<1.0;>=4.0", "4.2"), "alternatives: 4.2 in <1.0;>=4.0");
    tap_ok(in("*", "anything"), "* takes every version, even an unknown one");
    tap_ok(!in("<3.01", "unknown"), "an unknown version is only in *");
    tap_ok(in("=4.5", "V4.5.0") && in("4.5", "4.5"), "a bare version means equal");
    char why[160];
    tap_ok(!fwrange_check("<<3", why, sizeof why) && strstr(why, "<<3"), "<<3 is refused");
    tap_ok(fwrange_check(">=2.0,<2.9.2;*", why, sizeof why), "a well-formed range passes");
    /* CIDR */
    tap_ok(cidr_has("10.10.0.0/16", "10.10.1.5"), "10.10.1.5 in 10.10.0.0/16");
    tap_ok(!cidr_has("10.10.0.0/16", "10.11.0.1"), "10.11.0.1 not in 10.10.0.0/16");
    tap_ok(cidr_has("10.10.1.5", "10.10.1.5") && !cidr_has("10.10.1.5", "10.10.1.6"),
          "an address is a /32");
    tap_ok(cidr_has("10.10.1.77/24", "10.10.1.1"), "host bits below the prefix are cleared");
    tap_ok(cidr_has("0.0.0.0/0", "203.0.113.50"), "0.0.0.0/0 takes every IPv4 address");
    tap_ok(cidr_has("fd00::/8", "fd12::1") && !cidr_has("fd00::/8", "fe80::1"), "IPv6 prefixes");
    Cidr c;
    tap_ok(!cidr_parse("10.0.0.0/33", &c) && !cidr_parse("10.0.0/8", &c), "bad networks refused");
    uint32_t lo;
    uint32_t hi;
    tap_ok(cidr_parse("10.10.1.0/24", &c) && cidr_v4_range(&c, &lo, &hi) && lo == 0x0a0a0100u &&
              hi == 0x0a0a01ffu, "10.10.1.0/24 as a number range");
    /* identities */
    tap_ok(ident_vendor_matches("Siemens", "Siemens AG,"), "Siemens ~ Siemens AG,");
    tap_ok(ident_vendor_matches("Allen-Bradley", "Rockwell Automation/Allen-Bradley (1)"),
          "Allen-Bradley ~ Rockwell Automation/Allen-Bradley");
    tap_ok(ident_vendor_matches("HP", "Hewlett Packard"), "HP ~ Hewlett Packard");
    tap_ok(ident_vendor_matches("シュナイダーエレクトリック", "TELEMECANIQUE ELECTRIQUE"),
          "katakana Schneider ~ the Telemecanique OUI");
    tap_ok(!ident_vendor_matches("Siemens", "Schneider Electric;Rockwell Automation"),
          "Siemens is not Schneider or Rockwell");
    tap_ok(ident_model_matches("BMX P34 2020", "BMXP342020"), "model spacing ignored");
    tap_ok(ident_model_matches("CPU 315-2 PN/DP", "6ES7 315-2EH14-0AB0"),
          "a shared part-number token (315)");
    tap_ok(!ident_model_matches("S7-1500", "6ES7 315-2EH14-0AB0"), "S7-1500 is not a 315");
    tap_ok(ident_glob_matches("1756-L7*;*LOGIX557*", "1756-L71/B LOGIX5571"), "model globs");
    tap_ok(ident_glob_matches("6ES7 31*", "6ES7 315-2EH14-0AB0") &&
              !ident_glob_matches("6ES7 21*;6ES7 51*", "6ES7 315-2EH14-0AB0"),
          "order-number globs tell S7-300 from S7-1200/1500");
    tap_ok(ident_name_matches("hmi-01", "HMI-01.ot.plant.internal"), "names: first label, any case");
    tap_ok(ident_firmware_matches("2.80", "v2.80;V9"), "firmware lists");
    char mac[18];
    tap_ok(ident_mac_normalize("00-1A-A1-3C-5E-01", mac) && strcmp(mac, "00:1a:a1:3c:5e:01") == 0,
          "MAC with dashes");
    tap_ok(ident_mac_normalize("001a.a13c.5e01", mac) && strcmp(mac, "00:1a:a1:3c:5e:01") == 0,
          "MAC in Cisco dots");
    tap_ok(!ident_mac_normalize("00:1a:a1:3c:5e", mac), "a short MAC is refused");
    /* JSON */
    static const char doc[] = "{\"vulnerabilities\":[{\"cveID\":\"CVE-1\",\"n\":-1.5e2,"
                              "\"s\":\"caf\\u00e9 \\ud83d\\ude00\",\"t\":true,\"z\":null}]}";
    JsonValue *v = json_read(doc, strlen(doc), why, sizeof why);
    const JsonValue *list = json_member(v, "vulnerabilities");
    const JsonValue *item = list && list->items->len ? g_ptr_array_index(list->items, 0) : NULL;
    char *s = json_as_text(json_member(item, "s"));
    tap_ok(v && item && g_strcmp0(s, "caf\xc3\xa9 \xf0\x9f\x98\x80") == 0,
          "JSON: escapes and surrogate pairs");
    tap_ok(item && json_member(item, "n")->number == -150.0, "JSON: numbers");
    g_free(s);
    json_value_free(v);
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = '\0';
    const char *const bad[] = { "[1,]", "{\"a\" 1}", "[\"\\ud800\"]", "\"abc", "[1] x", deep };
    bool all_refused = true;
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        JsonValue *b = json_read(bad[i], strlen(bad[i]), why, sizeof why);
        all_refused = all_refused && !b;
        json_value_free(b);
    }
    tap_ok(all_refused, "JSON: trailing commas, missing colons, lone surrogates, open strings, "
                       "trailing text and deep nesting are refused");
    return tap_end();
}
