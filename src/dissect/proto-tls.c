/*
 * proto-tls.c - TLS and SSL 3.0 record layer over TCP.
 *
 * Frames records by their 5-byte header.  Plaintext handshake records are
 * opened: the ClientHello gives the legacy version and the server name
 * (SNI), the ServerHello the negotiated version (supported_versions for
 * TLS 1.3) and cipher suite; alerts and heartbeats are reported.  The
 * ClientHello's cipher suites and extensions (supported groups, point
 * formats, signature algorithms, ALPN, supported versions) give the
 * client's JA3 and JA4 fingerprints (tls-fp.c) as attributes of the client
 * ("ja3:<md5>", "ja4:t13d1516h2_..."): the TLS library of a device says
 * what software it runs even when everything else is encrypted.  After a
 * ChangeCipherSpec in a direction, that direction's handshake records are
 * encrypted and only counted.  The SSL 2.0-format ClientHello that older
 * clients send to reach a TLS server (RFC 5246 appendix E.2) is recognised
 * by its own structure and reported as a client hello of its version.
 * A handshake may follow a cleartext preamble (a SOCKS proxy request,
 * IMAP/SMTP STARTTLS): a segment that starts with no record at all does not
 * rule TLS out.  Certificates, other extensions, SSL 2.0 itself and DTLS
 * are deliberately not parsed.
 *
 * References: RFC 8446 sections 4.1.2, 4.1.3, 4.2.1 and 5.1 (TLS 1.3);
 * RFC 5246 section 6.2 (record layer) and 7.4 (handshake); RFC 6066
 * section 3 (server_name); RFC 6520 (heartbeat).
 *
 *   record:    | type (1) 20..24 | version (2) 0x0300..0x0304 | length (2) <= 2^14+2048 |
 *   SSL 2.0-format ClientHello (RFC 5246 E.2, RFC 6101 E):
 *              | 0x80|len_hi | len_lo | msg_type 1 | version (2) | cipher_spec_length (2) |
 *              | session_id_length (2) | challenge_length (2) | specs (3 each) | id | challenge |
 *   handshake: | msg_type (1) | length (3) | body ...
 *   ClientHello body: version (2) random (32) session_id <1> cipher_suites <2>
 *                     compression <1> extensions <2> { type (2) len (2) data }
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "tls-fp.h"

enum {
    TLS_RECORD_HEADER_LEN = 5,
    TLS_RECORD_MAX = (1 << 14) + 2048, /* ciphertext limit (RFC 5246 6.2.3) */
    TLS_CHANGE_CIPHER_SPEC = 20,
    TLS_ALERT = 21,
    TLS_HANDSHAKE = 22,
    TLS_APPLICATION_DATA = 23,
    TLS_HEARTBEAT = 24,
    TLS_CLIENT_HELLO = 1,
    TLS_SERVER_HELLO = 2,
    TLS_RANDOM_LEN = 32,
    TLS_EXT_SERVER_NAME = 0,
    TLS_EXT_SUPPORTED_GROUPS = 10,
    TLS_EXT_EC_POINT_FORMATS = 11,
    TLS_EXT_SIGNATURE_ALGORITHMS = 13,
    TLS_EXT_ALPN = 16,
    TLS_EXT_SUPPORTED_VERSIONS = 43,
    TLS_SNI_HOST_NAME = 0,
    TLS_MAX_HANDSHAKES = 16, /* messages per record */
    TLS_ALERT_FATAL = 2,
    TLS_NAME_MAX = 256,
    TLS_MAX_TILE_RECORDS = 8,
    SSL2_HEADER_LEN = 2,
    SSL2_HELLO_FIXED = 9, /* msg_type, version, three lengths */
    SSL2_LEN_MSB = 0x80,
    SSL2_VERSION = 0x0002,
    SSL2_CIPHER_SPEC_LEN = 3,
    SSL2_CHALLENGE_MIN = 16,
    SSL2_CHALLENGE_MAX = 32,
    SSL2_SESSION_ID_LEN = 16,
};

typedef struct TlsState {
    bool is_encrypted_from_client; /* ChangeCipherSpec seen in that direction */
    bool is_encrypted_from_server;
} TlsState;

static const char *version_name(uint16_t version)
{
    switch (version) {
    case 0x0300:
        return "SSL3.0";
    case 0x0301:
        return "TLS1.0";
    case 0x0302:
        return "TLS1.1";
    case 0x0303:
        return "TLS1.2";
    case 0x0304:
        return "TLS1.3";
    default:
        return "unknown";
    }
}

