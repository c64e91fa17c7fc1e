/*
 * store-int.h - what store.c, store-write.c and store-read.c share.
 */
#ifndef OTS_STORE_STORE_INT_H
#define OTS_STORE_STORE_INT_H

#include <sqlite3.h>

#include "otscope/store.h"

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
    sqlite3_stmt *put_attr;
    sqlite3_stmt *put_anom;
};

/* Copies sqlite3_errmsg into err with a "what: why" message; returns false. */
bool store_fail(Store *s, Err *err, const char *what);
/* Runs SQL without results; false + err on failure. */
bool store_exec(Store *s, const char *sql, Err *err);
/* Prepares (false + err on failure). */
bool store_prepare(Store *s, const char *sql, sqlite3_stmt **stmt, Err *err);

/* Recomputes assets and asset_ips from all endpoints rows. */
bool store_resolve_assets(Store *s, Err *err);
/* Roles, evidence and Purdue levels of all assets from what they do. */
bool store_infer_roles(Store *s, Err *err);

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
