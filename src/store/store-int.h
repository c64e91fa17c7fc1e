/*
 * store-int.h - what store.c, store-write.c and store-read.c share.
 */
#ifndef OTS_STORE_STORE_INT_H
#define OTS_STORE_STORE_INT_H

#include <sqlite3.h>

#include "otscope/store.h"

/* When a refresh last ended and what it took. */
typedef struct StoreLiveCost {
    int64_t at_us;
    int64_t cost_us;
} StoreLiveCost;

struct Store {
    sqlite3 *db;
    char *path;
    bool is_read_only;
    bool is_showing_secrets; /* store_show_secrets(): ots_mask_secret() passes values through */
    /* prepared once, reused for every batch */
    sqlite3_stmt *put_endpoint;
    sqlite3_stmt *put_comm;
    sqlite3_stmt *find_comm;
    sqlite3_stmt *update_comm;
    sqlite3_stmt *put_minute;
    sqlite3_stmt *put_op;
    sqlite3_stmt *find_op;
    sqlite3_stmt *update_op;
    sqlite3_stmt *update_op_tail;
    sqlite3_stmt *put_attr;
    sqlite3_stmt *put_anom;
    /* live refreshes of the console's tables (store-matrix.c) */
    StoreLiveCost matrix_live;
    StoreLiveCost summary_live;
    int64_t matrix_base_of; /* the live capture temp.matrix_base was copied for */
    /* batches note the addresses they wrote (temp.role_touched) for
     * store_infer_roles_touched; store_infer_roles forgets them */
    bool notes_batches;
    /* the capture begun last is live: only its batches are followed by a
     * role inference of what they touched, so only they note addresses */
    bool is_capture_live;
};

/* Copies sqlite3_errmsg into err with a "what: why" message; returns false. */
bool store_fail(Store *s, Err *err, const char *what);
/* Runs SQL without results; false + err on failure. */
bool store_exec(Store *s, const char *sql, Err *err);
/* Prepares (false + err on failure). */
bool store_prepare(Store *s, const char *sql, sqlite3_stmt **stmt, Err *err);

/* Writes a snapshot's rows in the open transaction (store_flush without
 * its transaction and asset resolution). */
bool store_write_rows(Store *s, int64_t capture_id, ModelSnapshot *snap, Err *err);
/* Recomputes assets and asset_ips from all endpoints rows. */
bool store_resolve_assets(Store *s, Err *err);
/* Roles, evidence and Purdue levels of all assets from what they do. */
bool store_infer_roles(Store *s, Err *err);
/* Live: the same for the assets that own an address the batches since
 * the last call wrote rows for (store_roles_note_batch notes them in
 * store_flush). */
bool store_infer_roles_touched(Store *s, Err *err);
bool store_roles_note_batch(Store *s, const ModelSnapshot *snap, Err *err);

/* What identifies a finding across re-analysis and captures: the rules'
 * own key ("rule:what"), or for rows without one its rule and ends.
 * Triage rows are keyed by it (the console writes them; the export and
 * purge read them). */
#define FINDING_KEY(alias)                                                                         \
    "coalesce(nullif(" alias ".finding_key, ''), " alias ".rule||'|'||" alias ".src||'|'||"       \
    alias ".dst||'|'||" alias ".protocol)"

/* Refreshes comm_matrix (store-matrix.c), and fills it in the migration
 * that creates it.  Each address goes to one asset (the lowest id, as
 * store_addr_asset) and to that asset's level and zone, in a temp table
 * keyed by address, so that the one pass over the conversations (grouped
 * by pair and protocol first, a conversation in several captures counted
 * once) looks both ends up by key. */
/* The matrix rows of the conversations WHERE selects, from the owners'
 * levels and zones in temp.matrix_addr. */
