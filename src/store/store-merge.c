/*
 * store-merge.c - files that leave or combine: a compact hand-off copy
 * (optionally rewritten through a text mapper), merging site DBs, and
 * purging captures beyond recovery.
 *
 * Merge and the anonymized copy discover tables and columns at run time
 * (PRAGMA table_info) instead of listing them, so a table another part of
 * otscope adds later is still merged when it is keyed by capture_id, and
 * still scrubbed in an anonymized copy.  What neither can know about is
 * said in the contract of each function.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/store-export.h"
#include "store-int.h"

typedef struct ColumnInfo {
    char *name;
    char *type;
    bool is_pk;
} ColumnInfo;

static void column_info_free(gpointer p)
{
    ColumnInfo *c = p;
    g_free(c->name);
    g_free(c->type);
    g_free(c);
}

/* Columns of schema.table, in order; NULL on error. */
static GPtrArray *table_columns(sqlite3 *db, const char *schema, const char *table)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT name, type, pk FROM pragma_table_info(?1, ?2)", -1, &st,
                           NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, schema, -1, SQLITE_TRANSIENT);
    GPtrArray *cols = g_ptr_array_new_with_free_func(column_info_free);
    while (sqlite3_step(st) == SQLITE_ROW) {
        ColumnInfo *c = g_new0(ColumnInfo, 1);
        c->name = g_strdup((const char *)sqlite3_column_text(st, 0));
        c->type = g_ascii_strup((const char *)sqlite3_column_text(st, 1), -1);
        c->is_pk = sqlite3_column_int(st, 2) != 0;
        g_ptr_array_add(cols, c);
    }
    sqlite3_finalize(st);
    return cols;
}

