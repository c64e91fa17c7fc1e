/*
 * ident-match.c - loose identity comparisons (see ident-match.h).  The
 * looseness is deliberate: a reconciliation that cries "mismatch" over
 * "Siemens" against "Siemens AG," is noise nobody reads.
 */
#include "config.h"

#include "ident-match.h"

#include <string.h>

#include <glib.h>

#include "fw-version.h"

/* Words that say nothing about who made a thing. */
static const char *const vendor_stopwords[] = {
    "inc", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "gmbh", "ag",
    "se", "sa", "sas", "spa", "bv", "nv", "kk", "plc", "the", "and", "group", "systems",
    "technologies", "international", "industries",
};

static bool is_stopword(const char *w)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vendor_stopwords); i++)
        if (strcmp(w, vendor_stopwords[i]) == 0)
            return true;
    return false;
}

/* Lower-case alphanumeric words of text; a new vector. */
static gchar **words_of(const char *text)
{
    char *low = g_ascii_strdown(text ? text : "", -1);
    for (char *p = low; *p; p++)
        if (!g_ascii_isalnum(*p) && !((unsigned char)*p & 0x80))
            *p = ' ';
    gchar **w = g_strsplit(low, " ", -1);
    g_free(low);
    GPtrArray *kept = g_ptr_array_new();
    for (gchar **p = w; *p; p++)
        if ((*p)[0])
            g_ptr_array_add(kept, g_strdup(*p));
    g_strfreev(w);
    g_ptr_array_add(kept, NULL);
    return (gchar **)g_ptr_array_free(kept, FALSE);
}

static bool has_word(gchar **words, const char *w)
{
    for (gchar **p = words; *p; p++)
        if (strcmp(*p, w) == 0)
            return true;
    return false;
}

/* Names one vendor goes by: brands, former names, the MAC registry's
 * spelling, the katakana and kanji of Japanese ledgers.  Matched as
 * lower-case substrings and replaced by one word before comparing. */
static const struct {
    const char *alias;
    const char *word;
} vendor_aliases[] = {
    { "hewlett packard", "hewlettpackard" }, { "hewlett-packard", "hewlettpackard" },
    { "allen-bradley", "rockwell" },         { "allen bradley", "rockwell" },
    { "telemecanique", "schneider" },        { "modicon", "schneider" },
    { "act'l", "hms" },                      { "ewon", "hms" },
    { "シュナイダー", "schneider" },          { "シーメンス", "siemens" },
    { "ロックウェル", "rockwell" },           { "三菱", "mitsubishi" },
    { "オムロン", "omron" },                 { "横河", "yokogawa" },
    { "キーエンス", "keyence" },             { "富士電機", "fuji" },
    { "日立", "hitachi" },                   { "東芝", "toshiba" },
    { "パナソニック", "panasonic" },         { "シスコ", "cisco" },
    { "ヒューレット", "hewlettpackard" },    { "ワゴ", "wago" },
};

/* Single words that stand for a longer vendor word. */
static const struct {
    const char *word;
    const char *is;
} vendor_words[] = { { "hp", "hewlettpackard" }, { "hpe", "hewlettpackard" } };

static gchar **vendor_words_of(const char *text)
{
    char *low = g_utf8_strdown(text ? text : "", -1);
    for (size_t i = 0; i < G_N_ELEMENTS(vendor_aliases); i++) {
        char *hit;
        while ((hit = strstr(low, vendor_aliases[i].alias))) {
            *hit = '\0';
            char *joined = g_strconcat(low, " ", vendor_aliases[i].word, " ",
                                       hit + strlen(vendor_aliases[i].alias), NULL);
            g_free(low);
            low = joined;
        }
    }
    gchar **w = words_of(low);
    g_free(low);
    for (gchar **p = w; *p; p++) {
        for (size_t i = 0; i < G_N_ELEMENTS(vendor_words); i++) {
            if (strcmp(*p, vendor_words[i].word) == 0) {
                g_free(*p);
                *p = g_strdup(vendor_words[i].is);
            }
        }
    }
    return w;
}

