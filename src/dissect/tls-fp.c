/*
 * tls-fp.c - JA3 and JA4 strings of a ClientHello (see tls-fp.h).
 *
 * JA3 joins, with ',', the legacy version, then the cipher suites, the
 * extension types, the supported groups and the EC point formats, each list
 * in wire order as decimals joined with '-', GREASE values removed; the
 * fingerprint is the MD5 of that text.
 *
 * JA4 is "t" + version ("13", "12", ... from the highest supported_versions
 * entry, else the legacy version) + "d"/"i" (SNI or not) + two-digit counts
 * of ciphers and extensions (GREASE excluded, capped at 99) + the ALPN's
 * first and last character ("00" without) + "_" + the first 12 hex digits
 * of SHA-256 over the sorted 4-digit hex cipher list + "_" + the same over
 * the sorted extension list without SNI (0000) and ALPN (0010), followed by
 * "_" and the signature algorithms in wire order when there are any.  An
 * empty list hashes to "000000000000", as the reference implementation does.
 *
 * No allocation: fixed buffers sized from the caps in tls-fp.h.
 */
#include "config.h"

#include "tls-fp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otscope/md5.h"
#include "otscope/sha256.h"

enum {
    /* JA3 text: 5 + (6 per cipher, extension, group) + 4 per format */
    JA3_TEXT_MAX = 8 + 6 * (TLSFP_MAX_CIPHERS + TLSFP_MAX_EXTS + TLSFP_MAX_GROUPS) +
                   4 * TLSFP_MAX_POINT_FORMATS,
    JA4_LIST_MAX = 8 + 5 * (TLSFP_MAX_CIPHERS + TLSFP_MAX_EXTS + TLSFP_MAX_SIGALGS),
    JA4_HASH_LEN = 12,
    JA4_MAX_COUNT = 99,
    TLS_EXT_SNI = 0x0000,
    TLS_EXT_ALPN = 0x0010,
};

typedef struct Text {
    char *buf;
    size_t size;
    size_t len;
} Text;

/* Appends sep (when not '\0') and v, as decimal or 4-digit lower-case hex;
 * the caps in tls-fp.h size every buffer, so truncation cannot happen. */
static void put(Text *t, char sep, unsigned v, bool is_hex)
{
    if (t->len + 1 >= t->size)
        return;
    int n = sep ? snprintf(t->buf + t->len, t->size - t->len, is_hex ? "%c%04x" : "%c%u", sep, v)
                : snprintf(t->buf + t->len, t->size - t->len, is_hex ? "%04x" : "%u", v);
    if (n > 0)
        t->len = t->len + (size_t)n < t->size ? t->len + (size_t)n : t->size - 1;
}

static void put_char(Text *t, char ch)
{
    if (t->len + 1 >= t->size)
        return;
    t->buf[t->len++] = ch;
    t->buf[t->len] = '\0';
}

bool tlsfp_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static void put_list16(Text *t, const uint16_t *v, size_t n)
{
    bool is_first = true;
    for (size_t i = 0; i < n; i++) {
        if (tlsfp_is_grease(v[i]))
            continue;
        put(t, is_first ? '\0' : '-', v[i], false);
        is_first = false;
    }
}

void tlsfp_ja3(const TlsHelloFp *h, char out[TLSFP_JA3_LEN])
{
    char buf[JA3_TEXT_MAX];
    Text t = { buf, sizeof buf, 0 };
    buf[0] = '\0';
    put(&t, '\0', h->legacy_version, false);
    put_char(&t, ',');
    put_list16(&t, h->ciphers, h->n_ciphers);
    put_char(&t, ',');
    put_list16(&t, h->exts, h->n_exts);
    put_char(&t, ',');
    put_list16(&t, h->groups, h->n_groups);
    put_char(&t, ',');
    for (size_t i = 0; i < h->n_point_formats; i++)
        put(&t, i ? '-' : '\0', h->point_formats[i], false);
    md5_hex(buf, t.len, out);
}