static const ColumnInfo *find_column(const GPtrArray *cols, const char *name)
{
    for (guint i = 0; i < cols->len; i++) {
        const ColumnInfo *c = g_ptr_array_index(cols, i);
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

/* User tables of a schema, in creation order. */
static GPtrArray *user_tables(sqlite3 *db, const char *schema)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    char *sql = sqlite3_mprintf("SELECT name FROM \"%w\".sqlite_master WHERE type='table'"
                                " AND name NOT LIKE 'sqlite_%%' ORDER BY rowid",
                                schema);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            g_ptr_array_add(names, g_strdup((const char *)sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return names;
}

static bool has_table(sqlite3 *db, const char *schema, const char *table)
{
    GPtrArray *cols = table_columns(db, schema, table);
    bool found = cols && cols->len > 0;
    if (cols)
        g_ptr_array_unref(cols);
    return found;
}

static bool exec_db(sqlite3 *db, const char *path, const char *sql, Err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, ERR_DB, "%s: %s", path, msg ? msg : "SQL error");
        sqlite3_free(msg);
        return false;
    }
    return true;
}

/* ---- hand-off copy --------------------------------------------------------------- */

/* How a known column is rewritten in an anonymized copy; every other TEXT
 * column is treated as free text.  KEEP columns hold contract words,
 * hashes and times that carry no identifier. */
enum { KIND_KEEP = -1, KIND_BY_ATTR = -2 };

typedef struct ColumnRule {
    const char *table;
    const char *column; /* NULL: every column of the table not listed before */
    int kind;           /* StoreTextKind, KIND_KEEP or KIND_BY_ATTR */
} ColumnRule;

static const ColumnRule column_rules[] = {
    { "captures", "path", STK_PATH },
    { "captures", "source", KIND_KEEP },
    { "captures", "quick_id", KIND_KEEP },
    { "captures", "sha256", KIND_KEEP },
    { "captures", "linktype", KIND_KEEP },
    { "captures", "status", KIND_KEEP },
    { "captures", "skipped", KIND_KEEP },
    { "captures", "started_at", KIND_KEEP },
    { "captures", "finished_at", KIND_KEEP },
    { "endpoints", "mac", STK_ADDR },
    { "endpoints", "ip", STK_ADDR },
    { "assets", "mac", STK_ADDR },
    { "assets", "kind", KIND_KEEP },
    { "assets", "vendor", KIND_KEEP },
    { "assets", "role", KIND_KEEP },
    { "assets", "vlans", KIND_KEEP },
    { "asset_ips", "ip", STK_ADDR },
    { "comms", "src", STK_ADDR },
    { "comms", "dst", STK_ADDR },
    { "comms", "protocol", KIND_KEEP },
    { "comms", "transport", KIND_KEEP },
    { "comm_matrix", "axis", KIND_KEEP },
    { "comm_matrix", "protocol", KIND_KEEP },
    { "ops", "src", STK_ADDR },
    { "ops", "dst", STK_ADDR },
    { "ops", "protocol", KIND_KEEP },
    { "ops", "function", KIND_KEEP },
    { "ops", "class", KIND_KEEP },
    { "attrs", "addr", STK_ADDR },
    { "attrs", "name", KIND_KEEP },
    { "attrs", "value", KIND_BY_ATTR },
    { "attrs", "protocol", KIND_KEEP },
    { "anomalies", "src", STK_ADDR },
    { "anomalies", "dst", STK_ADDR },
    { "anomalies", "protocol", KIND_KEEP },
    { "anomalies", "anomaly", KIND_KEEP },
    { "findings", "src", STK_ADDR },
    { "findings", "dst", STK_ADDR },
    { "findings", "severity", KIND_KEEP },
    { "findings", "rule", KIND_KEEP },
    { "findings", "protocol", KIND_KEEP },
    { "findings", "attack_id", KIND_KEEP },
    { "triage", "state", KIND_KEEP },
    { "triage", "updated_at", KIND_KEEP },
    { "audit", "at", KIND_KEEP },
    { "audit", "user", STK_USER },
    { "audit", "command", KIND_KEEP },
    { "audit", "cmdline", STK_CMDLINE },
    { "audit", "input_sha256", KIND_KEEP },
    /* site data (rules/): baselines, zones, the plant's ledger */
    { "baseline_assets", "mac", STK_ADDR },
    { "baseline_comms", "src", STK_ADDR },
    { "baseline_comms", "dst", STK_ADDR },
    { "baseline_ops", "src", STK_ADDR },
    { "baseline_ops", "dst", STK_ADDR },
    { "baseline_idents", "addr", STK_ADDR },
    { "baseline_idents", "name", KIND_KEEP },
    { "baseline_idents", "value", KIND_BY_ATTR },
    { "baseline_findings", "src", STK_ADDR },
    { "baseline_findings", "dst", STK_ADDR },
    { "ledger", "ip", STK_ADDR },
    { "ledger", "mac", STK_ADDR },
    { "ledger", "name", STK_NAME },
    { "ledger", "serial", STK_SERIAL },
    { "ledger", "location", STK_NAME },
};

static int column_kind(const char *table, const char *column)
{
    for (size_t i = 0; i < G_N_ELEMENTS(column_rules); i++) {
        if (strcmp(column_rules[i].table, table) == 0 && strcmp(column_rules[i].column, column) == 0)
            return column_rules[i].kind;
    }
    return STK_TEXT;
}

typedef struct MapCtx {
    StoreTextMap map;
    void *user;
} MapCtx;

/* ots_map(kind, value): the caller's mapper as an SQL function. */
static void sql_map(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const MapCtx *mc = sqlite3_user_data(ctx);
    if (sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
        sqlite3_result_value(ctx, argv[1]);
        return;
    }
    const char *text = (const char *)sqlite3_value_text(argv[1]);
    char *out = mc->map((StoreTextKind)sqlite3_value_int(argv[0]), text, mc->user);
    if (out)
        sqlite3_result_text(ctx, out, -1, g_free);
    else
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
}

/* The SQL expression choosing the kind of an attribute value by its name. */
static char *attr_kind_expr(void)
{
    return g_strdup_printf("CASE name WHEN 'hostname' THEN %d WHEN 'device_name' THEN %d"
                           " WHEN 'domain' THEN %d WHEN 'user' THEN %d WHEN 'serial' THEN %d"
                           " WHEN 'secret' THEN %d ELSE %d END",
                           STK_NAME, STK_NAME, STK_NAME, STK_USER, STK_SERIAL, STK_SECRET,
                           STK_TEXT);
}

static bool rewrite_copy(sqlite3 *db, const char *path, StoreTextMap map, void *user, Err *err)
{
    MapCtx mc = { map, user };
    if (sqlite3_create_function(db, "ots_map", 2, SQLITE_UTF8, &mc, sql_map, NULL, NULL) !=
        SQLITE_OK)
        return err_set(err, ERR_DB, "%s: %s", path, sqlite3_errmsg(db));
    /* No journal on disk: it would hold the original pages. */
    bool ok = exec_db(db, path,
                      "PRAGMA journal_mode=MEMORY; PRAGMA secure_delete=ON;"
                      " PRAGMA foreign_keys=OFF; BEGIN;",
                      err);
    if (ok && has_table(db, "main", "attrs"))
        ok = exec_db(db, path, "DELETE FROM attrs WHERE name='secret'", err);
    if (ok && has_table(db, "main", "findings"))
        ok = exec_db(db, path, "UPDATE findings SET evidence_secret=NULL", err);
    GPtrArray *tables = user_tables(db, "main");
    char *attr_kind = attr_kind_expr();
    for (guint t = 0; ok && t < tables->len; t++) {
        const char *table = g_ptr_array_index(tables, t);
        GPtrArray *cols = table_columns(db, "main", table);
        GString *sets = g_string_new(NULL);
        GString *strip = g_string_new(NULL);
        for (guint i = 0; cols && i < cols->len; i++) {
            const ColumnInfo *c = g_ptr_array_index(cols, i);
            /* Only TEXT (or untyped) columns can hold names and addresses. */
            if (c->type[0] && !strstr(c->type, "TEXT") && !strstr(c->type, "CHAR") &&
                strcmp(c->type, "ANY") != 0)
                continue;
            int kind = column_kind(table, c->name);
            if (kind == KIND_KEEP)
                continue;
            char *expr = kind == KIND_BY_ATTR ? g_strdup(attr_kind) : g_strdup_printf("%d", kind);
            /* Two passes: new values first carry a char(1) mark, so that a
             * pseudonym equal to another row's original value cannot trip
             * a UNIQUE constraint halfway through the table. */
            char *set = sqlite3_mprintf("%s\"%w\"=char(1)||ots_map(%s, \"%w\")",
                                        sets->len ? ", " : "", c->name, expr, c->name);
            g_string_append(sets, set);
            sqlite3_free(set);
            set = sqlite3_mprintf("%s\"%w\"=CASE WHEN substr(\"%w\", 1, 1)=char(1) THEN"
                                  " substr(\"%w\", 2) ELSE \"%w\" END",
                                  strip->len ? ", " : "", c->name, c->name, c->name, c->name);
            g_string_append(strip, set);
            sqlite3_free(set);
            g_free(expr);
        }
        if (sets->len) {
            char *sql = sqlite3_mprintf("UPDATE \"%w\" SET %s; UPDATE \"%w\" SET %s", table,
                                        sets->str, table, strip->str);
            ok = exec_db(db, path, sql, err);
            sqlite3_free(sql);
        }
        g_string_free(sets, TRUE);
        g_string_free(strip, TRUE);
        if (cols)
            g_ptr_array_unref(cols);
    }
    g_free(attr_kind);
    g_ptr_array_unref(tables);
    /* Zone networks also keep their IPv4 range as integers, which no text
     * mapping reaches: the copy keeps the (pseudonymous) CIDR only. */
    if (ok && has_table(db, "main", "zone_nets"))
        ok = exec_db(db, path, "UPDATE zone_nets SET v4_lo=NULL, v4_hi=NULL", err);
    /* ANALYZE samples keep copies of indexed values. */
    if (ok && has_table(db, "main", "sqlite_stat4"))
        ok = exec_db(db, path, "DELETE FROM sqlite_stat4", err);
    if (ok && has_table(db, "main", "sqlite_stat1"))
        ok = exec_db(db, path, "DELETE FROM sqlite_stat1", err);
    if (ok)
        ok = exec_db(db, path, "COMMIT; VACUUM; PRAGMA journal_mode=DELETE;", err);
    else
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

bool store_export_copy(Store *s, const char *dest, StoreTextMap map, void *user, Err *err)
{
    /* VACUUM INTO wants a new or empty file; making it here gives it 0600
     * and refuses to overwrite anything. */
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, errno == EEXIST ? ERR_USAGE : ERR_DB, "%s: %s", dest,
                       errno == EEXIST ? "already exists; not overwritten" : g_strerror(errno));
    close(fd);
    sqlite3_stmt *st;
    bool ok = store_prepare(s, "VACUUM INTO ?", &st, err);
    if (ok) {
        sqlite3_bind_text(st, 1, dest, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "copy");
        sqlite3_finalize(st);
    }
    if (ok && map) {
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(dest, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
            ok = err_set(err, ERR_DB, "%s: %s", dest, db ? sqlite3_errmsg(db) : "cannot open");
        } else {
            ok = rewrite_copy(db, dest, map, user, err);
        }
        sqlite3_close_v2(db);
    }
    if (ok)
        chmod(dest, 0600);
    else
        unlink(dest);
    return ok;
}

/* ---- merge ------------------------------------------------------------------------ */

/* "a, b, c" of the columns both schemas have, each through fmt ("%s" or
 * "s.%s"); the INTEGER PRIMARY KEY column, when renumbered, as
 * "s.col + offset". */
static char *common_columns(const GPtrArray *dst, const GPtrArray *src, const char *prefix,
                            const char *renumber, int64_t offset, const char *capture_expr)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < dst->len; i++) {
        const ColumnInfo *c = g_ptr_array_index(dst, i);
        if (!find_column(src, c->name))
            continue;
        if (out->len)
            g_string_append(out, ", ");
        if (prefix && renumber && strcmp(c->name, renumber) == 0)
            g_string_append_printf(out, "%s\"%s\" + %" G_GINT64_FORMAT, prefix, c->name, offset);
        else if (prefix && capture_expr && strcmp(c->name, "capture_id") == 0)
            g_string_append(out, capture_expr);
        else
            g_string_append_printf(out, "%s\"%s\"", prefix ? prefix : "", c->name);
    }
    return g_string_free(out, FALSE);
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The rowid-alias column of a table (INTEGER PRIMARY KEY), or NULL. */
static const char *rowid_column(const GPtrArray *cols)
{
    const ColumnInfo *pk = NULL;
    int n_pk = 0;
    for (guint i = 0; i < cols->len; i++) {
        const ColumnInfo *c = g_ptr_array_index(cols, i);
        if (c->is_pk) {
            pk = c;
            n_pk++;
        }
    }
    return n_pk == 1 && strcmp(pk->type, "INTEGER") == 0 ? pk->name : NULL;
}

