/*
 * store-console.h - what the interactive console reads from the store, and
 * the one thing it writes there: the triage of findings.
 *
 * Tables are never loaded whole.  A Pager answers "the N rows after (or
 * before) this row" in the chosen order: keyset paging on the sort column
 * plus a unique tie-break, so the cost of a page does not grow with the
 * table or with how far down the user has scrolled.  Figures are summed
 * over all captures in the DB, as the CLI tables are; with several
 * captures a conversation or operation is listed once and sorted by the
 * values of its first capture (totals would need the whole table sorted).
 *
 * Cells come back as text (NULL for SQL NULL), times as ISO-8601 UTC with
 * microseconds, exactly as the CSV contract prints them.
 */
#ifndef OTS_OTSCOPE_STORE_CONSOLE_H
#define OTS_OTSCOPE_STORE_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/err.h"
#include "otscope/store.h"

/* ---- paged tables -------------------------------------------------------- */

typedef enum PageSource {
    PAGE_ASSETS,
    PAGE_COMMS,
    PAGE_OPS,
    PAGE_FINDINGS,
    PAGE_EVENTS,  /* control-plane operations and findings, one row each, by time */
    PAGE_BUCKETS, /* the same events counted per time bucket (PageScope.bucket_ns) */
    PAGE_SOURCE_COUNT
} PageSource;

/* Column indexes of each source; the order is the on-screen order. */
enum AssetColumn {
    ACOL_ID, ACOL_IPS, ACOL_NAME, ACOL_ROLE, ACOL_LEVEL, ACOL_VENDOR, ACOL_PACKETS, ACOL_MAC,
    ACOL_BYTES, ACOL_RISK, ACOL_FIRST, ACOL_LAST, ACOL_EVIDENCE, ACOL_KIND, ACOL_N
};
enum CommColumn {
    CCOL_SRC, CCOL_DST, CCOL_PROTOCOL, CCOL_TRANSPORT, CCOL_PORT, CCOL_PACKETS, CCOL_BYTES,
    CCOL_FIRST, CCOL_LAST, CCOL_VLAN, CCOL_ANOMALIES, CCOL_N
};
enum OpColumn {
    OCOL_PROTOCOL, OCOL_SRC, OCOL_DST, OCOL_FUNCTION, OCOL_CLASS, OCOL_COUNT, OCOL_CODE,
    OCOL_FIRST, OCOL_LAST, OCOL_RESPONSES, OCOL_ERRORS, OCOL_DETAIL, OCOL_FIRST_PKT, OCOL_N
};
enum FindingColumn {
    FCOL_ID, FCOL_SEVERITY, FCOL_STATE, FCOL_TITLE, FCOL_SRC, FCOL_DST, FCOL_RULE,
    FCOL_PROTOCOL, FCOL_COUNT, FCOL_FIRST, FCOL_LAST, FCOL_ATTACK, FCOL_EVIDENCE,
    FCOL_RECOMMENDATION, FCOL_WHY, FCOL_FIRST_PKT, FCOL_LAST_PKT, FCOL_NOTE, FCOL_TRIAGED_AT,
    FCOL_N
};
enum EventColumn {
    ECOL_TIME, ECOL_CLASS, ECOL_WHAT, ECOL_SRC, ECOL_DST, ECOL_PROTOCOL, ECOL_COUNT, ECOL_KIND,
    ECOL_LAST, ECOL_FINDING_ID, ECOL_N
};
enum BucketColumn {
    BCOL_TIME, BCOL_EVENTS, BCOL_CONTROL, BCOL_PROGRAM, BCOL_FINDINGS, BCOL_ACTIVITY, BCOL_N
};

int store_page_n_columns(PageSource src);
const ColumnDesc *store_page_column(PageSource src, int col);
bool store_page_is_sortable(PageSource src, int col);
/* A short name for files and messages ("assets", "comms", ...). */
const char *store_page_source_name(PageSource src);

/* Which rows of a source: all of them, or what one drill-down step asked. */
typedef enum ScopeKind {
    SCOPE_ALL,
    SCOPE_ASSET,   /* comms/ops/findings touching asset `id` (any of its addresses) */
    SCOPE_PAIR,    /* comms/ops/findings/events with src `a` and dst `b` */
    SCOPE_ADDRS,   /* assets owning address `a` or `b` */
    SCOPE_FINDING, /* the one finding `id` */
    SCOPE_WINDOW,  /* events with from_ns <= time < to_ns */
} ScopeKind;

