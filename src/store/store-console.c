/*
 * store-console.c - the console's reads (paged tables, the summary, the
 * details of one row) and its one write, the triage of findings.
 *
 * A source is a FROM clause, a unique tie-break key and a column table
 * whose entries carry their SQL: the value, the ORDER BY expression when
 * an index makes the sort cheap on a big DB, and how a filter term tests
 * the column.  Queries are assembled from these static pieces only;
 * whatever the user typed is bound as a parameter, and contract strings
 * (classes, severities, attribute names) are bound from fact.h's tables.
 *
 * Keyset paging: a page is "ORDER BY sort, key LIMIT n" from the row
 * value (sort, key) of the last row shown, so a page costs the same at
 * row 10 and at row 900 000.  The tie-break key never repeats the sort
 * column, and follows the primary-key order, so that a one-column index
 * on the sort column (whose entries end with the primary key) serves both
 * the range and the order.
 */
#include "config.h"

#include "otscope/store-console.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/fact.h"
#include "otscope/util.h"
#include "store-int.h"

enum {
    COL_SORT = 1,    /* can be sorted by */
    COL_INDEXED = 2, /* ... and an index (or the rowid) gives that order */
    COL_FILTER = 4,  /* usable as `column=value` */
    COL_SEARCH = 8,  /* searched by plain-text terms */
    MAX_KEYS = 8,
    MAX_TERMS = 8,
    DETAIL_SCAN_MAX = 5000, /* conversations looked at for one asset's detail */
    /* Above this many rows, a sort without an index goes through a
     * snapshot: sorting ~20 k rows per page stays under ~20 ms. */
    SNAPSHOT_MIN_ROWS = 20000,
};

typedef struct SourceCol {
    ColumnDesc desc;
    const char *expr;       /* the value, for one capture */
    const char *expr_multi; /* summed over captures; NULL: same as expr */
    const char *sort;       /* ORDER BY expression (COL_SORT) */
    const char *match;      /* filter test, "$OP" = operator and parameter; NULL: (expr) $OP */
    unsigned flags;
    /* Ties broken by this column first, then by the source's keys: an
     * order that does not depend on insertion, and that the sort column's
     * index still serves. */
    const char *tie;
} SourceCol;

typedef struct SourceDesc {
    const char *name;
    const char *from;
    const char *table; /* the base table, whose bare count is cheap */
    bool can_snapshot; /* sort values do not change under the console's feet */
    const char *keys[MAX_KEYS];
    /* The tie-break for sorts no index serves (those sort everything
     * anyway): by content, so that the order does not follow insertion;
     * ends with the unique keys.  Empty: keys. */
    const char *order_keys[MAX_KEYS];
    const char *dedup; /* with several captures: keeps the first row of each group */
    /* The same rows with only the time column (e.t), for counting them
     * unfiltered (scopes ALL and WINDOW) from indexes alone; NULL: from. */
    const char *count_from;
    const char *scope[SCOPE_WINDOW + 1];
    const SourceCol *cols;
    int n_cols;
} SourceDesc;

/* ---- assets --------------------------------------------------------------- */

#define ASSET_ADDRS_OF(alias)                                                                      \
    "(SELECT ip FROM asset_ips WHERE asset_id=" alias ".asset_id UNION SELECT " alias              \
    ".mac WHERE " alias ".mac<>'')"
#define ADDRS_OF_ID                                                                                \
    "(SELECT ip FROM asset_ips WHERE asset_id=:id UNION SELECT mac FROM assets"                    \
    " WHERE asset_id=:id AND mac<>'')"
#define ASSET_NAME_OF(alias)                                                                       \
    "coalesce((SELECT min(value) FROM attrs WHERE name=:attr_hostname AND addr IN "              \
    ASSET_ADDRS_OF(alias) "), (SELECT min(value) FROM attrs WHERE name=:attr_device_name"       \
    " AND addr IN " ASSET_ADDRS_OF(alias) "))"
#define ASSET_IPS_OF(alias)                                                                        \
    "(SELECT group_concat(ip, ';') FROM (SELECT ip FROM asset_ips WHERE asset_id=" alias          \
    ".asset_id ORDER BY ip))"
/* Assets with a name attribute whose value passes $OP. */
#define ASSET_NAME_MATCH                                                                           \
    "a.asset_id IN (SELECT ai.asset_id FROM attrs t JOIN asset_ips ai ON ai.ip=t.addr"          \
    " WHERE t.name IN (:attr_hostname, :attr_device_name) AND t.value $OP"                        \
    " UNION SELECT a2.asset_id FROM attrs t JOIN assets a2 ON a2.mac=t.addr"                     \
    " WHERE t.name IN (:attr_hostname, :attr_device_name) AND t.value $OP)"

