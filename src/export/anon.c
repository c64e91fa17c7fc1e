/*
 * anon.c - pseudonyms for --anonymize (contract in anon.h).
 *
 * The pseudo-random function is SHA-256 over (key block, domain byte,
 * input): the key fills the first 64-byte block, whose compressed state is
 * kept, so one PRF call costs one block.  Prefix preservation follows
 * Xu, Fan, Ammar, Moon, "Prefix-Preserving IP Address Anonymization"
 * (ICNP 2002), the scheme behind Crypto-PAn: output bit i is input bit i
 * XOR a keyed function of input bits 0..i-1, so the mapping is a
 * permutation of the address space that keeps shared prefixes shared.
 */
#include "config.h"

#include "anon.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib.h>

#include "export.h"
#include "otscope/packet.h"
#include "otscope/sha256.h"

enum {
    ANON_KEY_LEN = 32,
    TOKEN_HEX = 8, /* hex digits in host-xxxxxxxx */
    NAME_MIN_LEN = 3, /* shorter known names are not searched for in text */
};

typedef enum PrfDomain {
    PRF_IP4 = 4,
    PRF_IP6 = 6,
    PRF_MAC = 'm',
    PRF_NAME = 'n',
    PRF_USER = 'u',
    PRF_SERIAL = 's',
    PRF_PATH = 'p',
} PrfDomain;

struct Anon {
    Sha256 keyed; /* state after the key block */
    GHashTable *memo[STK_CMDLINE + 1]; /* input -> pseudonym, per kind */
    GHashTable *known_names;           /* lower-case name -> kind (GINT) */
    GHashTable *capture_names;         /* basename -> pseudonym basename */
    GHashTable *capture_paths;         /* path -> pseudonym */
    GHashTable *lists;                 /* "kind\x01list" -> pseudonym list */
    int n_captures;
};

static void prf(const Anon *a, PrfDomain dom, const void *data, size_t len,
                uint8_t out[SHA256_DIGEST_LEN])
{
    Sha256 h = a->keyed;
    uint8_t d = (uint8_t)dom;
    sha256_update(&h, &d, 1);
    sha256_update(&h, data, len);
    sha256_final(&h, out);
}

Anon *anon_new(const char *key_text)
{
    Anon *a = g_new0(Anon, 1);
    uint8_t key_block[SHA256_BLOCK_LEN];
    memset(key_block, 0, sizeof key_block);
    if (key_text) {
        Sha256 h;
        sha256_init(&h);
        static const char label[] = "otscope-anon-v1:";
        sha256_update(&h, label, sizeof label - 1);
        sha256_update(&h, key_text, strlen(key_text));
        sha256_final(&h, key_block);
    } else {
        size_t got = 0;
        while (got < ANON_KEY_LEN) {
            ssize_t n = getrandom(key_block + got, ANON_KEY_LEN - got, 0);
            if (n < 0 && errno == EINTR)
                continue;
            OTS_ASSERT(n > 0); /* the kernel's generator does not fail once seeded */
            got += (size_t)n;
        }
    }
    sha256_init(&a->keyed);
    sha256_update(&a->keyed, key_block, sizeof key_block);
    memset(key_block, 0, sizeof key_block);
    for (size_t i = 0; i < G_N_ELEMENTS(a->memo); i++)
        a->memo[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    a->known_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->capture_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    a->capture_paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    a->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return a;
}

void anon_free(Anon *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(a->memo); i++)
        g_hash_table_unref(a->memo[i]);
    g_hash_table_unref(a->known_names);
    g_hash_table_unref(a->capture_names);
    g_hash_table_unref(a->capture_paths);
    g_hash_table_unref(a->lists);
    memset(&a->keyed, 0, sizeof a->keyed);
    g_free(a);
}

/* ---- addresses ----------------------------------------------------------------- */

/* Flips bit i (from_bit <= i < n_bits) of out by the PRF of the input's
 * bits before it. */
static void prefix_preserve(const Anon *a, PrfDomain dom, const uint8_t *in, uint8_t *out,
                            int from_bit, int n_bits)
{
    uint8_t prefix[17];
    int n_bytes = n_bits / 8;
    for (int i = from_bit; i < n_bits; i++) {
        memset(prefix, 0, sizeof prefix);
        prefix[0] = (uint8_t)i;
        /* the first i bits of the input, the rest zero */
        for (int b = 0; b < n_bytes; b++) {
            int keep = i - b * 8;
            if (keep >= 8)
                prefix[1 + b] = in[b];
            else if (keep > 0)
                prefix[1 + b] = (uint8_t)(in[b] & (0xff << (8 - keep)));
        }
        uint8_t digest[SHA256_DIGEST_LEN];
        prf(a, dom, prefix, 1 + (size_t)n_bytes, digest);
        int flip = digest[0] & 1;
        int byte = i / 8;
        int bit = 7 - i % 8;
        if (flip)
            out[byte] = (uint8_t)(out[byte] ^ (1 << bit));
    }
}