static bool record_header_is_valid(uint8_t type, uint16_t version, uint16_t len)
{
    return type >= TLS_CHANGE_CIPHER_SPEC && type <= TLS_HEARTBEAT && version >= 0x0300 &&
           version <= 0x0304 && len <= TLS_RECORD_MAX;
}

/* The length of the SSL 2.0-format ClientHello at c (2-byte header
 * included), 0 when more bytes are needed to tell, PDU_LEN_BAD when the
 * bytes are not one: every length must add up to the header's. */
static size_t ssl2_hello_len(const Cursor *c)
{
    Cursor h = *c;
    uint8_t b0 = cursor_u8(&h);
    uint8_t b1 = cursor_u8(&h);
    uint8_t msg_type = cursor_u8(&h);
    uint16_t version = cursor_be16(&h);
    uint16_t specs = cursor_be16(&h);
    uint16_t sid = cursor_be16(&h);
    uint16_t challenge = cursor_be16(&h);
    if (!cursor_ok(&h))
        return 0;
    size_t len = (size_t)(b0 & ~SSL2_LEN_MSB) << 8 | b1;
    bool is_version_ok = version == SSL2_VERSION || (version >= 0x0300 && version <= 0x0303);
    if (!(b0 & SSL2_LEN_MSB) || msg_type != TLS_CLIENT_HELLO || !is_version_ok || specs == 0 ||
        specs % SSL2_CIPHER_SPEC_LEN != 0 || (sid != 0 && sid != SSL2_SESSION_ID_LEN) ||
        challenge < SSL2_CHALLENGE_MIN || challenge > SSL2_CHALLENGE_MAX ||
        len != SSL2_HELLO_FIXED + (size_t)specs + sid + challenge)
        return PDU_LEN_BAD;
    return SSL2_HEADER_LEN + len;
}

static size_t tls_pdu_len(Cursor *c)
{
    if (cursor_peek(c, 0) >= SSL2_LEN_MSB)
        return ssl2_hello_len(c);
    uint8_t type = cursor_u8(c);
    uint16_t version = cursor_be16(c);
    uint16_t len = cursor_be16(c);
    if (!cursor_ok(c))
        return 0;
    if (!record_header_is_valid(type, version, len))
        return PDU_LEN_BAD;
    return TLS_RECORD_HEADER_LEN + (size_t)len;
}

/* OK when the window is a whole number of records with valid headers (at
 * most TLS_MAX_TILE_RECORDS), NEED_MORE when it ends inside a valid one. */
static DissectResult records_tile(Cursor *c)
{
    for (int i = 0; i < TLS_MAX_TILE_RECORDS; i++) {
        if (cursor_left(c) < TLS_RECORD_HEADER_LEN)
            return DISSECT_NEED_MORE;
        uint8_t type = cursor_u8(c);
        uint16_t version = cursor_be16(c);
        uint16_t len = cursor_be16(c);
        if (!record_header_is_valid(type, version, len) || type == TLS_HEARTBEAT)
            return DISSECT_NOT_MINE;
        if (!cursor_skip(c, len))
            return DISSECT_NEED_MORE;
        if (cursor_left(c) == 0)
            return DISSECT_OK;
    }
    return DISSECT_NOT_MINE;
}

/* A flow starts with a handshake record holding a ClientHello or ServerHello
 * whose length fits the record, or with an SSL 2.0-format ClientHello; a
 * capture that begins later shows records that exactly fill the segment.
 * Bytes that cannot start a record at all may be a cleartext preamble
 * (SOCKS, STARTTLS) before the handshake: they leave TLS a candidate. */
