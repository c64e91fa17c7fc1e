/*
 * store-read.c - the tables presenters print, as column descriptors plus
 * one query each.  Every query has a stable ORDER BY so that output is
 * deterministic (golden tests diff it).  Counters are summed over all
 * captures in the DB.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/util.h"
#include "store-int.h"

static const ColumnDesc asset_columns[] = {
    { "asset_id", "ID", CELL_INT, 4, true },
    { "mac", "MAC", CELL_TEXT, 17, false },
    { "ips", "IP", CELL_TEXT, 15, false },
    { "vendor", "VENDOR", CELL_TEXT, 20, false },
    { "hostnames", "NAME", CELL_TEXT, 14, false },
    { "role", "ROLE", CELL_TEXT, 14, false },
    { "role_evidence", "ROLE EVIDENCE", CELL_TEXT, 24, false },
    { "purdue_level", "LVL", CELL_INT, 3, true },
    { "os", "OS", CELL_TEXT, 12, false },
    { "model", "MODEL", CELL_TEXT, 14, false },
    { "firmware", "FIRMWARE", CELL_TEXT, 10, false },
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },
    { "packets", "PKTS", CELL_INT, 8, true },
    { "bytes", "BYTES", CELL_INT, 10, true },
    { "protocols", "PROTOCOLS", CELL_TEXT, 20, false },
    { "risk_score", "RISK", CELL_INT, 4, true },
    { "vlan", "VLAN", CELL_TEXT, 4, false }, /* every VLAN it was seen on, ;-joined */
    { "kind", "KIND", CELL_TEXT, 4, false },
    { "zone", "ZONE", CELL_TEXT, 12, false },
};

/* The text of one attribute kind for an asset: all values seen for any of
 * its addresses, distinct, ';'-joined. */
#define ASSET_ATTR(name)                                                                           \
    "(SELECT group_concat(value, ';') FROM (SELECT DISTINCT value FROM attrs WHERE name='" name   \
    "' AND addr IN (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id UNION SELECT a.mac)"      \
    " ORDER BY value))"

static const char assets_sql[] =
    "SELECT a.asset_id, a.mac,"
    " (SELECT group_concat(ip, ';') FROM (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id"
    "  ORDER BY ip)),"
    " a.vendor, " ASSET_ATTR("hostname") ", a.role, a.role_evidence, a.purdue_level,"
    " " ASSET_ATTR("os") ", " ASSET_ATTR("model") ", " ASSET_ATTR("firmware") ","
    " a.first_ns, a.last_ns, a.packets, a.bytes,"
    " (SELECT group_concat(protocol, ';') FROM (SELECT DISTINCT protocol FROM comms"
    "  WHERE protocol<>'unknown' AND (src IN (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id"
    "  UNION SELECT a.mac) OR dst IN (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id"
    "  UNION SELECT a.mac)) ORDER BY protocol)),"
    " a.risk_score, a.vlans, a.kind,"
    " (SELECT zone FROM asset_zones WHERE asset_id=a.asset_id)"
    " FROM assets a ORDER BY a.asset_id";

static const ColumnDesc comm_columns[] = {
    { "src", "SOURCE", CELL_TEXT, 17, false },
    { "dst", "DESTINATION", CELL_TEXT, 17, false },
    { "protocol", "PROTOCOL", CELL_TEXT, 11, false },
    { "transport", "L4", CELL_TEXT, 5, false },
    { "port", "PORT", CELL_INT, 5, true },
    { "packets", "PKTS", CELL_INT, 8, true },
    { "bytes", "BYTES", CELL_INT, 10, true },
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },
    { "vlan", "VLAN", CELL_INT, 4, true },
    { "anomalies", "ANOM", CELL_INT, 4, true },
};

static const char comms_sql[] =
    "SELECT src, dst, protocol, transport, port, sum(packets), sum(bytes), min(first_ns),"
    " max(last_ns), vlan, sum(anomalies) FROM comms"
    " GROUP BY src, dst, vlan, protocol, transport, port"
    " ORDER BY src, dst, protocol, transport, port, vlan";

static const ColumnDesc op_columns[] = {
    { "protocol", "PROTOCOL", CELL_TEXT, 11, false },
    { "src", "SOURCE", CELL_TEXT, 15, false },
    { "dst", "DESTINATION", CELL_TEXT, 15, false },
    { "function_code", "CODE", CELL_INT, 5, true },
    { "function", "FUNCTION", CELL_TEXT, 24, false },
    { "class", "CLASS", CELL_TEXT, 10, false },
    { "count", "COUNT", CELL_INT, 7, true },
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },
    { "responses", "RESP", CELL_INT, 6, true },
    { "errors", "ERR", CELL_INT, 5, true },
    { "detail", "DETAIL", CELL_TEXT, 20, false },
};

