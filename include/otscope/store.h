/*
 * store.h - the SQLite file: open/migrate, batched writes of the model,
 * capture bookkeeping, and the typed reads the presenters use.
 *
 * One SQLite file per site: WAL, STRICT tables, user_version migrations,
 * application_id, created 0600 (WAL and SHM side files too).  Writes come
 * in batches (one transaction each); a batch that fails is rolled back, so
 * whatever was committed before stays.  Rows written for a capture are
 * keyed by its capture_id, which makes re-writing the same totals
 * idempotent and lets one capture be replaced or purged on its own.
 */
#ifndef OTS_OTSCOPE_STORE_H
#define OTS_OTSCOPE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/err.h"
#include "otscope/model.h"

typedef struct Store Store;

typedef enum StoreMode {
    STORE_READ,       /* existing DB, read only */
    STORE_READ_WRITE, /* create when missing */
} StoreMode;

/* Opens (creating when asked) and migrates.  Returns NULL and fills err
 * (ERR_DB, or ERR_INPUT for a missing DB in read mode) on failure. */
Store *store_open(const char *path, StoreMode mode, Err *err);
void store_close(Store *s);
/* Secrets (passwords, community strings) in clear from now on in what
 * this Store hands to presenters (--show-secrets); masked by default. */
void store_show_secrets(Store *s, bool is_shown);
const char *store_path(const Store *s);

/* ---- captures ----------------------------------------------------------- */

typedef struct CaptureInfo {
    const char *path;     /* as the user named it ("-" for stdin, iface for live) */
    const char *source;   /* "file" or "live" */
    const char *quick_id; /* size + hash of the first bytes, or NULL */
} CaptureInfo;

/* Starts a capture row (status running); returns its id, or 0 on error. */
int64_t store_capture_begin(Store *s, const CaptureInfo *info, Err *err);

/* An existing complete capture with this quick id, or 0. */
int64_t store_capture_find_complete(Store *s, const char *quick_id);

typedef struct CaptureEnd {
    const char *sha256; /* NULL when the file was not read to its end */
    const char *linktype;
    const char *status; /* "complete", "partial" (damaged/interrupted) */
    const char *skipped; /* "reason=count;..." */
    const char *error;
    uint64_t packets;
    uint64_t bytes;
    int64_t first_ns;
    int64_t last_ns;
} CaptureEnd;

/* Writes the last batch (snap, as store_flush; NULL: none) and closes the
 * capture row, in one transaction.  When another complete capture has the
 * same SHA-256, this one's rows are dropped (*is_duplicate_of = that id);
 * partial captures of the same file are replaced by this one. */
bool store_capture_end(Store *s, int64_t capture_id, ModelSnapshot *snap, const CaptureEnd *end,
                       int64_t *is_duplicate_of, Err *err);

/* A running (live) capture's figures so far: its row shows the packets,
 * bytes and time range read (end->packets, bytes, first_ns, last_ns), and
 * roles are inferred again from what is stored, as at the capture's end,
 * so the console and the rules see them while the capture runs. */
bool store_capture_progress(Store *s, int64_t capture_id, const CaptureEnd *sofar, Err *err);

/* ---- writing ------------------------------------------------------------ */

/* Writes a snapshot of the model's changed entries (model_snapshot) for
 * capture_id in one transaction and re-resolves assets.  Sets the store
 * ids of the snapshot's originals; may run on a thread of its own while
 * the model goes on (store-writer.c), as long as nothing else uses s. */
bool store_flush(Store *s, int64_t capture_id, ModelSnapshot *snap, Err *err);

/* A thread that writes snapshots while the packets after them are
 * analyzed: one batch at a time, the first error kept. */
typedef struct StoreWriter StoreWriter;
StoreWriter *store_writer_start(Store *s, int64_t capture_id);
/* A live capture's writer: after each batch it also brings the capture
 * row to sofar (store_capture_progress) and runs the rules
 * (store_findings_update), then calls written(user) on its thread. */
StoreWriter *store_writer_start_live(Store *s, int64_t capture_id, void (*written)(void *user),
                                     void *user);
