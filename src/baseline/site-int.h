/*
 * site-int.h - what the files of src/baseline/ share: their own SQLite
 * connections (read-only attachments of site DBs, in-memory snapshots),
 * SQL templates over two schemas, and the baseline snapshot itself.
 *
 * src/baseline/ sits beside the store: it reads and writes the site DB
 * through the Store's connection (store-int.h) and opens side
 * connections of its own for baseline files and diffs.  It may use the
 * rules' helpers (left of the store in the pipeline), never the CLI.
 */
#ifndef OTS_BASELINE_SITE_INT_H
#define OTS_BASELINE_SITE_INT_H

#include <stdbool.h>

#include <sqlite3.h>

#include "otscope/baseline.h"

/* "file:PATH?params" with PATH escaped for an SQLite URI; a new string. */
char *site_uri(const char *path, const char *params);
/* Runs SQL without results; false + err ("what: why", ERR_DB). */
bool site_exec(sqlite3 *db, const char *sql, const char *what, Err *err);
/* tmpl with "@S." replaced by "site_schema." and "@D." by "snap_schema.";
 * a new string. */
char *site_sql(const char *tmpl, const char *site_schema, const char *snap_schema);
/* Opens a connection that understands URIs: path, or ":memory:". */
bool site_open(const char *path, bool is_create, sqlite3 **db, Err *err);
/* Attaches path read-only as schema (ERR_INPUT when it cannot). */
bool site_attach_ro(sqlite3 *db, const char *path, const char *schema, Err *err);
/* True when schema is an otscope baseline file (meta format row). */
bool site_is_baseline(sqlite3 *db, const char *schema);
/* True when path starts with SQLite's file header. */
bool site_is_sqlite_file(const char *path);
/* Parses CSV text (RFC 4180 and the usual deviations, libcsv) into a
 * GPtrArray of rows, each a GPtrArray of cell strings; NULL + err
 * (ERR_INPUT naming path) when it is not CSV. */
GPtrArray *site_read_csv(const char *path, const char *text, size_t len, Err *err);
/* Checks that path is a site DB of this otscope's schema (store_open). */
bool site_check_db(const char *path, Err *err);

/* ---- the snapshot (baseline.c) ------------------------------------------------ */

extern const char baseline_format[]; /* meta 'format' value of a baseline file */

/* Creates the snapshot tables in schema snap. */
bool snapshot_create(sqlite3 *db, const char *snap, Err *err);
/* Fills snap's tables from the site DB attached as site, in window w;
 * writes meta rows (source label, window, counts). */
bool snapshot_build(sqlite3 *db, const char *site, const char *snap, const char *source,
                    const TimeWindow *w, BaselineStats *stats, Err *err);

#endif /* OTS_BASELINE_SITE_INT_H */