/* Copies the rows of src.table whose capture was mapped; the table's own
 * INTEGER PRIMARY KEY is shifted past the destination's largest. */
static bool copy_capture_rows(Store *s, const char *table, int64_t *offset_out, Err *err)
{
    GPtrArray *dcols = table_columns(s->db, "main", table);
    GPtrArray *scols = table_columns(s->db, "src", table);
    bool ok = true;
    if (dcols && scols && scols->len && find_column(scols, "capture_id")) {
        const char *rid = rowid_column(dcols);
        int64_t offset = 0;
        if (rid) {
            char *q = sqlite3_mprintf("SELECT coalesce(max(\"%w\"), 0) FROM main.\"%w\"", rid,
                                      table);
            offset = query_int(s->db, q);
            sqlite3_free(q);
        }
        if (offset_out)
            *offset_out = offset;
        char *names = common_columns(dcols, scols, NULL, NULL, 0, NULL);
        char *values = common_columns(dcols, scols, "s.", rid, offset, "m.new_id");
        char *sql = sqlite3_mprintf("INSERT INTO main.\"%w\"(%s) SELECT %s FROM src.\"%w\" s"
                                    " JOIN temp.merge_map m ON m.old_id=s.capture_id",
                                    table, names, values, table);
        ok = store_exec(s, sql, err);
        sqlite3_free(sql);
        g_free(names);
        g_free(values);
    }
    if (dcols)
        g_ptr_array_unref(dcols);
    if (scols)
        g_ptr_array_unref(scols);
    return ok;
}

