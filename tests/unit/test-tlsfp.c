/*
 * test-tlsfp.c - MD5 against RFC 1321 A.5 and GLib over lengths 0..200
 * (padding across the block edge), and the JA3/JA4 builders against the
 * published examples: JA4's own worked example (FoxIO JA4.md) and the JA3
 * tshark 4.0 computes for a real ClientHello (malcolm__SSL.pcap frame 78).
 * TAP output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "otscope/md5.h"
#include "tls-fp.h"
#include "../tap.h"

static void check_md5(void)
{
    static const struct {
        const char *in, *want;
    } rfc[] = {
        { "", "d41d8cd98f00b204e9800998ecf8427e" },
        { "a", "0cc175b9c0f1b6a831c399e269772661" },
        { "abc", "900150983cd24fb0d6963f7d28e17f72" },
        { "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
        { "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
        { "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
          "57edf4a22be3c955ac49da2e2107b67a" },
    };
    char hex[MD5_HEX_LEN];
    for (size_t i = 0; i < G_N_ELEMENTS(rfc); i++) {
        md5_hex(rfc[i].in, strlen(rfc[i].in), hex);
        tap_ok(strcmp(hex, rfc[i].want) == 0, "md5 RFC 1321 A.5 vector");
    }
    guint8 buf[200];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (guint8)(i * 37 + 11);
    int mismatches = 0;
    for (size_t len = 0; len <= sizeof buf; len++) {
        gchar *want = g_compute_checksum_for_data(G_CHECKSUM_MD5, buf, len);
        md5_hex(buf, len, hex);
        mismatches += strcmp(hex, want) != 0;
        g_free(want);
    }
    tap_ok(mismatches == 0, "md5 equals GLib's for every length 0..200");
}

static void set16(uint16_t *dst, size_t *n, const uint16_t *src, size_t count)
{
    memcpy(dst, src, count * sizeof *src);
    *n = count;
}

/* JA4.md "Example": 15 ciphers, 16 extensions (GREASE added here to check
 * it is ignored), 8 signature algorithms, ALPN h2, TLS 1.3. */
static void check_ja4_example(void)
{
    static const uint16_t ciphers[] = { 0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                        0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
                                        0x002f, 0x0035 };
    static const uint16_t exts[] = { 0x3a3a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                     0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01,
                                     0x000b, 0x000a, 0x0015 };
    static const uint16_t sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503,
                                        0x0805, 0x0501, 0x0806, 0x0601 };
    TlsHelloFp h;
    memset(&h, 0, sizeof h);
    h.legacy_version = 0x0303;
    h.max_version = 0x0304;
    h.has_sni = true;
    set16(h.ciphers, &h.n_ciphers, ciphers, G_N_ELEMENTS(ciphers));
    set16(h.exts, &h.n_exts, exts, G_N_ELEMENTS(exts));
    set16(h.sigalgs, &h.n_sigalgs, sigalgs, G_N_ELEMENTS(sigalgs));
    tlsfp_set_alpn(&h, "h2", 2);
    char ja4[TLSFP_JA4_LEN];
    tlsfp_ja4(&h, ja4);
    tap_ok(strcmp(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1") == 0, "ja4 of the JA4.md example");
    h.n_sigalgs = 0;
    tlsfp_ja4(&h, ja4);
    tap_ok(strcmp(ja4, "t13d1516h2_8daaf6152771_6d807ffa2a79") == 0,
       "ja4 without signature algorithms (JA4.md)");
    tlsfp_set_alpn(&h, "http/1.1", 8);
    h.has_sni = false;
    h.max_version = 0;
    tlsfp_ja4(&h, ja4);
    tap_ok(strncmp(ja4, "t12i1516h1_", 11) == 0, "ja4 a-part: legacy version, no SNI, http/1.1");
    memset(&h, 0, sizeof h);
    h.legacy_version = 0x0301;
    tlsfp_ja4(&h, ja4);
    tap_ok(strcmp(ja4, "t10i000000_000000000000_000000000000") == 0, "ja4 of an empty hello");
}

/* tshark 4.0 tls.handshake.ja3_full of malcolm__SSL.pcap frame 78:
 * 771,49195-49199-158-52244-52243-49162-49161-49171-49172-49159-49169-51-50-57-156-47-53-10-5-4,
 * 0-65281-10-11-35-13172-16-30032-5-13-18,23-24-25,0 -> a607f3a5c94c2ee592af1456f36c8367 */
static void check_ja3(void)
{
    static const uint16_t ciphers[] = { 0x0a0a, 49195, 49199, 158, 52244, 52243, 49162, 49161,
                                        49171, 49172, 49159, 49169, 51, 50, 57, 156, 47, 53, 10,
                                        5, 4 };
    static const uint16_t exts[] = { 0, 65281, 10, 11, 35, 13172, 16, 30032, 5, 13, 18, 0xfafa };
    static const uint16_t groups[] = { 0x2a2a, 23, 24, 25 };
    TlsHelloFp h;
    memset(&h, 0, sizeof h);
    h.legacy_version = 771;
    set16(h.ciphers, &h.n_ciphers, ciphers, G_N_ELEMENTS(ciphers));
    set16(h.exts, &h.n_exts, exts, G_N_ELEMENTS(exts));
    set16(h.groups, &h.n_groups, groups, G_N_ELEMENTS(groups));
    h.point_formats[0] = 0;
    h.n_point_formats = 1;
    char ja3[TLSFP_JA3_LEN];
    tlsfp_ja3(&h, ja3);
    tap_ok(strcmp(ja3, "a607f3a5c94c2ee592af1456f36c8367") == 0, "ja3 equals tshark's (GREASE dropped)");
    tap_ok(tlsfp_is_grease(0x0a0a) && tlsfp_is_grease(0xfafa) && !tlsfp_is_grease(0x0a0b) &&
           !tlsfp_is_grease(0x1a2a),
       "GREASE values are the RFC 8701 ones");
}

int main(void)
{
    check_md5();
    check_ja4_example();
    check_ja3();
    return tap_end();
}
