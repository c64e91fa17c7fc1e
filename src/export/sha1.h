/*
 * sha1.h - SHA-1 (FIPS 180-4), only for the Community ID flow hash, which
 * is defined over SHA-1.  Not for anything that needs collision
 * resistance.
 */
#ifndef OTS_EXPORT_SHA1_H
#define OTS_EXPORT_SHA1_H

#include <stddef.h>
#include <stdint.h>

enum { SHA1_DIGEST_LEN = 20, SHA1_BLOCK_LEN = 64 };

typedef struct Sha1 {
    uint32_t state[5];
    uint64_t total_len; /* bytes hashed so far */
    uint8_t block[SHA1_BLOCK_LEN];
    size_t block_len;
} Sha1;

void sha1_init(Sha1 *h);
void sha1_update(Sha1 *h, const void *data, size_t len);
/* Finishes the hash; h must be re-initialised before reuse. */
void sha1_final(Sha1 *h, uint8_t digest[SHA1_DIGEST_LEN]);

#endif /* OTS_EXPORT_SHA1_H */
