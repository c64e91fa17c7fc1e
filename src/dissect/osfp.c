/*
 * osfp.c - passive OS fingerprints of TCP SYN and SYN+ACK packets, matched
 * against the signature file of Debian's p0f package (p0f v3 format,
 * /etc/p0f/p0f.fp), read at run time when present.
 *
 * A packet's signature is built the way p0f 3 describes its fields
 * (p0f's README, section 5):
 *
 *   ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass
 *   4:128:0:1460:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0
 *
 * and compared with the [tcp:request] (SYN) or [tcp:response] (SYN+ACK)
 * signatures: specific ones before generic ones, first match wins.  The
 * initial TTL is the observed TTL rounded up to 32/64/128/255 (or any
 * signature TTL at most 35 hops above it).  Quirks that cannot be seen here
 * (IPv6 flow label, the IPv4 reserved bit) are ignored on both sides.
 * Results are cached per distinct observation (the packet's fields and its
 * option kinds as bytes, hashed as they are: no text is built unless the
 * observation is new), so a SYN scan costs one lookup.  Without the file
 * (p0f not installed) nothing is reported.
 */
#include "config.h"

#include "osfp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "otscope/log.h"

#define OSFP_DEFAULT_PATH "/etc/p0f/p0f.fp"

enum {
    OSFP_MAX_DIST = 35,
    OSFP_LAYOUT_MAX = 96,
    OSFP_LABEL_MAX = 80,
    OSFP_OPTS_MAX = 40, /* TCP options: at most 40 bytes, so at most 40 items */
    OPT_EOL = 0,
};

typedef enum WinKind { WIN_ANY, WIN_EXACT, WIN_MSS, WIN_MTU, WIN_MOD } WinKind;

/* Quirk bits, named as in p0f.fp. */
#define OSFP_QUIRKS(X)                                                                             \
    X(DF, "df")                                                                                    \
    X(ID_PLUS, "id+")                                                                              \
    X(ID_MINUS, "id-")                                                                             \
    X(ECN, "ecn")                                                                                  \
    X(ZERO_PLUS, "0+")                                                                             \
    X(FLOW, "flow")                                                                                \
    X(SEQ_MINUS, "seq-")                                                                           \
    X(ACK_PLUS, "ack+")                                                                            \
    X(ACK_MINUS, "ack-")                                                                           \
    X(UPTR_PLUS, "uptr+")                                                                          \
    X(URGF_PLUS, "urgf+")                                                                          \
    X(PUSHF_PLUS, "pushf+")                                                                        \
    X(TS1_MINUS, "ts1-")                                                                           \
    X(TS2_PLUS, "ts2+")                                                                            \
    X(OPT_PLUS, "opt+")                                                                            \
    X(EXWS, "exws")                                                                                \
    X(BAD, "bad")

enum {
#define X(id, str) QBIT_##id,
    OSFP_QUIRKS(X)
#undef X
};
#define Q(id) (1u << QBIT_##id)
static const char *const quirk_names[] = {
#define X(id, str) str,
    OSFP_QUIRKS(X)
#undef X
};
/* Not observable by this decoder: ignored when comparing. */
#define QUIRKS_UNSEEN (Q(ZERO_PLUS) | Q(FLOW))

typedef struct OsSig {
    bool is_response;
    bool is_generic;
    uint8_t ver; /* 0: any */
    uint8_t ittl;
    uint8_t olen;
    int32_t mss; /* -1: any */
    WinKind win_kind;
    uint32_t win;
    int16_t scale; /* -1: any */
    uint32_t quirks;
    int8_t pclass; /* -1: any, 0: no payload, 1: payload */
    char layout[OSFP_LAYOUT_MAX];
    char label[OSFP_LABEL_MAX]; /* "Linux 3.11 and newer" */
} OsSig;

/* The observed side of the comparison, and the cache key: zeroed before
 * it is filled (padding included), compared and hashed as bytes.  opts
 * holds the option kinds in order; an end-of-list is OPT_EOL followed by
 * the count of bytes after it (p0f's "eol+N"). */
typedef struct Observed {
    uint32_t win;
    int32_t mss; /* -1: no MSS option */
    uint32_t quirks;
    int16_t scale;
    bool is_response;
    uint8_t ver;
    uint8_t ttl;
    uint8_t olen;
    int8_t pclass;
    uint8_t n_opts;
    uint8_t opts[OSFP_OPTS_MAX + 1];
} Observed;

struct OsFp {
    GArray *sigs;      /* OsSig */
    GHashTable *cache; /* Observed (owned copy) -> index + 1 (0: no match) */
};

/* ---- the signature file --------------------------------------------------- */

