/*
 * rule-legacy-os.c - legacy-os: hosts that announce an operating system
 * past its vendor's end of support.
 *
 * Reads the "os" attributes of this capture (SMB/NTLM version fields give
 * "Windows NT major.minor build N"; other dissectors give names) and
 * matches them against the prefixes below: Windows NT 4 to 6.3 (NT 4,
 * 2000, XP, Server 2003, Vista, 7, Server 2008/R2, 8, 8.1, Server 2012/R2)
 * and the consumer 9x line.  The list, with end-of-support dates, is data:
 * data/os-support.tsv.  Windows 10 and Server 2016+ share version 10.0 and
 * are deliberately not judged from the version alone.  An OS guessed from
 * a TCP SYN or DHCP fingerprint (below high confidence) counts only for the lines
 * marked fingerprint=yes (stacks nothing modern resembles), at low
 * severity.  One finding per host.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "otscope/log.h"
#include "rules-int.h"

/* One line of data/os-support.tsv. */
typedef struct OsSupport {
    char *match; /* lower-case substring of an "os" attribute */
    char *name;
    char *end_of_support;
    bool is_fingerprint_ok;
} OsSupport;

static void os_support_free(gpointer p)
{
    OsSupport *o = p;
    g_free(o->match);
    g_free(o->name);
    g_free(o->end_of_support);
    g_free(o);
}

/* data/os-support.tsv; an empty list (and a warning) when it is missing. */
static GPtrArray *os_support_load(void)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(os_support_free);
    char *path = rules_data_path("os-support.tsv");
    gchar *text = NULL;
    if (!path || !g_file_get_contents(path, &text, NULL, NULL)) {
        log_warn("os-support.tsv not found: no legacy-os findings");
        g_free(path);
        return list;
    }
    gchar **lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        gchar **f = g_strsplit(*l, "\t", -1);
        if ((*l)[0] != '#' && g_strv_length(f) == 4) {
            OsSupport *o = g_new0(OsSupport, 1);
            o->match = g_ascii_strdown(f[0], -1);
            o->name = g_strdup(f[1]);
            o->end_of_support = g_strdup(f[2]);
            o->is_fingerprint_ok = strcmp(g_strstrip(f[3]), "yes") == 0;
            g_ptr_array_add(list, o);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return list;
}

/* The first line whose match is in os, or NULL. */
static const OsSupport *os_support_find(const GPtrArray *list, const char *os)
{
    char *low = g_ascii_strdown(os, -1);
    const OsSupport *hit = NULL;
    for (guint i = 0; i < list->len && !hit; i++) {
        const OsSupport *o = g_ptr_array_index(list, i);
        if (strstr(low, o->match))
            hit = o;
    }
    g_free(low);
    return hit;
}

static void legacy_os_run(RuleCtx *ctx)
{
    GPtrArray *support = os_support_load();
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT addr, '', protocol, count, first_ns, last_ns, first_pkt,"
                                  " last_pkt, value, confidence FROM attrs WHERE capture_id=?1"
                                  " AND name='os' ORDER BY first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *os = rule_text(st, 8);
        bool is_told = rule_int(st, 9) >= FACT_CONF_HIGH; /* the host said so (SMB, SNMP, ...) */
        const OsSupport *o = os_support_find(support, os);
        if (!o || (!is_told && !o->is_fingerprint_ok))
            continue;
        Finding *f = rule_hit(ctx, hit.src, &hit);
        rule_title(f, os);
        if (is_told) {
            rule_note(ctx, f, "%s announces %s over %s: %s, out of support since %s", hit.src, os,
                      hit.protocol, o->name, o->end_of_support);
            rule_raise(f, ctx->meta->severity);
        } else {
            /* p0f guesses come from the core (no protocol); DHCP names its own */
            const char *how = hit.protocol && hit.protocol[0] ? hit.protocol : "TCP SYN";
            rule_note(ctx, f, "%s looks like %s by its %s fingerprint (a guess): %s, out of "
                      "support since %s", hit.src, os, how, o->name, o->end_of_support);
            if (f->count == hit.count) /* only guesses so far */
                rule_lower(f, SEV_LOW);
        }
    }
    g_ptr_array_unref(support);
}

const RuleDesc rule_legacy_os = { "legacy-os", legacy_os_run, 0 };