static bool map_captures(Store *s, MergeStats *stats, Err *err)
{
    GPtrArray *dcols = table_columns(s->db, "main", "captures");
    GPtrArray *scols = table_columns(s->db, "src", "captures");
    /* every column but capture_id: the destination numbers its own */
    GString *ins_names = g_string_new(NULL);
    GString *ins_values = g_string_new(NULL);
    for (guint i = 0; i < dcols->len; i++) {
        const ColumnInfo *c = g_ptr_array_index(dcols, i);
        if (strcmp(c->name, "capture_id") == 0 || !find_column(scols, c->name))
            continue;
        g_string_append_printf(ins_names, "%s\"%s\"", ins_names->len ? ", " : "", c->name);
        g_string_append_printf(ins_values, "%ss.\"%s\"", ins_values->len ? ", " : "", c->name);
    }
    g_ptr_array_unref(dcols);
    g_ptr_array_unref(scols);

    sqlite3_stmt *list = NULL;
    sqlite3_stmt *put = NULL;
    sqlite3_stmt *map = NULL;
    char *put_sql = g_strdup_printf("INSERT INTO main.captures(%s) SELECT %s FROM src.captures s"
                                    " WHERE s.capture_id=?",
                                    ins_names->str, ins_values->str);
    g_string_free(ins_names, TRUE);
    g_string_free(ins_values, TRUE);
    bool ok = store_exec(s,
                         "CREATE TEMP TABLE IF NOT EXISTS merge_map(old_id INTEGER PRIMARY KEY,"
                         " new_id INTEGER NOT NULL); DELETE FROM temp.merge_map;",
                         err) &&
              store_prepare(s,
                            "SELECT s.capture_id, EXISTS (SELECT 1 FROM main.captures d"
                            " WHERE d.sha256=s.sha256 AND d.status='complete')"
                            " FROM src.captures s WHERE s.status<>'running' ORDER BY s.capture_id",
                            &list, err) &&
              store_prepare(s, put_sql, &put, err) &&
              store_prepare(s, "INSERT INTO temp.merge_map VALUES (?, ?)", &map, err);
    g_free(put_sql);
    int rc;
    while (ok && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        int64_t old_id = sqlite3_column_int64(list, 0);
        if (sqlite3_column_int(list, 1)) {
            stats->captures_skipped++;
            continue;
        }
        sqlite3_bind_int64(put, 1, old_id);
        ok = sqlite3_step(put) == SQLITE_DONE || store_fail(s, err, "merge capture");
        sqlite3_reset(put);
        if (!ok)
            break;
        sqlite3_bind_int64(map, 1, old_id);
        sqlite3_bind_int64(map, 2, sqlite3_last_insert_rowid(s->db));
        ok = sqlite3_step(map) == SQLITE_DONE || store_fail(s, err, "merge capture");
        sqlite3_reset(map);
        stats->captures_added++;
    }
    if (ok && rc != SQLITE_DONE)
        ok = store_fail(s, err, "read captures");
    sqlite3_finalize(list);
    sqlite3_finalize(put);
    sqlite3_finalize(map);
    return ok;
}

