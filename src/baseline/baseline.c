/*
 * baseline.c - baselines: a snapshot of what a known-good DB (or a time
 * window of it) knows, saved to a small SQLite file, and loaded into a
 * site DB to be checked against by the baseline rules.
 *
 * The snapshot holds the assets seen in the window, each conversation
 * with its packets and its traffic profile (packets per minute over its
 * fully observed minutes: traffic-profile.h), each function code per pair
 * with its polling period (the mean interval between requests of op rows
 * with PROFILE_POLL_MIN requests or more, weighted by their requests),
 * the identity attributes (vendor, model, firmware, names, serial, order
 * number) and the findings.  Windows are exact for traffic (per-minute
 * buckets); assets, functions, identities and findings are in a window
 * when their first..last span overlaps it.  The same snapshot, built in
 * memory, is what `otscope diff` compares.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "otscope/util.h"
#include "site-int.h"
#include "store-int.h"
#include "traffic-profile.h"

const char baseline_format[] = "otscope-baseline";

enum {
    BASELINE_VERSION = 1,
    PROFILE_POLL_MIN = 10, /* requests before an op row has a period */
};

static const int64_t ns_per_minute = 60 * (int64_t)1000000000;

/* The tables of a baseline file; a site DB has them as baseline_*
 * (store.c migration 5), column for column. */
static const char snapshot_ddl[] =
    "CREATE TABLE @D.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE @D.assets ("
    "  asset_key TEXT PRIMARY KEY, kind TEXT NOT NULL, mac TEXT NOT NULL, vlan INTEGER NOT NULL,"
    "  ips TEXT NOT NULL, vendor TEXT NOT NULL, role TEXT NOT NULL, purdue_level INTEGER,"
    "  packets INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL) STRICT;"
    "CREATE TABLE @D.comms ("
    "  src TEXT NOT NULL, dst TEXT NOT NULL, vlan INTEGER NOT NULL, protocol TEXT NOT NULL,"
    "  transport TEXT NOT NULL, port INTEGER NOT NULL, packets INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  minutes INTEGER NOT NULL, active_permille INTEGER NOT NULL,"
    "  ppm_lo INTEGER, ppm_median INTEGER, ppm_hi INTEGER,"
    "  PRIMARY KEY (src, dst, vlan, protocol, transport, port)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE @D.ops ("
    "  protocol TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,"
    "  function_code INTEGER NOT NULL, function TEXT NOT NULL, class TEXT NOT NULL,"
    "  count INTEGER NOT NULL, first_ns INTEGER, last_ns INTEGER, period_ms INTEGER,"
    "  PRIMARY KEY (protocol, src, dst, function_code, function, class)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE @D.idents ("
    "  addr TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, protocol TEXT NOT NULL,"
    "  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (addr, name, value)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE @D.findings ("
    "  finding_key TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,"
    "  title TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, protocol TEXT NOT NULL,"
    "  count INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL) STRICT;";

/* Snapshot table -> its columns, for copying between files and the DB. */
static const struct {
    const char *table;
    const char *columns;
} snapshot_tables[] = {
    { "meta", "key, value" },
    { "assets", "asset_key, kind, mac, vlan, ips, vendor, role, purdue_level, packets, first_ns,"
                " last_ns" },
    { "comms", "src, dst, vlan, protocol, transport, port, packets, bytes, first_ns, last_ns,"
               " minutes, active_permille, ppm_lo, ppm_median, ppm_hi" },
    { "ops", "protocol, src, dst, function_code, function, class, count, first_ns, last_ns,"
             " period_ms" },
    { "idents", "addr, name, value, protocol, first_ns, last_ns" },
    { "findings", "finding_key, rule, severity, title, src, dst, protocol, count, first_ns,"
                  " last_ns" },
};

/* ?1 from, ?2 to (ns); assets in the window by their endpoint rows. */
static const char assets_sql[] =
    "INSERT INTO @D.assets SELECT a.asset_key, a.kind, a.mac, a.vlan,"
    " coalesce((SELECT group_concat(ip, ';') FROM (SELECT ip FROM @S.asset_ips"
    "  WHERE asset_id=a.asset_id ORDER BY ip)), ''),"
    " a.vendor, a.role, a.purdue_level, a.packets, a.first_ns, a.last_ns FROM @S.assets a"
    " WHERE EXISTS (SELECT 1 FROM @S.endpoints e WHERE e.first_ns<?2 AND e.last_ns>=?1"
    "  AND e.mac=a.mac AND a.kind='mac')"
    " OR EXISTS (SELECT 1 FROM @S.endpoints e JOIN @S.asset_ips i ON i.ip=e.ip"
    "  WHERE i.asset_id=a.asset_id AND a.kind<>'mac' AND e.first_ns<?2 AND e.last_ns>=?1)";

