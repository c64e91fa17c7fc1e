/*
 * fw-version.c - firmware version strings and advisory version ranges
 * (grammar in fw-version.h).  Pure string work: no SQL, no allocation
 * beyond the splitting of a range into its parts.
 */
#include "config.h"

#include "fw-version.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

static bool is_wild(char c)
{
    return c == 'x' || c == 'X' || c == '*';
}

/* A wildcard counts only inside a dotted run ("3.x.14"), never as the
 * first component: "x86" is not a version. */
bool fwver_parse(const char *text, FwVersion *out)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    while (*p && !g_ascii_isdigit(*p))
        p++;
    if (!*p)
        return false;
    while (out->n_parts < FWVER_PARTS_MAX) {
        int i = out->n_parts;
        if (g_ascii_isdigit(*p)) {
            int64_t v = 0;
            while (g_ascii_isdigit(*p)) {
                if (v < INT64_MAX / 10 - 10)
                    v = v * 10 + (*p - '0');
                p++;
            }
            out->part[i] = v;
        } else if (i > 0 && is_wild(*p)) {
            out->is_any[i] = 1;
            p++;
        } else {
            break;
        }
        out->n_parts++;
        if (*p != '.' || !(g_ascii_isdigit(p[1]) || is_wild(p[1])))
            break;
        p++;
    }
    return out->n_parts > 0;
}

int fwver_cmp(const FwVersion *a, const FwVersion *b)
{
    int n = a->n_parts > b->n_parts ? a->n_parts : b->n_parts;
    for (int i = 0; i < n; i++) {
        if ((i < a->n_parts && a->is_any[i]) || (i < b->n_parts && b->is_any[i]))
            continue;
        int64_t x = i < a->n_parts ? a->part[i] : 0;
        int64_t y = i < b->n_parts ? b->part[i] : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

bool fwver_same(const char *a, const char *b)
{
    FwVersion x;
    FwVersion y;
    return fwver_parse(a, &x) && fwver_parse(b, &y) && fwver_cmp(&x, &y) == 0;
}

/* ---- ranges ------------------------------------------------------------------ */

typedef enum CondOp { COND_LT, COND_LE, COND_GT, COND_GE, COND_EQ, COND_NE } CondOp;

static bool is_all_word(const char *s)
{
    return s[0] == '\0' || strcmp(s, "*") == 0 || g_ascii_strcasecmp(s, "all") == 0 ||
           g_ascii_strcasecmp(s, "any") == 0;
}

/* One condition "<=3.01" (a bare version means equal).  Returns false
 * when it does not parse. */
static bool parse_cond(const char *text, CondOp *op, FwVersion *v)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    static const struct {
        const char *text;
        CondOp op;
    } ops[] = { { "<=", COND_LE }, { ">=", COND_GE }, { "==", COND_EQ }, { "!=", COND_NE },
                { "<", COND_LT },  { ">", COND_GT },  { "=", COND_EQ } };
    *op = COND_EQ;
    for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(p, ops[i].text, n) == 0) {
            *op = ops[i].op;
            p += n;
            break;
        }
    }
    /* one operator only: "<<3" and "<=>3" are typos, not ranges */
    return !strpbrk(p, "<>=!") && fwver_parse(p, v);
}

static bool holds(CondOp op, int cmp)
{
    switch (op) {
    case COND_LT:
        return cmp < 0;
    case COND_LE:
        return cmp <= 0;
    case COND_GT:
        return cmp > 0;
    case COND_GE:
        return cmp >= 0;
    case COND_EQ:
        return cmp == 0;
    case COND_NE:
        return cmp != 0;
    }
    return false;
}

/* Evaluates (or with version NULL, only checks) one alternative. */
static bool alternative(const char *alt, const FwVersion *version, bool *is_valid)
{
    *is_valid = true;
    if (is_all_word(alt))
        return true;
    /* "A - B": inclusive; the dash needs a blank or a digit after it,
     * so that a leading "-" is no range */
    const char *dash = strstr(alt, " - ");
    if (!dash)
        dash = strchr(alt, '-');
    if (dash && dash != alt) {
        char *lo_text = g_strndup(alt, (gsize)(dash - alt));
        FwVersion lo;
        FwVersion hi;
        bool ok = fwver_parse(lo_text, &lo) && fwver_parse(dash + 1, &hi);
        g_free(lo_text);
        if (!ok) {
            *is_valid = false;
            return false;
        }
        return version && fwver_cmp(version, &lo) >= 0 && fwver_cmp(version, &hi) <= 0;
    }
    gchar **conds = g_strsplit_set(alt, ",&", -1);
    bool ok = true;
    for (gchar **c = conds; *c && *is_valid; c++) {
        g_strstrip(*c);
        if (!(*c)[0])
            continue;
        CondOp op;
        FwVersion bound;
        if (!parse_cond(*c, &op, &bound)) {
            *is_valid = false;
            ok = false;
        } else if (version && !holds(op, fwver_cmp(version, &bound))) {
            ok = false;
        }
    }
    g_strfreev(conds);
    return ok && version;
}

static bool each_alternative(const char *range, const FwVersion *version, char *why,
                             size_t why_len, bool *is_valid)
{
    gchar **alts = g_strsplit_set(range ? range : "", ";|", -1);
    bool hit = false;
    *is_valid = true;
    for (gchar **a = alts; *a && *is_valid; a++) {
        g_strstrip(*a);
        bool alt_valid;
        if (alternative(*a, version, &alt_valid))
            hit = true;
        if (!alt_valid) {
            *is_valid = false;
            if (why)
                snprintf(why, why_len, "'%s' is not a version condition (<3.01, >=2.0,<2.9, "
                         "1.0 - 1.4, *)", *a);
        }
    }
    g_strfreev(alts);
    return hit;
}

bool fwrange_check(const char *range, char *why, size_t why_len)
{
    bool is_valid;
    each_alternative(range, NULL, why, why_len, &is_valid);
    return is_valid;
}

bool fwrange_is_all(const char *range)
{
    gchar **alts = g_strsplit_set(range ? range : "", ";|", -1);
    bool all = false;
    for (gchar **a = alts; *a; a++) {
        g_strstrip(*a);
        all = all || is_all_word(*a);
    }
    g_strfreev(alts);
    return all;
}

bool fwrange_contains(const char *range, const char *version)
{
    FwVersion v;
    if (!version || !fwver_parse(version, &v))
        return fwrange_is_all(range);
    bool is_valid;
    return each_alternative(range, &v, NULL, 0, &is_valid) && is_valid;
}