static const SourceCol asset_cols[ACOL_N] = {
    [ACOL_ID] = { { "asset_id", "ID", CELL_INT, 4, true }, "a.asset_id", NULL, "a.asset_id",
                  NULL, COL_SORT | COL_INDEXED | COL_FILTER },
    [ACOL_IPS] = { { "ips", "IP", CELL_TEXT, 15, false }, ASSET_IPS_OF("a"), NULL, NULL,
                   "a.asset_id IN (SELECT asset_id FROM asset_ips WHERE ip $OP)",
                   COL_FILTER | COL_SEARCH },
    [ACOL_NAME] = { { "hostnames", "NAME", CELL_TEXT, 13, false }, ASSET_NAME_OF("a"), NULL,
                    NULL, ASSET_NAME_MATCH, COL_FILTER | COL_SEARCH },
    [ACOL_ROLE] = { { "role", "ROLE", CELL_TEXT, 13, false }, "a.role", NULL, "a.role", NULL,
                    COL_SORT | COL_FILTER | COL_SEARCH },
    [ACOL_LEVEL] = { { "purdue_level", "LVL", CELL_INT, 3, true }, "a.purdue_level", NULL,
                     "coalesce(a.purdue_level, -1)", NULL, COL_SORT | COL_FILTER },
    [ACOL_VENDOR] = { { "vendor", "VENDOR", CELL_TEXT, 17, false }, "a.vendor", NULL, "a.vendor",
                      NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [ACOL_MAC] = { { "mac", "MAC", CELL_TEXT, 17, false }, "a.mac", NULL, "a.mac", NULL,
                   COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH },
    [ACOL_PACKETS] = { { "packets", "PKTS", CELL_INT, 9, true }, "a.packets", NULL, "a.packets",
                       NULL, COL_SORT | COL_FILTER },
    [ACOL_BYTES] = { { "bytes", "BYTES", CELL_INT, 11, true }, "a.bytes", NULL, "a.bytes", NULL,
                     COL_SORT | COL_FILTER },
    [ACOL_RISK] = { { "risk_score", "RISK", CELL_INT, 4, true }, "a.risk_score", NULL,
                    "a.risk_score", NULL, COL_SORT | COL_FILTER },
    [ACOL_FIRST] = { { "first_seen", "FIRST SEEN", CELL_TIME, 19, false }, "a.first_ns", NULL,
                     "a.first_ns", NULL, COL_SORT },
    [ACOL_LAST] = { { "last_seen", "LAST SEEN", CELL_TIME, 19, false }, "a.last_ns", NULL,
                    "a.last_ns", NULL, COL_SORT },
    [ACOL_EVIDENCE] = { { "role_evidence", "ROLE EVIDENCE", CELL_TEXT, 24, false },
                        "a.role_evidence", NULL, NULL, NULL, COL_FILTER | COL_SEARCH },
    [ACOL_KIND] = { { "kind", "KIND", CELL_TEXT, 4, false }, "a.kind", NULL, NULL, NULL,
                    COL_FILTER },
};

static const SourceDesc source_assets = {
    .name = "assets",
    .from = "assets a",
    .table = "assets",
    .can_snapshot = true,
    .keys = { "a.asset_id" },
    .scope = {
        [SCOPE_ADDRS] = "(a.asset_id IN (SELECT asset_id FROM asset_ips WHERE ip IN (:a, :b))"
                        " OR (a.mac IN (:a, :b) AND a.mac<>''))",
    },
    .cols = asset_cols,
    .n_cols = ACOL_N,
};

/* ---- communications --------------------------------------------------------- */

#define COMM_SAME                                                                                  \
    "x.src=c.src AND x.dst=c.dst AND x.vlan=c.vlan AND x.protocol=c.protocol"                     \
    " AND x.transport=c.transport AND x.port=c.port"
#define COMM_AGG(fn, col) "(SELECT " fn "(x." col ") FROM comms x WHERE " COMM_SAME ")"

static const SourceCol comm_cols[CCOL_N] = {
    [CCOL_SRC] = { { "src", "SOURCE", CELL_TEXT, 17, false }, "c.src", NULL, "c.src", NULL,
                   COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH, "c.dst" /* comms_pair */ },
    [CCOL_DST] = { { "dst", "DESTINATION", CELL_TEXT, 17, false }, "c.dst", NULL, "c.dst", NULL,
                   COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH },
    [CCOL_PROTOCOL] = { { "protocol", "PROTOCOL", CELL_TEXT, 10, false }, "c.protocol", NULL,
                        "c.protocol", NULL, COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH },
    [CCOL_TRANSPORT] = { { "transport", "L4", CELL_TEXT, 5, false }, "c.transport", NULL,
                         "c.transport", NULL, COL_SORT | COL_FILTER },
    [CCOL_PORT] = { { "port", "PORT", CELL_INT, 5, true }, "c.port", NULL, "c.port", NULL,
                    COL_SORT | COL_FILTER },
    [CCOL_PACKETS] = { { "packets", "PKTS", CELL_INT, 8, true }, "c.packets",
                       COMM_AGG("sum", "packets"), "c.packets", NULL, COL_SORT | COL_FILTER },
    [CCOL_BYTES] = { { "bytes", "BYTES", CELL_INT, 10, true }, "c.bytes", COMM_AGG("sum", "bytes"),
                     "c.bytes", NULL, COL_SORT | COL_FILTER },
    [CCOL_FIRST] = { { "first_seen", "FIRST SEEN", CELL_TIME, 19, false }, "c.first_ns",
                     COMM_AGG("min", "first_ns"), "c.first_ns", NULL, COL_SORT },
    [CCOL_LAST] = { { "last_seen", "LAST SEEN", CELL_TIME, 19, false }, "c.last_ns",
                    COMM_AGG("max", "last_ns"), "c.last_ns", NULL, COL_SORT },
    [CCOL_VLAN] = { { "vlan", "VLAN", CELL_INT, 4, true }, "c.vlan", NULL, NULL, NULL,
                    COL_FILTER },
    [CCOL_ANOMALIES] = { { "anomalies", "ANOM", CELL_INT, 4, true }, "c.anomalies",
                         COMM_AGG("sum", "anomalies"), NULL, NULL, COL_FILTER },
};

static const SourceDesc source_comms = {
    .name = "comms",
    .from = "comms c",
    .table = "comms",
    .can_snapshot = true,
    .keys = { "c.comm_id" },
    .order_keys = { "c.src", "c.dst", "c.protocol", "c.port", "c.comm_id" },
    .dedup = "NOT EXISTS (SELECT 1 FROM comms x WHERE " COMM_SAME " AND x.comm_id<c.comm_id)",
    .scope = {
        [SCOPE_ASSET] = "(c.src IN " ADDRS_OF_ID " OR c.dst IN " ADDRS_OF_ID ")",
        [SCOPE_PAIR] = "(c.src=:a AND c.dst=:b)",
    },
    .cols = comm_cols,
    .n_cols = CCOL_N,
};

/* ---- operations ------------------------------------------------------------- */

#define OP_SAME                                                                                    \
    "x.protocol=o.protocol AND x.src=o.src AND x.dst=o.dst AND x.function_code=o.function_code"   \
    " AND x.function=o.function AND x.class=o.class"
#define OP_AGG(fn, col) "(SELECT " fn "(x." col ") FROM ops x WHERE " OP_SAME ")"

static const SourceCol op_cols[OCOL_N] = {
    [OCOL_PROTOCOL] = { { "protocol", "PROTOCOL", CELL_TEXT, 8, false }, "o.protocol", NULL,
                        "o.protocol", NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [OCOL_SRC] = { { "src", "SOURCE", CELL_TEXT, 17, false }, "o.src", NULL, "o.src", NULL,
                   COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH },
    [OCOL_DST] = { { "dst", "DESTINATION", CELL_TEXT, 17, false }, "o.dst", NULL, "o.dst", NULL,
                   COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH },
    [OCOL_FUNCTION] = { { "function", "FUNCTION", CELL_TEXT, 16, false }, "o.function", NULL,
                        "o.function", NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [OCOL_CLASS] = { { "class", "CLASS", CELL_TEXT, 10, false }, "o.class", NULL, "o.class",
                     NULL, COL_SORT | COL_INDEXED | COL_FILTER | COL_SEARCH },
    [OCOL_COUNT] = { { "count", "COUNT", CELL_INT, 6, true }, "o.count", OP_AGG("sum", "count"),
                     "o.count", NULL, COL_SORT | COL_FILTER },
    [OCOL_CODE] = { { "function_code", "CODE", CELL_INT, 5, true }, "o.function_code", NULL,
                    "o.function_code", NULL, COL_SORT | COL_FILTER },
    [OCOL_FIRST] = { { "first_seen", "FIRST SEEN", CELL_TIME, 19, false }, "o.first_ns",
                     OP_AGG("min", "first_ns"), NULL, NULL, 0 },
    [OCOL_LAST] = { { "last_seen", "LAST SEEN", CELL_TIME, 19, false }, "o.last_ns",
                    OP_AGG("max", "last_ns"), NULL, NULL, 0 },
    [OCOL_RESPONSES] = { { "responses", "RESP", CELL_INT, 6, true }, "o.responses",
                         OP_AGG("sum", "responses"), NULL, NULL, COL_FILTER },
    [OCOL_ERRORS] = { { "errors", "ERR", CELL_INT, 5, true }, "o.errors", OP_AGG("sum", "errors"),
                      NULL, NULL, COL_FILTER },
    [OCOL_DETAIL] = { { "detail", "DETAIL", CELL_TEXT, 20, false }, "o.detail", NULL, NULL, NULL,
                      COL_FILTER | COL_SEARCH },
    [OCOL_FIRST_PKT] = { { "first_pkt", "FIRST PKT", CELL_INT, 9, true }, "o.first_pkt",
                         OP_AGG("min", "first_pkt"), NULL, NULL, 0 },
};

static const SourceDesc source_ops = {
    .name = "ops",
    .from = "ops o",
    .table = "ops",
    .can_snapshot = true,
    /* the primary key, in its order (ops is WITHOUT ROWID) */
    .keys = { "o.capture_id", "o.protocol", "o.src", "o.dst", "o.function_code", "o.function",
              "o.class" },
    .dedup = "NOT EXISTS (SELECT 1 FROM ops x WHERE " OP_SAME " AND x.capture_id<o.capture_id)",
    .scope = {
        [SCOPE_ASSET] = "(o.src IN " ADDRS_OF_ID " OR o.dst IN " ADDRS_OF_ID ")",
        [SCOPE_PAIR] = "(o.src=:a AND o.dst=:b)",
    },
    .cols = op_cols,
    .n_cols = OCOL_N,
};

/* ---- findings --------------------------------------------------------------- */

#define SEVERITY_RANK(col)                                                                         \
    "(CASE " col " WHEN :sev0 THEN 0 WHEN :sev1 THEN 1 WHEN :sev2 THEN 2 WHEN :sev3 THEN 3"       \
    " WHEN :sev4 THEN 4 ELSE 5 END)"
_Static_assert(SEV_COUNT == 5, "SEVERITY_RANK names every severity");
_Static_assert((int)SUMMARY_SEVERITIES == (int)SEV_COUNT, "one summary row per severity");

static const SourceCol finding_cols[FCOL_N] = {
    [FCOL_ID] = { { "finding_id", "ID", CELL_INT, 4, true }, "f.finding_id", NULL,
                  "f.finding_id", NULL, COL_SORT | COL_INDEXED | COL_FILTER },
    [FCOL_SEVERITY] = { { "severity", "SEVERITY", CELL_TEXT, 8, false }, "f.severity", NULL,
                        SEVERITY_RANK("f.severity"), NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [FCOL_STATE] = { { "state", "STATE", CELL_TEXT, 14, false }, "coalesce(t.state, :st_new)",
                     NULL, "coalesce(t.state, :st_new)", NULL, COL_SORT | COL_FILTER },
    [FCOL_TITLE] = { { "title", "TITLE", CELL_TEXT, 32, false }, "f.title", NULL, "f.title",
                     NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [FCOL_SRC] = { { "src", "SOURCE", CELL_TEXT, 17, false }, "f.src", NULL, "f.src", NULL,
                   COL_SORT | COL_FILTER | COL_SEARCH },
    [FCOL_DST] = { { "dst", "DESTINATION", CELL_TEXT, 17, false }, "f.dst", NULL, "f.dst", NULL,
                   COL_SORT | COL_FILTER | COL_SEARCH },
    [FCOL_RULE] = { { "rule", "RULE", CELL_TEXT, 16, false }, "f.rule", NULL, "f.rule", NULL,
                    COL_SORT | COL_FILTER | COL_SEARCH },
    [FCOL_PROTOCOL] = { { "protocol", "PROTOCOL", CELL_TEXT, 10, false }, "f.protocol", NULL,
                        "f.protocol", NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [FCOL_COUNT] = { { "count", "COUNT", CELL_INT, 6, true }, "f.count", NULL, "f.count", NULL,
                     COL_SORT | COL_FILTER },
    [FCOL_FIRST] = { { "first_seen", "FIRST SEEN", CELL_TIME, 19, false }, "f.first_ns", NULL,
                     "f.first_ns", NULL, COL_SORT },
    [FCOL_LAST] = { { "last_seen", "LAST SEEN", CELL_TIME, 19, false }, "f.last_ns", NULL,
                    "f.last_ns", NULL, COL_SORT },
    [FCOL_ATTACK] = { { "attack_id", "ATT&CK", CELL_TEXT, 6, false }, "f.attack_id", NULL,
                      "f.attack_id", NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    /* the unmasked evidence only after store_show_secrets() (--show-secrets) */
    [FCOL_EVIDENCE] = { { "evidence", "EVIDENCE", CELL_TEXT, 30, false },
                        "CASE WHEN ots_secrets_shown() AND f.evidence_secret IS NOT NULL"
                        " THEN f.evidence_secret ELSE f.evidence END",
                        NULL, NULL, NULL, COL_FILTER | COL_SEARCH },
    [FCOL_RECOMMENDATION] = { { "recommendation", "RECOMMENDATION", CELL_TEXT, 30, false },
                              "f.recommendation", NULL, NULL, NULL, COL_FILTER },
    [FCOL_WHY] = { { "why", "WHY", CELL_TEXT, 30, false }, "f.why", NULL, NULL, NULL,
                   COL_FILTER | COL_SEARCH },
    [FCOL_FIRST_PKT] = { { "first_pkt", "FIRST PKT", CELL_INT, 9, true }, "f.first_pkt", NULL,
                         NULL, NULL, COL_FILTER },
    [FCOL_LAST_PKT] = { { "last_pkt", "LAST PKT", CELL_INT, 9, true }, "f.last_pkt", NULL, NULL,
                        NULL, COL_FILTER },
    [FCOL_NOTE] = { { "note", "NOTE", CELL_TEXT, 20, false }, "coalesce(t.note, '')", NULL, NULL,
                    NULL, COL_FILTER | COL_SEARCH },
    [FCOL_TRIAGED_AT] = { { "triaged_at", "TRIAGED", CELL_TEXT, 20, false }, "t.updated_at",
                          NULL, NULL, NULL, 0 },
};

static const SourceDesc source_findings = {
    .name = "findings",
    .from = "findings f LEFT JOIN triage t ON t.finding_key=" FINDING_KEY("f"),
    .table = "findings", /* no snapshot: triage changes the STATE order */
    .keys = { "f.finding_id" },
    .scope = {
        [SCOPE_ASSET] = "(f.src IN " ADDRS_OF_ID " OR f.dst IN " ADDRS_OF_ID ")",
        [SCOPE_PAIR] = "(f.src=:a AND f.dst=:b)",
        [SCOPE_FINDING] = "f.finding_id=:id",
    },
    .cols = finding_cols,
    .n_cols = FCOL_N,
};

/* ---- the timeline ------------------------------------------------------------ */

/* Control-plane operations (control, program) and findings, one row each
 * at the time they were first seen.  Operations are histograms, so an
 * "event" is the first of possibly many; COUNT says how many. */
#define EVENTS_FROM                                                                                \
    "(SELECT 'op' AS kind, o.class AS cls, o.first_ns AS t, o.last_ns AS t_end,"                  \
    " o.protocol AS protocol, o.src AS src, o.dst AS dst, o.function AS what, o.count AS n,"     \
    " NULL AS finding_id, printf('o|%d|%s|%s|%s|%d|%s|%s', o.capture_id, o.protocol, o.src,"     \
    " o.dst, o.function_code, o.function, o.class) AS k"                                         \
    " FROM ops o WHERE o.class IN (:c_control, :c_program) AND o.first_ns IS NOT NULL"           \
    " UNION ALL SELECT 'finding', f.severity, f.first_ns, f.last_ns, f.protocol, f.src, f.dst,"  \
    " f.title, f.count, f.finding_id, printf('f|%020d', f.finding_id) FROM findings f) e"

static const SourceCol event_cols[ECOL_N] = {
    [ECOL_TIME] = { { "time", "TIME", CELL_TIME, 19, false }, "e.t", NULL, "e.t", NULL,
                    COL_SORT },
    [ECOL_KIND] = { { "kind", "KIND", CELL_TEXT, 7, false }, "e.kind", NULL, "e.kind", NULL,
                    COL_SORT | COL_FILTER | COL_SEARCH },
    [ECOL_CLASS] = { { "class", "CLASS/SEV", CELL_TEXT, 9, false }, "e.cls", NULL, "e.cls", NULL,
                     COL_SORT | COL_FILTER | COL_SEARCH },
    [ECOL_WHAT] = { { "what", "WHAT", CELL_TEXT, 22, false }, "e.what", NULL, "e.what", NULL,
                    COL_SORT | COL_FILTER | COL_SEARCH },
    [ECOL_PROTOCOL] = { { "protocol", "PROTOCOL", CELL_TEXT, 10, false }, "e.protocol", NULL,
                        "e.protocol", NULL, COL_SORT | COL_FILTER | COL_SEARCH },
    [ECOL_SRC] = { { "src", "SOURCE", CELL_TEXT, 17, false }, "e.src", NULL, "e.src", NULL,
                   COL_SORT | COL_FILTER | COL_SEARCH },
    [ECOL_DST] = { { "dst", "DESTINATION", CELL_TEXT, 17, false }, "e.dst", NULL, "e.dst", NULL,
                   COL_SORT | COL_FILTER | COL_SEARCH },
    [ECOL_COUNT] = { { "count", "COUNT", CELL_INT, 6, true }, "e.n", NULL, "e.n", NULL,
                     COL_SORT | COL_FILTER },
    [ECOL_LAST] = { { "last_seen", "LAST SEEN", CELL_TIME, 19, false }, "e.t_end", NULL, NULL,
                    NULL, 0 },
    [ECOL_FINDING_ID] = { { "finding_id", "FINDING", CELL_INT, 7, true }, "e.finding_id", NULL,
                          NULL, NULL, COL_FILTER },
};

/* Counting the events reads only indexes (ops_class_time, findings_time):
 * with EVENTS_FROM it looked up every operation's row, 20-45 ms of the
 * zoom to single events on the 1 M-conversation bench DB. */
#define EVENTS_COUNT_FROM                                                                          \
    "(SELECT o.first_ns AS t FROM ops o WHERE o.class IN (:c_control, :c_program)"                 \
    " AND o.first_ns IS NOT NULL UNION ALL SELECT f.first_ns FROM findings f) e"

static const SourceDesc source_events = {
    .name = "timeline",
    .from = EVENTS_FROM,
    .count_from = EVENTS_COUNT_FROM,
    .keys = { "e.k" },
    .scope = {
        [SCOPE_PAIR] = "(e.src=:a AND e.dst=:b)",
        [SCOPE_WINDOW] = "(e.t >= :from AND e.t < :to)",
    },
    .cols = event_cols,
    .n_cols = ECOL_N,
};

/* The same events with only what counting them needs. */
#define BUCKETS_FROM                                                                               \
    "(SELECT (e.t / :bucket) * :bucket AS b, count(*) AS n,"                                     \
    " count(*) FILTER (WHERE e.cls=:c_control) AS nc,"                                          \
    " count(*) FILTER (WHERE e.cls=:c_program) AS np, count(*) FILTER (WHERE e.cls IS NULL) AS nf"\
    " FROM (SELECT o.class AS cls, o.first_ns AS t FROM ops o"                                    \
    "  WHERE o.class IN (:c_control, :c_program) AND o.first_ns IS NOT NULL"                      \
    "  UNION ALL SELECT NULL, f.first_ns FROM findings f) e GROUP BY 1) g"

static const SourceCol bucket_cols[BCOL_N] = {
    [BCOL_TIME] = { { "time", "TIME", CELL_TIME, 19, false }, "g.b", NULL, "g.b", NULL,
                    COL_SORT },
    [BCOL_EVENTS] = { { "events", "EVENTS", CELL_INT, 6, true }, "g.n", NULL, NULL, NULL,
                      COL_FILTER },
    [BCOL_CONTROL] = { { "control", "CONTROL", CELL_INT, 7, true }, "g.nc", NULL, NULL, NULL,
                       COL_FILTER },
    [BCOL_PROGRAM] = { { "program", "PROGRAM", CELL_INT, 7, true }, "g.np", NULL, NULL, NULL,
                       COL_FILTER },
    [BCOL_FINDINGS] = { { "findings", "FINDINGS", CELL_INT, 8, true }, "g.nf", NULL, NULL, NULL,
                        COL_FILTER },
    [BCOL_ACTIVITY] = { { "activity", "ACTIVITY", CELL_INT, 30, false }, "g.n", NULL, NULL, NULL,
                        0 },
};

static const SourceDesc source_buckets = {
    .name = "timeline",
    .from = BUCKETS_FROM,
    .keys = { "g.b" },
    .cols = bucket_cols,
    .n_cols = BCOL_N,
};

static const SourceDesc *const sources[PAGE_SOURCE_COUNT] = {
    [PAGE_ASSETS] = &source_assets,   [PAGE_COMMS] = &source_comms,
    [PAGE_OPS] = &source_ops,         [PAGE_FINDINGS] = &source_findings,
    [PAGE_EVENTS] = &source_events,   [PAGE_BUCKETS] = &source_buckets,
};

int store_page_n_columns(PageSource src)
{
    return sources[src]->n_cols;
}

const ColumnDesc *store_page_column(PageSource src, int col)
{
    OTS_ASSERT(col >= 0 && col < sources[src]->n_cols);
    return &sources[src]->cols[col].desc;
}

bool store_page_is_sortable(PageSource src, int col)
{
    return col >= 0 && col < sources[src]->n_cols && (sources[src]->cols[col].flags & COL_SORT);
}

const char *store_page_source_name(PageSource src)
{
    return sources[src]->name;
}

/* ---- parameters every query may name ------------------------------------------ */

static void bind_text_named(sqlite3_stmt *st, const char *name, const char *value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT);
}

static void bind_int_named(sqlite3_stmt *st, const char *name, int64_t value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_int64(st, i, value);
}

/* The contract strings the SQL compares with, from their one definition. */
static void bind_names(sqlite3_stmt *st)
{
    bind_text_named(st, ":attr_hostname", attr_name(ATTR_HOSTNAME));
    bind_text_named(st, ":attr_device_name", attr_name(ATTR_DEVICE_NAME));
    bind_text_named(st, ":attr_secret", attr_name(ATTR_SECRET));
    bind_text_named(st, ":c_control", opclass_name(OP_CONTROL));
    bind_text_named(st, ":c_program", opclass_name(OP_PROGRAM));
    bind_text_named(st, ":st_new", triage_state_name(TRIAGE_NEW));
    for (int i = 0; i < SEV_COUNT; i++) {
        char name[16];
        g_snprintf(name, sizeof name, ":sev%d", i);
        bind_text_named(st, name, severity_name((Severity)i));
    }
}

static void bind_scope(sqlite3_stmt *st, const PageScope *sc)
{
    bind_int_named(st, ":id", sc->id);
    bind_text_named(st, ":a", sc->a);
    bind_text_named(st, ":b", sc->b);
    bind_int_named(st, ":from", sc->from_ns);
    bind_int_named(st, ":to", sc->to_ns);
    bind_int_named(st, ":bucket", sc->bucket_ns > 0 ? sc->bucket_ns : 1);
}

static bool prepare(Store *s, const char *sql, sqlite3_stmt **st, Err *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return store_fail(s, err, "console query");
    }
    bind_names(*st);
    return true;
}

/* ---- filter terms ------------------------------------------------------------- */

typedef enum TermOp { OP_EQ, OP_NE, OP_LIKE, OP_GT, OP_LT, OP_TEXT } TermOp;

typedef struct Term {
    TermOp op;
    int col;         /* -1 for OP_TEXT */
    char *text;      /* bound when !is_num */
    int64_t num;
    bool is_num;
} Term;

typedef struct Terms {
    Term t[MAX_TERMS];
    int n;
    char prefix; /* parameter names :f0.. or :g0.. */
} Terms;

static void terms_clear(Terms *ts)
{
    for (int i = 0; i < ts->n; i++)
        g_free(ts->t[i].text);
    ts->n = 0;
}

static int find_column(const SourceDesc *sd, const char *name)
{
    for (int i = 0; i < sd->n_cols; i++) {
        if (g_ascii_strcasecmp(sd->cols[i].desc.name, name) == 0 ||
            g_ascii_strcasecmp(sd->cols[i].desc.title, name) == 0)
            return i;
    }
    return -1;
}

/* "%text%" with LIKE's wildcards escaped. */
static char *like_pattern(const char *text)
{
    GString *p = g_string_new("%");
    for (const char *c = text; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            g_string_append_c(p, '\\');
        g_string_append_c(p, *c);
    }
    g_string_append_c(p, '%');
    return g_string_free(p, FALSE);
}

static bool parse_term(const SourceDesc *sd, const char *word, Term *t, Err *err)
{
    static const struct {
        const char *text;
        TermOp op;
    } ops[] = { { "!=", OP_NE }, { "=", OP_EQ }, { "~", OP_LIKE }, { ">", OP_GT }, { "<", OP_LT } };
    memset(t, 0, sizeof *t);
    t->op = OP_TEXT;
    t->col = -1;
    size_t name_len = strcspn(word, "!=~<>");
    for (size_t i = 0; word[name_len] && i < G_N_ELEMENTS(ops); i++) {
        if (strncmp(word + name_len, ops[i].text, strlen(ops[i].text)) == 0) {
            t->op = ops[i].op;
            break;
        }
    }
    if (t->op == OP_TEXT || name_len == 0) {
        t->op = OP_TEXT;
        t->text = like_pattern(word);
        return true;
    }
    char *name = g_strndup(word, name_len);
    t->col = find_column(sd, name);
    const SourceCol *c = t->col >= 0 ? &sd->cols[t->col] : NULL;
    if (!c || !(c->flags & COL_FILTER)) {
        err_set(err, ERR_USAGE, "%s: no column '%s' to filter on", sd->name, name);
        g_free(name);
        return false;
    }
    g_free(name);
    const char *value = word + name_len + (t->op == OP_NE ? 2 : 1);
    if (c->desc.type == CELL_INT && t->op != OP_LIKE) {
        char *end;
        t->num = g_ascii_strtoll(value, &end, 10);
        if (!value[0] || *end)
            return err_set(err, ERR_USAGE, "%s: '%s' is not a number", c->desc.name, value);
        t->is_num = true;
    } else if (t->op == OP_GT || t->op == OP_LT) {
        return err_set(err, ERR_USAGE, "%s: > and < compare numbers only", c->desc.name);
    } else {
        t->text = t->op == OP_LIKE ? like_pattern(value) : g_strdup(value);
    }
    return true;
}

static bool parse_terms(const SourceDesc *sd, const char *text, char prefix, Terms *ts, Err *err)
{
    ts->n = 0;
    ts->prefix = prefix;
    if (!text)
        return true;
    gchar **words = g_strsplit_set(text, " \t", -1);
    bool ok = true;
    for (gchar **w = words; ok && *w; w++) {
        if (!**w)
            continue;
        if (ts->n == MAX_TERMS) {
            ok = err_set(err, ERR_USAGE, "at most %d filter terms", MAX_TERMS);
            break;
        }
        ok = parse_term(sd, *w, &ts->t[ts->n], err);
        if (ok)
            ts->n++;
    }
    g_strfreev(words);
    if (!ok)
        terms_clear(ts);
    return ok;
}

/* A template's "$OP" replaced by op (templates are static SQL). */
static void append_match(GString *sql, const SourceCol *c, bool is_multi, const char *op)
{
    if (!c->match) {
        const char *expr = is_multi && c->expr_multi ? c->expr_multi : c->expr;
        g_string_append_printf(sql, "(%s) %s", expr, op);
        return;
    }
    for (const char *p = c->match; *p;) {
        const char *hole = strstr(p, "$OP");
        if (!hole) {
            g_string_append(sql, p);
            break;
        }
        g_string_append_len(sql, p, hole - p);
        g_string_append(sql, op);
        p = hole + 3;
    }
}

static void append_terms(GString *sql, const SourceDesc *sd, bool is_multi, const Terms *ts)
{
    for (int i = 0; i < ts->n; i++) {
        const Term *t = &ts->t[i];
        char op[64];
        g_string_append(sql, " AND ");
        switch (t->op) {
        case OP_TEXT: {
            g_snprintf(op, sizeof op, "LIKE :%c%d ESCAPE '\\'", ts->prefix, i);
            bool first = true;
            g_string_append(sql, "(");
            for (int c = 0; c < sd->n_cols; c++) {
                if (!(sd->cols[c].flags & COL_SEARCH))
                    continue;
                g_string_append(sql, first ? "" : " OR ");
                append_match(sql, &sd->cols[c], is_multi, op);
                first = false;
            }
            g_string_append(sql, first ? "0)" : ")");
            break;
        }
        case OP_NE:
            g_snprintf(op, sizeof op, "= :%c%d", ts->prefix, i);
            g_string_append(sql, "coalesce(");
            append_match(sql, &sd->cols[t->col], is_multi, op);
            g_string_append(sql, ", 0) = 0");
            break;
        default: {
            static const char *const sym[] = { [OP_EQ] = "=", [OP_LIKE] = "LIKE", [OP_GT] = ">",
                                                [OP_LT] = "<" };
            g_snprintf(op, sizeof op, "%s :%c%d%s", sym[t->op], ts->prefix, i,
                       t->op == OP_LIKE ? " ESCAPE '\\'" : "");
            append_match(sql, &sd->cols[t->col], is_multi, op);
            break;
        }
        }
    }
}

static void bind_terms(sqlite3_stmt *st, const Terms *ts)
{
    for (int i = 0; i < ts->n; i++) {
        char name[16];
        g_snprintf(name, sizeof name, ":%c%d", ts->prefix, i);
        if (ts->t[i].is_num)
            bind_int_named(st, name, ts->t[i].num);
        else
            bind_text_named(st, name, ts->t[i].text);
    }
}

/* ---- rows --------------------------------------------------------------------- */

struct PageRow {
    int n_cells;
    char **cells;
    int n_keys;
    sqlite3_value **keys; /* the sort value, then the tie-break */
};

const char *page_row_cell(const PageRow *row, int col)
{
    return col >= 0 && col < row->n_cells ? row->cells[col] : NULL;
}

bool page_row_same(const PageRow *a, const PageRow *b)
{
    if (!a || !b || a->n_keys != b->n_keys)
        return false;
    for (int i = 0; i < a->n_keys; i++) {
        sqlite3_value *x = a->keys[i];
        sqlite3_value *y = b->keys[i];
        int type = sqlite3_value_type(x);
        if (type != sqlite3_value_type(y))
            return false;
        if (type == SQLITE_INTEGER && sqlite3_value_int64(x) != sqlite3_value_int64(y))
            return false;
        if (type == SQLITE_TEXT &&
            strcmp((const char *)sqlite3_value_text(x), (const char *)sqlite3_value_text(y)))
            return false;
    }
    return true;
}

void page_row_free(PageRow *row)
{
    if (!row)
        return;
    for (int i = 0; i < row->n_cells; i++)
        g_free(row->cells[i]);
    for (int i = 0; i < row->n_keys; i++)
        sqlite3_value_free(row->keys[i]);
    g_free(row->cells);
    g_free(row->keys);
    g_free(row);
}

static char *cell_text(sqlite3_stmt *st, int i, CellType type)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NULL;
    if (type == CELL_TIME) {
        char buf[OTS_TIME_STRLEN];
        return g_strdup(time_iso(sqlite3_column_int64(st, i), buf));
    }
    return g_strdup((const char *)sqlite3_column_text(st, i));
}

/* ---- the pager ---------------------------------------------------------------- */

struct Pager {
    Store *s;
    const SourceDesc *sd;
    PageQuery q;
    bool is_multi;
    GString *where; /* " AND ..." terms: scope, dedup, filter */
    GString *join;  /* " AND ..." joining the snapshot, or "" */
    char *from;     /* FROM clause of pages (with the snapshot) */
    Terms filter;
    const char *sort;
    const char *keys[MAX_KEYS];
    int n_keys;
    char snapshot[32]; /* temp table of keys in sort order, or "" */
    char *select;      /* "SELECT values..., sort, keys... FROM from" */
    sqlite3_stmt *page[2][2]; /* [is_backward][has_anchor], prepared on first use */
};

static bool db_is_multi_capture(Store *s)
{
    sqlite3_stmt *st;
    bool multi = false;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) > 1 FROM (SELECT 1 FROM captures LIMIT 2)", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        multi = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    return multi;
}

static int64_t table_rows(Store *s, const char *table, int64_t cap)
{
    char *sql = g_strdup_printf("SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %" G_GINT64_FORMAT
                                ")", table, cap);
    sqlite3_stmt *st;
    int64_t n = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    g_free(sql);
    return n;
}

/* The tie-break for this sort: the unique keys when an index serves the
 * sort column (its entries end with them), else the content order. */
static const char *const *tie_keys(const SourceDesc *sd, int sort_col)
{
    bool is_indexed = sd->cols[sort_col].flags & COL_INDEXED;
    return is_indexed || !sd->order_keys[0] ? sd->keys : sd->order_keys;
}

static bool wants_snapshot(const Pager *p)
{
    const SourceCol *c = &p->sd->cols[p->q.sort_col];
    return !(c->flags & COL_INDEXED) && p->sd->can_snapshot && p->q.scope.kind == SCOPE_ALL &&
           table_rows(p->s, p->sd->table, SNAPSHOT_MIN_ROWS) >= SNAPSHOT_MIN_ROWS;
}

/* Sorting a big table by a column no index serves costs a full sort per
 * page (about 1 s per million rows).  Instead the keys are sorted once
 * into a temp table whose rowid is the position, and pages walk that.
 * The DB is read-only for the console, so the snapshot stays true for
 * the session and is shared by every pager with the same sort. */
static bool pager_snapshot(Pager *p, Err *err)
{
    const SourceDesc *sd = p->sd;
    g_snprintf(p->snapshot, sizeof p->snapshot, "pg_%s_%d", sd->name, p->q.sort_col);
    char *sql = g_strdup_printf("SELECT 1 FROM sqlite_temp_master WHERE name='%s'", p->snapshot);
    int64_t exists = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(p->s->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        exists = 1;
    sqlite3_finalize(st);
    g_free(sql);
    if (exists)
        return true;
    GString *create = g_string_new(NULL);
    GString *fill = g_string_new(NULL);
    g_string_append_printf(create, "CREATE TEMP TABLE %s(pos INTEGER PRIMARY KEY", p->snapshot);
    g_string_append_printf(fill, "INSERT INTO %s(", p->snapshot);
    GString *keys = g_string_new(NULL);
    for (int i = 0; i < MAX_KEYS && sd->keys[i]; i++) {
        g_string_append_printf(create, ", k%d", i);
        g_string_append_printf(fill, "%sk%d", i ? ", " : "", i);
        g_string_append_printf(keys, "%s%s", i ? ", " : "", sd->keys[i]);
    }
    g_string_append(create, ")");
    const char *const *order = tie_keys(sd, p->q.sort_col);
    GString *by = g_string_new(sd->cols[p->q.sort_col].sort);
    for (int i = 0; i < MAX_KEYS && order[i]; i++)
        g_string_append_printf(by, ", %s", order[i]);
    g_string_append_printf(fill, ") SELECT %s FROM %s ORDER BY %s", keys->str, sd->from, by->str);
    g_string_free(by, TRUE);
    bool ok = store_exec(p->s, create->str, err) && prepare(p->s, fill->str, &st, err);
    if (ok) {
        ok = sqlite3_step(st) == SQLITE_DONE || store_fail(p->s, err, "sort");
        sqlite3_finalize(st);
    }
    if (!ok) {
        char *drop = g_strdup_printf("DROP TABLE IF EXISTS temp.%s", p->snapshot);
        sqlite3_exec(p->s->db, drop, NULL, NULL, NULL);
        g_free(drop);
    }
    g_string_free(create, TRUE);
    g_string_free(fill, TRUE);
    g_string_free(keys, TRUE);
    return ok;
}

static void pager_build(Pager *p)
{
    const SourceDesc *sd = p->sd;
    p->where = g_string_new(NULL);
    p->join = g_string_new(NULL);
    if (p->snapshot[0]) {
        p->sort = "s.pos";
        for (int i = 0; i < MAX_KEYS && sd->keys[i]; i++)
            g_string_append_printf(p->join, " AND %s=s.k%d", sd->keys[i], i);
    } else {
        p->sort = sd->cols[p->q.sort_col].sort;
        const char *const *ties = tie_keys(sd, p->q.sort_col);
        if (sd->cols[p->q.sort_col].tie)
            p->keys[p->n_keys++] = sd->cols[p->q.sort_col].tie;
        for (int i = 0; i < MAX_KEYS && ties[i] && p->n_keys < MAX_KEYS; i++) {
            if (strcmp(ties[i], p->sort) != 0)
                p->keys[p->n_keys++] = ties[i];
        }
    }
    GString *sel = g_string_new("SELECT ");
    for (int i = 0; i < sd->n_cols; i++) {
        const SourceCol *c = &sd->cols[i];
        g_string_append(sel, i ? ", " : "");
        g_string_append(sel, p->is_multi && c->expr_multi ? c->expr_multi : c->expr);
    }
    g_string_append_printf(sel, ", %s", p->sort);
    for (int i = 0; i < p->n_keys; i++)
        g_string_append_printf(sel, ", %s", p->keys[i]);
    /* CROSS JOIN keeps the snapshot the outer loop, walked in its order. */
    if (p->snapshot[0])
        p->from = g_strdup_printf("temp.%s s CROSS JOIN %s", p->snapshot, sd->from);
    else
        p->from = g_strdup(sd->from);
    g_string_append_printf(sel, " FROM %s", p->from);
    p->select = g_string_free(sel, FALSE);

    if (p->q.scope.kind != SCOPE_ALL)
        g_string_append_printf(p->where, " AND %s", sd->scope[p->q.scope.kind]);
    if (p->is_multi && sd->dedup)
        g_string_append_printf(p->where, " AND %s", sd->dedup);
    append_terms(p->where, sd, p->is_multi, &p->filter);
}

Pager *store_pager_new(Store *s, const PageQuery *q, Err *err)
{
    const SourceDesc *sd = sources[q->source];
    OTS_ASSERT(store_page_is_sortable(q->source, q->sort_col));
    OTS_ASSERT(q->scope.kind == SCOPE_ALL || sd->scope[q->scope.kind]);
    Pager *p = g_new0(Pager, 1);
    p->s = s;
    p->sd = sd;
    p->q = *q;
    p->q.filter = NULL;
    if (!parse_terms(sd, q->filter, 'f', &p->filter, err)) {
        g_free(p);
        return NULL;
    }
    p->is_multi = db_is_multi_capture(s);
    if (wants_snapshot(p) && !pager_snapshot(p, err)) {
        terms_clear(&p->filter);
        g_free(p);
        return NULL;
    }
    pager_build(p);
    return p;
}

void store_pager_free(Pager *p)
{
    if (!p)
        return;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            sqlite3_finalize(p->page[i][j]);
    terms_clear(&p->filter);
    g_string_free(p->where, TRUE);
    g_string_free(p->join, TRUE);
    g_free(p->from);
    g_free(p->select);
    g_free(p);
}

/* " AND (sort, keys...) > (:k0, ...)" with the comparison for the order. */
static void append_anchor(GString *sql, const Pager *p, bool is_after, bool is_desc)
{
    g_string_append_printf(sql, " AND (%s", p->sort);
    for (int i = 0; i < p->n_keys; i++)
        g_string_append_printf(sql, ", %s", p->keys[i]);
    g_string_append_printf(sql, ") %s (:k0", is_after != is_desc ? ">" : "<");
    for (int i = 0; i < p->n_keys; i++)
        g_string_append_printf(sql, ", :k%d", i + 1);
    g_string_append(sql, ")");
}

static void append_order(GString *sql, const Pager *p, bool is_desc)
{
    const char *dir = is_desc ? " DESC" : "";
    g_string_append_printf(sql, " ORDER BY %s%s", p->sort, dir);
    for (int i = 0; i < p->n_keys; i++)
        g_string_append_printf(sql, ", %s%s", p->keys[i], dir);
}

static char *page_sql(const Pager *p, bool is_backward, bool has_anchor, const char *extra)
{
    bool is_desc = p->q.is_desc != is_backward;
    GString *sql = g_string_new(p->select);
    g_string_append_printf(sql, " WHERE 1%s%s%s", p->join->str, p->where->str, extra ? extra : "");
    if (has_anchor)
        append_anchor(sql, p, true, is_desc);
    append_order(sql, p, is_desc);
    g_string_append(sql, " LIMIT :limit");
    return g_string_free(sql, FALSE);
}

static void bind_anchor(sqlite3_stmt *st, const PageRow *anchor)
{
    for (int i = 0; anchor && i < anchor->n_keys; i++) {
        char name[16];
        g_snprintf(name, sizeof name, ":k%d", i);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx > 0)
            sqlite3_bind_value(st, idx, anchor->keys[i]);
    }
}

static void bind_query(const Pager *p, sqlite3_stmt *st)
{
    bind_scope(st, &p->q.scope);
    bind_terms(st, &p->filter);
}

static PageRow *row_from(const Pager *p, sqlite3_stmt *st)
{
    PageRow *r = g_new0(PageRow, 1);
    r->n_cells = p->sd->n_cols;
    r->cells = g_new0(char *, r->n_cells);
    for (int i = 0; i < r->n_cells; i++)
        r->cells[i] = cell_text(st, i, p->sd->cols[i].desc.type);
    r->n_keys = 1 + p->n_keys;
    r->keys = g_new0(sqlite3_value *, r->n_keys);
    for (int i = 0; i < r->n_keys; i++)
        r->keys[i] = sqlite3_value_dup(sqlite3_column_value(st, r->n_cells + i));
    return r;
}

/* Steps st into out[]; reversed when the query ran backwards. */
static int collect(Pager *p, sqlite3_stmt *st, bool is_backward, PageRow **out, Err *err)
{
    int n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        out[n++] = row_from(p, st);
    if (rc != SQLITE_DONE) {
        store_fail(p->s, err, p->sd->name);
        while (n > 0)
            page_row_free(out[--n]);
        return -1;
    }
    for (int i = 0; is_backward && i < n / 2; i++) {
        PageRow *tmp = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = tmp;
    }
    return n;
}

static int fetch(Pager *p, bool is_backward, const PageRow *anchor, int limit, PageRow **out,
                 Err *err)
{
    if (limit <= 0)
        return 0;
    sqlite3_stmt **slot = &p->page[is_backward][anchor != NULL];
    if (!*slot) {
        char *sql = page_sql(p, is_backward, anchor != NULL, NULL);
        bool ok = prepare(p->s, sql, slot, err);
        g_free(sql);
        if (!ok)
            return -1;
    }
    sqlite3_stmt *st = *slot;
    sqlite3_reset(st);
    bind_query(p, st);
    bind_anchor(st, anchor);
    bind_int_named(st, ":limit", limit);
    int n = collect(p, st, is_backward, out, err);
    sqlite3_reset(st);
    return n;
}

int store_pager_next(Pager *p, const PageRow *after, int limit, PageRow **out, Err *err)
{
    return fetch(p, false, after, limit, out, err);
}

int store_pager_prev(Pager *p, const PageRow *before, int limit, PageRow **out, Err *err)
{
    return fetch(p, true, before, limit, out, err);
}

bool store_pager_find(Pager *p, const PageRow *from, bool backward, const char *text,
                      PageRow **found, Err *err)
{
    *found = NULL;
    Terms search;
    if (!parse_terms(p->sd, text, 'g', &search, err))
        return false;
    GString *extra = g_string_new(NULL);
    append_terms(extra, p->sd, p->is_multi, &search);
    char *sql = page_sql(p, backward, from != NULL, extra->str);
    g_string_free(extra, TRUE);
    sqlite3_stmt *st;
    bool ok = prepare(p->s, sql, &st, err);
    g_free(sql);
    if (ok) {
        bind_query(p, st);
        bind_terms(st, &search);
        bind_anchor(st, from);
        bind_int_named(st, ":limit", 1);
        PageRow *out[1];
        int n = collect(p, st, false, out, err);
        ok = n >= 0;
        if (n == 1)
            *found = out[0];
        sqlite3_finalize(st);
    }
    terms_clear(&search);
    return ok;
}

typedef struct Deadline {
    gint64 at_us;
} Deadline;

static int past_deadline(void *user)
{
    const Deadline *d = user;
    return g_get_monotonic_time() > d->at_us;
}

/* *out = -1 when budget_ms (> 0) ran out first. */
static bool count_query(Pager *p, const char *sql, const PageRow *anchor, int64_t limit,
                        int budget_ms, int64_t *out, Err *err)
{
    sqlite3_stmt *st;
    if (!prepare(p->s, sql, &st, err))
        return false;
    bind_query(p, st);
    bind_anchor(st, anchor);
    bind_int_named(st, ":limit", limit);
    Deadline d = { g_get_monotonic_time() + (gint64)budget_ms * 1000 };
    if (budget_ms > 0)
        sqlite3_progress_handler(p->s->db, 1000, past_deadline, &d);
    int rc = sqlite3_step(st);
    sqlite3_progress_handler(p->s->db, 0, NULL, NULL);
    bool ok = true;
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else if (budget_ms > 0 && (rc & 0xff) == SQLITE_INTERRUPT)
        *out = -1;
    else
        ok = store_fail(p->s, err, p->sd->name);
    sqlite3_finalize(st);
    return ok;
}

bool store_pager_position(Pager *p, const PageRow *row, int64_t *pos, Err *err)
{
    GString *sql = g_string_new(NULL);
    g_string_append_printf(sql, "SELECT count(*) FROM %s WHERE 1%s%s", p->from, p->join->str,
                           p->where->str);
    append_anchor(sql, p, false, p->q.is_desc);
    bool ok = count_query(p, sql->str, row, 0, 0, pos, err);
    g_string_free(sql, TRUE);
    return ok;
}

static bool kept_size(Store *s, const char *table, int64_t *n);

/* Whether the count can use count_from: its where names only e.t. */
static bool lean_count(const Pager *p)
{
    return p->sd->count_from && p->filter.n == 0 && !(p->is_multi && p->sd->dedup) &&
           (p->q.scope.kind == SCOPE_ALL || p->q.scope.kind == SCOPE_WINDOW);
}

bool store_pager_count(Pager *p, int64_t cap, int budget_ms, int64_t *count, bool *is_capped,
                       Err *err)
{
    /* A whole table: its size as the writers kept it with the summary
     * (the header shows the same figure).  Counting reads all of one of
     * its indexes, which no time budget can stop: 80-160 ms on a fresh
     * connection for a million conversations, at every view open and
     * every live batch. */
    bool is_bare = p->sd->table && p->where->len == 0;
    *is_capped = false;
    if (is_bare && kept_size(p->s, p->sd->table, count))
        return true;
    GString *sql = g_string_new(NULL);
    /* A bare table count is SQLite's fast path (no row is decoded). */
    if (is_bare)
        g_string_append_printf(sql, "SELECT count(*) FROM %s", p->sd->table);
    else
        g_string_append_printf(sql,
                               "SELECT count(*) FROM (SELECT 1 FROM %s WHERE 1%s LIMIT :limit)",
                               lean_count(p) ? p->sd->count_from : p->sd->from, p->where->str);
    bool ok = count_query(p, sql->str, NULL, cap + 1, budget_ms, count, err);
    g_string_free(sql, TRUE);
    *is_capped = ok && !is_bare && *count > cap;
    if (*is_capped)
        *count = cap;
    return ok;
}

bool store_pager_each(Pager *p, StoreRowFn fn, void *user, Err *err)
{
    GString *sql = g_string_new(p->select);
    g_string_append_printf(sql, " WHERE 1%s%s", p->join->str, p->where->str);
    append_order(sql, p, p->q.is_desc);
    sqlite3_stmt *st;
    bool ok = prepare(p->s, sql->str, &st, err);
    g_string_free(sql, TRUE);
    if (!ok)
        return false;
    bind_query(p, st);
    int n = p->sd->n_cols;
    char **cells = g_new0(char *, n);
    int rc;
    bool go_on = true;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            cells[i] = cell_text(st, i, p->sd->cols[i].desc.type);
        go_on = fn((const char *const *)cells, user);
        for (int i = 0; i < n; i++)
            g_free(cells[i]);
    }
    ok = !go_on || rc == SQLITE_DONE || store_fail(p->s, err, p->sd->name);
    g_free(cells);
    sqlite3_finalize(st);
    return ok;
}

/* ---- summary ------------------------------------------------------------------ */

typedef bool (*StepFn)(sqlite3_stmt *st, void *user);

/* Runs sql with the shared parameters (and :id/:a/:b/:limit from scope
 * and limit), calling fn per row. */
static bool run_query(Store *s, const char *sql, const PageScope *scope, int64_t limit,
                      StepFn fn, void *user, Err *err)
{
    sqlite3_stmt *st;
    if (!prepare(s, sql, &st, err))
        return false;
    if (scope)
        bind_scope(st, scope);
    bind_int_named(st, ":limit", limit);
    bind_int_named(st, ":scan", DETAIL_SCAN_MAX);
    int rc;
    bool go_on = true;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW)
        go_on = fn(st, user);
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, "console summary");
    sqlite3_finalize(st);
    return ok;
}