#define STORE_MATRIX_COUNT_SQL(WHERE)                                                             \
    " WITH pairs(src, dst, protocol, n, packets) AS MATERIALIZED ("                               \
    "  SELECT src, dst, protocol,"                                                                \
    "   count(DISTINCT vlan || '/' || transport || '/' || port), sum(packets)"                    \
    "  FROM comms " WHERE " GROUP BY src, dst, protocol)"                                         \
    " SELECT 'levels', s.level, d.level, p.protocol, sum(p.n), sum(p.packets) FROM pairs p"       \
    "  LEFT JOIN temp.matrix_addr s ON s.addr = p.src"                                            \
    "  LEFT JOIN temp.matrix_addr d ON d.addr = p.dst GROUP BY 2, 3, 4"                           \
    " UNION ALL"                                                                                  \
    " SELECT 'zones', s.zone, d.zone, p.protocol, sum(p.n), sum(p.packets) FROM pairs p"          \
    "  LEFT JOIN temp.matrix_addr s ON s.addr = p.src"                                            \
    "  LEFT JOIN temp.matrix_addr d ON d.addr = p.dst GROUP BY 2, 3, 4"

#define STORE_MATRIX_ADDR_TABLE_SQL                                                               \
    "CREATE TEMP TABLE IF NOT EXISTS matrix_addr ("                                               \
    "  addr TEXT PRIMARY KEY, level TEXT, zone TEXT) WITHOUT ROWID;"                              \
    "DELETE FROM temp.matrix_addr;"

#define STORE_MATRIX_REFRESH_SQL                                                                  \
    STORE_MATRIX_ADDR_TABLE_SQL                                                                   \
    "INSERT INTO temp.matrix_addr SELECT o.addr, 'L' || a.purdue_level, z.zone FROM"              \
    " (SELECT ip AS addr, min(asset_id) AS asset_id FROM asset_ips GROUP BY ip"                   \
    "  UNION ALL SELECT mac, min(asset_id) FROM assets WHERE mac<>'' GROUP BY mac) o"             \
    " JOIN assets a USING (asset_id) LEFT JOIN asset_zones z USING (asset_id);"                   \
    "DELETE FROM comm_matrix;"                                                                    \
    "INSERT INTO comm_matrix (axis, src_group, dst_group, protocol, conversations, packets)"      \
    STORE_MATRIX_COUNT_SQL("") ";"                                                                \
    "DROP TABLE temp.matrix_addr;"

/* Counts the matrix again (store-matrix.c). */
bool store_comm_matrix_refresh(Store *s, Err *err);
/* Both (after the data changed); ..._live skips either when its last
 * refresh was recent for what it cost (at most a tenth of the writer's
 * time each). */
bool store_console_tables_refresh(Store *s, Err *err);
bool store_console_tables_refresh_live(Store *s, int64_t capture_id, Err *err);

/* The findings columns of DESIGN.md plus why (store-read.c); the export
 * appends its own (store-export.c). */
#define STORE_FINDING_COLUMNS                                      \
    { "finding_id", "ID", CELL_INT, 4, true },                     \
    { "severity", "SEVERITY", CELL_TEXT, 8, false },               \
    { "rule", "RULE", CELL_TEXT, 16, false },                      \
    { "title", "TITLE", CELL_TEXT, 30, false },                    \
    { "src", "SOURCE", CELL_TEXT, 15, false },                     \
    { "dst", "DESTINATION", CELL_TEXT, 15, false },                \
    { "protocol", "PROTOCOL", CELL_TEXT, 10, false },              \
    { "count", "COUNT", CELL_INT, 6, true },                       \
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },          \
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },            \
    { "evidence", "EVIDENCE", CELL_TEXT, 30, false },              \
    { "recommendation", "RECOMMENDATION", CELL_TEXT, 30, false },  \
    { "attack_id", "ATT&CK", CELL_TEXT, 6, false },                \
    { "why", "WHY", CELL_TEXT, 30, false },

#endif /* OTS_STORE_STORE_INT_H */
