/*
 * sha256.h - SHA-256 (FIPS 180-4) for capture fingerprints.
 *
 * Every analyzed byte of a capture is hashed, so the block function is the
 * single hottest loop after the pcap read itself.  sha256.c picks the x86
 * SHA extensions when the CPU has them (about 4x GLib's portable code) and
 * a portable implementation otherwise; both give the same digest.
 */
#ifndef OTS_OTSCOPE_SHA256_H
#define OTS_OTSCOPE_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SHA256_DIGEST_LEN = 32, SHA256_HEX_LEN = 65, SHA256_BLOCK_LEN = 64 };

typedef struct Sha256 {
    uint32_t state[8];
    uint64_t total_len; /* bytes hashed so far */
    uint8_t block[SHA256_BLOCK_LEN];
    size_t block_len; /* bytes waiting in block */
} Sha256;

void sha256_init(Sha256 *h);
void sha256_update(Sha256 *h, const void *data, size_t len);
/* Finishes the hash; h must be re-initialised before reuse. */
void sha256_final(Sha256 *h, uint8_t digest[SHA256_DIGEST_LEN]);
/* Lower-case hex of the digest, NUL-terminated. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN]);

/* Tests: force the portable block function (false) or the best one (true). */
void sha256_use_hardware(bool allow);
bool sha256_has_hardware(void);

#endif /* OTS_OTSCOPE_SHA256_H */
