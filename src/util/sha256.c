/*
 * sha256.c - SHA-256 with a portable block function and one for the x86
 * SHA extensions (SHA-NI), chosen once at run time.
 *
 * The SHA-NI path keeps the state as the ABEF/CDGH register pair that
 * sha256rnds2 wants and runs 16 groups of four rounds; the message
 * schedule for groups 4..15 comes from sha256msg1/sha256msg2 over the
 * previous four groups' words.  Layout follows Intel's "New Instructions
 * Supporting the Secure Hash Algorithm on Intel Architecture Processors"
 * (2013).  The portable path is the textbook loop from FIPS 180-4 6.2.2.
 */
#include "config.h"

#include "otscope/sha256.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(OTS_SHA256_PORTABLE)
#include <cpuid.h>
#include <immintrin.h>
#define OTS_SHA256_HAVE_NI 1
#endif

static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

typedef void (*BlockFn)(uint32_t state[8], const uint8_t *data, size_t n_blocks);

/* ---- portable ------------------------------------------------------------ */

static uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void blocks_portable(uint32_t state[8], const uint8_t *data, size_t n_blocks)
{
    for (; n_blocks; n_blocks--, data += SHA256_BLOCK_LEN) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++)
            w[t] = load_be32(data + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ror32(w[t - 15], 7) ^ ror32(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ror32(w[t - 2], 17) ^ ror32(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
                          round_k[t] + w[t];
            uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

/* ---- SHA-NI ---------------------------------------------------------------- */

#ifdef OTS_SHA256_HAVE_NI
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_ni(uint32_t state[8], const uint8_t *data, size_t n_blocks)
{
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i tmp = _mm_loadu_si128((const __m128i *)(const void *)&state[0]);
    __m128i state1 = _mm_loadu_si128((const __m128i *)(const void *)&state[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xb1);               /* CDAB */
    state1 = _mm_shuffle_epi32(state1, 0x1b);         /* EFGH */
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); /* ABEF */
    state1 = _mm_blend_epi16(state1, tmp, 0xf0);      /* CDGH */

    for (; n_blocks; n_blocks--, data += SHA256_BLOCK_LEN) {
        __m128i abef_save = state0;
        __m128i cdgh_save = state1;
        __m128i w[4]; /* words of the last four groups, w[g % 4] */
#pragma GCC unroll 16
        for (int g = 0; g < 16; g++) {
            if (g < 4) {
                w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * g)),
                                        byteswap);
            } else {
                __m128i x = _mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4));
                w[g % 4] = _mm_sha256msg2_epu32(x, w[(g + 3) % 4]);
            }
            __m128i msg = _mm_add_epi32(w[g % 4],
                                        _mm_loadu_si128((const __m128i *)(const void *)&round_k[4 * g]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0e);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
        }
        state0 = _mm_add_epi32(state0, abef_save);
        state1 = _mm_add_epi32(state1, cdgh_save);
    }

    tmp = _mm_shuffle_epi32(state0, 0x1b);       /* FEBA */
    state1 = _mm_shuffle_epi32(state1, 0xb1);    /* DCHG */
    state0 = _mm_blend_epi16(tmp, state1, 0xf0); /* DCBA */
    state1 = _mm_alignr_epi8(state1, tmp, 8);    /* ABEF */
    _mm_storeu_si128((__m128i *)(void *)&state[0], state0);
    _mm_storeu_si128((__m128i *)(void *)&state[4], state1);
}
#endif

/* ---- choice and the streaming API --------------------------------------- */

static BlockFn block_fn;

bool sha256_has_hardware(void)
{
#ifdef OTS_SHA256_HAVE_NI
    /* CPUID directly: clang's __builtin_cpu_supports() has no "sha". */
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    bool has_ssse3 = (c >> 9) & 1;
    bool has_sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    bool has_sha = (b >> 29) & 1;
    return has_sha && has_sse41 && has_ssse3;
#else
    return false;
#endif
}

void sha256_use_hardware(bool allow)
{
    block_fn = blocks_portable;
#ifdef OTS_SHA256_HAVE_NI
    if (allow && sha256_has_hardware())
        block_fn = blocks_ni;
#else
    (void)allow; /* no SHA-NI code in this build */
#endif
}

void sha256_init(Sha256 *h)
{
    static const uint32_t initial[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    if (!block_fn)
        sha256_use_hardware(true);
    memcpy(h->state, initial, sizeof initial);
    h->total_len = 0;
    h->block_len = 0;
}

void sha256_update(Sha256 *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    h->total_len += len;
    if (h->block_len) {
        size_t take = SHA256_BLOCK_LEN - h->block_len;
        if (take > len)
            take = len;
        memcpy(h->block + h->block_len, p, take);
        h->block_len += take;
        p += take;
        len -= take;
        if (h->block_len < SHA256_BLOCK_LEN)
            return;
        block_fn(h->state, h->block, 1);
        h->block_len = 0;
    }
    size_t n_blocks = len / SHA256_BLOCK_LEN;
    if (n_blocks) {
        block_fn(h->state, p, n_blocks);
        p += n_blocks * SHA256_BLOCK_LEN;
        len -= n_blocks * SHA256_BLOCK_LEN;
    }
    memcpy(h->block, p, len);
    h->block_len = len;
}

void sha256_final(Sha256 *h, uint8_t digest[SHA256_DIGEST_LEN])
{
    uint64_t bits = h->total_len * 8;
    uint8_t pad[SHA256_BLOCK_LEN + 8] = { 0x80 };
    /* 0x80, zeros up to 56 mod 64, then the length in bits, big-endian. */
    size_t pad_len = (h->block_len < 56 ? 56 : 120) - h->block_len;
    for (int i = 0; i < 8; i++)
        pad[pad_len + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(h, pad, pad_len + 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(h->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h->state[i];
    }
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[SHA256_DIGEST_LEN * 2] = '\0';
}