static bool one_int(sqlite3_stmt *st, void *user)
{
    *(int64_t *)user = sqlite3_column_int64(st, 0);
    return false;
}

typedef struct ItemList {
    SummaryItem *items;
    int *n;
    int max;
} ItemList;

/* Rows of (name, count, value, id). */
static bool add_item(sqlite3_stmt *st, void *user)
{
    ItemList *l = user;
    if (*l->n >= l->max)
        return false;
    SummaryItem *it = &l->items[(*l->n)++];
    const char *name = (const char *)sqlite3_column_text(st, 0);
    g_strlcpy(it->name, name ? name : "?", sizeof it->name);
    it->count = sqlite3_column_int64(st, 1);
    it->value = sqlite3_column_count(st) > 2 ? sqlite3_column_int64(st, 2) : 0;
    it->id = sqlite3_column_count(st) > 3 ? sqlite3_column_int64(st, 3) : 0;
    return true;
}

static bool add_capture(sqlite3_stmt *st, void *user)
{
    ConsoleSummary *sum = user;
    const char *path = (const char *)sqlite3_column_text(st, 0);
    char *base = g_path_get_basename(path ? path : "?");
    if (sum->captures[0])
        g_strlcat(sum->captures, ", ", sizeof sum->captures);
    g_strlcat(sum->captures, base, sizeof sum->captures);
    g_free(base);
    return true;
}

