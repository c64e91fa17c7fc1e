/*
 * store-matrix.c - the communications matrix: conversations counted per
 * pair of Purdue levels (or zones) and protocol, kept in the comm_matrix
 * table so that the console reads a few hundred rows instead of counting
 * every conversation (seconds on a million) whenever `m` is pressed; and
 * when the console's tables (this one and the summary, store-console.c)
 * are counted again.
 *
 * The counts depend on the conversations, on which asset owns each
 * address and on each asset's level and zone, so the table is refreshed
 * where those change: at the end of a capture (after the roles), after a
 * merge or a purge, when a zone policy is loaded or cleared, and during a
 * live capture (store_console_tables_refresh_live, which spends at most a
 * tenth of the writer's time on each table).
 *
 * Live, the matrix is the one of the DB when the capture began
 * (temp.matrix_base) plus the live capture's conversations counted alone,
 * so a batch costs what the capture holds, not what the DB holds:
 * counting the whole of a million conversations held the first live batch
 * on the bench DB for about 10 s.  Until the capture's end counts it all
 * again, a conversation seen both before and live is counted in both,
 * and the earlier conversations keep the levels they had.
 */
#include "config.h"

#include "otscope/store-console.h"

#include <glib.h>
#include <sqlite3.h>

#include "otscope/log.h"
#include "store-int.h"

static const char sql_matrix_base[] = "DROP TABLE IF EXISTS temp.matrix_base;"
                                      "CREATE TEMP TABLE matrix_base AS SELECT axis, src_group,"
                                      " dst_group, protocol, conversations, packets FROM comm_matrix;";

/* ?1 the live capture: the owners of its addresses only (looked up by
 * index, not grouped over every asset), their zones one by one (joined,
 * the asset_zones view placed every asset of the DB: 6 s on the bench
 * DB), its conversations only. */
static const char sql_matrix_live[] =
    STORE_MATRIX_ADDR_TABLE_SQL
    "INSERT INTO temp.matrix_addr SELECT l.addr, 'L' || a.purdue_level,"
    " (SELECT z.zone FROM asset_zones z WHERE z.asset_id = a.asset_id) FROM"
    " (SELECT addr, coalesce((SELECT min(asset_id) FROM asset_ips WHERE ip=addr),"
    "   (SELECT min(asset_id) FROM assets WHERE mac=addr AND mac<>'')) AS asset_id"
    "  FROM (SELECT src AS addr FROM comms WHERE capture_id=?1"
    "   UNION SELECT dst FROM comms WHERE capture_id=?1)) l"
    " JOIN assets a USING (asset_id);"
    "DELETE FROM comm_matrix;"
    "INSERT INTO comm_matrix (axis, src_group, dst_group, protocol, conversations, packets)"
    " SELECT axis, src_group, dst_group, protocol, sum(conversations), sum(packets) FROM ("
    "  SELECT * FROM temp.matrix_base UNION ALL SELECT * FROM ("
    STORE_MATRIX_COUNT_SQL("WHERE capture_id=?1") ")) GROUP BY 1, 2, 3, 4;"
    "DROP TABLE temp.matrix_addr;";

/* Runs sql's statements in turn, ?1 bound to capture_id where used. */
static bool exec_for_capture(Store *s, const char *sql, int64_t capture_id, Err *err)
{
    while (sql && *sql) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, &sql) != SQLITE_OK)
            return store_fail(s, err, "comms matrix");
        if (!st) /* only blanks left */
            break;
        if (sqlite3_bind_parameter_count(st))
            sqlite3_bind_int64(st, 1, capture_id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return store_fail(s, err, "comms matrix");
    }
    return true;
}

enum {
    /* Live: a refresh that took T waits at least LIVE_SPACING x T after
     * it, so counting a big DB does not take over the capture thread. */
    LIVE_SPACING = 10,
};

bool store_comm_matrix_refresh(Store *s, Err *err)
{
    return store_exec(s, STORE_MATRIX_REFRESH_SQL, err);
}

/* The live capture's part added to the matrix the capture began with. */
static bool matrix_refresh_live(Store *s, int64_t capture_id, Err *err)
{
    if (s->matrix_base_of != capture_id) {
        if (!store_exec(s, sql_matrix_base, err))
            return false;
        s->matrix_base_of = capture_id;
    }
    return exec_for_capture(s, sql_matrix_live, capture_id, err);
}

typedef bool (*RefreshFn)(Store *s, int64_t capture_id, Err *err);

static bool summary_refresh(Store *s, int64_t capture_id, Err *err)
{
    (void)capture_id;
    return store_console_summary_refresh(s, err);
}

static bool refresh_live(Store *s, int64_t capture_id, StoreLiveCost *lc, RefreshFn fn,
                         const char *what, Err *err)
{
    int64_t now_us = g_get_monotonic_time();
    if (lc->at_us && now_us - lc->at_us < LIVE_SPACING * lc->cost_us)
        return true;
    bool ok = fn(s, capture_id, err);
    lc->at_us = g_get_monotonic_time();
    lc->cost_us = lc->at_us - now_us;
    log_verbose("batch: %s counted in %.1f ms", what, (double)lc->cost_us / 1000.0);
    return ok;
}

bool store_console_tables_refresh(Store *s, Err *err)
{
    return store_comm_matrix_refresh(s, err) && store_console_summary_refresh(s, err);
}

bool store_console_tables_refresh_live(Store *s, int64_t capture_id, Err *err)
{
    return refresh_live(s, capture_id, &s->matrix_live, matrix_refresh_live, "comms matrix", err) &&
           refresh_live(s, capture_id, &s->summary_live, summary_refresh, "console summary", err);
}

static const char *const axis_names[MATRIX_AXIS_COUNT] = {
    [MATRIX_LEVELS] = "levels",
    [MATRIX_ZONES] = "zones",
};

bool store_comm_matrix(Store *s, MatrixAxis axis, StoreRowFn fn, void *user, Err *err)
{
    if ((unsigned)axis >= MATRIX_AXIS_COUNT)
        return err_set(err, ERR_USAGE, "no such matrix");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT src_group, dst_group, protocol, conversations, packets"
                           " FROM comm_matrix WHERE axis=?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "comms matrix");
    sqlite3_bind_text(st, 1, axis_names[axis], -1, SQLITE_STATIC);
    int rc;
    bool is_going = true;
    while (is_going && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[5];
        for (int i = 0; i < 5; i++)
            cells[i] = (const char *)sqlite3_column_text(st, i);
        is_going = fn(cells, user);
    }
    bool ok = !is_going || rc == SQLITE_DONE || store_fail(s, err, "comms matrix");
    sqlite3_finalize(st);
    return ok;
}
