/*
 * gen-tls.c - TLS 1.2 record builders; see gen-tls.h.
 *
 * References: RFC 5246 (TLS 1.2), RFC 6066 (server_name), RFC 7301 (ALPN),
 * RFC 8422 (groups, point formats), RFC 7627 (extended master secret),
 * RFC 5746 (renegotiation_info), RFC 5077 (session ticket).
 *
 *   record     | type 1 | version 2 | length 2 | fragment |
 *   handshake  | msg type 1 | length 3 | body |
 *   ClientHello| version 2 | random 32 | session id <0..32> | cipher suites <2..> |
 *                compression <1..> | extensions <0..> |
 */
#include "gen-tls.h"

#include <string.h>

enum {
    TLS_VERSION_1_0 = 0x0301, /* record version clients use for the first flight */
    TLS_VERSION_1_2 = 0x0303,
    TLS_HS_CLIENT_HELLO = 1,
    TLS_HS_SERVER_HELLO = 2,
    EXT_SERVER_NAME = 0x0000,
    EXT_STATUS_REQUEST = 0x0005,
    EXT_SUPPORTED_GROUPS = 0x000a,
    EXT_EC_POINT_FORMATS = 0x000b,
    EXT_SIGNATURE_ALGORITHMS = 0x000d,
    EXT_ALPN = 0x0010,
    EXT_EXTENDED_MASTER_SECRET = 0x0017,
    EXT_SESSION_TICKET = 0x0023,
    EXT_RENEGOTIATION_INFO = 0xff01,
};

static const uint16_t client_ciphers[] = {
    0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};

static const uint16_t client_groups[] = { 0x001d, 0x0017, 0x0018 };

static const uint16_t client_sig_algs[] = {
    0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201,
};

static const char alpn_http11[] = "http/1.1";

/* Record and handshake headers with zero lengths; lengths are patched by hs_end. */
static void hs_begin(Buf *b, uint16_t record_version, uint8_t msg_type, size_t *rec_at,
                     size_t *hs_at)
{
    *rec_at = b->len;
    buf_u8(b, TLS_CONTENT_HANDSHAKE);
    buf_be16(b, record_version);
    buf_be16(b, 0);
    *hs_at = b->len;
    buf_u8(b, msg_type);
    buf_be24(b, 0);
}

static void hs_end(Buf *b, size_t rec_at, size_t hs_at)
{
    buf_patch_be16(b, rec_at + 3, (unsigned)(b->len - rec_at - 5));
    buf_patch_be24(b, hs_at + 1, (uint32_t)(b->len - hs_at - 4));
}

static size_t ext_begin(Buf *b, uint16_t type)
{
    buf_be16(b, type);
    size_t len_at = b->len;
    buf_be16(b, 0);
    return len_at;
}

static void len16_end(Buf *b, size_t len_at)
{
    buf_patch_be16(b, len_at, (unsigned)(b->len - len_at - 2));
}

static void ext_server_name(Buf *b, const char *sni)
{
    size_t n = strlen(sni);
    size_t at = ext_begin(b, EXT_SERVER_NAME);
    buf_be16(b, (unsigned)(n + 3)); /* server name list length */
    buf_u8(b, 0);                   /* name type: host_name */
    buf_be16(b, (unsigned)n);
    buf_bytes(b, sni, n);
    len16_end(b, at);
}

static void ext_u16_list(Buf *b, uint16_t type, const uint16_t *vals, size_t count)
{
    size_t at = ext_begin(b, type);
    buf_be16(b, (unsigned)(count * 2));
    for (size_t i = 0; i < count; i++)
        buf_be16(b, vals[i]);
    len16_end(b, at);
}

static void ext_alpn(Buf *b)
{
    size_t n = sizeof alpn_http11 - 1;
    size_t at = ext_begin(b, EXT_ALPN);
    buf_be16(b, (unsigned)(n + 1));
    buf_u8(b, (unsigned)n);
    buf_bytes(b, alpn_http11, n);
    len16_end(b, at);
}

static void ext_empty(Buf *b, uint16_t type)
{
    buf_be16(b, type);
    buf_be16(b, 0);
}