static bool capture_range(sqlite3_stmt *st, void *user)
{
    ConsoleSummary *sum = user;
    sum->n_captures = sqlite3_column_int64(st, 0);
    sum->first_ns = sqlite3_column_int64(st, 1);
    sum->last_ns = sqlite3_column_int64(st, 2);
    return false;
}

static bool add_severity(sqlite3_stmt *st, void *user)
{
    ConsoleSummary *sum = user;
    Severity sev;
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (name && severity_from_name(name, &sev)) {
        sum->severities[sev].count += sqlite3_column_int64(st, 1);
        sum->severities[sev].value += sqlite3_column_int64(st, 2);
    }
    return true;
}

enum { TRAFFIC_STEPS_MAX = 1 << 16 };

typedef struct TrafficCtx {
    ConsoleSummary *sum;
    int64_t *steps;
    int n_steps;
} TrafficCtx;

static bool add_minute(sqlite3_stmt *st, void *user)
{
    TrafficCtx *tc = user;
    int64_t step = (sqlite3_column_int64(st, 0) - tc->sum->traffic_start_min) /
                   tc->sum->traffic_step_min;
    if (step >= 0 && step < tc->n_steps)
        tc->steps[step] += sqlite3_column_int64(st, 1);
    return true;
}

/* Packets per minute over the captures' time range.  Summed here rather
 * than with GROUP BY minute: the table is in comm_id order, and sorting
 * a million rows by minute costs three times the plain scan. */
