/*
 * test-sha256.c - both SHA-256 block functions against FIPS 180-4
 * vectors and against GLib's implementation over every length 0..300 and
 * random split points, so padding and block carry-over are exercised.
 * TAP output; the hardware half is skipped on CPUs without SHA-NI.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "otscope/sha256.h"

static int n_test;
static int n_fail;

static void ok(int cond, const char *what, const char *variant)
{
    printf("%s %d - %s (%s)\n", cond ? "ok" : "not ok", ++n_test, what, variant);
    n_fail += !cond;
}

static void hex_of(const void *data, size_t len, size_t split, char hex[SHA256_HEX_LEN])
{
    Sha256 h;
    uint8_t digest[SHA256_DIGEST_LEN];
    sha256_init(&h);
    sha256_update(&h, data, split);
    sha256_update(&h, (const uint8_t *)data + split, len - split);
    sha256_final(&h, digest);
    sha256_hex(digest, hex);
}

static void check_variant(const char *variant)
{
    char hex[SHA256_HEX_LEN];
    hex_of("abc", 3, 1, hex);
    ok(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0,
       "FIPS 180-4 \"abc\"", variant);
    hex_of("", 0, 0, hex);
    ok(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0,
       "empty message", variant);
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two_blocks, strlen(two_blocks), 5, hex);
    ok(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0,
       "FIPS 180-4 448-bit message", variant);

    uint8_t data[300];
    GRand *rng = g_rand_new_with_seed(180);
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)g_rand_int(rng);
    int mismatches = 0;
    for (size_t len = 0; len <= sizeof data; len++) {
        gchar *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
        size_t split = len ? (size_t)g_rand_int_range(rng, 0, (gint32)len + 1) : 0;
        hex_of(data, len, split, hex);
        mismatches += strcmp(hex, want) != 0;
        g_free(want);
    }
    g_rand_free(rng);
    ok(mismatches == 0, "equals GLib for lengths 0..300 split at random", variant);
}

int main(void)
{
    sha256_use_hardware(false);
    check_variant("portable");
    if (sha256_has_hardware()) {
        sha256_use_hardware(true);
        check_variant("SHA-NI");
    } else {
        printf("ok %d - # SKIP no SHA extensions on this CPU\n", ++n_test);
    }
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
