/*
 * test-rules-meta.c - data/rules.tsv and the rules compiled in (rules.def)
 * agree: every rule has a row, every row a rule, once each, with a
 * title, an explanation, a recommendation and ATT&CK for ICS ids.  TAP.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "rules.h"

static int n_tests;
static int n_failed;

static void check(bool ok, const char *what, const char *id)
{
    n_tests++;
    if (!ok)
        n_failed++;
    printf("%sok %d - %s%s%s\n", ok ? "" : "not ", n_tests, what, id ? ": " : "", id ? id : "");
}

/* "T0816" or "T0816;T0858" */
static bool is_attack_list(const char *ids)
{
    gchar **parts = g_strsplit(ids, ";", -1);
    bool ok = parts[0] != NULL;
    for (gchar **p = parts; *p && ok; p++)
        ok = strlen(*p) == 5 && (*p)[0] == 'T' && g_ascii_isdigit((*p)[1]) &&
             g_ascii_isdigit((*p)[2]) && g_ascii_isdigit((*p)[3]) && g_ascii_isdigit((*p)[4]);
    g_strfreev(parts);
    return ok;
}

int main(void)
{
    Err err;
    err_clear(&err);
    GPtrArray *metas = rules_meta_load(&err);
    check(metas != NULL, "rules.tsv loads", metas ? NULL : err.msg);
    if (!metas) {
        printf("1..%d\n", n_tests);
        return 1;
    }
    for (size_t i = 0; i < rules_count(); i++) {
        const char *id = rules_id(i);
        int rows = 0;
        for (guint j = 0; j < metas->len; j++)
            rows += strcmp(((const RuleMeta *)g_ptr_array_index(metas, j))->id, id) == 0;
        check(rows == 1, "the rule has exactly one row in rules.tsv", id);
    }
    for (guint j = 0; j < metas->len; j++) {
        const RuleMeta *m = g_ptr_array_index(metas, j);
        bool is_compiled = false;
        for (size_t i = 0; i < rules_count(); i++)
            is_compiled = is_compiled || strcmp(rules_id(i), m->id) == 0;
        check(is_compiled, "the row has a rule in rules.def", m->id);
        check(m->title[0] && m->why[0] && m->recommendation[0],
              "title, explanation and recommendation are filled", m->id);
        check(is_attack_list(m->attack_id), "attack_id is a list of ATT&CK for ICS ids", m->id);
    }
    g_ptr_array_unref(metas);
    printf("1..%d\n", n_tests);
    return n_failed ? 1 : 0;
}