/* True while a batch is being written. */
bool store_writer_is_busy(StoreWriter *w);
/* True once a batch has failed (store_writer_stop says why). */
bool store_writer_has_failed(StoreWriter *w);
/* Hands snap over (the writer frees it) with, live, the capture's
 * figures so far (NULL for files); waits for the batch before it. */
void store_writer_submit(StoreWriter *w, ModelSnapshot *snap, const CaptureEnd *sofar);
/* Waits for the batch in flight, ends the thread and frees w; false with
 * err set when any batch failed (its transaction was rolled back). */
bool store_writer_stop(StoreWriter *w, Err *err);

/* ---- reading ------------------------------------------------------------ */

/* The tables the CLI prints; columns are the contract's, in order. */
typedef enum StoreTable {
    TABLE_ASSETS,
    TABLE_COMMS,
    TABLE_OPS,
    TABLE_FINDINGS,
    TABLE_PROTOCOLS,
    TABLE_CAPTURES,
    TABLE_COUNT
} StoreTable;

typedef enum CellType {
    CELL_TEXT,
    CELL_INT,
    CELL_TIME, /* nanoseconds since the epoch, printed ISO-8601 UTC microseconds */
} CellType;

typedef struct ColumnDesc {
    const char *name;  /* contract column name */
    const char *title; /* on-screen header */
    CellType type;
    int width;   /* preferred table width */
    bool is_right; /* right-aligned (numbers) */
} ColumnDesc;

const ColumnDesc *store_table_columns(StoreTable t, int *n_columns);
const char *store_table_name(StoreTable t);
bool store_table_from_name(const char *name, StoreTable *out);

typedef bool (*StoreRowFn)(const char *const *cells, void *user);

/* Calls fn for each row of the table (cells as text, NULL for SQL NULL;
 * times already formatted); stops early when fn returns false. */
bool store_read_table(Store *s, StoreTable t, StoreRowFn fn, void *user, Err *err);

/* ---- findings (store-findings.c) ---------------------------------------- */

/* Runs the rules over capture_id and keeps their findings in one
 * transaction: a finding found again keeps its finding_id (so triage
 * notes stay attached), findings no longer found are dropped, and every
 * asset's risk_score is recomputed.  ERR_INPUT when the rule metadata
 * (rules.tsv) is missing or wrong, ERR_DB on SQL errors; nothing changes
 * then. */
bool store_findings_update(Store *s, int64_t capture_id, Err *err);
/* The same during a live capture, after store_capture_progress: risk
 * scores only for the assets owning an address the batch wrote rows for
 * (every asset's at the capture's end). */
bool store_findings_update_touched(Store *s, int64_t capture_id, Err *err);

typedef struct FindingQuery {
    Severity min_severity; /* SEV_INFO: all */
    const char *rule;      /* NULL: every rule */
    bool show_secrets;     /* evidence with secrets in clear */
} FindingQuery;

/* The findings table (store_table_columns(TABLE_FINDINGS) columns) with
 * the query's filters, in finding_id order. */
bool store_read_findings(Store *s, const FindingQuery *q, StoreRowFn fn, void *user, Err *err);

/* Counts findings at or above sev (of one rule when rule is not NULL). */
bool store_count_findings(Store *s, Severity sev, const char *rule, int64_t *count, Err *err);

/* Where a finding's packets are: its capture file, addresses and frames. */
typedef struct FindingEvidence {
    char *capture_path;   /* as analyzed */
    char *capture_source; /* "file" or "live" */
    char *rule;
    char *src;
    char *dst;
    char *protocol;
    uint64_t first_pkt;   /* the finding's frames (0: unknown) */
    uint64_t last_pkt;
    uint64_t conv_first_pkt; /* its conversation(s) between src and dst (0: none) */
    uint64_t conv_last_pkt;
} FindingEvidence;

/* Fills ev (strings are new; free with store_finding_evidence_clear).
 * ERR_USAGE when there is no such finding. */
bool store_finding_evidence(Store *s, int64_t finding_id, FindingEvidence *ev, Err *err);
void store_finding_evidence_clear(FindingEvidence *ev);

#endif /* OTS_OTSCOPE_STORE_H */
