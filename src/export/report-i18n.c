/*
 * report-i18n.c - the report's words, from data/report/<lang>.tsv, and
 * the small data tables the report reads (palette, lanes).
 *
 * A line is "key<TAB>text"; '#' starts a comment line.  Text is used as
 * data, never as a printf format: placeholders are {name} and filled by
 * i18n_fmt, so a translation cannot break the program.
 */
#include "config.h"

#include "report.h"

#include <stdarg.h>
#include <string.h>

#include "otscope/util.h"

struct I18n {
    GHashTable *text; /* key -> text */
};

/* The first of $OTSCOPE_DATA_DIR/report/name, the installed data folder
 * and the source tree that exists; NULL when none. */
static char *find_data_file(const char *name)
{
    char *rel = g_build_filename("report", name, NULL);
    char *path = ots_data_path(rel);
    g_free(rel);
    return path;
}

/* key -> rest of line, for every "key<TAB>rest" line of the file. */
static GHashTable *read_tsv(const char *name, Err *err)
{
    char *path = find_data_file(name);
    if (!path) {
        err_set(err, ERR_INPUT, "report/%s: not found in $OTSCOPE_DATA_DIR, %s or %s", name,
                OTS_DATA_DIR, OTS_SOURCE_DATA_DIR);
        return NULL;
    }
    gchar *text = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error)) {
        err_set(err, ERR_INPUT, "%s: %s", path, error->message);
        g_error_free(error);
        g_free(path);
        return NULL;
    }
    if (!g_utf8_validate(text, -1, NULL)) {
        err_set(err, ERR_INPUT, "%s: not UTF-8", path);
        g_free(text);
        g_free(path);
        return NULL;
    }
    GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = *l;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        g_hash_table_insert(table, g_strdup(line), g_strdup(tab + 1));
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return table;
}

GHashTable *report_data_table(const char *name, Err *err)
{
    return read_tsv(name, err);
}

I18n *i18n_load(const char *lang, Err *err)
{
    /* a language is a file name: keep it one */
    for (const char *p = lang; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
            err_set(err, ERR_USAGE, "'%s' is not a language name (en, ja)", lang);
            return NULL;
        }
    }
    GHashTable *base = read_tsv("en.tsv", err);
    if (!base)
        return NULL;
    if (strcmp(lang, "en") != 0) {
        char *name = g_strconcat(lang, ".tsv", NULL);
        GHashTable *tr = read_tsv(name, err);
        g_free(name);
        if (!tr) {
            g_hash_table_unref(base);
            return NULL;
        }
        GHashTableIter it;
        gpointer k;
        gpointer v;
        g_hash_table_iter_init(&it, tr);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            g_hash_table_iter_steal(&it);
            g_hash_table_insert(base, k, v);
        }
        g_hash_table_unref(tr);
    }
    I18n *t = g_new0(I18n, 1);
    t->text = base;
    return t;
}

void i18n_free(I18n *t)
{
    if (!t)
        return;
    g_hash_table_unref(t->text);
    g_free(t);
}

const char *i18n_get(const I18n *t, const char *key)
{
    const char *v = g_hash_table_lookup(t->text, key);
    return v ? v : key;
}

char *i18n_fmt(const I18n *t, const char *key, ...)
{
    const char *text = i18n_get(t, key);
    GString *out = g_string_new(NULL);
    for (const char *p = text; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            g_string_append_c(out, *p++);
            continue;
        }
        size_t len = (size_t)(close - p - 1);
        const char *value = NULL;
        va_list ap;
        va_start(ap, key);
        const char *name;
        while ((name = va_arg(ap, const char *)) != NULL) {
            const char *v = va_arg(ap, const char *);
            if (strlen(name) == len && memcmp(name, p + 1, len) == 0) {
                value = v;
                break;
            }
        }
        va_end(ap);
        if (value) {
            g_string_append(out, value);
            p = close + 1;
        } else {
            g_string_append_c(out, *p++);
        }
    }
    return g_string_free(out, FALSE);
}