static bool parse_quirks(const char *text, uint32_t *out)
{
    *out = 0;
    gchar **names = g_strsplit(text, ",", -1);
    bool ok = true;
    for (gchar **n = names; ok && *n; n++) {
        if (!**n)
            continue;
        size_t i = 0;
        while (i < G_N_ELEMENTS(quirk_names) && strcmp(*n, quirk_names[i]) != 0)
            i++;
        ok = i < G_N_ELEMENTS(quirk_names);
        if (ok)
            *out |= 1u << i;
    }
    g_strfreev(names);
    return ok;
}

static bool parse_window(const char *text, OsSig *sig)
{
    char *end;
    if (strcmp(text, "*") == 0) {
        sig->win_kind = WIN_ANY;
        return true;
    }
    if (g_str_has_prefix(text, "mss*") || g_str_has_prefix(text, "mtu*")) {
        sig->win_kind = text[1] == 's' ? WIN_MSS : WIN_MTU;
        text += 4;
    } else if (text[0] == '%') {
        sig->win_kind = WIN_MOD;
        text++;
    } else {
        sig->win_kind = WIN_EXACT;
    }
    unsigned long v = strtoul(text, &end, 10);
    sig->win = (uint32_t)v;
    return end != text && *end == '\0' && v <= 0xffffffffu && (sig->win_kind != WIN_MOD || v);
}

/* "ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass" */
static bool parse_sig(const char *text, OsSig *sig)
{
    gchar **f = g_strsplit(text, ":", -1);
    bool ok = g_strv_length(f) == 8;
    if (ok) {
        gchar **ws = g_strsplit(f[4], ",", 2);
        ok = g_strv_length(ws) == 2 && parse_window(ws[0], sig);
        sig->scale = ok && strcmp(ws[1], "*") != 0 ? (int16_t)atoi(ws[1]) : -1;
        g_strfreev(ws);
    }
    if (ok) {
        sig->ver = strcmp(f[0], "*") == 0 ? 0 : (uint8_t)atoi(f[0]);
        sig->ittl = (uint8_t)atoi(f[1]); /* "64-" reads as 64 */
        sig->olen = (uint8_t)atoi(f[2]);
        sig->mss = strcmp(f[3], "*") == 0 ? -1 : atoi(f[3]);
        g_strlcpy(sig->layout, f[5], sizeof sig->layout);
        ok = parse_quirks(f[6], &sig->quirks);
        sig->pclass = strcmp(f[7], "*") == 0 ? -1 : (f[7][0] == '+' ? 1 : 0);
    }
    g_strfreev(f);
    return ok;
}

/* "s:unix:Linux:3.11 and newer" -> "Linux 3.11 and newer" */
static bool parse_label(const char *text, OsSig *proto)
{
    gchar **f = g_strsplit(text, ":", 4);
    bool ok = g_strv_length(f) == 4;
    if (ok) {
        proto->is_generic = f[0][0] == 'g';
        const char *name = f[2][0] == '!' ? f[2] + 1 : f[2];
        if (f[3][0])
            g_snprintf(proto->label, sizeof proto->label, "%s %s", name, f[3]);
        else
            g_strlcpy(proto->label, name, sizeof proto->label);
    }
    g_strfreev(f);
    return ok;
}

static void load_file(OsFp *fp, const char *path, char *text)
{
    OsSig proto;
    memset(&proto, 0, sizeof proto);
    bool in_tcp = false;
    bool has_label = false;
    unsigned line_no = 0;
    gchar **lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        line_no++;
        char *line = g_strstrip(*l);
        if (!*line || line[0] == ';')
            continue;
        if (line[0] == '[') {
            in_tcp = g_str_has_prefix(line, "[tcp:");
            proto.is_response = strcmp(line, "[tcp:response]") == 0;
            has_label = false;
            continue;
        }
        char *eq = strchr(line, '=');
        if (!in_tcp || !eq)
            continue;
        *eq = '\0';
        char *key = g_strstrip(line);
        char *value = g_strstrip(eq + 1);
        if (strcmp(key, "label") == 0) {
            has_label = parse_label(value, &proto);
        } else if (strcmp(key, "sig") == 0 && has_label) {
            OsSig sig = proto;
            if (parse_sig(value, &sig))
                g_array_append_val(fp->sigs, sig);
            else
                log_verbose("%s:%u: signature not understood, skipped", path, line_no);
        }
    }
    g_strfreev(lines);
}

