/*
 * gen-rng.h - the deterministic pseudo-random generator of otsgen.
 *
 * xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift
 * generators, scrambled", 2016), seeded through splitmix64 so that nearby
 * seeds give unrelated streams. Every random choice in a generated capture
 * comes from here, never from rand() or the clock: the same command must
 * write the same bytes on every machine, because golden tests diff them.
 * Not for anything that needs unpredictability.
 */
#ifndef OTS_GEN_RNG_H
#define OTS_GEN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct Rng {
    uint64_t state; /* never 0: xorshift has 0 as a fixed point */
} Rng;

static inline uint64_t rng_splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline void rng_seed(Rng *r, uint64_t seed)
{
    r->state = rng_splitmix64(seed);
    if (r->state == 0)
        r->state = 0x2545f4914f6cdd1dULL;
}

static inline uint64_t rng_next(Rng *r)
{
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); n == 0 yields 0. Lemire's multiply, no modulo bias worth caring about. */
static inline uint32_t rng_below(Rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi] (inclusive), for hi >= lo and spans below 2^32. */
static inline uint64_t rng_range(Rng *r, uint64_t lo, uint64_t hi)
{
    return lo + rng_below(r, (uint32_t)(hi - lo + 1));
}

static inline uint16_t rng_u16(Rng *r)
{
    return (uint16_t)(rng_next(r) >> 48);
}

static inline uint32_t rng_u32(Rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

static inline void rng_fill(Rng *r, uint8_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)(rng_next(r) >> 56);
}

#endif /* OTS_GEN_RNG_H */