/* Tables keyed by something other than capture_id. */
static bool copy_side_tables(Store *s, const char *src_path, int64_t comm_offset, Err *err)
{
    bool ok = true;
    /* traffic per minute hangs off comms by comm_id */
    if (has_table(s->db, "src", "comm_minutes") && has_table(s->db, "main", "comm_minutes")) {
        char *sql = g_strdup_printf(
            "INSERT INTO main.comm_minutes(comm_id, minute, packets, bytes)"
            " SELECT s.comm_id + %" G_GINT64_FORMAT ", s.minute, s.packets, s.bytes"
            " FROM src.comm_minutes s JOIN src.comms c USING (comm_id)"
            " JOIN temp.merge_map m ON m.old_id=c.capture_id",
            comm_offset);
        ok = store_exec(s, sql, err);
        g_free(sql);
    }
    static const char *const keep_first[] = { "triage", "meta" };
    for (size_t i = 0; ok && i < G_N_ELEMENTS(keep_first); i++) {
        if (!has_table(s->db, "src", keep_first[i]) || !has_table(s->db, "main", keep_first[i]))
            continue;
        GPtrArray *dcols = table_columns(s->db, "main", keep_first[i]);
        GPtrArray *scols = table_columns(s->db, "src", keep_first[i]);
        char *names = common_columns(dcols, scols, NULL, NULL, 0, NULL);
        char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO main.\"%w\"(%s) SELECT %s FROM"
                                    " src.\"%w\"",
                                    keep_first[i], names, names, keep_first[i]);
        ok = store_exec(s, sql, err);
        sqlite3_free(sql);
        g_free(names);
        g_ptr_array_unref(dcols);
        g_ptr_array_unref(scols);
    }
    if (ok && has_table(s->db, "src", "audit") && has_table(s->db, "main", "audit")) {
        sqlite3_stmt *st;
        ok = store_prepare(s,
                           "INSERT INTO main.audit(at, user, command, cmdline, input_sha256,"
                           " detail) SELECT at, user, command, cmdline, input_sha256,"
                           " 'merged from ' || ?1 || CASE detail WHEN '' THEN '' ELSE ': ' ||"
                           " detail END FROM src.audit s WHERE NOT EXISTS (SELECT 1 FROM"
                           " main.audit d WHERE d.at=s.at AND d.user=s.user AND"
                           " d.cmdline=s.cmdline AND d.input_sha256=s.input_sha256)"
                           " ORDER BY audit_id",
                           &st, err);
        if (ok) {
            sqlite3_bind_text(st, 1, src_path, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "merge audit");
            sqlite3_finalize(st);
        }
    }
    return ok;
}