/* Eight bytes at a time (a byte-wise FNV cost half the match). */
static guint observed_hash(gconstpointer key)
{
    const unsigned char *p = key;
    uint64_t h = 0x9e3779b97f4a7c15ull;
    size_t i = 0;
    for (; i + 8 <= sizeof(Observed); i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    for (; i < sizeof(Observed); i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return (guint)(h ^ (h >> 29));
}

static gboolean observed_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(Observed)) == 0;
}

OsFp *osfp_open(void)
{
    const char *path = g_getenv("OTSCOPE_P0F_FP");
    if (!path)
        path = OSFP_DEFAULT_PATH;
    OsFp *fp = g_new0(OsFp, 1);
    fp->sigs = g_array_new(FALSE, TRUE, sizeof(OsSig));
    fp->cache = g_hash_table_new_full(observed_hash, observed_equal, g_free, NULL);
    gchar *text = NULL;
    if (g_file_get_contents(path, &text, NULL, NULL)) {
        load_file(fp, path, text);
        g_free(text);
    }
    log_verbose("OS fingerprints: %u signatures from %s", fp->sigs->len, path);
    return fp;
}

void osfp_close(OsFp *fp)
{
    if (!fp)
        return;
    g_array_free(fp->sigs, TRUE);
    g_hash_table_destroy(fp->cache);
    g_free(fp);
}

size_t osfp_count(const OsFp *fp)
{
    return fp ? fp->sigs->len : 0;
}

/* ---- the packet's side -------------------------------------------------- */

static void opt_add(Observed *o, uint8_t kind)
{
    if (o->n_opts < OSFP_OPTS_MAX)
        o->opts[o->n_opts++] = kind;
}

/* Walks the TCP options into the option kinds, MSS, scale and quirks. */
static void read_options(Cursor opts, Observed *o)
{
    while (cursor_left(&opts) > 0) {
        uint8_t kind = cursor_u8(&opts);
        if (kind == OPT_EOL) {
            size_t rest = cursor_left(&opts);
            opt_add(o, OPT_EOL);
            o->opts[o->n_opts++] = (uint8_t)rest; /* opts has room for it: rest < 40 */
            while (cursor_left(&opts) > 0) {
                if (cursor_u8(&opts) != 0)
                    o->quirks |= Q(OPT_PLUS);
            }
            return;
        }
        if (kind == 1) {
            opt_add(o, kind);
            continue;
        }
        uint8_t len = cursor_u8(&opts);
        Cursor body;
        if (!cursor_ok(&opts) || len < 2 || !cursor_take(&opts, len - 2u, &body)) {
            o->quirks |= Q(BAD);
            return;
        }
        opt_add(o, kind);
        switch (kind) {
        case 2:
            o->mss = cursor_be16(&body);
            break;
        case 3:
            o->scale = cursor_u8(&body);
            if (o->scale > 14)
                o->quirks |= Q(EXWS);
            break;
        case 8: {
            uint32_t own = cursor_be32(&body);
            uint32_t peer = cursor_be32(&body);
            if (own == 0)
                o->quirks |= Q(TS1_MINUS);
            if (peer != 0 && !o->is_response)
                o->quirks |= Q(TS2_PLUS);
            break;
        }
        default:
            break;
        }
        if (!cursor_ok(&body))
            o->quirks |= Q(BAD);
    }
}

static void layout_add(char *layout, const char *item)
{
    if (layout[0])
        g_strlcat(layout, ",", OSFP_LAYOUT_MAX);
    g_strlcat(layout, item, OSFP_LAYOUT_MAX);
}

/* p0f.fp's names of the TCP option kinds it knows, by kind. */
static const char *const opt_names[] = {
    [1] = "nop", [2] = "mss", [3] = "ws", [4] = "sok", [5] = "sack", [8] = "ts",
};

/* The option layout as p0f.fp writes it ("mss,nop,ws,nop,nop,sok"): built
 * only for an observation the cache has not seen. */
static void layout_text(const Observed *o, char *layout)
{
    layout[0] = '\0';
    for (size_t i = 0; i < o->n_opts; i++) {
        char item[16];
        unsigned kind = o->opts[i];
        if (kind == OPT_EOL)
            g_snprintf(item, sizeof item, "eol+%u", (unsigned)o->opts[++i]);
        else if (kind < G_N_ELEMENTS(opt_names) && opt_names[kind])
            g_strlcpy(item, opt_names[kind], sizeof item);
        else
            g_snprintf(item, sizeof item, "?%u", kind);
        layout_add(layout, item);
    }
}

