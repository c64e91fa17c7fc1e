/*
 * site.c - the plumbing of src/baseline/: side connections and read-only
 * attachments, two-schema SQL templates, time windows, and judging the
 * DB's captures again when what the site knows has changed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <glib.h>
#include <sqlite3.h>

#include "otscope/log.h"
#include "site-int.h"
#include "store-int.h"

/* The rule whose findings are about the whole DB (rule-ledger.c). */
static const char db_wide_rule[] = "ledger-missing";

char *site_uri(const char *path, const char *params)
{
    GString *s = g_string_new("file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            g_string_append_printf(s, "%%%02X", (unsigned char)*p);
        else
            g_string_append_c(s, *p);
    }
    if (params && params[0])
        g_string_append_printf(s, "?%s", params);
    return g_string_free(s, FALSE);
}

bool site_exec(sqlite3 *db, const char *sql, const char *what, Err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, ERR_DB, "%s: %s", what, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

char *site_sql(const char *tmpl, const char *site_schema, const char *snap_schema)
{
    GString *s = g_string_new(NULL);
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '@' && (p[1] == 'S' || p[1] == 'D') && p[2] == '.') {
            g_string_append_printf(s, "%s.", p[1] == 'S' ? site_schema : snap_schema);
            p += 2;
        } else {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

bool site_open(const char *path, bool is_create, sqlite3 **db, Err *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    if (is_create)
        flags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        err_set(err, ERR_DB, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "cannot open");
        sqlite3_close_v2(*db);
        *db = NULL;
        return false;
    }
    sqlite3_busy_timeout(*db, 5000);
    return true;
}

bool site_attach_ro(sqlite3 *db, const char *path, const char *schema, Err *err)
{
    char *uri = site_uri(path, "mode=ro");
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(db, "ATTACH ? AS ?", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, uri, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, schema, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    if (!ok)
        err_set(err, ERR_INPUT, "%s: cannot open: %s", path, sqlite3_errmsg(db));
    g_free(uri);
    return ok;
}

bool site_is_baseline(sqlite3 *db, const char *schema)
{
    char *sql = g_strdup_printf("SELECT value FROM %s.meta WHERE key='format'", schema);
    sqlite3_stmt *st;
    bool is = false;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        is = sqlite3_step(st) == SQLITE_ROW &&
             g_strcmp0((const char *)sqlite3_column_text(st, 0), baseline_format) == 0;
        sqlite3_finalize(st);
    }
    g_free(sql);
    return is;
}

bool site_is_sqlite_file(const char *path)
{
    static const char magic[] = "SQLite format 3";
    char head[sizeof magic];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool is = fread(head, 1, sizeof head, f) == sizeof head && memcmp(head, magic, sizeof magic) == 0;
    fclose(f);
    return is;
}

bool site_check_db(const char *path, Err *err)
{
    Store *s = store_open(path, STORE_READ, err);
    store_close(s);
    return s != NULL;
}

/* ---- CSV ----------------------------------------------------------------------------- */

typedef struct Csv {
    GPtrArray *row;  /* gchar* cells of the row being read */
    GPtrArray *rows; /* GPtrArray* of rows */
} Csv;

static void on_field(void *data, size_t len, void *user)
{
    Csv *c = user;
    g_ptr_array_add(c->row, g_strndup(data ? data : "", len));
}

static void on_row(int term, void *user)
{
    (void)term;
    Csv *c = user;
    g_ptr_array_add(c->rows, c->row);
    c->row = g_ptr_array_new_with_free_func(g_free);
}

GPtrArray *site_read_csv(const char *path, const char *text, size_t len, Err *err)
{
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        err_set(err, ERR_INPUT, "%s: libcsv: cannot start", path);
        return NULL;
    }
    Csv c = { g_ptr_array_new_with_free_func(g_free),
              g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref) };
    bool ok = csv_parse(&parser, text, len, on_field, on_row, &c) == len &&
              csv_fini(&parser, on_field, on_row, &c) == 0;
    if (!ok)
        err_set(err, ERR_INPUT, "%s: not CSV: %s", path, csv_strerror(csv_error(&parser)));
    csv_free(&parser);
    g_ptr_array_unref(c.row);
    if (!ok) {
        g_ptr_array_unref(c.rows);
        return NULL;
    }
    return c.rows;
}