static bool keep_ip(const IpAddr *ip)
{
    if (ipaddr_is_zero(ip) || ipaddr_is_multicast(ip) || ipaddr_is_broadcast_v4(ip))
        return true;
    if (ipaddr_is_v4(ip))
        return (ipaddr_v4(ip) >> 24) == 127;
    static const uint8_t loop6[16] = { [15] = 1 };
    return memcmp(ip->b, loop6, 16) == 0;
}

/* Private and link-local ranges map into themselves (prefix kept, the
 * rest prefix-preserved), so an anonymized address still says "inside" or
 * "internet" - the report's lanes and the external-comm findings depend
 * on it - and no public address can take a private pseudonym. */
typedef struct SpecialRange {
    uint8_t b[16]; /* IPv4 in the last 4 bytes, as IpAddr */
    int bits;      /* prefix length counted on the 128-bit form */
} SpecialRange;

static const SpecialRange special_ranges[] = {
    { { [10] = 0xff, [11] = 0xff, [12] = 10 }, 96 + 8 },
    { { [10] = 0xff, [11] = 0xff, [12] = 172, [13] = 16 }, 96 + 12 },
    { { [10] = 0xff, [11] = 0xff, [12] = 192, [13] = 168 }, 96 + 16 },
    { { [10] = 0xff, [11] = 0xff, [12] = 169, [13] = 254 }, 96 + 16 },
    { { [10] = 0xff, [11] = 0xff, [12] = 100, [13] = 64 }, 96 + 10 },
    { { 0xfc }, 7 },
    { { 0xfe, 0x80 }, 10 },
};

static int special_prefix(const IpAddr *ip)
{
    for (size_t r = 0; r < G_N_ELEMENTS(special_ranges); r++) {
        const SpecialRange *sr = &special_ranges[r];
        bool match = true;
        for (int i = 0; match && i < sr->bits; i++) {
            int bit = 7 - i % 8;
            match = ((ip->b[i / 8] ^ sr->b[i / 8]) >> bit & 1) == 0;
        }
        if (match)
            return sr->bits;
    }
    return 0;
}

enum { CYCLE_WALK_MAX = 64 };

static void anon_ip(const Anon *a, const IpAddr *in, IpAddr *out)
{
    *out = *in;
    if (keep_ip(in))
        return;
    bool v4 = ipaddr_is_v4(in);
    int keep = special_prefix(in);
    int from = keep ? keep - (v4 ? 96 : 0) : 0;
    if (v4)
        prefix_preserve(a, PRF_IP4, in->b + 12, out->b + 12, from, 32);
    else
        prefix_preserve(a, PRF_IP6, in->b, out->b, from, 128);
    if (keep)
        return;
    /* A public address whose image is special walks the cycle of the
     * permutation until it leaves the special set: still a bijection on
     * public addresses (format-preserving "cycle walking"). */
    for (int n = 0; n < CYCLE_WALK_MAX && (special_prefix(out) || keep_ip(out)); n++) {
        IpAddr next = *out;
        if (v4)
            prefix_preserve(a, PRF_IP4, out->b + 12, next.b + 12, 0, 32);
        else
            prefix_preserve(a, PRF_IP6, out->b, next.b, 0, 128);
        *out = next;
    }
}

/* The device half (24 bits) of a MAC through a keyed 4-round Feistel
 * network, tweaked by the OUI: a permutation per OUI, so two devices never
 * share a pseudonym (a plain hash collides after a few thousand MACs of
 * one vendor). */
static uint32_t mac_permute(const Anon *a, const uint8_t oui[3], uint32_t x)
{
    uint32_t left = x >> 12;
    uint32_t right = x & 0xfff;
    for (uint8_t round = 0; round < 4; round++) {
        uint8_t in[6] = { round, oui[0], oui[1], oui[2], (uint8_t)(right >> 8), (uint8_t)right };
        uint8_t digest[SHA256_DIGEST_LEN];
        prf(a, PRF_MAC, in, sizeof in, digest);
        uint32_t f = ((uint32_t)digest[0] << 8 | digest[1]) & 0xfff;
        uint32_t next = left ^ f;
        left = right;
        right = next;
    }
    return left << 12 | right;
}