static bool summary_traffic(Store *s, ConsoleSummary *sum, Err *err)
{
    if (sum->last_ns <= sum->first_ns)
        return true;
    const int64_t ns_per_min = INT64_C(60000000000);
    sum->traffic_start_min = sum->first_ns / ns_per_min;
    int64_t span = sum->last_ns / ns_per_min - sum->traffic_start_min + 1;
    sum->traffic_step_min = 1;
    while (span / sum->traffic_step_min >= TRAFFIC_STEPS_MAX)
        sum->traffic_step_min *= 2;
    TrafficCtx tc = {sum, NULL, (int)((span + sum->traffic_step_min - 1) / sum->traffic_step_min)};
    tc.steps = g_new0(int64_t, tc.n_steps);
    bool ok = run_query(s, "SELECT minute, packets FROM comm_minutes", NULL, 0, add_minute, &tc,
                        err);
    sum->traffic = tc.steps;
    sum->n_traffic = tc.n_steps;
    return ok;
}

static bool summary_sizes(Store *s, ConsoleSummary *sum, Err *err)
{
    const char *comms = sum->is_multi_capture
                            ? "SELECT count(*) FROM (SELECT DISTINCT src, dst, vlan, protocol,"
                              " transport, port FROM comms)"
                            : "SELECT count(*) FROM comms";
    const char *ops = sum->is_multi_capture
                          ? "SELECT count(*) FROM (SELECT DISTINCT protocol, src, dst,"
                            " function_code, function, class FROM ops)"
                          : "SELECT count(*) FROM ops";
    return run_query(s, "SELECT count(*) FROM assets", NULL, 0, one_int, &sum->n_assets, err) &&
           run_query(s, comms, NULL, 0, one_int, &sum->n_comms, err) &&
           run_query(s, ops, NULL, 0, one_int, &sum->n_ops, err);
}