enum { PAGE_ADDR_MAX = 64 };

typedef struct PageScope {
    ScopeKind kind;
    int64_t id;
    char a[PAGE_ADDR_MAX];
    char b[PAGE_ADDR_MAX];
    int64_t from_ns;
    int64_t to_ns;
    int64_t bucket_ns; /* PAGE_BUCKETS: bucket width, > 0 */
} PageScope;

typedef struct PageQuery {
    PageSource source;
    PageScope scope;
    int sort_col; /* a sortable column of the source */
    bool is_desc;
    /* Space-separated terms, all of which must hold: plain text matches a
     * substring of any text column; `column=value`, `column!=value`,
     * `column~text` (substring), `column>n`, `column<n` test one column,
     * named by its CSV name or its on-screen title.  NULL or "" for none. */
    const char *filter;
} PageQuery;

typedef struct PageRow PageRow;
typedef struct Pager Pager;

/* The cell of column col (NULL for SQL NULL); valid while the row lives. */
const char *page_row_cell(const PageRow *row, int col);
/* Whether a and b are the same row (same sort value and tie-break). */
bool page_row_same(const PageRow *a, const PageRow *b);
void page_row_free(PageRow *row);

/* Prepares the query.  A filter naming an unknown column or comparing a
 * number column with text fails with ERR_USAGE and a message for the user;
 * DB failures with ERR_DB.  Returns NULL then. */
Pager *store_pager_new(Store *s, const PageQuery *q, Err *err);
void store_pager_free(Pager *p);

/* Up to limit rows after `after` (NULL: from the first row) in display
 * order, stored in out[]; returns how many, or -1 with err on failure.
 * Rows belong to the caller (page_row_free). */
int store_pager_next(Pager *p, const PageRow *after, int limit, PageRow **out, Err *err);
/* Up to limit rows before `before` (NULL: up to the last row), in display
 * order (the row just before `before` comes last). */
int store_pager_prev(Pager *p, const PageRow *before, int limit, PageRow **out, Err *err);

/* The first row after `from` (before it when backward; NULL: from the
 * start, or the end) that also matches `text` (same syntax as the filter).
 * *found is NULL when no row matches.  False + err on failure. */
bool store_pager_find(Pager *p, const PageRow *from, bool backward, const char *text,
                      PageRow **found, Err *err);

/* How many rows come before `row` (its 0-based position). */
bool store_pager_position(Pager *p, const PageRow *row, int64_t *pos, Err *err);

/* Rows of the query, counting at most cap (*is_capped tells) for at most
 * budget_ms (0: no limit); *count is -1 when the time ran out first (a
 * text filter over a million rows reads them all). */
bool store_pager_count(Pager *p, int64_t cap, int budget_ms, int64_t *count, bool *is_capped,
                       Err *err);

/* Every row in display order (for CSV export); fn stops it by returning
 * false. */
bool store_pager_each(Pager *p, StoreRowFn fn, void *user, Err *err);

/* ---- the header and the dashboard ---------------------------------------- */

enum {
    SUMMARY_NAME_MAX = 64,
    SUMMARY_TOP = 8,       /* rows of each top-N list */
    SUMMARY_GROUPS = 16,   /* roles, levels */
    SUMMARY_SEVERITIES = 5 /* the contract's severities, most severe first */
};

typedef struct SummaryItem {
    char name[SUMMARY_NAME_MAX];
    int64_t count;  /* assets / findings / conversations */
    int64_t value;  /* bytes (talkers, protocols); open findings (severities) */
    int64_t id;     /* asset_id (talkers) */
} SummaryItem;

