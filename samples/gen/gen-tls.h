/*
 * gen-tls.h - TLS 1.2 record builders for the handshake messages otsgen shows.
 *
 * Only what a passive observer can read: ClientHello (with SNI, groups,
 * signature algorithms, ALPN), ServerHello, ChangeCipherSpec, and records
 * whose body is ciphertext (random bytes of a realistic AES-GCM length).
 * The samples use an abbreviated (session-resumption) handshake, so no
 * certificate has to be forged. TLS 1.3 and certificates are future work.
 */
#ifndef OTS_GEN_TLS_H
#define OTS_GEN_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"
#include "gen-rng.h"

enum {
    TLS_PORT = 443,
    TLS_CONTENT_CCS = 20,
    TLS_CONTENT_ALERT = 21,
    TLS_CONTENT_HANDSHAKE = 22,
    TLS_CONTENT_APPDATA = 23,
    TLS_SESSION_ID_LEN = 32,
    TLS_ECDHE_RSA_AES128_GCM_SHA256 = 0xc02f,
    TLS_GCM_OVERHEAD = 8 + 16, /* explicit nonce + tag around every encrypted record */
};

void tls_client_hello(Buf *b, Rng *rng, const char *sni,
                      const uint8_t session_id[TLS_SESSION_ID_LEN]);

/* ServerHello resuming session_id with cipher (the server echoes the id to resume). */
void tls_server_hello(Buf *b, Rng *rng, const uint8_t session_id[TLS_SESSION_ID_LEN],
                      uint16_t cipher);

void tls_change_cipher_spec(Buf *b);

/* One encrypted record of content type with plain_len bytes of (invisible) plaintext. */
void tls_encrypted_record(Buf *b, Rng *rng, uint8_t content_type, size_t plain_len);

#endif /* OTS_GEN_TLS_H */