bool store_console_summary_findings(Store *s, ConsoleSummary *sum, Err *err)
{
    for (int i = 0; i < SUMMARY_SEVERITIES; i++) {
        memset(&sum->severities[i], 0, sizeof sum->severities[i]);
        g_strlcpy(sum->severities[i].name, severity_name((Severity)i),
                  sizeof sum->severities[i].name);
    }
    return run_query(s, "SELECT count(*) FROM findings", NULL, 0, one_int, &sum->n_findings,
                     err) &&
           run_query(s,
                     "SELECT count(*) FROM findings f LEFT JOIN triage t ON t.finding_key="
                     FINDING_KEY("f") " WHERE coalesce(t.state, :st_new)=:st_new",
                     NULL, 0, one_int, &sum->n_open_findings, err) &&
           run_query(s,
                     "SELECT f.severity, count(*), sum(coalesce(t.state, :st_new)=:st_new)"
                     " FROM findings f LEFT JOIN triage t ON t.finding_key=" FINDING_KEY("f")
                     " GROUP BY f.severity",
                     NULL, 0, add_severity, sum, err);
}

static bool summary_groups(Store *s, ConsoleSummary *sum, Err *err)
{
    ItemList roles = { sum->roles, &sum->n_roles, SUMMARY_GROUPS };
    ItemList levels = { sum->levels, &sum->n_levels, SUMMARY_GROUPS };
    ItemList talkers = { sum->talkers, &sum->n_talkers, SUMMARY_TOP };
    ItemList protocols = { sum->protocols, &sum->n_protocols, SUMMARY_TOP };
    return run_query(s,
                     "SELECT role, count(*) FROM assets GROUP BY role"
                     " ORDER BY count(*) DESC, role LIMIT :limit",
                     NULL, SUMMARY_GROUPS, add_item, &roles, err) &&
           run_query(s,
                     "SELECT coalesce(purdue_level, '?'), count(*) FROM assets"
                     " GROUP BY purdue_level ORDER BY purdue_level IS NULL, purdue_level"
                     " LIMIT :limit",
                     NULL, SUMMARY_GROUPS, add_item, &levels, err) &&
           run_query(s,
                     "SELECT coalesce(" ASSET_NAME_OF("a") ", (SELECT min(ip) FROM asset_ips"
                     " WHERE asset_id=a.asset_id), a.mac), a.packets, a.bytes, a.asset_id"
                     " FROM assets a ORDER BY a.bytes DESC, a.asset_id LIMIT :limit",
                     NULL, SUMMARY_TOP, add_item, &talkers, err) &&
           /* by conversations: summing bytes would read every row (1 s per
            * million), counting reads only the protocol index */
           run_query(s,
                     "SELECT protocol, count(*) FROM comms GROUP BY protocol"
                     " ORDER BY count(*) DESC, protocol LIMIT :limit",
                     NULL, SUMMARY_TOP, add_item, &protocols, err);
}