static void observe(const Packet *pkt, Observed *o)
{
    memset(o, 0, sizeof *o);
    o->is_response = (pkt->tcp_flags & TCP_ACK) != 0;
    o->ver = pkt->ip_ver;
    o->ttl = pkt->ttl;
    o->olen = pkt->ip_opt_len;
    o->mss = -1;
    o->win = pkt->tcp_win;
    o->pclass = cursor_left(&pkt->payload) > 0;
    if (pkt->ip_ver == 4) {
        if (pkt->ip_df)
            o->quirks |= Q(DF);
        if (pkt->ip_df && pkt->ip_id != 0)
            o->quirks |= Q(ID_PLUS);
        if (!pkt->ip_df && pkt->ip_id == 0)
            o->quirks |= Q(ID_MINUS);
    }
    if (pkt->ip_ecn || (pkt->tcp_flags & 0xc0))
        o->quirks |= Q(ECN);
    if (pkt->tcp_seq == 0)
        o->quirks |= Q(SEQ_MINUS);
    if (!(pkt->tcp_flags & TCP_ACK) && pkt->tcp_ack != 0)
        o->quirks |= Q(ACK_PLUS);
    if ((pkt->tcp_flags & TCP_ACK) && pkt->tcp_ack == 0)
        o->quirks |= Q(ACK_MINUS);
    if (!(pkt->tcp_flags & TCP_URG) && pkt->tcp_urg_ptr)
        o->quirks |= Q(UPTR_PLUS);
    if (pkt->tcp_flags & TCP_URG)
        o->quirks |= Q(URGF_PLUS);
    if (pkt->tcp_flags & TCP_PSH)
        o->quirks |= Q(PUSHF_PLUS);
    o->scale = 0;
    read_options(pkt->tcp_opts, o);
}

/* ---- comparison ---------------------------------------------------------- */

static bool ttl_fits(uint8_t ittl, uint8_t ttl)
{
    static const uint8_t steps[] = { 32, 64, 128, 255 };
    uint8_t guess = 255;
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        if (ttl <= steps[i]) {
            guess = steps[i];
            break;
        }
    }
    return ittl == guess || (ittl >= ttl && ittl - ttl <= OSFP_MAX_DIST);
}

static bool window_fits(const OsSig *s, const Observed *o)
{
    switch (s->win_kind) {
    case WIN_ANY:
        return true;
    case WIN_EXACT:
        return o->win == s->win;
    case WIN_MSS:
        return o->mss > 0 && o->win == (uint32_t)o->mss * s->win;
    case WIN_MTU: {
        uint32_t mtu = o->mss > 0 ? (uint32_t)o->mss + (o->ver == 6 ? 60u : 40u) : 0;
        return mtu && o->win == mtu * s->win;
    }
    case WIN_MOD:
        return o->win % s->win == 0;
    }
    return false;
}

static bool sig_fits(const OsSig *s, const Observed *o, const char *layout)
{
    return s->is_response == o->is_response && (!s->ver || s->ver == o->ver) &&
           ttl_fits(s->ittl, o->ttl) && s->olen == o->olen && (s->mss < 0 || s->mss == o->mss) &&
           (s->scale < 0 || s->scale == o->scale) && (s->pclass < 0 || s->pclass == o->pclass) &&
           (s->quirks & ~QUIRKS_UNSEEN) == (o->quirks & ~QUIRKS_UNSEEN) &&
           strcmp(s->layout, layout) == 0 && window_fits(s, o);
}

/* Index + 1 of the first fitting signature (specific before generic), 0. */
static guint best_match(const OsFp *fp, const Observed *o)
{
    char layout[OSFP_LAYOUT_MAX];
    layout_text(o, layout);
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < fp->sigs->len; i++) {
            const OsSig *s = &g_array_index(fp->sigs, OsSig, i);
            if (s->is_generic == (pass == 1) && sig_fits(s, o, layout))
                return i + 1;
        }
    }
    return 0;
}

bool osfp_match(OsFp *fp, const Packet *pkt, OsGuess *out)
{
    if (!fp || fp->sigs->len == 0 || pkt->transport != TP_TCP || !(pkt->tcp_flags & TCP_SYN))
        return false;
    Observed o;
    observe(pkt, &o);
    gpointer hit;
    guint index;
    if (g_hash_table_lookup_extended(fp->cache, &o, NULL, &hit)) {
        index = GPOINTER_TO_UINT(hit);
    } else {
        index = best_match(fp, &o);
        if (g_hash_table_size(fp->cache) < OSFP_CACHE_MAX)
            g_hash_table_insert(fp->cache, g_memdup2(&o, sizeof o), GUINT_TO_POINTER(index));
    }
    if (!index)
        return false;
    const OsSig *s = &g_array_index(fp->sigs, OsSig, index - 1);
    out->label = s->label;
    out->is_generic = s->is_generic;
    return true;
}