/* ---- time windows ---------------------------------------------------------------- */

void time_window_all(TimeWindow *w)
{
    w->from_ns = 0;
    w->to_ns = INT64_MAX;
}

bool time_window_parse_time(const char *text, int64_t *ns, Err *err)
{
    GString *s = g_string_new(text);
    g_strstrip(s->str);
    g_string_set_size(s, strlen(s->str));
    for (gsize i = 0; i < s->len; i++)
        if (s->str[i] == ' ')
            s->str[i] = 'T';
    if (s->len == 10)
        g_string_append(s, "T00:00:00");
    const char *t = strchr(s->str, 'T');
    /* HH:MM without seconds */
    if (t && g_ascii_isdigit(t[1]) && g_ascii_isdigit(t[2]) && t[3] == ':' &&
        g_ascii_isdigit(t[4]) && g_ascii_isdigit(t[5]) && t[6] != ':')
        g_string_insert(s, (gssize)(t - s->str) + 6, ":00");
    t = strchr(s->str, 'T');
    bool has_zone = t && (strchr(t, 'Z') || strchr(t, '+') || strchr(t, '-'));
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *dt = t ? g_date_time_new_from_iso8601(s->str, has_zone ? NULL : utc) : NULL;
    g_time_zone_unref(utc);
    g_string_free(s, TRUE);
    if (!dt)
        return err_set(err, ERR_USAGE,
                       "'%s' is not a time (2024-03-05T08:05:00Z, 2024-03-05 08:05, 2024-03-05)",
                       text);
    *ns = g_date_time_to_unix(dt) * 1000000000 + (int64_t)g_date_time_get_microsecond(dt) * 1000;
    g_date_time_unref(dt);
    return true;
}

bool time_window_parse(const char *from, const char *to, TimeWindow *w, Err *err)
{
    time_window_all(w);
    if (from && from[0] && !time_window_parse_time(from, &w->from_ns, err))
        return false;
    if (to && to[0] && !time_window_parse_time(to, &w->to_ns, err))
        return false;
    if (w->to_ns <= w->from_ns)
        return err_set(err, ERR_USAGE, "the window ends (%s) before it starts (%s)", to, from);
    return true;
}

/* ---- judging again ------------------------------------------------------------------ */

static bool rejudge_ids(Store *s, const char *sql, const char *bind, int64_t *n, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "captures");
    if (bind)
        sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        g_array_append_val(ids, id);
    }
    sqlite3_finalize(st);
    bool ok = true;
    for (guint i = 0; ok && i < ids->len; i++)
        ok = store_findings_update(s, g_array_index(ids, int64_t, i), err);
    if (n)
        *n = ids->len;
    g_array_free(ids, TRUE);
    return ok;
}

bool site_rejudge(Store *s, int64_t *n_captures, Err *err)
{
    int64_t started_us = g_get_monotonic_time();
    bool ok = rejudge_ids(s, "SELECT capture_id FROM captures WHERE status<>'running'"
                             " ORDER BY capture_id", NULL, n_captures, err);
    log_verbose("judged %" G_GINT64_FORMAT " captures again in %.1f ms", *n_captures,
                (double)(g_get_monotonic_time() - started_us) / 1000.0);
    return ok;
}

bool site_after_analyze(Store *s, Err *err)
{
    return rejudge_ids(s, "SELECT DISTINCT capture_id FROM findings WHERE rule=?1"
                          " AND capture_id<(SELECT max(capture_id) FROM captures)",
                       db_wide_rule, NULL, err);
}
