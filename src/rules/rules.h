/*
 * rules.h - the findings engine, as the store calls it.
 *
 * Rules run on the stored facts of one capture (its endpoints, comms, ops,
 * attrs and anomalies rows) plus the DB-wide assets, through the store's
 * own SQLite connection, inside the store's transaction: they read, never
 * write.  Each rule is a descriptor in src/rules/rule-*.c listed once in
 * rules.def; its title, default severity, ATT&CK ids, explanation and
 * recommendation are data (data/rules.tsv), loaded at run time.
 */
#ifndef OTS_RULES_RULES_H
#define OTS_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/err.h"
#include "otscope/finding.h"

/* Runs every registered rule over capture_id.  Appends new Finding
 * pointers to out (give it finding_free as its free function), one per
 * thing found, repeated events aggregated.  False with err (ERR_DB) on an
 * SQL error or (ERR_INPUT) when data/rules.tsv cannot be read or does not
 * match the rules compiled in. */
bool rules_run(sqlite3 *db, int64_t capture_id, GPtrArray *out, Err *err);

typedef struct AssetRisk {
    int64_t asset_id;
    int score; /* 0..100 */
} AssetRisk;

/* Risk score of every asset from all findings in the DB, its exposure,
 * the insecure services it offers and its role (formula: man otscope,
 * FINDINGS).  Fills out with AssetRisk.  is_touched: only the assets of
 * temp.role_ids, from their addresses in temp.role_addr (a live batch's,
 * store-roles.c), so a batch costs what it touched, not the DB. */
bool rules_risk(sqlite3 *db, bool is_touched, GArray *out, Err *err);

/* ---- rule metadata (data/rules.tsv) -------------------------------------- */

typedef struct RuleMeta {
    char *id;
    Severity severity; /* default */
    char *title;
    char *attack_id;
    char *why;
    char *recommendation;
} RuleMeta;

/* Loads rules.tsv: $OTSCOPE_DATA_DIR, then the installed data dir, then
 * the source tree.  Returns a GPtrArray of RuleMeta (unref frees), or NULL
 * with err (ERR_INPUT: missing, unreadable or malformed, with the line). */
GPtrArray *rules_meta_load(Err *err);
/* The path rules_meta_load() would read; a new string, or NULL. */
char *rules_meta_path(void);
/* A data file of the rules (same search order as rules.tsv), or NULL. */
char *rules_data_path(const char *file);

/* The rules compiled in, in rules.def order: how many, and the id of
 * the i-th (NULL past the end). */
size_t rules_count(void);
const char *rules_id(size_t i);

#endif /* OTS_RULES_RULES_H */