static bool summary_captures(Store *s, ConsoleSummary *sum, Err *err)
{
    return run_query(s,
                     "SELECT count(*), coalesce(min(first_ns), 0), coalesce(max(last_ns), 0)"
                     " FROM captures",
                     NULL, 0, capture_range, sum, err);
}

/* What reads the big tables: sizes, groups, talkers, traffic. */
static bool summary_counted(Store *s, ConsoleSummary *sum, Err *err)
{
    return summary_sizes(s, sum, err) && summary_groups(s, sum, err) &&
           summary_traffic(s, sum, err);
}

/* ---- the summary kept in console_summary ----------------------------------------------- */

/* One row per figure: (kind, name, count, value, id), in the order they
 * are shown. */
static const char KEPT_SIZE[] = "size", KEPT_ROLE[] = "role", KEPT_LEVEL[] = "level",
                  KEPT_TALKER[] = "talker", KEPT_PROTOCOL[] = "protocol",
                  KEPT_TRAFFIC[] = "traffic", KEPT_AXIS[] = "traffic-axis";

static bool put_kept(sqlite3_stmt *st, const char *kind, const char *name, int64_t count,
                     int64_t value, int64_t id)
{
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, count);
    sqlite3_bind_int64(st, 4, value);
    sqlite3_bind_int64(st, 5, id);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    return ok;
}

static bool put_items(sqlite3_stmt *st, const char *kind, const SummaryItem *items, int n)
{
    bool ok = true;
    for (int i = 0; ok && i < n; i++)
        ok = put_kept(st, kind, items[i].name, items[i].count, items[i].value, items[i].id);
    return ok;
}

static bool put_summary(sqlite3_stmt *st, const ConsoleSummary *sum)
{
    bool ok = put_kept(st, KEPT_SIZE, "assets", sum->n_assets, 0, 0) &&
              put_kept(st, KEPT_SIZE, "comms", sum->n_comms, 0, 0) &&
              put_kept(st, KEPT_SIZE, "ops", sum->n_ops, 0, 0) &&
              put_items(st, KEPT_ROLE, sum->roles, sum->n_roles) &&
              put_items(st, KEPT_LEVEL, sum->levels, sum->n_levels) &&
              put_items(st, KEPT_TALKER, sum->talkers, sum->n_talkers) &&
              put_items(st, KEPT_PROTOCOL, sum->protocols, sum->n_protocols) &&
              put_kept(st, KEPT_AXIS, "", sum->traffic_start_min, sum->traffic_step_min,
                       sum->n_traffic);
    for (int i = 0; ok && i < sum->n_traffic; i++)
        if (sum->traffic[i])
            ok = put_kept(st, KEPT_TRAFFIC, "", sum->traffic[i], 0, i);
    return ok;
}

bool store_console_summary_refresh(Store *s, Err *err)
{
    ConsoleSummary sum;
    memset(&sum, 0, sizeof sum);
    sum.is_multi_capture = db_is_multi_capture(s);
    sqlite3_stmt *st = NULL;
    bool ok = summary_captures(s, &sum, err) && summary_counted(s, &sum, err) &&
              store_exec(s, "DELETE FROM console_summary", err) &&
              prepare(s, "INSERT INTO console_summary VALUES (?, ?, ?, ?, ?)", &st, err);
    if (ok && !put_summary(st, &sum))
        ok = store_fail(s, err, "console summary");
    sqlite3_finalize(st);
    store_console_summary_clear(&sum);
    return ok;
}

static void take_item(SummaryItem *items, int *n, int max, sqlite3_stmt *st)
{
    if (*n >= max)
        return;
    SummaryItem *it = &items[(*n)++];
    g_strlcpy(it->name, (const char *)sqlite3_column_text(st, 1), sizeof it->name);
    it->count = sqlite3_column_int64(st, 2);
    it->value = sqlite3_column_int64(st, 3);
    it->id = sqlite3_column_int64(st, 4);
}

typedef struct KeptCtx {
    ConsoleSummary *sum;
    bool has_sizes;
} KeptCtx;

static bool take_kept(sqlite3_stmt *st, void *user)
{
    KeptCtx *kc = user;
    ConsoleSummary *sum = kc->sum;
    const char *kind = (const char *)sqlite3_column_text(st, 0);
    const char *name = (const char *)sqlite3_column_text(st, 1);
    int64_t count = sqlite3_column_int64(st, 2);
    int64_t id = sqlite3_column_int64(st, 4);
    if (strcmp(kind, KEPT_SIZE) == 0) {
        kc->has_sizes = true;
        if (strcmp(name, "assets") == 0)
            sum->n_assets = count;
        else if (strcmp(name, "comms") == 0)
            sum->n_comms = count;
        else if (strcmp(name, "ops") == 0)
            sum->n_ops = count;
    } else if (strcmp(kind, KEPT_ROLE) == 0) {
        take_item(sum->roles, &sum->n_roles, SUMMARY_GROUPS, st);
    } else if (strcmp(kind, KEPT_LEVEL) == 0) {
        take_item(sum->levels, &sum->n_levels, SUMMARY_GROUPS, st);
    } else if (strcmp(kind, KEPT_TALKER) == 0) {
        take_item(sum->talkers, &sum->n_talkers, SUMMARY_TOP, st);
    } else if (strcmp(kind, KEPT_PROTOCOL) == 0) {
        take_item(sum->protocols, &sum->n_protocols, SUMMARY_TOP, st);
    } else if (strcmp(kind, KEPT_AXIS) == 0 && !sum->traffic && id > 0 &&
               id <= TRAFFIC_STEPS_MAX) {
        sum->traffic_start_min = count;
        sum->traffic_step_min = MAX(1, sqlite3_column_int64(st, 3));
        sum->n_traffic = (int)id;
        sum->traffic = g_new0(int64_t, sum->n_traffic);
    } else if (strcmp(kind, KEPT_TRAFFIC) == 0 && sum->traffic && id >= 0 &&
               id < sum->n_traffic) {
        sum->traffic[id] = count;
    }
    return true;
}