/* Tables that hang off captures, parents first (comms before comm_minutes
 * is handled by copy_side_tables). */
static bool copy_all_capture_tables(Store *s, int64_t *comm_offset, int64_t *findings, Err *err)
{
    GPtrArray *tables = user_tables(s->db, "main");
    bool ok = true;
    int64_t before = query_int(s->db, "SELECT count(*) FROM main.findings");
    for (guint i = 0; ok && i < tables->len; i++) {
        const char *t = g_ptr_array_index(tables, i);
        if (strcmp(t, "captures") == 0)
            continue;
        int64_t offset = 0;
        ok = copy_capture_rows(s, t, &offset, err);
        if (strcmp(t, "comms") == 0)
            *comm_offset = offset;
    }
    *findings = query_int(s->db, "SELECT count(*) FROM main.findings") - before;
    g_ptr_array_unref(tables);
    return ok;
}

bool store_merge_from(Store *s, const char *src_path, MergeStats *stats, Err *err)
{
    memset(stats, 0, sizeof *stats);
    /* store_open checks that it is ours and of this schema version. */
    Store *src = store_open(src_path, STORE_READ, err);
    if (!src)
        return false;
    store_close(src);
    if (strcmp(src_path, s->path) == 0)
        return err_set(err, ERR_USAGE, "%s: cannot merge a DB into itself", src_path);

    sqlite3_stmt *st;
    if (!store_prepare(s, "ATTACH DATABASE ? AS src", &st, err))
        return false;
    sqlite3_bind_text(st, 1, src_path, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "attach");
    sqlite3_finalize(st);
    if (!ok)
        return false;
    int64_t comm_offset = 0;
    ok = store_exec(s, "BEGIN IMMEDIATE", err) && map_captures(s, stats, err) &&
         copy_all_capture_tables(s, &comm_offset, &stats->findings_copied, err) &&
         copy_side_tables(s, src_path, comm_offset, err) && store_resolve_assets(s, err) &&
         store_console_tables_refresh(s, err) && store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    GArray *added = g_array_new(FALSE, FALSE, sizeof(int64_t));
    if (ok && sqlite3_prepare_v2(s->db, "SELECT new_id FROM temp.merge_map ORDER BY new_id", -1,
                                 &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            g_array_append_val(added, id);
        }
        sqlite3_finalize(st);
    }
    sqlite3_exec(s->db, "DETACH DATABASE src", NULL, NULL, NULL);
    /* Judged again over the merged data: "not a regular controller" and
     * scans look different with more traffic in view. */
    stats->rules_rerun = ok && added->len > 0;
    for (guint i = 0; ok && i < added->len; i++) {
        Err rerr;
        err_clear(&rerr);
        if (!store_findings_update(s, g_array_index(added, int64_t, i), &rerr)) {
            stats->rules_rerun = false;
            if (rerr.code == ERR_DB) {
                *err = rerr;
                ok = false;
            }
            break; /* no rule data: the copied findings stand */
        }
    }
    g_array_free(added, TRUE);
    return ok;
}

