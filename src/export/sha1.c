/*
 * sha1.c - SHA-1 per FIPS 180-4 section 6.1, portable and unhurried: it
 * hashes about 40 bytes per exported conversation.
 */
#include "config.h"

#include "sha1.h"

#include <string.h>

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t st[5], const uint8_t *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f;
        uint32_t k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
    st[4] += e;
}

void sha1_init(Sha1 *h)
{
    static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    memcpy(h->state, iv, sizeof iv);
    h->total_len = 0;
    h->block_len = 0;
}

void sha1_update(Sha1 *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    h->total_len += len;
    while (len > 0) {
        size_t n = SHA1_BLOCK_LEN - h->block_len;
        if (n > len)
            n = len;
        memcpy(h->block + h->block_len, p, n);
        h->block_len += n;
        p += n;
        len -= n;
        if (h->block_len == SHA1_BLOCK_LEN) {
            sha1_block(h->state, h->block);
            h->block_len = 0;
        }
    }
}

void sha1_final(Sha1 *h, uint8_t digest[SHA1_DIGEST_LEN])
{
    uint64_t bits = h->total_len * 8;
    uint8_t pad = 0x80;
    sha1_update(h, &pad, 1);
    uint8_t zero = 0;
    while (h->block_len != SHA1_BLOCK_LEN - 8)
        sha1_update(h, &zero, 1);
    uint8_t len_be[8];
    for (int i = 0; i < 8; i++)
        len_be[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(h, len_be, 8);
    for (int i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(h->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h->state[i];
    }
}
