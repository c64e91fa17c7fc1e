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
 */
#include "config.h"

#include "otscope/store-console.h"

#include <glib.h>
#include <sqlite3.h>

#include "store-int.h"

enum {
    /* Live: a refresh that took T waits at least LIVE_SPACING x T after
     * it, so counting a big DB does not take over the capture thread. */
    LIVE_SPACING = 10,
};

bool store_comm_matrix_refresh(Store *s, Err *err)
{
    return store_exec(s, STORE_MATRIX_REFRESH_SQL, err);
}

typedef bool (*RefreshFn)(Store *s, Err *err);

static bool refresh_live(Store *s, StoreLiveCost *lc, RefreshFn fn, Err *err)
{
    int64_t now_us = g_get_monotonic_time();
    if (lc->at_us && now_us - lc->at_us < LIVE_SPACING * lc->cost_us)
        return true;
    bool ok = fn(s, err);
    lc->at_us = g_get_monotonic_time();
    lc->cost_us = lc->at_us - now_us;
    return ok;
}

bool store_console_tables_refresh(Store *s, Err *err)
{
    return store_comm_matrix_refresh(s, err) && store_console_summary_refresh(s, err);
}

bool store_console_tables_refresh_live(Store *s, Err *err)
{
    return refresh_live(s, &s->matrix_live, store_comm_matrix_refresh, err) &&
           refresh_live(s, &s->summary_live, store_console_summary_refresh, err);
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