/* ?1 from, ?2 to (ns), ?3 first and ?4 last minute touching the window. */
static const char comms_sql[] =
    "INSERT INTO @D.comms SELECT c.src, c.dst, c.vlan, c.protocol, c.transport, c.port,"
    " sum(m.packets), sum(m.bytes), max(min(c.first_ns), ?1), min(max(c.last_ns), ?2 - 1),"
    " 0, 0, NULL, NULL, NULL"
    " FROM @S.comms c JOIN @S.comm_minutes m USING (comm_id)"
    " WHERE m.minute BETWEEN ?3 AND ?4 AND c.first_ns<?2 AND c.last_ns>=?1"
    " GROUP BY c.src, c.dst, c.vlan, c.protocol, c.transport, c.port";

/* ?1 from, ?2 to, ?3 PROFILE_POLL_MIN */
static const char ops_sql[] =
    "INSERT INTO @D.ops SELECT protocol, src, dst, function_code, function, class, sum(count),"
    " min(first_ns), max(last_ns),"
    " sum(CASE WHEN count>=?3 AND last_ns>first_ns THEN (last_ns - first_ns) / (count - 1) * count"
    "  END) / sum(CASE WHEN count>=?3 AND last_ns>first_ns THEN count END) / 1000000"
    " FROM @S.ops WHERE first_ns IS NULL OR (first_ns<?2 AND last_ns>=?1)"
    " GROUP BY protocol, src, dst, function_code, function, class";

/* ?1 from, ?2 to, ?3..?9 the identity attribute names */
static const char idents_sql[] =
    "INSERT INTO @D.idents SELECT addr, name, value, min(protocol), min(first_ns), max(last_ns)"
    " FROM @S.attrs WHERE name IN (?3, ?4, ?5, ?6, ?7, ?8, ?9) AND first_ns<?2 AND last_ns>=?1"
    " GROUP BY addr, name, value";

/* ?1 from, ?2 to, ?3..?7 severities from critical down: the most severe
 * occurrence of each finding wins. */
static const char findings_sql[] =
    "INSERT OR IGNORE INTO @D.findings SELECT finding_key, rule, severity, title, src, dst,"
    " protocol, count, first_ns, last_ns FROM @S.findings"
    " WHERE first_ns<?2 AND last_ns>=?1 AND finding_key<>''"
    " ORDER BY CASE severity WHEN ?3 THEN 0 WHEN ?4 THEN 1 WHEN ?5 THEN 2 WHEN ?6 THEN 3"
    "  ELSE 4 END, finding_id";

static const AttrKind ident_kinds[] = { ATTR_VENDOR, ATTR_MODEL, ATTR_FIRMWARE, ATTR_SERIAL,
                                        ATTR_HOSTNAME, ATTR_DEVICE_NAME, ATTR_ORDER_NUMBER };

bool snapshot_create(sqlite3 *db, const char *snap, Err *err)
{
    char *sql = site_sql(snapshot_ddl, "main", snap);
    bool ok = site_exec(db, sql, "baseline tables", err);
    g_free(sql);
    return ok;
}

/* Prepares tmpl over the two schemas and binds the window to ?1, ?2. */
static sqlite3_stmt *prepare(sqlite3 *db, const char *tmpl, const char *site, const char *snap,
                             const TimeWindow *w, Err *err)
{
    char *sql = site_sql(tmpl, site, snap);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        err_set(err, ERR_DB, "baseline: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        st = NULL;
    } else {
        sqlite3_bind_int64(st, 1, w->from_ns);
        sqlite3_bind_int64(st, 2, w->to_ns);
    }
    g_free(sql);
    return st;
}

static bool run(sqlite3 *db, sqlite3_stmt *st, int64_t *changes, Err *err)
{
    if (!st)
        return false;
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        err_set(err, ERR_DB, "baseline: %s", sqlite3_errmsg(db));
    else if (changes)
        *changes = sqlite3_changes64(db);
    sqlite3_finalize(st);
    return ok;
}