static DissectResult tls_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    int first = cursor_peek(c, 0);
    if (first >= SSL2_LEN_MSB) {
        size_t len = ssl2_hello_len(c);
        if (len == PDU_LEN_BAD)
            return DISSECT_NEED_MORE; /* not a hello: maybe a preamble */
        return len != 0 && len <= cursor_left(c) ? DISSECT_OK : DISSECT_NEED_MORE;
    }
    if (first >= 0 && (first < TLS_CHANGE_CIPHER_SPEC || first > TLS_HEARTBEAT))
        return DISSECT_NEED_MORE; /* no record starts here: maybe a preamble */
    /* a capture that starts mid-connection: records that tile the segment */
    if (first != TLS_HANDSHAKE && first >= 0)
        return records_tile(c);
    if (cursor_left(c) < TLS_RECORD_HEADER_LEN + 4)
        return DISSECT_NEED_MORE;
    uint8_t type = cursor_u8(c);
    uint16_t version = cursor_be16(c);
    uint16_t len = cursor_be16(c);
    uint8_t msg_type = cursor_u8(c);
    uint32_t msg_len = cursor_be24(c);
    if (!record_header_is_valid(type, version, len) || type != TLS_HANDSHAKE)
        return DISSECT_NOT_MINE;
    if (msg_type != TLS_CLIENT_HELLO && msg_type != TLS_SERVER_HELLO)
        return DISSECT_NOT_MINE;
    /* a hello may continue in the next record, but it cannot be tiny */
    return msg_len >= 38 && len >= 4 ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* ---- hellos ------------------------------------------------------------ */

typedef struct Hello {
    uint16_t version;       /* legacy_version, or supported_versions (server) */
    uint16_t cipher_suite;  /* server */
    char sni[TLS_NAME_MAX]; /* client */
    TlsHelloFp fp;          /* client: what JA3/JA4 are made of */
} Hello;

static void read_sni(Cursor *ext, Hello *h)
{
    Cursor list;
    cursor_take(ext, cursor_be16(ext), &list);
    uint8_t name_type = cursor_u8(&list);
    uint16_t name_len = cursor_be16(&list);
    if (name_type == TLS_SNI_HOST_NAME)
        cursor_str(&list, name_len, h->sni, sizeof h->sni);
    if (!cursor_ok(&list))
        cursor_set_bad(ext);
}

/* Big-endian 16-bit values filling the window c, at most cap kept. */
static void read_u16s(Cursor *c, uint16_t *dst, size_t cap, size_t *n, bool *is_cut)
{
    while (cursor_left(c) >= 2) {
        uint16_t v = cursor_be16(c);
        if (*n < cap)
            dst[(*n)++] = v;
        else
            *is_cut = true;
    }
    if (cursor_left(c) != 0)
        cursor_set_bad(c); /* a list of 16-bit values has an even length */
}

/* A list with its own 16-bit length prefix inside the extension. */
static void read_u16_list(Cursor *ext, uint16_t *dst, size_t cap, size_t *n, bool *is_cut)
{
    Cursor list;
    if (cursor_take(ext, cursor_be16(ext), &list))
        read_u16s(&list, dst, cap, n, is_cut);
    if (!cursor_ok(&list))
        cursor_set_bad(ext);
}

static void read_point_formats(Cursor *ext, TlsHelloFp *fp)
{
    Cursor list;
    cursor_take(ext, cursor_u8(ext), &list);
    while (cursor_left(&list) > 0) {
        uint8_t v = cursor_u8(&list);
        if (fp->n_point_formats < TLSFP_MAX_POINT_FORMATS)
            fp->point_formats[fp->n_point_formats++] = v;
        else
            fp->is_cut = true;
    }
}

/* JA4 wants the first and last byte of the first protocol id only. */
static void read_alpn(Cursor *ext, TlsHelloFp *fp)
{
    Cursor list;
    cursor_take(ext, cursor_be16(ext), &list);
    uint8_t len = cursor_u8(&list);
    Cursor id;
    if (!cursor_take(&list, len, &id) || len == 0)
        return;
    char ends[2];
    ends[0] = (char)cursor_u8(&id);
    cursor_skip(&id, len >= 2 ? len - 2u : 0);
    ends[1] = len >= 2 ? (char)cursor_u8(&id) : ends[0];
    if (cursor_ok(&id))
        tlsfp_set_alpn(fp, ends, 2);
}

/* Client: a one-byte length, then versions; the highest non-GREASE wins. */
static void read_client_versions(Cursor *ext, TlsHelloFp *fp)
{
    Cursor list;
    cursor_take(ext, cursor_u8(ext), &list);
    while (cursor_left(&list) >= 2) {
        uint16_t v = cursor_be16(&list);
        if (!tlsfp_is_grease(v) && v > fp->max_version)
            fp->max_version = v;
    }
}