/* ---- purge ------------------------------------------------------------------------- */

bool store_purge(Store *s, int64_t capture_id, int64_t *rows_deleted, Err *err)
{
    *rows_deleted = 0;
    if (s->is_read_only)
        return err_set(err, ERR_DB, "%s: opened read-only", s->path);
    if (capture_id > 0) {
        char *q = g_strdup_printf("SELECT count(*) FROM captures WHERE capture_id=%" G_GINT64_FORMAT,
                                  capture_id);
        int64_t n = query_int(s->db, q);
        g_free(q);
        if (n == 0)
            return err_set(err, ERR_USAGE, "%s: no capture %" G_GINT64_FORMAT
                           " (see 'otscope captures')", s->path, capture_id);
    }
    if (!store_exec(s, "PRAGMA secure_delete=ON; BEGIN IMMEDIATE", err))
        return false;
    int64_t before = sqlite3_total_changes64(s->db);
    bool ok;
    if (capture_id > 0) {
        char *sql = g_strdup_printf("DELETE FROM captures WHERE capture_id=%" G_GINT64_FORMAT,
                                    capture_id);
        ok = store_exec(s, sql, err);
        g_free(sql);
    } else {
        ok = store_exec(s, "DELETE FROM captures; DELETE FROM findings; DELETE FROM assets;", err);
        /* saved baselines are copies of capture data too; zones, the
         * ledger and advisory data are the site's own input and stay */
        GPtrArray *tables = user_tables(s->db, "main");
        for (guint i = 0; ok && i < tables->len; i++) {
            const char *t = g_ptr_array_index(tables, i);
            if (!g_str_has_prefix(t, "baseline_"))
                continue;
            char *sql = sqlite3_mprintf("DELETE FROM \"%w\"", t);
            ok = store_exec(s, sql, err);
            sqlite3_free(sql);
        }
        g_ptr_array_unref(tables);
    }
    /* Triage notes of findings that are gone may quote what was purged. */
    if (ok && has_table(s->db, "main", "triage"))
        ok = store_exec(s,
                        "DELETE FROM triage WHERE finding_key NOT IN (SELECT " FINDING_KEY("f")
                        " FROM findings f)",
                        err);
    if (ok)
        ok = store_resolve_assets(s, err);
    /* the console's counts and matrix held what was purged too */
    if (ok)
        ok = store_console_tables_refresh(s, err);
    *rows_deleted = sqlite3_total_changes64(s->db) - before;
    if (ok)
        ok = store_exec(s, "COMMIT", err);
    else
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    /* secure_delete zeroed the freed pages; VACUUM rebuilds the file
     * without them, and the checkpoints empty the WAL of old frames. */
    if (ok)
        ok = store_exec(s,
                        "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
                        " PRAGMA wal_checkpoint(TRUNCATE);",
                        err);
    return ok;
}
