/*
 * tls-fp.h - TLS client fingerprints of a ClientHello: JA3 (Salesforce,
 * github.com/salesforce/ja3, README "How it works") and JA4 (FoxIO,
 * github.com/FoxIO-LLC/ja4, technical_details/JA4.md).
 *
 * proto-tls.c reads the ClientHello with the Cursor into a TlsHelloFp;
 * this file only turns those numbers into the two fingerprint strings.
 */
#ifndef OTS_DISSECT_TLS_FP_H
#define OTS_DISSECT_TLS_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    TLSFP_MAX_CIPHERS = 256, /* a ClientHello with more is not fingerprinted */
    TLSFP_MAX_EXTS = 64,
    TLSFP_MAX_GROUPS = 64,
    TLSFP_MAX_POINT_FORMATS = 16,
    TLSFP_MAX_SIGALGS = 64,
    TLSFP_JA3_LEN = 33, /* MD5 hex + NUL */
    TLSFP_JA4_LEN = 37, /* "t13d1516h2_8daaf6152771_e5627efa2ab1" + NUL */
};

/* The ClientHello fields both fingerprints use, in wire order, GREASE
 * values included (the fingerprints drop them). */
typedef struct TlsHelloFp {
    uint16_t legacy_version;
    uint16_t ciphers[TLSFP_MAX_CIPHERS];
    size_t n_ciphers;
    uint16_t exts[TLSFP_MAX_EXTS];
    size_t n_exts;
    uint16_t groups[TLSFP_MAX_GROUPS]; /* supported_groups (10) */
    size_t n_groups;
    uint8_t point_formats[TLSFP_MAX_POINT_FORMATS]; /* ec_point_formats (11) */
    size_t n_point_formats;
    uint16_t sigalgs[TLSFP_MAX_SIGALGS]; /* signature_algorithms (13) */
    size_t n_sigalgs;
    uint16_t max_version; /* highest supported_versions (43) entry, 0 when none */
    bool has_sni;
    char alpn[3];  /* first and last character of the first ALPN (16) value, "" when none */
    bool is_cut;   /* a list was longer than its cap: no fingerprint */
} TlsHelloFp;

/* RFC 8701 GREASE values: 0x0a0a, 0x1a1a, ... 0xfafa. */
bool tlsfp_is_grease(uint16_t v);

/* The first and last character of an ALPN protocol id into alpn[3], as
 * JA4 wants them (hex digits of the first and last byte when either is not
 * alphanumeric). */
void tlsfp_set_alpn(TlsHelloFp *h, const char *id, size_t len);

/* JA3: MD5 hex of "version,ciphers,extensions,groups,point_formats". */
void tlsfp_ja3(const TlsHelloFp *h, char out[TLSFP_JA3_LEN]);

/* JA4 over TCP ("t..."). */
void tlsfp_ja4(const TlsHelloFp *h, char out[TLSFP_JA4_LEN]);

#endif /* OTS_DISSECT_TLS_FP_H */