static void read_client_extension(Cursor *ext, uint16_t type, Hello *h)
{
    TlsHelloFp *fp = &h->fp;
    switch (type) {
    case TLS_EXT_SERVER_NAME:
        fp->has_sni = true;
        read_sni(ext, h);
        break;
    case TLS_EXT_SUPPORTED_GROUPS:
        read_u16_list(ext, fp->groups, TLSFP_MAX_GROUPS, &fp->n_groups, &fp->is_cut);
        break;
    case TLS_EXT_EC_POINT_FORMATS:
        read_point_formats(ext, fp);
        break;
    case TLS_EXT_SIGNATURE_ALGORITHMS:
        read_u16_list(ext, fp->sigalgs, TLSFP_MAX_SIGALGS, &fp->n_sigalgs, &fp->is_cut);
        break;
    case TLS_EXT_ALPN:
        read_alpn(ext, fp);
        break;
    case TLS_EXT_SUPPORTED_VERSIONS:
        read_client_versions(ext, fp);
        break;
    default:
        break;
    }
}

static void read_extensions(Cursor *c, Hello *h, bool is_server)
{
    if (cursor_left(c) == 0)
        return; /* extensions are optional before TLS 1.3 */
    Cursor exts;
    cursor_take(c, cursor_be16(c), &exts);
    for (size_t i = 0; i < TLSFP_MAX_EXTS && cursor_left(&exts) > 0; i++) {
        uint16_t type = cursor_be16(&exts);
        uint16_t len = cursor_be16(&exts);
        Cursor ext;
        if (!cursor_take(&exts, len, &ext))
            break;
        if (!is_server) {
            h->fp.exts[h->fp.n_exts++] = type; /* the loop bound keeps n_exts in range */
            read_client_extension(&ext, type, h);
        } else if (type == TLS_EXT_SUPPORTED_VERSIONS) {
            h->version = cursor_be16(&ext);
        }
        if (!cursor_ok(&ext))
            cursor_set_bad(&exts);
    }
    if (cursor_left(&exts) > 0)
        h->fp.is_cut = true; /* more extensions than we keep */
    if (!cursor_ok(&exts))
        cursor_set_bad(c);
}

static void read_hello(Cursor *c, Hello *h, bool is_server)
{
    h->version = cursor_be16(c);
    cursor_skip(c, TLS_RANDOM_LEN);
    cursor_skip(c, cursor_u8(c)); /* session id */
    if (is_server) {
        h->cipher_suite = cursor_be16(c);
        cursor_skip(c, 1); /* compression method */
    } else {
        h->fp.legacy_version = h->version;
        Cursor suites;
        if (cursor_take(c, cursor_be16(c), &suites))
            read_u16s(&suites, h->fp.ciphers, TLSFP_MAX_CIPHERS, &h->fp.n_ciphers, &h->fp.is_cut);
        if (!cursor_ok(&suites))
            cursor_set_bad(c);
        cursor_skip(c, cursor_u8(c)); /* compression methods */
    }
    read_extensions(c, h, is_server);
}

static void emit_fingerprints(DissectCtx *ctx, const TlsHelloFp *fp)
{
    char ja3[TLSFP_JA3_LEN];
    char ja4[TLSFP_JA4_LEN];
    char value[FACT_VALUE_MAX];
    tlsfp_ja3(fp, ja3);
    snprintf(value, sizeof value, "ja3:%s", ja3);
    dissect_attr(ctx, SIDE_SRC, ATTR_FINGERPRINT, value, FACT_CONF_HIGH);
    tlsfp_ja4(fp, ja4);
    snprintf(value, sizeof value, "ja4:%s", ja4);
    dissect_attr(ctx, SIDE_SRC, ATTR_FINGERPRINT, value, FACT_CONF_HIGH);
}

static void emit_hello(DissectCtx *ctx, const Hello *h, bool is_server)
{
    char detail[FACT_DETAIL_MAX];
    if (is_server) {
        snprintf(detail, sizeof detail, "version=%s cipher=0x%04x", version_name(h->version),
                 (unsigned)h->cipher_suite);
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, TLS_SERVER_HELLO, "server hello", OP_SESSION, true, 0, detail);
    } else {
        if (h->sni[0])
            snprintf(detail, sizeof detail, "sni=%.58s", h->sni);
        else
            snprintf(detail, sizeof detail, "version=%s", version_name(h->version));
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, TLS_CLIENT_HELLO, "client hello", OP_SESSION, false, 0, detail);
        if (!h->fp.is_cut)
            emit_fingerprints(ctx, &h->fp);
    }
}

/* Plaintext handshake messages of one record.  A message continued in the
 * next record is left alone: fragmentation is legal. */