static void ext_renegotiation_info(Buf *b)
{
    buf_be16(b, EXT_RENEGOTIATION_INFO);
    buf_be16(b, 1);
    buf_u8(b, 0); /* empty renegotiated_connection: initial handshake */
}

static void ext_ec_point_formats(Buf *b)
{
    buf_be16(b, EXT_EC_POINT_FORMATS);
    buf_be16(b, 2);
    buf_u8(b, 1);
    buf_u8(b, 0); /* uncompressed */
}

static void put_random(Buf *b, Rng *rng, size_t n)
{
    uint8_t *at = buf_reserve(b, n);
    if (at)
        rng_fill(rng, at, n);
}

void tls_client_hello(Buf *b, Rng *rng, const char *sni,
                      const uint8_t session_id[TLS_SESSION_ID_LEN])
{
    size_t rec_at;
    size_t hs_at;
    hs_begin(b, TLS_VERSION_1_0, TLS_HS_CLIENT_HELLO, &rec_at, &hs_at);
    buf_be16(b, TLS_VERSION_1_2);
    put_random(b, rng, 32);
    buf_u8(b, TLS_SESSION_ID_LEN);
    buf_bytes(b, session_id, TLS_SESSION_ID_LEN);
    size_t n_ciphers = sizeof client_ciphers / sizeof client_ciphers[0];
    buf_be16(b, (unsigned)(n_ciphers * 2));
    for (size_t i = 0; i < n_ciphers; i++)
        buf_be16(b, client_ciphers[i]);
    buf_u8(b, 1);
    buf_u8(b, 0); /* null compression only */

    size_t ext_at = b->len;
    buf_be16(b, 0);
    ext_server_name(b, sni);
    ext_empty(b, EXT_EXTENDED_MASTER_SECRET);
    ext_renegotiation_info(b);
    ext_u16_list(b, EXT_SUPPORTED_GROUPS, client_groups,
                 sizeof client_groups / sizeof client_groups[0]);
    ext_ec_point_formats(b);
    ext_empty(b, EXT_SESSION_TICKET);
    ext_alpn(b);
    size_t sr_at = ext_begin(b, EXT_STATUS_REQUEST);
    buf_u8(b, 1); /* OCSP */
    buf_be16(b, 0);
    buf_be16(b, 0);
    len16_end(b, sr_at);
    ext_u16_list(b, EXT_SIGNATURE_ALGORITHMS, client_sig_algs,
                 sizeof client_sig_algs / sizeof client_sig_algs[0]);
    len16_end(b, ext_at);
    hs_end(b, rec_at, hs_at);
}

void tls_server_hello(Buf *b, Rng *rng, const uint8_t session_id[TLS_SESSION_ID_LEN],
                      uint16_t cipher)
{
    size_t rec_at;
    size_t hs_at;
    hs_begin(b, TLS_VERSION_1_2, TLS_HS_SERVER_HELLO, &rec_at, &hs_at);
    buf_be16(b, TLS_VERSION_1_2);
    put_random(b, rng, 32);
    buf_u8(b, TLS_SESSION_ID_LEN);
    buf_bytes(b, session_id, TLS_SESSION_ID_LEN);
    buf_be16(b, cipher);
    buf_u8(b, 0);
    size_t ext_at = b->len;
    buf_be16(b, 0);
    ext_renegotiation_info(b);
    ext_empty(b, EXT_EXTENDED_MASTER_SECRET);
    ext_alpn(b);
    len16_end(b, ext_at);
    hs_end(b, rec_at, hs_at);
}

void tls_change_cipher_spec(Buf *b)
{
    buf_u8(b, TLS_CONTENT_CCS);
    buf_be16(b, TLS_VERSION_1_2);
    buf_be16(b, 1);
    buf_u8(b, 1);
}

void tls_encrypted_record(Buf *b, Rng *rng, uint8_t content_type, size_t plain_len)
{
    size_t n = plain_len + TLS_GCM_OVERHEAD;
    buf_u8(b, content_type);
    buf_be16(b, TLS_VERSION_1_2);
    buf_be16(b, (unsigned)n);
    put_random(b, rng, n);
}