void tlsfp_set_alpn(TlsHelloFp *h, const char *id, size_t len)
{
    if (len == 0) {
        h->alpn[0] = '\0';
        return;
    }
    unsigned char first = (unsigned char)id[0];
    unsigned char last = (unsigned char)id[len - 1];
    if (isalnum(first) && isalnum(last)) {
        h->alpn[0] = (char)first;
        h->alpn[1] = (char)last;
    } else {
        static const char hex[] = "0123456789abcdef";
        h->alpn[0] = hex[first >> 4];
        h->alpn[1] = hex[last & 0xf];
    }
    h->alpn[2] = '\0';
}

static const char *ja4_version(uint16_t v)
{
    switch (v) {
    case 0x0304:
        return "13";
    case 0x0303:
        return "12";
    case 0x0302:
        return "11";
    case 0x0301:
        return "10";
    case 0x0300:
        return "s3";
    case 0x0200:
        return "s2";
    case 0x0100:
        return "s1";
    default:
        return "00";
    }
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Non-GREASE values of v[0..n) not in skip (0 or 2 entries), sorted. */
static size_t sorted_copy(const uint16_t *v, size_t n, bool skip_sni_alpn, uint16_t *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (tlsfp_is_grease(v[i]))
            continue;
        if (skip_sni_alpn && (v[i] == TLS_EXT_SNI || v[i] == TLS_EXT_ALPN))
            continue;
        dst[k++] = v[i];
    }
    qsort(dst, k, sizeof *dst, cmp_u16);
    return k;
}

static void put_hex_list(Text *t, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(t, i ? ',' : '\0', v[i], true);
}

static void hash12(const char *text, size_t len, char out[JA4_HASH_LEN + 1])
{
    if (len == 0) {
        memset(out, '0', JA4_HASH_LEN);
        out[JA4_HASH_LEN] = '\0';
        return;
    }
    Sha256 s;
    uint8_t digest[SHA256_DIGEST_LEN];
    char hex[SHA256_HEX_LEN];
    sha256_init(&s);
    sha256_update(&s, text, len);
    sha256_final(&s, digest);
    sha256_hex(digest, hex);
    memcpy(out, hex, JA4_HASH_LEN);
    out[JA4_HASH_LEN] = '\0';
}

static size_t count_non_grease(const uint16_t *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += !tlsfp_is_grease(v[i]);
    return k > JA4_MAX_COUNT ? JA4_MAX_COUNT : k;
}

void tlsfp_ja4(const TlsHelloFp *h, char out[TLSFP_JA4_LEN])
{
    uint16_t sorted[TLSFP_MAX_CIPHERS];
    char buf[JA4_LIST_MAX];
    char cipher_hash[JA4_HASH_LEN + 1];
    char ext_hash[JA4_HASH_LEN + 1];

    size_t n = sorted_copy(h->ciphers, h->n_ciphers, false, sorted);
    Text t = { buf, sizeof buf, 0 };
    buf[0] = '\0';
    put_hex_list(&t, sorted, n);
    hash12(buf, t.len, cipher_hash);

    n = sorted_copy(h->exts, h->n_exts, true, sorted);
    t.len = 0;
    buf[0] = '\0';
    put_hex_list(&t, sorted, n);
    size_t n_sig = 0;
    for (size_t i = 0; i < h->n_sigalgs; i++) {
        if (tlsfp_is_grease(h->sigalgs[i]))
            continue;
        put(&t, n_sig++ ? ',' : '_', h->sigalgs[i], true);
    }
    hash12(buf, n ? t.len : 0, ext_hash);

    uint16_t version = h->max_version ? h->max_version : h->legacy_version;
    snprintf(out, TLSFP_JA4_LEN, "t%s%c%02u%02u%.2s_%s_%s", ja4_version(version),
             h->has_sni ? 'd' : 'i', (unsigned)count_non_grease(h->ciphers, h->n_ciphers),
             (unsigned)count_non_grease(h->exts, h->n_exts), h->alpn[0] ? h->alpn : "00",
             cipher_hash, ext_hash);
}