static void anon_mac(const Anon *a, const MacAddr *in, MacAddr *out)
{
    *out = *in;
    if (macaddr_is_group(in) || macaddr_is_zero(in))
        return;
    uint32_t x = (uint32_t)in->b[3] << 16 | (uint32_t)in->b[4] << 8 | in->b[5];
    do /* the all-zero MAC is kept as itself: walk past it */
        x = mac_permute(a, in->b, x);
    while (x == 0 && !in->b[0] && !in->b[1] && !in->b[2]);
    out->b[3] = (uint8_t)(x >> 16);
    out->b[4] = (uint8_t)(x >> 8);
    out->b[5] = (uint8_t)x;
}

/* Pseudonym text of an address, or NULL when text is not one. */
static char *map_addr_text(const Anon *a, const char *text)
{
    char buf[OTS_ADDR_STRLEN];
    IpAddr ip;
    MacAddr mac;
    if (strchr(text, '.') || strchr(text, ':')) {
        if (ipaddr_parse(text, &ip)) {
            IpAddr out;
            anon_ip(a, &ip, &out);
            return g_strdup(ipaddr_str(&out, buf));
        }
    }
    if (strlen(text) == 17 && macaddr_parse(text, &mac)) {
        MacAddr out;
        anon_mac(a, &mac, &out);
        return g_strdup(macaddr_str(&out, buf));
    }
    return NULL;
}

/* ---- names and paths -------------------------------------------------------------- */

static char *token(const Anon *a, PrfDomain dom, const char *prefix, const char *text)
{
    char *lower = g_utf8_strdown(text, -1);
    uint8_t digest[SHA256_DIGEST_LEN];
    prf(a, dom, lower, strlen(lower), digest);
    g_free(lower);
    GString *out = g_string_new(prefix);
    for (int i = 0; i < TOKEN_HEX / 2; i++)
        g_string_append_printf(out, "%02x", digest[i]);
    return g_string_free(out, FALSE);
}

/* ".pcapng", ".pcap.gz", ... of a file name ("" when none). */
static const char *file_ext(const char *base)
{
    const char *dot = strchr(base, '.');
    if (!dot || dot == base)
        return "";
    for (const char *p = dot; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '.')
            return "";
    }
    return dot;
}

static char *map_path(Anon *a, const char *path)
{
    const char *known = g_hash_table_lookup(a->capture_paths, path);
    if (known)
        return g_strdup(known);
    char *base = g_path_get_basename(path);
    known = g_hash_table_lookup(a->capture_names, base);
    char *out;
    if (known) {
        out = g_strdup(known);
    } else {
        char *t = token(a, PRF_PATH, "file-", path);
        out = g_strconcat(t, file_ext(base), NULL);
        g_free(t);
    }
    g_free(base);
    return out;
}

void anon_learn(Anon *a, StoreTextKind kind, const char *text)
{
    if (!text || !text[0])
        return;
    if (kind == STK_PATH) {
        if (g_hash_table_contains(a->capture_paths, text))
            return;
        char *base = g_path_get_basename(text);
        const char *known = g_hash_table_lookup(a->capture_names, base);
        char *name = known ? g_strdup(known)
                           : g_strdup_printf("capture-%d%s", ++a->n_captures, file_ext(base));
        if (!known)
            g_hash_table_insert(a->capture_names, g_strdup(base), g_strdup(name));
        g_hash_table_insert(a->capture_paths, g_strdup(text), name);
        g_free(base);
        return;
    }
    if (strlen(text) < NAME_MIN_LEN)
        return;
    g_hash_table_insert(a->known_names, g_utf8_strdown(text, -1), GINT_TO_POINTER(kind));
}

/* ---- free text --------------------------------------------------------------------- */

static bool is_word_char(char c)
{
    return g_ascii_isalnum(c) || c == '.' || c == ':' || c == '-';
}

/* a.b.example: two or more labels of letters, digits and '-', the last
 * alphabetic and at least two letters long (so that "e.g", "V3.2.6" and
 * "20.011" stay). */
static bool is_dns_like(const char *w, size_t len)
{
    int labels = 1;
    size_t last = 0;
    for (size_t i = 0; i < len; i++) {
        if (w[i] == '.') {
            if (i == last)
                return false;
            labels++;
            last = i + 1;
        } else if (!g_ascii_isalnum(w[i]) && w[i] != '-') {
            return false;
        }
    }
    if (labels < 2 || len - last < 2)
        return false;
    for (size_t i = last; i < len; i++) {
        if (!g_ascii_isalpha(w[i]))
            return false;
    }
    return true;
}