typedef struct ConsoleSummary {
    int64_t n_captures;
    char captures[256]; /* file names, ", "-joined, shortened */
    int64_t first_ns;   /* 0 when the DB holds no packets */
    int64_t last_ns;
    int64_t n_assets;
    int64_t n_comms;
    int64_t n_ops;
    int64_t n_findings;
    int64_t n_open_findings; /* not acknowledged or dismissed */
    bool is_multi_capture;
    SummaryItem roles[SUMMARY_GROUPS];
    int n_roles;
    SummaryItem levels[SUMMARY_GROUPS]; /* name "0".."5", "?" for unknown */
    int n_levels;
    SummaryItem severities[SUMMARY_SEVERITIES];
    SummaryItem talkers[SUMMARY_TOP];
    int n_talkers;
    SummaryItem protocols[SUMMARY_TOP];
    int n_protocols;
    /* Packets per step of traffic_step_min minutes from traffic_start_min
     * (minutes since the epoch); a new array, freed by
     * store_console_summary_clear. */
    int64_t *traffic;
    int n_traffic;
    int64_t traffic_start_min;
    int64_t traffic_step_min;
} ConsoleSummary;

/* The captures and findings as they are now; the figures that read every
 * conversation (sizes, groups, talkers, protocols, traffic) as the
 * writers last kept them in console_summary (counted here when they never
 * did). */
bool store_console_summary(Store *s, ConsoleSummary *sum, Err *err);
/* Counts those figures into console_summary (a read-write store; the
 * writers call it when the data changes, store-matrix.c). */
bool store_console_summary_refresh(Store *s, Err *err);
/* Re-reads only the finding counts (after triage). */
bool store_console_summary_findings(Store *s, ConsoleSummary *sum, Err *err);
void store_console_summary_clear(ConsoleSummary *sum);

/* ---- details of one row --------------------------------------------------- */

/* Each calls fn once per row (at most limit rows), cells as documented. */

/* name, value, protocol, confidence, first_pkt */
bool store_asset_attrs(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                       Err *err);
/* protocol, transport, port, clients, packets: what the asset serves */
bool store_asset_services(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                          Err *err);
/* peer address, protocols (';'-joined), packets: whom it talks to */
bool store_asset_peers(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                       Err *err);
/* severity, title, finding_id */
bool store_asset_findings(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                          Err *err);
/* protocol, function, class, count: the operations of one pair, most
 * frequent first */
bool store_pair_ops(Store *s, const char *src, const char *dst, int limit, StoreRowFn fn,
                    void *user, Err *err);
/* asset_id, role, name: the asset owning an address (one row or none) */
bool store_addr_asset(Store *s, const char *addr, StoreRowFn fn, void *user, Err *err);

/* ---- the communications matrix --------------------------------------------- */

typedef enum MatrixAxis {
    MATRIX_LEVELS, /* the Purdue level of each end's asset ("L0".."L5") */
    MATRIX_ZONES,  /* the zone of each end's asset (otscope zones) */
    MATRIX_AXIS_COUNT
} MatrixAxis;

/* Conversations grouped by what their two ends belong to and by protocol:
 * one row per (src group, dst group, protocol) with cells src_group,
 * dst_group (NULL when the address has no asset, or the asset no level or
 * zone), protocol, conversations, packets.  A conversation seen in several
 * captures counts once.  Read from the comm_matrix table, which the
 * writers keep (store-matrix.c): a few hundred rows whatever the DB size. */
bool store_comm_matrix(Store *s, MatrixAxis axis, StoreRowFn fn, void *user, Err *err);

/* ---- triage --------------------------------------------------------------- */

typedef enum TriageState {
    TRIAGE_NEW,
    TRIAGE_ACKNOWLEDGED,
    TRIAGE_FALSE_POSITIVE,
    TRIAGE_STATE_COUNT
} TriageState;

/* "new", "acknowledged", "false-positive": the STATE column's values. */
const char *triage_state_name(TriageState st);
bool triage_state_from_name(const char *name, TriageState *out);

/* Triage survives re-analysis: it is keyed by the finding's stable key
 * (the rules' "rule:what"), not by its id, so the same finding in another
 * capture shares it.  The DB is opened for writing
 * only here, on first use, on a connection of its own. */
typedef struct StoreTriage StoreTriage;

StoreTriage *store_triage_open(Store *s, Err *err);
void store_triage_close(StoreTriage *t);
/* Sets the state of finding finding_id, and its note unless note is NULL. */
bool store_triage_set(StoreTriage *t, int64_t finding_id, TriageState st, const char *note,
                      Err *err);
/* Changes only the note, keeping the state. */
bool store_triage_note(StoreTriage *t, int64_t finding_id, const char *note, Err *err);

#endif /* OTS_OTSCOPE_STORE_CONSOLE_H */