/* Traffic profile of every conversation of the snapshot. */
static bool profile_comms(sqlite3 *db, const char *site, const char *snap, const TimeWindow *w,
                          int64_t *profiled, Err *err)
{
    char *sql = site_sql("SELECT d.src, d.dst, d.vlan, d.protocol, d.transport, d.port,"
                         " (SELECT group_concat(comm_id) FROM @S.comms c WHERE c.src=d.src"
                         "  AND c.dst=d.dst AND c.vlan=d.vlan AND c.protocol=d.protocol"
                         "  AND c.transport=d.transport AND c.port=d.port)"
                         " FROM @D.comms d",
                         site, snap);
    char *upd = site_sql("UPDATE @D.comms SET minutes=?7, active_permille=?8, ppm_lo=?9,"
                         " ppm_median=?10, ppm_hi=?11 WHERE src=?1 AND dst=?2 AND vlan=?3"
                         " AND protocol=?4 AND transport=?5 AND port=?6",
                         site, snap);
    sqlite3_stmt *st = NULL;
    sqlite3_stmt *put = NULL;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, upd, -1, &put, NULL) == SQLITE_OK;
    g_free(sql);
    g_free(upd);
    if (!ok) {
        err_set(err, ERR_DB, "baseline: profiles: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        sqlite3_finalize(put);
        return false;
    }
    /* the updates go to a copy of the rows first: no writes under a read */
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    while (sqlite3_step(st) == SQLITE_ROW) {
        gchar **row = g_new0(gchar *, 8);
        for (int i = 0; i < 7; i++)
            row[i] = g_strdup((const char *)sqlite3_column_text(st, i));
        g_ptr_array_add(rows, row);
    }
    sqlite3_finalize(st);
    TrafficSamples ts;
    traffic_samples_init(&ts);
    for (guint r = 0; ok && r < rows->len; r++) {
        gchar **row = g_ptr_array_index(rows, r);
        traffic_samples_reset(&ts);
        gchar **ids = g_strsplit(row[6] ? row[6] : "", ",", -1);
        for (gchar **id = ids; ok && *id; id++)
            if ((*id)[0])
                ok = traffic_samples_add(&ts, db, site, g_ascii_strtoll(*id, NULL, 10),
                                         w->from_ns, w->to_ns, err);
        g_strfreev(ids);
        TrafficProfile p;
        traffic_profile_of(&ts, &p);
        for (int i = 0; i < 6; i++)
            sqlite3_bind_text(put, i + 1, row[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(put, 3, g_ascii_strtoll(row[2], NULL, 10));
        sqlite3_bind_int64(put, 6, g_ascii_strtoll(row[5], NULL, 10));
        sqlite3_bind_int64(put, 7, p.minutes);
        sqlite3_bind_int64(put, 8, p.active_permille);
        if (p.has_band) {
            sqlite3_bind_int64(put, 9, p.lo);
            sqlite3_bind_int64(put, 10, p.median);
            sqlite3_bind_int64(put, 11, p.hi);
            (*profiled)++;
        } else {
            for (int i = 9; i <= 11; i++)
                sqlite3_bind_null(put, i);
        }
        if (ok && sqlite3_step(put) != SQLITE_DONE)
            ok = err_set(err, ERR_DB, "baseline: profiles: %s", sqlite3_errmsg(db));
        sqlite3_reset(put);
    }
    traffic_samples_clear(&ts);
    sqlite3_finalize(put);
    g_ptr_array_unref(rows);
    return ok;
}

/* The window as data actually covers it, for people. */
static char *window_text(sqlite3 *db, const char *site, const TimeWindow *w)
{
    char *sql = site_sql("SELECT min(first_ns), max(last_ns) FROM @S.captures"
                         " WHERE first_ns IS NOT NULL", site, site);
    sqlite3_stmt *st;
    int64_t first = w->from_ns;
    int64_t last = w->to_ns;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            if (sqlite3_column_int64(st, 0) > first)
                first = sqlite3_column_int64(st, 0);
            if (sqlite3_column_int64(st, 1) < last)
                last = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    g_free(sql);
    char a[OTS_TIME_STRLEN];
    char b[OTS_TIME_STRLEN];
    if (first > last || last == INT64_MAX)
        return g_strdup("no traffic");
    return g_strdup_printf("%s..%s", time_iso(first, a), time_iso(last, b));
}

static bool put_meta(sqlite3 *db, const char *snap, const char *key, const char *value, Err *err)
{
    char *sql = g_strdup_printf("INSERT OR REPLACE INTO %s.meta VALUES (?, ?)", snap);
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    g_free(sql);
    if (ok) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    return ok || err_set(err, ERR_DB, "baseline: meta: %s", sqlite3_errmsg(db));
}

bool snapshot_build(sqlite3 *db, const char *site, const char *snap, const char *source,
                    const TimeWindow *w, BaselineStats *stats, Err *err)
{
    memset(stats, 0, sizeof *stats);
    bool ok = run(db, prepare(db, assets_sql, site, snap, w, err), &stats->assets, err);
    sqlite3_stmt *st = ok ? prepare(db, comms_sql, site, snap, w, err) : NULL;
    if (st) {
        sqlite3_bind_int64(st, 3, w->from_ns / ns_per_minute);
        sqlite3_bind_int64(st, 4, w->to_ns / ns_per_minute);
    }
    ok = ok && run(db, st, &stats->comms, err) &&
         profile_comms(db, site, snap, w, &stats->profiled, err);
    st = ok ? prepare(db, ops_sql, site, snap, w, err) : NULL;
    if (st)
        sqlite3_bind_int(st, 3, PROFILE_POLL_MIN);
    ok = ok && run(db, st, &stats->ops, err);
    st = ok ? prepare(db, idents_sql, site, snap, w, err) : NULL;
    for (size_t i = 0; st && i < G_N_ELEMENTS(ident_kinds); i++)
        sqlite3_bind_text(st, 3 + (int)i, attr_name(ident_kinds[i]), -1, SQLITE_STATIC);
    ok = ok && run(db, st, &stats->idents, err);
    st = ok ? prepare(db, findings_sql, site, snap, w, err) : NULL;
    for (int sev = 0; st && sev < 4; sev++)
        sqlite3_bind_text(st, 3 + sev, severity_name((Severity)sev), -1, SQLITE_STATIC);
    ok = ok && run(db, st, &stats->findings, err);
    if (!ok)
        return false;
    char *sql = g_strdup_printf("SELECT count(*) FROM %s.ops WHERE period_ms>0", snap);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            stats->polled = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    g_free(sql);
    char *window = window_text(db, site, w);
    GDateTime *now = g_date_time_new_now_utc();
    char *saved = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    char *version = g_strdup_printf("%d", BASELINE_VERSION);
    char *counts = g_strdup_printf("%" G_GINT64_FORMAT " assets, %" G_GINT64_FORMAT
                                   " conversations (%" G_GINT64_FORMAT " with a traffic band), %"
                                   G_GINT64_FORMAT " functions (%" G_GINT64_FORMAT " polled), %"
                                   G_GINT64_FORMAT " identity values, %" G_GINT64_FORMAT
                                   " findings", stats->assets, stats->comms, stats->profiled,
                                   stats->ops, stats->polled, stats->idents, stats->findings);
    ok = put_meta(db, snap, "format", baseline_format, err) &&
         put_meta(db, snap, "version", version, err) && put_meta(db, snap, "source", source, err) &&
         put_meta(db, snap, "window", window, err) && put_meta(db, snap, "saved", saved, err) &&
         put_meta(db, snap, "otscope", OTS_VERSION, err) &&
         put_meta(db, snap, "contents", counts, err);
    g_free(window);
    g_free(saved);
    g_free(version);
    g_free(counts);
    return ok;
}

bool baseline_save(const char *db_path, const TimeWindow *w, const char *out_path,
                   BaselineStats *stats, Err *err)
{
    if (!site_check_db(db_path, err))
        return false;
    char *tmp = g_strdup_printf("%s.part", out_path);
    g_unlink(tmp);
    sqlite3 *db = NULL;
    bool ok = site_open(tmp, true, &db, err);
    if (ok)
        chmod(tmp, 0600);
    ok = ok && site_attach_ro(db, db_path, "site", err) && snapshot_create(db, "main", err) &&
         site_exec(db, "BEGIN", "baseline", err);
    char *source = g_path_get_basename(db_path);
    ok = ok && snapshot_build(db, "site", "main", source, w, stats, err) &&
         site_exec(db, "COMMIT", "baseline", err);
    g_free(source);
    if (db) {
        sqlite3_exec(db, "DETACH site", NULL, NULL, NULL);
        if (sqlite3_close(db) != SQLITE_OK && ok)
            ok = err_set(err, ERR_DB, "%s: cannot close", tmp);
    }
    if (ok && g_rename(tmp, out_path) != 0)
        ok = err_set(err, ERR_INPUT, "%s: %s", out_path, g_strerror(errno));
    if (!ok)
        g_unlink(tmp);
    g_free(tmp);
    return ok;
}

bool baseline_use(Store *s, const char *path, BaselineStats *stats, Err *err)
{
    memset(stats, 0, sizeof *stats);
    if (s->is_read_only)
        return err_set(err, ERR_DB, "%s: opened read-only", s->path);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return err_set(err, ERR_INPUT, "%s: no such baseline file", path);
    if (!site_is_sqlite_file(path))
        return err_set(err, ERR_INPUT, "%s: not an otscope baseline (save one with "
                       "'otscope baseline save')", path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "ATTACH ? AS bl", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "attach baseline");
    sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(st) == SQLITE_DONE || err_set(err, ERR_INPUT, "%s: cannot open: %s",
                                                         path, sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    if (!ok)
        return false;
    if (!site_is_baseline(s->db, "bl")) {
        sqlite3_exec(s->db, "DETACH bl", NULL, NULL, NULL);
        return err_set(err, ERR_INPUT, "%s: not an otscope baseline (save one with "
                       "'otscope baseline save')", path);
    }
    ok = store_exec(s, "BEGIN IMMEDIATE", err);
    int64_t *counts[G_N_ELEMENTS(snapshot_tables)] = { NULL, &stats->assets, &stats->comms,
                                                      &stats->ops, &stats->idents,
                                                      &stats->findings };
    for (size_t i = 0; ok && i < G_N_ELEMENTS(snapshot_tables); i++) {
        char *sql = g_strdup_printf("DELETE FROM baseline_%s; INSERT INTO baseline_%s (%s)"
                                    " SELECT %s FROM bl.%s",
                                    snapshot_tables[i].table, snapshot_tables[i].table,
                                    snapshot_tables[i].columns, snapshot_tables[i].columns,
                                    snapshot_tables[i].table);
        ok = store_exec(s, sql, err);
        g_free(sql);
        if (ok && counts[i])
            *counts[i] = sqlite3_changes64(s->db);
    }
    if (ok) {
        char *abs = g_canonicalize_filename(path, NULL);
        ok = sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO baseline_meta VALUES ('file', ?)",
                                -1, &st, NULL) == SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(st, 1, abs, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_finalize(st);
        }
        if (!ok)
            store_fail(s, err, "baseline meta");
        g_free(abs);
    }
    ok = ok && store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(s->db, "DETACH bl", NULL, NULL, NULL);
    return ok;
}

bool baseline_forget(Store *s, Err *err)
{
    return store_exec(s, "BEGIN IMMEDIATE; DELETE FROM baseline_meta; DELETE FROM baseline_assets;"
                         " DELETE FROM baseline_comms; DELETE FROM baseline_ops;"
                         " DELETE FROM baseline_idents; DELETE FROM baseline_findings; COMMIT",
                      err);
}

static const ColumnDesc meta_columns[] = {
    { "key", "KEY", CELL_TEXT, 10, false },
    { "value", "VALUE", CELL_TEXT, 60, false },
};

const ColumnDesc *baseline_meta_columns(int *n_columns)
{
    *n_columns = G_N_ELEMENTS(meta_columns);
    return meta_columns;
}

bool baseline_read_meta(Store *s, StoreRowFn fn, void *user, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM baseline_meta ORDER BY"
                                  " CASE key WHEN 'file' THEN 0 WHEN 'source' THEN 1"
                                  " WHEN 'window' THEN 2 WHEN 'saved' THEN 3 ELSE 4 END, key",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "baseline");
    bool go_on = true;
    int rc;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[2] = { (const char *)sqlite3_column_text(st, 0),
                                 (const char *)sqlite3_column_text(st, 1) };
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, "baseline");
    sqlite3_finalize(st);
    return ok;
}
