/*
 * store-export.c - the extra tables exports and the report read (attribute
 * evidence, findings with triage, the audit trail), the summary counts,
 * and the fingerprint of the DB file.
 *
 * The triage table belongs to the console (store-console.c); a DB made
 * before it existed has none, so the findings query is chosen at run time.
 * Triage rows are keyed by rule|src|dst|protocol, the FINDING_KEY of
 * store-console.c: keep the two in step.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/sha256.h"
#include "otscope/store-export.h"
#include "otscope/util.h"
#include "store-int.h"

static const ColumnDesc attribute_columns[] = {
    { "asset_id", "ASSET", CELL_INT, 5, true },
    { "addr", "ADDRESS", CELL_TEXT, 17, false },
    { "name", "ATTRIBUTE", CELL_TEXT, 12, false },
    { "value", "VALUE", CELL_TEXT, 30, false },
    { "protocol", "PROTOCOL", CELL_TEXT, 10, false },
    { "confidence", "CONF", CELL_INT, 4, true },
    { "count", "COUNT", CELL_INT, 6, true },
    { "first_seen", "FIRST SEEN", CELL_TIME, 27, false },
    { "last_seen", "LAST SEEN", CELL_TIME, 27, false },
    { "first_pkt", "FIRST PKT", CELL_INT, 8, true },
    { "last_pkt", "LAST PKT", CELL_INT, 8, true },
    { "captures", "CAPTURES", CELL_TEXT, 20, false },
};

/* ?1: show secrets.  An attribute seen on an address that belongs to no
 * asset (a DHCP client's 0.0.0.0) is listed with an empty asset_id. */
static const char attributes_sql[] =
    "WITH addr_map(addr, asset_id) AS (SELECT ip, asset_id FROM asset_ips"
    "  UNION SELECT mac, asset_id FROM assets WHERE mac<>'')"
    " SELECT m.asset_id, t.addr, t.name,"
    "  CASE WHEN t.name='secret' AND NOT ?1 THEN ots_mask_secret(t.value) ELSE t.value END,"
    "  t.protocol, max(t.confidence), sum(t.count), min(t.first_ns), max(t.last_ns),"
    "  min(t.first_pkt), max(t.last_pkt),"
    "  (SELECT group_concat(path, ';') FROM (SELECT DISTINCT c.path FROM attrs u"
    "   JOIN captures c USING (capture_id) WHERE u.addr=t.addr AND u.name=t.name"
    "   AND u.value=t.value ORDER BY c.path))"
    " FROM attrs t LEFT JOIN addr_map m ON m.addr=t.addr"
    " GROUP BY m.asset_id, t.addr, t.name, t.value, t.protocol"
    " ORDER BY m.asset_id IS NULL, m.asset_id, t.addr, t.name, t.value, t.protocol";

static const ColumnDesc xfinding_columns[] = {
    STORE_FINDING_COLUMNS
    { "first_pkt", "FIRST PKT", CELL_INT, 8, true },
    { "last_pkt", "LAST PKT", CELL_INT, 8, true },
    { "capture", "CAPTURE", CELL_TEXT, 20, false },
    { "triage_state", "TRIAGE", CELL_TEXT, 14, false },
    { "triage_note", "NOTE", CELL_TEXT, 20, false },
    { "triage_updated_at", "TRIAGED", CELL_TEXT, 20, false },
};

#define XFINDINGS_SELECT                                                                           \
    "SELECT f.finding_id, f.severity, f.rule, f.title, f.src, f.dst, f.protocol, f.count,"        \
    " f.first_ns, f.last_ns,"                                                                      \
    " CASE WHEN ?1 AND f.evidence_secret IS NOT NULL THEN f.evidence_secret ELSE f.evidence END," \
    " f.recommendation, f.attack_id, f.why, f.first_pkt, f.last_pkt, c.path,"

static const char xfindings_triage_sql[] =
    XFINDINGS_SELECT " coalesce(t.state, ''), coalesce(t.note, ''), coalesce(t.updated_at, '')"
    " FROM findings f LEFT JOIN captures c USING (capture_id)"
    " LEFT JOIN triage t ON t.finding_key=" FINDING_KEY("f")
    " ORDER BY f.finding_id";

static const char xfindings_plain_sql[] =
    XFINDINGS_SELECT " '', '', '' FROM findings f LEFT JOIN captures c USING (capture_id)"
    " ORDER BY f.finding_id";

static const ColumnDesc audit_columns[] = {
    { "audit_id", "ID", CELL_INT, 4, true },
    { "at", "TIME", CELL_TEXT, 20, false },
    { "user", "USER", CELL_TEXT, 10, false },
    { "command", "COMMAND", CELL_TEXT, 8, false },
    { "cmdline", "COMMAND LINE", CELL_TEXT, 40, false },
    { "input_sha256", "INPUT SHA-256", CELL_TEXT, 64, false },
    { "detail", "DETAIL", CELL_TEXT, 30, false },
};

static const char audit_sql[] =
    "SELECT audit_id, at, user, command, cmdline, input_sha256, detail FROM audit"
    " WHERE ?1 IS NOT NULL ORDER BY audit_id";

typedef struct XTableDesc {
    const char *name;
    const ColumnDesc *columns;
    int n_columns;
} XTableDesc;