/* "report.html", "day1.pcapng": a name whose last label is a file type
 * otscope reads or writes is a file, not a host. */
static bool is_file_name(const char *word)
{
    static const char *const exts[] = { "pcap", "pcapng", "cap", "gz", "html", "htm", "csv",
                                        "ndjson", "json", "db", "sqlite", "txt", "tsv", "log" };
    const char *dot = strrchr(word, '.');
    for (size_t i = 0; dot && i < G_N_ELEMENTS(exts); i++) {
        if (g_ascii_strcasecmp(dot + 1, exts[i]) == 0)
            return true;
    }
    return false;
}

static const char *map_kind(Anon *a, StoreTextKind kind, const char *text);

/* The replacement of one word, or NULL to keep it. */
static char *map_word(Anon *a, const char *w, size_t len)
{
    char *word = g_strndup(w, len);
    char *out = map_addr_text(a, word);
    if (!out) {
        char *lower = g_utf8_strdown(word, -1);
        gpointer kind;
        if (g_hash_table_lookup_extended(a->known_names, lower, NULL, &kind))
            out = g_strdup(map_kind(a, (StoreTextKind)GPOINTER_TO_INT(kind), word));
        else if (g_hash_table_lookup(a->capture_names, word))
            out = g_strdup(g_hash_table_lookup(a->capture_names, word));
        else if (is_dns_like(word, len))
            out = g_strdup(map_kind(a, is_file_name(word) ? STK_PATH : STK_NAME, word));
        g_free(lower);
    }
    g_free(word);
    return out;
}

/* Appends w[0..len) with its addresses and names replaced: the whole word
 * first, then its ':'-separated parts (host:port, key:value). */
static void scrub_word(Anon *a, GString *out, const char *w, size_t len)
{
    /* trailing punctuation is not part of an address or name */
    size_t core = len;
    while (core > 0 && (w[core - 1] == '.' || w[core - 1] == ':' || w[core - 1] == '-'))
        core--;
    char *rep = core ? map_word(a, w, core) : NULL;
    if (rep) {
        g_string_append(out, rep);
        g_string_append_len(out, w + core, (gssize)(len - core));
        g_free(rep);
        return;
    }
    if (!memchr(w, ':', core)) {
        g_string_append_len(out, w, (gssize)len);
        return;
    }
    /* "mac:00:1b:21:e6:0f:55", "scan:10.0.0.1": a label, then an address */
    for (size_t i = 0; i < core; i++) {
        if (w[i] != ':' || i + 1 >= core)
            continue;
        char *tail = map_word(a, w + i + 1, core - i - 1);
        if (tail) {
            scrub_word(a, out, w, i);
            g_string_append_c(out, ':');
            g_string_append(out, tail);
            g_string_append_len(out, w + core, (gssize)(len - core));
            g_free(tail);
            return;
        }
    }
    size_t start = 0;
    for (size_t i = 0; i <= core; i++) {
        if (i == core || w[i] == ':') {
            char *part = i > start ? map_word(a, w + start, i - start) : NULL;
            if (part)
                g_string_append(out, part);
            else
                g_string_append_len(out, w + start, (gssize)(i - start));
            g_free(part);
            if (i < core)
                g_string_append_c(out, ':');
            start = i + 1;
        }
    }
    g_string_append_len(out, w + core, (gssize)(len - core));
}

/* Whitespace-delimited tokens that are paths ("/home/x/f.pcap", "./x",
 * "~/x") are replaced whole; the rest is scanned word by word. */
static char *scrub_text(Anon *a, const char *text)
{
    GString *out = g_string_sized_new(strlen(text) + 16);
    const char *p = text;
    while (*p) {
        if (g_ascii_isspace(*p)) {
            g_string_append_c(out, *p++);
            continue;
        }
        const char *end = p;
        while (*end && !g_ascii_isspace(*end))
            end++;
        const char *q = p;
        while (q < end && strchr("\"'(<[=", *q))
            q++;
        if (q < end && (*q == '/' || (*q == '~' && q[1] == '/') || (*q == '.' && q[1] == '/'))) {
            const char *e = end;
            while (e > q && strchr("\"')>],;", e[-1]))
                e--;
            char *path = g_strndup(q, (gsize)(e - q));
            g_string_append_len(out, p, (gssize)(q - p));
            char *rep = map_path(a, path);
            g_string_append(out, rep);
            g_string_append_len(out, e, (gssize)(end - e));
            g_free(rep);
            g_free(path);
            p = end;
            continue;
        }
        while (p < end) {
            if (!is_word_char(*p)) {
                g_string_append_c(out, *p++);
                continue;
            }
            const char *w = p;
            while (p < end && is_word_char(*p))
                p++;
            scrub_word(a, out, w, (size_t)(p - w));
        }
    }
    return g_string_free(out, FALSE);
}

