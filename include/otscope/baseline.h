/*
 * baseline.h - what the site knows beyond its captures, and comparisons
 * (src/baseline/): baselines saved from a known-good DB and loaded to be
 * checked against, diffs of two DBs or time windows, the zone policy,
 * the plant's asset ledger, offline advisories and IOC lists.
 *
 * Everything the rules judge against is kept in the site DB (loaded
 * baseline, zones, ledger, advisories), so that every later analysis and
 * every re-judgement sees it; loading any of it judges every capture of
 * the DB again.  A baseline *file* is a small SQLite file of its own
 * (tables meta, assets, comms, ops, idents, findings: the layout of the
 * site DB's baseline_* tables, see store.c migration 5).
 */
#ifndef OTS_OTSCOPE_BASELINE_H
#define OTS_OTSCOPE_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/err.h"
#include "otscope/store.h"

/* ---- time windows ----------------------------------------------------------- */

typedef struct TimeWindow {
    int64_t from_ns; /* inclusive; 0: from the start */
    int64_t to_ns;   /* exclusive; INT64_MAX: to the end */
} TimeWindow;

/* "2024-03-05T08:05:00Z", "2024-03-05T08:05:00.25+09:00", "2024-03-05 08:05"
 * (UTC when no zone is given), "2024-03-05" (midnight UTC).  ERR_USAGE on
 * anything else. */
bool time_window_parse_time(const char *text, int64_t *ns, Err *err);
/* from and to may each be NULL or "" (open end). */
bool time_window_parse(const char *from, const char *to, TimeWindow *w, Err *err);
void time_window_all(TimeWindow *w);

/* ---- baselines (baseline.c) ---------------------------------------------------- */

typedef struct BaselineStats {
    int64_t assets;
    int64_t comms;
    int64_t profiled; /* comms with a traffic band */
    int64_t ops;
    int64_t polled;   /* ops with a polling period */
    int64_t idents;
    int64_t findings;
} BaselineStats;

/* Writes a baseline of the DB at db_path (its assets, conversations with
 * their traffic profile, OT functions with their polling period,
 * identities and findings, in the window) to out_path, replacing it
 * (written to a side file first, created 0600). */
bool baseline_save(const char *db_path, const TimeWindow *w, const char *out_path,
                   BaselineStats *stats, Err *err);
/* Loads the baseline file into the DB, replacing the one it had (ERR_INPUT
 * when the file is no otscope baseline); does not judge. */
bool baseline_use(Store *s, const char *path, BaselineStats *stats, Err *err);
bool baseline_forget(Store *s, Err *err);
/* Rows (key, value) describing the loaded baseline; none without one. */
const ColumnDesc *baseline_meta_columns(int *n_columns);
bool baseline_read_meta(Store *s, StoreRowFn fn, void *user, Err *err);

/* ---- judging again (site.c) ------------------------------------------------------ */

/* Runs the rules over every capture of the DB (after site data changed);
 * *n_captures says how many.  ERR_DB on SQL errors, ERR_INPUT when the
 * rule metadata is missing. */
bool site_rejudge(Store *s, int64_t *n_captures, Err *err);
/* After an analysis added captures: findings about the whole DB (a ledger
 * row never seen) move to the newest capture; older captures holding
 * them are judged again. */
bool site_after_analyze(Store *s, Err *err);

/* ---- diff (diff.c) ----------------------------------------------------------------- */

typedef struct DiffSide {
    char *path;       /* a site DB or a baseline file */
    TimeWindow window; /* of a site DB */
    bool has_window;
} DiffSide;

/* "DB", "DB@FROM..TO", "DB@FROM..", "DB@..TO" (times as
 * time_window_parse_time).  Fills side (free with diff_side_clear). */
bool diff_side_parse(const char *spec, DiffSide *side, Err *err);
void diff_side_clear(DiffSide *side);
/* True when path is an SQLite file (a DB or a baseline), false for
 * anything else (a capture). */
bool diff_is_sqlite(const char *path);

typedef struct DiffCounts {
    int64_t appeared;
    int64_t disappeared;
    int64_t changed;
} DiffCounts;

/* Columns: change (appeared, disappeared, changed), kind (asset, comm,
 * function, identity, finding), item, a, b, detail. */
const ColumnDesc *diff_columns(int *n_columns);
/* Compares a with b and calls fn once per difference, sorted by kind,
 * change and item. */
bool diff_run(const DiffSide *a, const DiffSide *b, StoreRowFn fn, void *user,
              DiffCounts *counts, Err *err);

