/*
 * ioc.c - indicator-of-compromise lists: text files of IP addresses,
 * networks, domain names and TLS/certificate fingerprints read into the
 * DB's iocs table, which the ioc-match rule judges every capture against.
 *
 * Format (man otscope, IOC LISTS; example: data/ioc-example.txt): one
 * indicator per line, its type inferred or written as TYPE:VALUE; the
 * rest of the line after a blank, ',' or tab is a note kept with it (the
 * campaign, the feed, a ticket); '#' at the start of a line or after a
 * blank starts a comment.  Defanged forms (evil[.]example, hxxp://) are
 * accepted.  A line that is no indicator refuses the whole file, with
 * its line: a half-loaded list would silently miss indicators.  Loading
 * replaces the lists the DB had; the same indicator twice keeps the first.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "ioc-match.h"
#include "otscope/baseline.h"
#include "site-int.h"
#include "store-int.h"

enum { IOC_NOTE_MAX = 200 }; /* bytes of a note kept */

_Static_assert((int)IOC_TYPE_COUNT == (int)IOC_STATS_TYPES, "IocStats.by_type has one slot per type");

typedef struct IocRow {
    IocType type;
    char value[IOC_VALUE_MAX];
    char *note;
    char *source;
    int line;
} IocRow;

static void row_free(gpointer p)
{
    IocRow *r = p;
    g_free(r->note);
    g_free(r->source);
    g_free(r);
}

/* The line without its comment: '#' first or after a blank. */
static void cut_comment(char *line)
{
    for (char *p = line; *p; p++) {
        if (*p == '#' && (p == line || g_ascii_isspace(p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

static bool parse_line(const char *path, int line_no, char *line, GPtrArray *rows, Err *err)
{
    cut_comment(line);
    g_strstrip(line);
    if (!line[0])
        return true;
    size_t n = strcspn(line, " \t,;");
    char *token = g_strndup(line, n);
    const char *note = line + n;
    while (*note && (g_ascii_isspace(*note) || *note == ',' || *note == ';'))
        note++;
    IocRow *r = g_new0(IocRow, 1);
    const char *why = NULL;
    bool ok = ioc_classify(token, &r->type, r->value, sizeof r->value, &why);
    if (!ok) {
        err_set(err, ERR_INPUT, "%s:%d: '%s': %s", path, line_no, token, why);
        g_free(r);
    } else {
        r->note = g_utf8_make_valid(note, -1);
        if (strlen(r->note) >= IOC_NOTE_MAX)
            r->note[g_utf8_find_prev_char(r->note, r->note + IOC_NOTE_MAX) - r->note] = '\0';
        r->source = g_path_get_basename(path);
        r->line = line_no;
        g_ptr_array_add(rows, r);
    }
    g_free(token);
    return ok;
}

static bool parse_file(const char *path, GPtrArray *rows, Err *err)
{
    gchar *text;
    gsize len;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, &len, &error)) {
        err_set(err, ERR_INPUT, "%s: %s", path, error->message);
        g_error_free(error);
        return false;
    }
    if (memchr(text, '\0', len)) {
        g_free(text);
        return err_set(err, ERR_INPUT, "%s: not a text file", path);
    }
    /* a UTF-8 BOM from Windows editors */
    const char *start = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? text + 3 : text;
    gchar **lines = g_strsplit(start, "\n", -1);
    bool ok = true;
    for (int i = 0; ok && lines[i]; i++)
        ok = parse_line(path, i + 1, lines[i], rows, err);
    g_strfreev(lines);
    g_free(text);
    return ok;
}

static bool put_row(Store *s, sqlite3_stmt *st, const IocRow *r, Err *err)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, ioc_type_name(r->type), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->source, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, r->line);
    return sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "iocs");
}

bool ioc_load(Store *s, const char *const *paths, IocStats *stats, Err *err)
{
    memset(stats, 0, sizeof *stats);
    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    bool ok = true;
    for (const char *const *p = paths; ok && *p; p++)
        ok = parse_file(*p, rows, err);
    ok = ok && store_exec(s, "BEGIN IMMEDIATE; DELETE FROM iocs;", err);
    sqlite3_stmt *st = NULL;
    if (ok && sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO iocs (type, value, note, source,"
                                        " line) VALUES (?, ?, ?, ?, ?)",
                                 -1, &st, NULL) != SQLITE_OK) {
        store_fail(s, err, "iocs");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        ok = false;
    }
    for (guint i = 0; ok && st && i < rows->len; i++) {
        const IocRow *r = g_ptr_array_index(rows, i);
        ok = put_row(s, st, r, err);
        if (ok && sqlite3_changes(s->db) > 0)
            stats->by_type[r->type]++;
        else if (ok)
            stats->duplicates++;
    }
    sqlite3_finalize(st);
    if (st)
        ok = ok ? store_exec(s, "COMMIT", err)
                : (sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL), false);
    for (int t = 0; t < IOC_TYPE_COUNT; t++)
        stats->indicators += stats->by_type[t];
    g_ptr_array_unref(rows);
    return ok;
}

bool ioc_clear(Store *s, Err *err)
{
    return store_exec(s, "DELETE FROM iocs", err);
}

const char *ioc_stats_type_name(int i)
{
    return ioc_type_name((IocType)i);
}

static const ColumnDesc columns[] = {
    { "type", "TYPE", CELL_TEXT, 11, false },
    { "value", "VALUE", CELL_TEXT, 36, false },
    { "note", "NOTE", CELL_TEXT, 24, false },
    { "source", "SOURCE", CELL_TEXT, 16, false },
    { "line", "LINE", CELL_INT, 5, true },
    { "findings", "FINDINGS", CELL_INT, 8, true },
};

const ColumnDesc *ioc_columns(int *n_columns)
{
    *n_columns = G_N_ELEMENTS(columns);
    return columns;
}

bool ioc_read(Store *s, StoreRowFn fn, void *user, Err *err)
{
    /* findings keys start with "ioc-match:TYPE:VALUE|" (rule-ioc.c) */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT i.type, i.value, i.note, i.source, i.line,"
                           " (SELECT count(*) FROM findings f WHERE f.rule='ioc-match'"
                           "  AND substr(f.finding_key, 1, length(i.type) + length(i.value) + 12)"
                           "   = 'ioc-match:' || i.type || ':' || i.value || '|')"
                           " FROM iocs i ORDER BY i.ioc_id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "iocs");
    bool go_on = true;
    int rc;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[G_N_ELEMENTS(columns)];
        for (int i = 0; i < (int)G_N_ELEMENTS(columns); i++)
            cells[i] = (const char *)sqlite3_column_text(st, i);
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, "iocs");
    sqlite3_finalize(st);
    return ok;
}