/* The distinctive words of a vendor name: not stop words, 3+ letters. */
static bool vendor_pair(const char *a, const char *b)
{
    gchar **wa = vendor_words_of(a);
    gchar **wb = vendor_words_of(b);
    bool hit = false;
    for (gchar **p = wa; *p && !hit; p++)
        hit = strlen(*p) >= 3 && !is_stopword(*p) && has_word(wb, *p);
    g_strfreev(wa);
    g_strfreev(wb);
    return hit;
}

typedef bool (*PairFn)(const char *listed, const char *seen_one);

static bool any_of(const char *listed, const char *seen, PairFn fn)
{
    if (!listed || !listed[0] || !seen || !seen[0])
        return false;
    gchar **vals = g_strsplit(seen, ";", -1);
    bool hit = false;
    for (gchar **v = vals; *v && !hit; v++)
        hit = (*v)[0] && fn(listed, *v);
    g_strfreev(vals);
    return hit;
}

bool ident_vendor_matches(const char *listed, const char *seen)
{
    return any_of(listed, seen, vendor_pair);
}

/* Lower case, alphanumerics only. */
static char *squash(const char *text)
{
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p++)
        if (g_ascii_isalnum(*p) || ((unsigned char)*p & 0x80) || *p == '*' || *p == '?')
            g_string_append_c(s, g_ascii_tolower(*p));
    return g_string_free(s, FALSE);
}

static bool has_digit(const char *w)
{
    for (; *w; w++)
        if (g_ascii_isdigit(*w))
            return true;
    return false;
}

static bool model_pair(const char *listed, const char *seen)
{
    char *a = squash(listed);
    char *b = squash(seen);
    bool hit = a[0] && b[0] && (strstr(a, b) || strstr(b, a));
    g_free(a);
    g_free(b);
    if (hit)
        return true;
    /* a shared part-number token: 3+ characters with a digit */
    gchar **wa = words_of(listed);
    gchar **wb = words_of(seen);
    for (gchar **p = wa; *p && !hit; p++)
        hit = strlen(*p) >= 3 && has_digit(*p) && has_word(wb, *p);
    g_strfreev(wa);
    g_strfreev(wb);
    return hit;
}

bool ident_model_matches(const char *listed, const char *seen)
{
    return any_of(listed, seen, model_pair);
}

static bool name_pair(const char *listed, const char *seen)
{
    size_t a = strcspn(listed, ".");
    size_t b = strcspn(seen, ".");
    return a == b && g_ascii_strncasecmp(listed, seen, a) == 0;
}

bool ident_name_matches(const char *listed, const char *seen)
{
    return any_of(listed, seen, name_pair);
}

static bool firmware_pair(const char *listed, const char *seen)
{
    return fwver_same(listed, seen) || g_ascii_strcasecmp(listed, seen) == 0;
}

bool ident_firmware_matches(const char *listed, const char *seen)
{
    return any_of(listed, seen, firmware_pair);
}

static bool glob_pair(const char *pattern, const char *seen)
{
    char *p = squash(pattern);
    char *s = squash(seen);
    bool hit = p[0] && g_pattern_match_simple(p, s);
    g_free(p);
    g_free(s);
    return hit;
}

bool ident_glob_matches(const char *patterns, const char *seen)
{
    if (!patterns)
        return false;
    gchar **pats = g_strsplit(patterns, ";", -1);
    bool hit = false;
    for (gchar **p = pats; *p && !hit; p++) {
        g_strstrip(*p);
        hit = (*p)[0] && any_of(*p, seen, glob_pair);
    }
    g_strfreev(pats);
    return hit;
}

bool ident_mac_normalize(const char *text, char *buf)
{
    char hex[13];
    int n = 0;
    for (const char *p = text; *p; p++) {
        if (g_ascii_isxdigit(*p)) {
            if (n == 12)
                return false;
            hex[n++] = g_ascii_tolower(*p);
        } else if (*p != ':' && *p != '-' && *p != '.' && *p != ' ') {
            return false;
        }
    }
    if (n != 12)
        return false;
    for (int i = 0; i < 6; i++) {
        buf[i * 3] = hex[i * 2];
        buf[i * 3 + 1] = hex[i * 2 + 1];
        buf[i * 3 + 2] = i < 5 ? ':' : '\0';
    }
    return true;
}