/* ---- zones (zones.c) ----------------------------------------------------------------- */

typedef struct ZonesStats {
    int64_t zones;
    int64_t nets;
    int64_t conduits;
} ZonesStats;

/* Reads a zone policy file (format: man otscope, ZONES) into the DB,
 * replacing the one it had.  ERR_INPUT with the file and line on a
 * malformed file; nothing changes then. */
bool zones_load(Store *s, const char *path, ZonesStats *stats, Err *err);
bool zones_clear(Store *s, Err *err);
/* The policy as a table: kind (net, vlan, conduit), zone, level, what,
 * line. */
const ColumnDesc *zones_columns(int *n_columns);
bool zones_read(Store *s, StoreRowFn fn, void *user, Err *err);

/* ---- ledger (ledger.c) ---------------------------------------------------------------- */

typedef struct LedgerImport {
    const char *path;
    const char *encoding;   /* NULL: UTF-8 (a BOM is skipped) */
    const char *const *map; /* NULL-terminated "Column=field" overrides, or NULL */
} LedgerImport;

/* Imports the plant's ledger CSV (a header row; columns found by name,
 * English or Japanese, or by --map), replacing the one the DB had.
 * *rows counts the rows kept.  ERR_INPUT on an unreadable file, a bad
 * encoding or no usable column; ERR_USAGE on a bad map. */
bool ledger_import(Store *s, const LedgerImport *li, int64_t *rows, Err *err);
bool ledger_clear(Store *s, Err *err);
/* The reconciliation: status (matched, unlisted, missing, mismatch),
 * asset_id, ip, mac, name, ledger_line, field, seen, ledger. */
const ColumnDesc *ledger_columns(int *n_columns);
bool ledger_read(Store *s, StoreRowFn fn, void *user, Err *err);

/* ---- advisories (advisories.c) ---------------------------------------------------------- */

typedef enum AdvisoryFormat {
    ADVISORY_AUTO, /* from the content: KEV header, CSV header, JSON */
    ADVISORY_KEV,  /* CISA Known Exploited Vulnerabilities CSV */
    ADVISORY_CSV,  /* otscope's own CSV (man otscope, ADVISORIES) */
    ADVISORY_JSON, /* the same fields as a JSON array of objects */
} AdvisoryFormat;

bool advisory_format_from_name(const char *name, AdvisoryFormat *out);

typedef struct AdvisoryStats {
    AdvisoryFormat format; /* what was read */
    int64_t rows;
} AdvisoryStats;

/* Imports an advisory file: own CSV/JSON rows replace those of the same
 * source (file name) unless is_replace_all drops every advisory first; a
 * KEV file replaces the KEV catalogue.  ERR_INPUT with file and line on
 * a malformed row (a bad version range, no vendor); nothing changes then. */
bool advisories_import(Store *s, const char *path, AdvisoryFormat fmt, bool is_replace_all,
                       AdvisoryStats *stats, Err *err);
bool advisories_clear(Store *s, Err *err);
/* The loaded advisories: advisory, cve, vendor, product, models,
 * affected, cvss, kev, title, fix, source. */
const ColumnDesc *advisories_columns(int *n_columns);
bool advisories_read(Store *s, StoreRowFn fn, void *user, Err *err);

/* ---- IOC lists (ioc.c) ------------------------------------------------------------------ */

enum { IOC_STATS_TYPES = 8 }; /* indicator types (rules/ioc-match.h) */

typedef struct IocStats {
    int64_t indicators;                /* kept */
    int64_t duplicates;                /* the same type and value again: the first is kept */
    int64_t by_type[IOC_STATS_TYPES];  /* indexed like ioc_stats_type_name() */
} IocStats;

/* Reads IOC list files (NULL-terminated paths; format: man otscope, IOC
 * LISTS) into the DB, replacing the lists it had.  ERR_INPUT with file
 * and line when a line is no indicator; nothing changes then. */
bool ioc_load(Store *s, const char *const *paths, IocStats *stats, Err *err);
bool ioc_clear(Store *s, Err *err);
/* The type name of stats->by_type[i]. */
const char *ioc_stats_type_name(int i);
/* The loaded indicators: type, value, note, source, line, findings (how
 * many ioc-match findings name it). */
const ColumnDesc *ioc_columns(int *n_columns);
bool ioc_read(Store *s, StoreRowFn fn, void *user, Err *err);

#endif /* OTS_OTSCOPE_BASELINE_H */