static const char ops_sql[] =
    "SELECT protocol, src, dst, function_code, function, class, sum(count), min(first_ns),"
    " max(last_ns), sum(responses), sum(errors), min(detail) FROM ops"
    " GROUP BY protocol, src, dst, function_code, function, class"
    " ORDER BY protocol, src, dst, function_code, function, class";

static const ColumnDesc finding_columns[] = { STORE_FINDING_COLUMNS };

static const char findings_sql[] =
    "SELECT finding_id, severity, rule, title, src, dst, protocol, count, first_ns, last_ns,"
    " evidence, recommendation, attack_id, why FROM findings ORDER BY finding_id";

static const ColumnDesc protocol_columns[] = {
    { "protocol", "PROTOCOL", CELL_TEXT, 12, false },
    { "comms", "COMMS", CELL_INT, 6, true },
    { "clients", "CLIENTS", CELL_INT, 7, true },
    { "servers", "SERVERS", CELL_INT, 7, true },
    { "packets", "PKTS", CELL_INT, 9, true },
    { "bytes", "BYTES", CELL_INT, 11, true },
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },
};

static const char protocols_sql[] =
    "SELECT protocol, count(DISTINCT src || '>' || dst || '/' || transport || '/' || port),"
    " count(DISTINCT src), count(DISTINCT dst), sum(packets), sum(bytes), min(first_ns),"
    " max(last_ns) FROM comms GROUP BY protocol ORDER BY sum(packets) DESC, protocol";

static const ColumnDesc capture_columns[] = {
    { "capture_id", "ID", CELL_INT, 4, true },
    { "path", "PATH", CELL_TEXT, 30, false },
    { "status", "STATUS", CELL_TEXT, 8, false },
    { "linktype", "LINK", CELL_TEXT, 8, false },
    { "packets", "PKTS", CELL_INT, 9, true },
    { "bytes", "BYTES", CELL_INT, 11, true },
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },
    { "sha256", "SHA-256", CELL_TEXT, 64, false },
    { "skipped", "SKIPPED", CELL_TEXT, 20, false },
    { "error", "ERROR", CELL_TEXT, 20, false },
};

static const char captures_sql[] =
    "SELECT capture_id, path, status, linktype, packets, bytes, first_ns, last_ns, sha256,"
    " skipped, error FROM captures ORDER BY capture_id";

typedef struct TableDesc {
    const char *name;
    const ColumnDesc *columns;
    int n_columns;
    const char *sql;
} TableDesc;

static const TableDesc tables[TABLE_COUNT] = {
    [TABLE_ASSETS] = { "assets", asset_columns, G_N_ELEMENTS(asset_columns), assets_sql },
    [TABLE_COMMS] = { "comms", comm_columns, G_N_ELEMENTS(comm_columns), comms_sql },
    [TABLE_OPS] = { "ops", op_columns, G_N_ELEMENTS(op_columns), ops_sql },
    [TABLE_FINDINGS] = { "findings", finding_columns, G_N_ELEMENTS(finding_columns),
                         findings_sql },
    [TABLE_PROTOCOLS] = { "protocols", protocol_columns, G_N_ELEMENTS(protocol_columns),
                          protocols_sql },
    [TABLE_CAPTURES] = { "captures", capture_columns, G_N_ELEMENTS(capture_columns),
                         captures_sql },
};

const ColumnDesc *store_table_columns(StoreTable t, int *n_columns)
{
    *n_columns = tables[t].n_columns;
    return tables[t].columns;
}

const char *store_table_name(StoreTable t)
{
    return tables[t].name;
}

bool store_table_from_name(const char *name, StoreTable *out)
{
    for (int t = 0; t < TABLE_COUNT; t++) {
        if (strcmp(tables[t].name, name) == 0) {
            *out = (StoreTable)t;
            return true;
        }
    }
    return false;
}

enum { CELL_MAX_COLUMNS = 32 };

bool store_read_table(Store *s, StoreTable t, StoreRowFn fn, void *user, Err *err)
{
    const TableDesc *td = &tables[t];
    OTS_ASSERT(td->n_columns <= CELL_MAX_COLUMNS);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, td->sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, td->name);
    char times[CELL_MAX_COLUMNS][OTS_TIME_STRLEN];
    const char *cells[CELL_MAX_COLUMNS];
    int rc;
    bool go_on = true;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < td->n_columns; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL) {
                cells[i] = NULL;
            } else if (td->columns[i].type == CELL_TIME) {
                cells[i] = time_iso(sqlite3_column_int64(st, i), times[i]);
            } else {
                cells[i] = (const char *)sqlite3_column_text(st, i);
            }
        }
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, td->name);
    sqlite3_finalize(st);
    return ok;
}