/* ---- entry points ------------------------------------------------------------------- */

static char *compute(Anon *a, StoreTextKind kind, const char *text)
{
    switch (kind) {
    case STK_ADDR: {
        char *out = map_addr_text(a, text);
        return out ? out : scrub_text(a, text);
    }
    case STK_NAME:
        return token(a, PRF_NAME, "host-", text);
    case STK_USER:
        return token(a, PRF_USER, "user-", text);
    case STK_SERIAL:
        return token(a, PRF_SERIAL, "serial-", text);
    case STK_SECRET:
        return g_strdup("");
    case STK_PATH:
        return map_path(a, text);
    case STK_CMDLINE: {
        /* "otscope export ..." -> "otscope export [arguments withheld]" */
        char **words = g_strsplit(text, " ", 3);
        char *out;
        if (words[0] && words[1]) {
            char *prog = g_path_get_basename(words[0]);
            out = g_strdup_printf("%s %s%s", prog, words[1], words[2] ? " [arguments withheld]" : "");
            g_free(prog);
        } else {
            out = g_strdup("otscope");
        }
        g_strfreev(words);
        return out;
    }
    case STK_TEXT:
        return scrub_text(a, text);
    }
    return g_strdup("");
}

static const char *map_kind(Anon *a, StoreTextKind kind, const char *text)
{
    OTS_ASSERT((unsigned)kind < G_N_ELEMENTS(a->memo));
    GHashTable *memo = a->memo[kind];
    const char *hit = g_hash_table_lookup(memo, text);
    if (hit)
        return hit;
    char *out = compute(a, kind, text);
    g_hash_table_insert(memo, g_strdup(text), out);
    return out;
}

const char *anon_value(Anon *a, StoreTextKind kind, const char *text)
{
    if (!text)
        return NULL;
    if (!text[0])
        return text;
    return map_kind(a, kind, text);
}

const char *anon_list(Anon *a, StoreTextKind kind, const char *list)
{
    if (!list || !strchr(list, ';'))
        return anon_value(a, kind, list);
    char **items = g_strsplit(list, ";", -1);
    GString *out = g_string_new(NULL);
    for (char **i = items; *i; i++) {
        if (i != items)
            g_string_append_c(out, ';');
        g_string_append(out, anon_value(a, kind, *i));
    }
    g_strfreev(items);
    /* keep the joined result alive with the Anon */
    char *key = g_strdup_printf("%d\x01%s", (int)kind, list);
    const char *hit = g_hash_table_lookup(a->lists, key);
    if (hit) {
        g_free(key);
        g_string_free(out, TRUE);
        return hit;
    }
    char *val = g_string_free(out, FALSE);
    g_hash_table_insert(a->lists, key, val);
    return val;
}

char *anon_store_map(StoreTextKind kind, const char *text, void *user)
{
    Anon *a = user;
    const char *out = anon_value(a, kind, text);
    return out ? g_strdup(out) : NULL;
}

/* ---- learning from the store ---------------------------------------------------------- */

static bool learn_attribute(const char *const *cells, void *user)
{
    Anon *a = user;
    /* attributes columns: asset_id, addr, name, value, ... */
    const char *name = cells[2];
    const char *value = cells[3];
    if (!name || !value)
        return true;
    StoreTextKind kind = (StoreTextKind)export_attr_kind(name);
    if (kind == STK_NAME) {
        anon_learn(a, STK_NAME, value);
        /* "ENG-WS01.ot.plant.internal" also names "ENG-WS01" */
        const char *dot = strchr(value, '.');
        if (dot && dot > value) {
            char *host = g_strndup(value, (gsize)(dot - value));
            anon_learn(a, STK_NAME, host);
            g_free(host);
        }
    } else if (kind == STK_USER || kind == STK_SERIAL) {
        anon_learn(a, kind, value);
    }
    return true;
}

static bool learn_capture(const char *const *cells, void *user)
{
    /* captures columns: capture_id, path, ... */
    anon_learn(user, STK_PATH, cells[1]);
    return true;
}

bool anon_learn_store(Anon *a, Store *s, Err *err)
{
    return store_read_table(s, TABLE_CAPTURES, learn_capture, a, err) &&
           store_read_xtable(s, XTABLE_ATTRIBUTES, false, learn_attribute, a, err);
}