static DissectResult read_handshakes(Cursor *c, DissectCtx *ctx)
{
    for (int i = 0; i < TLS_MAX_HANDSHAKES && cursor_left(c) >= 4; i++) {
        uint8_t msg_type = cursor_u8(c);
        uint32_t msg_len = cursor_be24(c);
        if (msg_len > cursor_left(c))
            return DISSECT_OK;
        Cursor body;
        cursor_take(c, msg_len, &body);
        if (msg_type != TLS_CLIENT_HELLO && msg_type != TLS_SERVER_HELLO)
            continue;
        bool is_server = msg_type == TLS_SERVER_HELLO;
        Hello h;
        memset(&h, 0, sizeof h);
        read_hello(&body, &h, is_server);
        if (!cursor_ok(&body))
            return dissect_fail(ctx, &body, ANOM_LEN_MISMATCH);
        emit_hello(ctx, &h, is_server);
    }
    return DISSECT_OK;
}

/* An SSL 2.0-format ClientHello (framed by ssl2_hello_len()): the client's
 * version; its cipher specs are not fingerprinted (JA3 is defined on the
 * TLS ClientHello only). */
static DissectResult ssl2_hello(Cursor *c, DissectCtx *ctx)
{
    cursor_skip(c, SSL2_HEADER_LEN + 1); /* header, msg_type */
    uint16_t version = cursor_be16(c);
    uint16_t specs = cursor_be16(c);
    uint16_t sid = cursor_be16(c);
    uint16_t challenge = cursor_be16(c);
    cursor_skip(c, (size_t)specs + sid + challenge);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "version=%s format=ssl2",
             version == SSL2_VERSION ? "SSL2.0" : version_name(version));
    ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, TLS_CLIENT_HELLO, "client hello", OP_SESSION, false, 0, detail);
    return DISSECT_OK;
}

static DissectResult tls_dissect(Cursor *c, DissectCtx *ctx)
{
    TlsState *st = ctx->state;
    if (cursor_peek(c, 0) >= SSL2_LEN_MSB) {
        size_t len = ssl2_hello_len(c);
        if (cursor_is_clipped(c))
            return len != 0 && len != PDU_LEN_BAD && len <= cursor_left(c) ? ssl2_hello(c, ctx)
                                                                            : DISSECT_SHORT;
        if (len == 0 || len == PDU_LEN_BAD) {
            dissect_anomaly(ctx, len == 0 ? ANOM_LEN_MISMATCH : ANOM_BAD_HEADER);
            return DISSECT_MALFORMED;
        }
        return ssl2_hello(c, ctx);
    }
    uint8_t type = cursor_u8(c);
    cursor_skip(c, 2);
    uint16_t len = cursor_be16(c);
    Cursor record;
    cursor_take(c, len, &record);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    bool *is_encrypted =
        ctx->is_from_client ? &st->is_encrypted_from_client : &st->is_encrypted_from_server;
    switch (type) {
    case TLS_CHANGE_CIPHER_SPEC:
        *is_encrypted = true;
        return DISSECT_OK;
    case TLS_HANDSHAKE:
        return *is_encrypted ? DISSECT_OK : read_handshakes(&record, ctx);
    case TLS_ALERT: {
        uint8_t level = cursor_u8(&record);
        uint8_t description = cursor_u8(&record);
        /* encrypted alerts are longer than two bytes: nothing to read */
        if (!cursor_ok(&record) || cursor_left(&record) != 0)
            return DISSECT_OK;
        char detail[FACT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "level=%u description=%u", (unsigned)level,
                 (unsigned)description);
        dissect_op(ctx, TLS_ALERT, "alert", OP_SESSION, false,
                   level == TLS_ALERT_FATAL ? description : 0, detail);
        return DISSECT_OK;
    }
    case TLS_HEARTBEAT:
        dissect_op(ctx, TLS_HEARTBEAT, "heartbeat", OP_DIAGNOSTIC, false, 0, NULL);
        return DISSECT_OK;
    default:
        return DISSECT_OK;
    }
}

const ProtoDesc proto_tls = {
    .name = "tls",
    .transports = PT_TCP,
    .ports = {443, 8443, 4843, 993, 995, 636, 3269, 5061},
    .probe = tls_probe,
    .pdu_len = tls_pdu_len,
    .dissect = tls_dissect,
    .state_size = sizeof(TlsState),
};