/* A table's kept size; false when the writers never kept one. */
static bool kept_size(Store *s, const char *table, int64_t *n)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT count FROM console_summary WHERE kind=?1 AND name=?2"
                           " ORDER BY rowid LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return false; /* a DB from before console_summary: counted instead */
    sqlite3_bind_text(st, 1, KEPT_SIZE, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        found = true;
    }
    sqlite3_finalize(st);
    return found;
}

/* The kept figures; false in *has_kept when the writers never counted
 * them (a DB filled by other means). */
static bool summary_kept(Store *s, ConsoleSummary *sum, bool *has_kept, Err *err)
{
    KeptCtx kc = { sum, false };
    bool ok = run_query(s,
                        "SELECT kind, name, count, value, id FROM console_summary ORDER BY rowid",
                        NULL, 0, take_kept, &kc, err);
    *has_kept = kc.has_sizes;
    return ok;
}

/* The captures and the findings (triage changes them) are read here;
 * the rest, which reads every conversation, as the writers kept it. */
bool store_console_summary(Store *s, ConsoleSummary *sum, Err *err)
{
    memset(sum, 0, sizeof *sum);
    sum->is_multi_capture = db_is_multi_capture(s);
    bool has_kept = false;
    bool ok = summary_captures(s, sum, err) &&
              run_query(s, "SELECT path FROM captures ORDER BY capture_id LIMIT 6", NULL, 0,
                        add_capture, sum, err) &&
              store_console_summary_findings(s, sum, err) &&
              summary_kept(s, sum, &has_kept, err);
    if (ok && !has_kept) {
        store_console_summary_clear(sum);
        ok = summary_counted(s, sum, err);
    }
    if (!ok)
        store_console_summary_clear(sum);
    return ok;
}

void store_console_summary_clear(ConsoleSummary *sum)
{
    g_free(sum->traffic);
    sum->traffic = NULL;
    sum->n_traffic = 0;
}

/* ---- details ------------------------------------------------------------------ */

typedef struct RowCtx {
    StoreRowFn fn;
    void *user;
} RowCtx;

static bool text_row(sqlite3_stmt *st, void *user)
{
    RowCtx *rc = user;
    enum { MAX_CELLS = 8 };
    const char *cells[MAX_CELLS];
    int n = sqlite3_column_count(st);
    OTS_ASSERT(n <= MAX_CELLS);
    for (int i = 0; i < n; i++)
        cells[i] = (const char *)sqlite3_column_text(st, i);
    return rc->fn(cells, rc->user);
}

static bool detail_query(Store *s, const char *sql, const PageScope *scope, int limit,
                         StoreRowFn fn, void *user, Err *err)
{
    RowCtx rc = { fn, user };
    return run_query(s, sql, scope, limit, text_row, &rc, err);
}

bool store_asset_attrs(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                       Err *err)
{
    PageScope sc = { .kind = SCOPE_ASSET, .id = asset_id };
    /* Secrets stay masked on screen, as in findings. */
    return detail_query(s,
                        "SELECT name, CASE WHEN name=:attr_secret THEN ots_mask_secret(value) ELSE value END,"
                        " protocol, max(confidence), min(first_pkt) FROM attrs"
                        " WHERE addr IN " ADDRS_OF_ID " GROUP BY name, value, protocol"
                        " ORDER BY name, value LIMIT :limit",
                        &sc, limit, fn, user, err);
}

bool store_asset_services(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                          Err *err)
{
    PageScope sc = { .kind = SCOPE_ASSET, .id = asset_id };
    return detail_query(s,
                        "SELECT protocol, transport, port, count(DISTINCT src), sum(packets)"
                        " FROM (SELECT * FROM comms WHERE dst IN " ADDRS_OF_ID " LIMIT :scan)"
                        " GROUP BY protocol, transport, port"
                        " ORDER BY sum(packets) DESC, protocol, port LIMIT :limit",
                        &sc, limit, fn, user, err);
}

bool store_asset_peers(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                       Err *err)
{
    PageScope sc = { .kind = SCOPE_ASSET, .id = asset_id };
    return detail_query(s,
                        "SELECT peer, group_concat(DISTINCT protocol), sum(packets) FROM"
                        " (SELECT * FROM (SELECT dst AS peer, protocol, packets FROM comms"
                        "   WHERE src IN " ADDRS_OF_ID " LIMIT :scan)"
                        "  UNION ALL SELECT * FROM (SELECT src, protocol, packets FROM comms"
                        "   WHERE dst IN " ADDRS_OF_ID " LIMIT :scan))"
                        " GROUP BY peer ORDER BY sum(packets) DESC, peer LIMIT :limit",
                        &sc, limit, fn, user, err);
}

bool store_asset_findings(Store *s, int64_t asset_id, int limit, StoreRowFn fn, void *user,
                          Err *err)
{
    PageScope sc = { .kind = SCOPE_ASSET, .id = asset_id };
    return detail_query(s,
                        "SELECT severity, title, finding_id FROM findings"
                        " WHERE src IN " ADDRS_OF_ID " OR dst IN " ADDRS_OF_ID
                        " ORDER BY " SEVERITY_RANK("severity") ", finding_id LIMIT :limit",
                        &sc, limit, fn, user, err);
}

bool store_pair_ops(Store *s, const char *src, const char *dst, int limit, StoreRowFn fn,
                    void *user, Err *err)
{
    PageScope sc = { .kind = SCOPE_PAIR };
    g_strlcpy(sc.a, src, sizeof sc.a);
    g_strlcpy(sc.b, dst, sizeof sc.b);
    return detail_query(s,
                        "SELECT protocol, function, class, sum(count) FROM ops"
                        " WHERE src=:a AND dst=:b GROUP BY protocol, function, class"
                        " ORDER BY sum(count) DESC, protocol, function LIMIT :limit",
                        &sc, limit, fn, user, err);
}

bool store_addr_asset(Store *s, const char *addr, StoreRowFn fn, void *user, Err *err)
{
    PageScope sc = { .kind = SCOPE_ADDRS };
    g_strlcpy(sc.a, addr, sizeof sc.a);
    return detail_query(s,
                        "SELECT a.asset_id, a.role, " ASSET_NAME_OF("a") " FROM assets a"
                        " WHERE a.asset_id IN (SELECT asset_id FROM asset_ips WHERE ip=:a)"
                        " OR (a.mac=:a AND a.mac<>'') ORDER BY a.asset_id LIMIT 1",
                        &sc, 1, fn, user, err);
}

/* ---- triage ------------------------------------------------------------------- */

static const char *const triage_names[TRIAGE_STATE_COUNT] = {
    [TRIAGE_NEW] = "new",
    [TRIAGE_ACKNOWLEDGED] = "acknowledged",
    [TRIAGE_FALSE_POSITIVE] = "false-positive",
};

const char *triage_state_name(TriageState st)
{
    return (unsigned)st < TRIAGE_STATE_COUNT ? triage_names[st] : "?";
}

bool triage_state_from_name(const char *name, TriageState *out)
{
    for (int i = 0; i < TRIAGE_STATE_COUNT; i++) {
        if (strcmp(triage_names[i], name) == 0) {
            *out = (TriageState)i;
            return true;
        }
    }
    return false;
}

struct StoreTriage {
    Store *s;
    sqlite3 *db;
};

StoreTriage *store_triage_open(Store *s, Err *err)
{
    StoreTriage *t = g_new0(StoreTriage, 1);
    t->s = s;
    if (sqlite3_open_v2(s->path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        err_set(err, ERR_DB, "%s: cannot open for triage: %s", s->path,
                t->db ? sqlite3_errmsg(t->db) : "out of memory");
        store_triage_close(t);
        return NULL;
    }
    sqlite3_busy_timeout(t->db, 5000);
    /* A read opens the WAL and its index now: a caller about to drop
     * privileges (live) keeps them open for the writes to come. */
    if (sqlite3_exec(t->db, "SELECT count(*) FROM triage", NULL, NULL, NULL) != SQLITE_OK) {
        err_set(err, ERR_DB, "%s: cannot open for triage: %s", s->path, sqlite3_errmsg(t->db));
        store_triage_close(t);
        return NULL;
    }
    return t;
}

void store_triage_close(StoreTriage *t)
{
    if (!t)
        return;
    sqlite3_close_v2(t->db);
    g_free(t);
}

/* state < 0 keeps the state (new when there was none); note NULL keeps
 * the note. */
static bool triage_write(StoreTriage *t, int64_t finding_id, int state, const char *note,
                         Err *err)
{
    static const char sql[] =
        "INSERT INTO triage(finding_key, state, note, updated_at)"
        " SELECT " FINDING_KEY("f") ", coalesce(:state, (SELECT state FROM triage WHERE"
        "  finding_key=" FINDING_KEY("f") "), :st_new), coalesce(:note, (SELECT note FROM triage"
        "  WHERE finding_key=" FINDING_KEY("f") "), ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
        " FROM findings f WHERE f.finding_id=:id"
        " ON CONFLICT(finding_key) DO UPDATE SET state=excluded.state, note=excluded.note,"
        " updated_at=excluded.updated_at";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db, sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(err, ERR_DB, "%s: triage: %s", t->s->path, sqlite3_errmsg(t->db));
    bind_names(st);
    bind_int_named(st, ":id", finding_id);
    if (state >= 0)
        bind_text_named(st, ":state", triage_state_name((TriageState)state));
    if (note)
        bind_text_named(st, ":note", note);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        err_set(err, ERR_DB, "%s: triage: %s", t->s->path, sqlite3_errmsg(t->db));
    else if (sqlite3_changes(t->db) == 0)
        ok = err_set(err, ERR_INPUT, "finding %" G_GINT64_FORMAT " is gone", finding_id);
    sqlite3_finalize(st);
    return ok;
}

bool store_triage_set(StoreTriage *t, int64_t finding_id, TriageState st, const char *note,
                      Err *err)
{
    return triage_write(t, finding_id, (int)st, note, err);
}

bool store_triage_note(StoreTriage *t, int64_t finding_id, const char *note, Err *err)
{
    return triage_write(t, finding_id, -1, note, err);
}
