/*
 * hash.h - a fast hash for fixed-size binary keys (flow, endpoint, comm).
 *
 * Keys are plain structs zeroed before filling, so hashing their bytes is
 * well defined.  The mix is a 64-bit multiply-xorshift over 8-byte words
 * (in the spirit of wyhash/murmur finalisers): not cryptographic, and the
 * tables it serves are bounded, so collision floods cost time, not memory.
 */
#ifndef OTS_OTSCOPE_HASH_H
#define OTS_OTSCOPE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t ots_hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static inline uint64_t ots_hash_bytes(const void *key, size_t len)
{
    const unsigned char *b = key;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ ots_hash_mix(w)) * 0x100000001b3ull;
        b += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, b, len);
    h = (h ^ ots_hash_mix(tail ^ 0x5bd1e995u)) * 0x100000001b3ull;
    return ots_hash_mix(h);
}

/* Equality of two keys of the same fixed size: inlined word compares
 * (libc memcmp is a call and an ordering the tables never need). */
static inline bool ots_key_equal(const void *a, const void *b, size_t len)
{
    const unsigned char *p = a;
    const unsigned char *q = b;
    uint64_t diff = 0;
    for (; len >= 8; p += 8, q += 8, len -= 8) {
        uint64_t x;
        uint64_t y;
        memcpy(&x, p, 8);
        memcpy(&y, q, 8);
        diff |= x ^ y;
    }
    for (; len; p++, q++, len--)
        diff |= (uint64_t)(*p ^ *q);
    return diff == 0;
}

#endif /* OTS_OTSCOPE_HASH_H */
