/*
 * store-export.h - what exports, the report, merge and purge need from the
 * store beyond the CLI tables: attribute evidence, findings with their
 * triage, the audit trail, hand-off copies, merging and purging.
 *
 * Reads follow store_read_table(): cells as text (NULL for SQL NULL),
 * times already ISO-8601 UTC with microseconds, a stable ORDER BY.  The
 * store knows nothing about anonymization; a hand-off copy can be
 * rewritten through a caller-supplied text mapper (StoreTextMap), so the
 * policy stays in export/.
 */
#ifndef OTS_OTSCOPE_STORE_EXPORT_H
#define OTS_OTSCOPE_STORE_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/err.h"
#include "otscope/store.h"

/* ---- more tables ---------------------------------------------------------- */

typedef enum ExportTable {
    XTABLE_ATTRIBUTES, /* identity attributes per asset, with protocol, counts, frames */
    XTABLE_FINDINGS,   /* findings + frames, capture, triage state and note */
    XTABLE_AUDIT,      /* the audit trail, oldest first */
    XTABLE_COUNT
} ExportTable;

const ColumnDesc *store_xtable_columns(ExportTable t, int *n_columns);
const char *store_xtable_name(ExportTable t);

/* Calls fn per row as store_read_table() does.  Secret attribute values
 * and secret evidence are masked unless show_secrets.  Findings carry
 * empty triage columns when the DB has no triage table. */
bool store_read_xtable(Store *s, ExportTable t, bool show_secrets, StoreRowFn fn, void *user,
                       Err *err);

/* ---- facts about the file -------------------------------------------------- */

typedef struct StoreSummary {
    int schema_version;
    int64_t assets;
    int64_t comms;     /* distinct conversations (as the comms table lists them) */
    int64_t ops;       /* operation rows */
    int64_t op_count;  /* requests summed */
    int64_t captures;
    int64_t packets;   /* over all captures */
    int64_t findings;
    int64_t by_severity[SEV_COUNT];
    int64_t first_ns;  /* earliest and latest capture times (0 when none) */
    int64_t last_ns;
} StoreSummary;

bool store_summary(Store *s, StoreSummary *sum, Err *err);

/* ---- audit trail (store-audit.c) -------------------------------------------- */

typedef struct AuditEntry {
    const char *command;      /* "analyze", "export", "report", "merge", "purge", ... */
    const char *cmdline;      /* the whole command line as typed (may be NULL) */
    const char *input_sha256; /* ';'-joined SHA-256 of the inputs, or NULL */
    const char *detail;       /* what was written where, or NULL */
    const char *since;        /* with input_sha256 NULL: record the SHA-256 of every
                               * capture started at or after this UTC time
                               * ("YYYY-MM-DDTHH:MM:SSZ"), i.e. what an analyze
                               * run read; NULL: none */
} AuditEntry;

/* Appends one row (time now, user from the environment).  Needs a
 * read-write store; ERR_DB otherwise. */
bool store_audit_add(Store *s, const AuditEntry *e, Err *err);

/* SHA-256 (lower-case hex) of the DB's main file as it is on disk now,
 * after a WAL checkpoint when the store is writable; false + err when the
 * file cannot be read. */
bool store_file_sha256(Store *s, char hex[65], Err *err);

/* ---- hand-off copies, merge, purge (store-merge.c) --------------------------- */

/* Rewrites one text value of the copy: kind names what the column holds
 * (see StoreTextKind); returns a new string (g_free) or NULL to set the
 * column to NULL/''.  */
typedef enum StoreTextKind {
    STK_ADDR,      /* one IP or MAC address */
    STK_TEXT,      /* free text that may mention addresses and names */
    STK_NAME,      /* a host, device or domain name */
    STK_USER,      /* a user name */
    STK_SERIAL,    /* a serial number */
    STK_SECRET,    /* a password or community: dropped */
    STK_PATH,      /* a capture file path */
    STK_CMDLINE,   /* a command line in the audit trail */
} StoreTextKind;
typedef char *(*StoreTextMap)(StoreTextKind kind, const char *text, void *user);

/* Writes a compact copy of the whole DB to dest (VACUUM INTO; dest must
 * not exist; created 0600).  With map, every text value of the copy that
 * can carry an identifier is passed through it, known columns by their
 * kind and every other TEXT column as STK_TEXT, secrets are deleted, and
 * the copy is vacuumed again with secure_delete so that the replaced
 * values are not left in free pages. */
bool store_export_copy(Store *s, const char *dest, StoreTextMap map, void *user, Err *err);

typedef struct MergeStats {
    int64_t captures_added;
    int64_t captures_skipped; /* already in the destination (same SHA-256) */
    int64_t findings_copied;
    bool rules_rerun;         /* findings recomputed over the merged data */
} MergeStats;

/* Adds every complete or partial capture of the DB at src_path (opened
 * read-only, same schema version) with all its rows to s, skipping
 * captures whose SHA-256 s already has; then re-resolves the assets and
 * re-runs the rules over the added captures (when the rules data is
 * available; otherwise the copied findings stay).  One transaction: on
 * failure s is unchanged. */
bool store_merge_from(Store *s, const char *src_path, MergeStats *stats, Err *err);

/* Deletes one capture (capture_id > 0) with every row derived from it, or
 * every capture, asset, finding, triage note and saved baseline
 * (capture_id == 0; the audit trail, zones, ledger and advisory data
 * stay), then makes the file forget it: secure_delete, WAL checkpoint(TRUNCATE), VACUUM.
 * ERR_USAGE when there is no such capture. */
bool store_purge(Store *s, int64_t capture_id, int64_t *rows_deleted, Err *err);

#endif /* OTS_OTSCOPE_STORE_EXPORT_H */