static const XTableDesc xtables[XTABLE_COUNT] = {
    [XTABLE_ATTRIBUTES] = { "attributes", attribute_columns, G_N_ELEMENTS(attribute_columns) },
    [XTABLE_FINDINGS] = { "findings", xfinding_columns, G_N_ELEMENTS(xfinding_columns) },
    [XTABLE_AUDIT] = { "audit", audit_columns, G_N_ELEMENTS(audit_columns) },
};

const ColumnDesc *store_xtable_columns(ExportTable t, int *n_columns)
{
    *n_columns = xtables[t].n_columns;
    return xtables[t].columns;
}

const char *store_xtable_name(ExportTable t)
{
    return xtables[t].name;
}

static bool has_table(Store *s, const char *name)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

enum { XCELL_MAX_COLUMNS = 24 };

bool store_read_xtable(Store *s, ExportTable t, bool show_secrets, StoreRowFn fn, void *user,
                       Err *err)
{
    const XTableDesc *td = &xtables[t];
    OTS_ASSERT(td->n_columns <= XCELL_MAX_COLUMNS);
    const char *sql = NULL;
    switch (t) {
    case XTABLE_ATTRIBUTES:
        sql = attributes_sql;
        break;
    case XTABLE_FINDINGS:
        sql = has_table(s, "triage") ? xfindings_triage_sql : xfindings_plain_sql;
        break;
    case XTABLE_AUDIT:
        if (!has_table(s, "audit"))
            return true;
        sql = audit_sql;
        break;
    case XTABLE_COUNT:
        ots_die(__FILE__, __LINE__, "bad export table %d", (int)t);
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, td->name);
    sqlite3_bind_int(st, 1, show_secrets);
    char times[XCELL_MAX_COLUMNS][OTS_TIME_STRLEN];
    const char *cells[XCELL_MAX_COLUMNS];
    int rc;
    bool go_on = true;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < td->n_columns; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL)
                cells[i] = NULL;
            else if (td->columns[i].type == CELL_TIME)
                cells[i] = time_iso(sqlite3_column_int64(st, i), times[i]);
            else
                cells[i] = (const char *)sqlite3_column_text(st, i);
        }
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, td->name);
    sqlite3_finalize(st);
    return ok;
}

/* ---- summary ------------------------------------------------------------------ */

static bool query_int64s(Store *s, const char *sql, int64_t *out, int n, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "summary");
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    for (int i = 0; ok && i < n; i++)
        out[i] = sqlite3_column_int64(st, i);
    if (!ok)
        store_fail(s, err, "summary");
    sqlite3_finalize(st);
    return ok;
}

bool store_summary(Store *s, StoreSummary *sum, Err *err)
{
    memset(sum, 0, sizeof *sum);
    int64_t v[10];
    if (!query_int64s(s,
                      "SELECT (SELECT count(*) FROM assets),"
                      " (SELECT count(*) FROM (SELECT 1 FROM comms GROUP BY src, dst, vlan,"
                      "  protocol, transport, port)),"
                      " (SELECT count(*) FROM (SELECT 1 FROM ops GROUP BY protocol, src, dst,"
                      "  function_code, function, class)),"
                      " (SELECT coalesce(sum(count), 0) FROM ops),"
                      " (SELECT count(*) FROM captures),"
                      " (SELECT coalesce(sum(packets), 0) FROM captures),"
                      " (SELECT count(*) FROM findings),"
                      " (SELECT coalesce(min(first_ns), 0) FROM captures),"
                      " (SELECT coalesce(max(last_ns), 0) FROM captures),"
                      " (SELECT user_version FROM pragma_user_version)",
                      v, 10, err))
        return false;
    sum->assets = v[0];
    sum->comms = v[1];
    sum->ops = v[2];
    sum->op_count = v[3];
    sum->captures = v[4];
    sum->packets = v[5];
    sum->findings = v[6];
    sum->first_ns = v[7];
    sum->last_ns = v[8];
    sum->schema_version = (int)v[9];
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT severity, count(*) FROM findings GROUP BY severity", -1,
                           &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "summary");
    while (sqlite3_step(st) == SQLITE_ROW) {
        Severity sev;
        if (severity_from_name((const char *)sqlite3_column_text(st, 0), &sev))
            sum->by_severity[sev] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return true;
}

/* ---- file fingerprint ---------------------------------------------------------- */

bool store_file_sha256(Store *s, char hex[65], Err *err)
{
    /* Committed pages may still sit in the WAL; move them into the file
     * so that the hash covers the data, not an older image of it. */
    if (!s->is_read_only)
        sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    FILE *f = fopen(s->path, "rb");
    if (!f)
        return err_set(err, ERR_DB, "%s: cannot read: %s", s->path, g_strerror(errno));
    Sha256 h;
    sha256_init(&h);
    enum { READ_CHUNK = 1 << 16 };
    char *buf = g_malloc(READ_CHUNK);
    size_t n;
    while ((n = fread(buf, 1, READ_CHUNK, f)) > 0)
        sha256_update(&h, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    g_free(buf);
    if (!ok)
        return err_set(err, ERR_DB, "%s: read error", s->path);
    uint8_t digest[SHA256_DIGEST_LEN];
    sha256_final(&h, digest);
    sha256_hex(digest, hex);
    return true;
}
