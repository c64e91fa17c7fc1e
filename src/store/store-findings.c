/*
 * store-findings.c - findings in the DB: running the rules over a capture
 * and keeping what they found, the filtered findings table, the evidence
 * locator for carve, and the asset risk scores.
 *
 * The rules read through this connection inside the transaction that
 * writes their findings, so they see exactly the rows they judge.  A
 * finding is identified by (capture, rule, finding_key): found again, it
 * is updated in place and keeps its finding_id.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/util.h"
#include "rules.h"
#include "store-int.h"

static const char sql_put_finding[] =
    "INSERT INTO findings(capture_id, severity, rule, title, src, dst, protocol, count,"
    " first_ns, last_ns, evidence, recommendation, attack_id, finding_key, first_pkt, last_pkt,"
    " evidence_secret, why) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"
    " ON CONFLICT (capture_id, rule, finding_key) DO UPDATE SET severity=?2, title=?4, src=?5,"
    " dst=?6, protocol=?7, count=?8, first_ns=?9, last_ns=?10, evidence=?11,"
    " recommendation=?12, attack_id=?13, first_pkt=?15, last_pkt=?16, evidence_secret=?17, why=?18"
    " RETURNING finding_id";

static void bind_text(sqlite3_stmt *st, int i, const char *text)
{
    sqlite3_bind_text(st, i, text ? text : "", -1, SQLITE_TRANSIENT);
}

static bool put_findings(Store *s, int64_t capture_id, const GPtrArray *findings, Err *err)
{
    sqlite3_stmt *put = NULL;
    sqlite3_stmt *keep = NULL;
    bool ok = store_exec(s,
                         "CREATE TEMP TABLE IF NOT EXISTS keep_findings(finding_id INTEGER"
                         " PRIMARY KEY); DELETE FROM keep_findings;",
                         err) &&
              store_prepare(s, sql_put_finding, &put, err) &&
              store_prepare(s, "INSERT OR IGNORE INTO keep_findings VALUES (?)", &keep, err);
    for (guint i = 0; ok && i < findings->len; i++) {
        const Finding *f = g_ptr_array_index(findings, i);
        sqlite3_bind_int64(put, 1, capture_id);
        sqlite3_bind_text(put, 2, severity_name(f->severity), -1, SQLITE_STATIC);
        bind_text(put, 3, f->rule);
        bind_text(put, 4, f->title);
        bind_text(put, 5, f->src);
        bind_text(put, 6, f->dst);
        bind_text(put, 7, f->protocol);
        sqlite3_bind_int64(put, 8, (sqlite3_int64)f->count);
        sqlite3_bind_int64(put, 9, f->first_ns);
        sqlite3_bind_int64(put, 10, f->last_ns);
        bind_text(put, 11, f->evidence);
        bind_text(put, 12, f->recommendation);
        bind_text(put, 13, f->attack_id);
        bind_text(put, 14, f->key);
        if (f->first_pkt) {
            sqlite3_bind_int64(put, 15, (sqlite3_int64)f->first_pkt);
            sqlite3_bind_int64(put, 16, (sqlite3_int64)f->last_pkt);
        } else {
            sqlite3_bind_null(put, 15);
            sqlite3_bind_null(put, 16);
        }
        if (f->evidence_secret)
            bind_text(put, 17, f->evidence_secret);
        else
            sqlite3_bind_null(put, 17);
        bind_text(put, 18, f->why);
        if (sqlite3_step(put) != SQLITE_ROW) {
            ok = store_fail(s, err, "write finding");
            break;
        }
        sqlite3_bind_int64(keep, 1, sqlite3_column_int64(put, 0));
        sqlite3_reset(put);
        ok = sqlite3_step(keep) == SQLITE_DONE || store_fail(s, err, "keep finding");
        sqlite3_reset(keep);
    }
    sqlite3_finalize(put);
    sqlite3_finalize(keep);
    if (!ok)
        return false;
    sqlite3_stmt *drop;
    if (!store_prepare(s, "DELETE FROM findings WHERE capture_id=? AND finding_id NOT IN"
                          " (SELECT finding_id FROM keep_findings)",
                       &drop, err))
        return false;
    sqlite3_bind_int64(drop, 1, capture_id);
    ok = sqlite3_step(drop) == SQLITE_DONE || store_fail(s, err, "drop old findings");
    sqlite3_finalize(drop);
    return ok;
}

static bool put_risk(Store *s, bool is_touched, Err *err)
{
    GArray *risk = g_array_new(FALSE, FALSE, sizeof(AssetRisk));
    sqlite3_stmt *st = NULL;
    bool ok = rules_risk(s->db, is_touched, risk, err) &&
              store_prepare(s, "UPDATE assets SET risk_score=? WHERE asset_id=?", &st, err);
    for (guint i = 0; ok && i < risk->len; i++) {
        const AssetRisk *r = &g_array_index(risk, AssetRisk, i);
        sqlite3_bind_int(st, 1, r->score);
        sqlite3_bind_int64(st, 2, r->asset_id);
        ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "write risk score");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    g_array_free(risk, TRUE);
    return ok;
}

static bool findings_update(Store *s, int64_t capture_id, bool is_touched, Err *err)
{
    if (!store_exec(s, "BEGIN IMMEDIATE", err))
        return false;
    GPtrArray *findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
    bool ok = rules_run(s->db, capture_id, findings, err) &&
              put_findings(s, capture_id, findings, err) && put_risk(s, is_touched, err) &&
              store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    g_ptr_array_unref(findings);
    return ok;
}

bool store_findings_update(Store *s, int64_t capture_id, Err *err)
{
    return findings_update(s, capture_id, false, err);
}

/* Scoring every asset read every conversation: about 6 s a live batch
 * on the 1 M-conversation bench DB. */
bool store_findings_update_touched(Store *s, int64_t capture_id, Err *err)
{
    return findings_update(s, capture_id, s->notes_batches, err);
}

/* ---- reading ---------------------------------------------------------------- */

enum { FINDING_COLUMNS_MAX = 16 };

/* ?1 show secrets, ?2 rule or NULL, severities at or above the minimum as
 * ?3..?7 (unused slots NULL). */
static const char sql_findings[] =
    "SELECT finding_id, severity, rule, title, src, dst, protocol, count, first_ns, last_ns,"
    " CASE WHEN ?1 AND evidence_secret IS NOT NULL THEN evidence_secret ELSE evidence END,"
    " recommendation, attack_id, why FROM findings"
    " WHERE (?2 IS NULL OR rule=?2) AND severity IN (?3, ?4, ?5, ?6, ?7)"
    " ORDER BY finding_id";

static void bind_severities(sqlite3_stmt *st, int first, Severity min)
{
    G_STATIC_ASSERT(SEV_COUNT == 5);
    for (int sev = 0; sev < SEV_COUNT; sev++) {
        if (sev <= (int)min)
            sqlite3_bind_text(st, first + sev, severity_name((Severity)sev), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, first + sev);
    }
}

bool store_read_findings(Store *s, const FindingQuery *q, StoreRowFn fn, void *user, Err *err)
{
    int n_cols;
    const ColumnDesc *cols = store_table_columns(TABLE_FINDINGS, &n_cols);
    OTS_ASSERT(n_cols <= FINDING_COLUMNS_MAX);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql_findings, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "findings");
    sqlite3_bind_int(st, 1, q->show_secrets);
    if (q->rule)
        sqlite3_bind_text(st, 2, q->rule, -1, SQLITE_TRANSIENT);
    bind_severities(st, 3, q->min_severity);
    char times[FINDING_COLUMNS_MAX][OTS_TIME_STRLEN];
    const char *cells[FINDING_COLUMNS_MAX];
    int rc;
    bool go_on = true;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n_cols; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL)
                cells[i] = NULL;
            else if (cols[i].type == CELL_TIME)
                cells[i] = time_iso(sqlite3_column_int64(st, i), times[i]);
            else
                cells[i] = (const char *)sqlite3_column_text(st, i);
        }
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, "findings");
    sqlite3_finalize(st);
    return ok;
}

bool store_count_findings(Store *s, Severity sev, const char *rule, int64_t *count, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*) FROM findings WHERE (?2 IS NULL OR rule=?2)"
                           " AND severity IN (?3, ?4, ?5, ?6, ?7)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "count findings");
    if (rule)
        sqlite3_bind_text(st, 2, rule, -1, SQLITE_TRANSIENT);
    bind_severities(st, 3, sev);
    bool ok = sqlite3_step(st) == SQLITE_ROW || store_fail(s, err, "count findings");
    *count = ok ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return ok;
}

static char *column_dup(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return g_strdup(t ? t : "");
}

bool store_finding_evidence(Store *s, int64_t finding_id, FindingEvidence *ev, Err *err)
{
    memset(ev, 0, sizeof *ev);
    sqlite3_stmt *st;
    /* the conversations between the finding's addresses (either way); with
     * no dst, every conversation of its src */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT c.path, c.source, f.rule, f.src, f.dst, f.protocol,"
                           " f.first_pkt, f.last_pkt,"
                           " (SELECT min(first_pkt) FROM comms m WHERE m.capture_id=f.capture_id"
                           "  AND ((m.src=f.src AND m.dst=f.dst) OR (m.src=f.dst AND m.dst=f.src)"
                           "   OR (f.dst='' AND (m.src=f.src OR m.dst=f.src)))),"
                           " (SELECT max(last_pkt) FROM comms m WHERE m.capture_id=f.capture_id"
                           "  AND ((m.src=f.src AND m.dst=f.dst) OR (m.src=f.dst AND m.dst=f.src)"
                           "   OR (f.dst='' AND (m.src=f.src OR m.dst=f.src))))"
                           " FROM findings f JOIN captures c USING (capture_id)"
                           " WHERE f.finding_id=?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "finding");
    sqlite3_bind_int64(st, 1, finding_id);
    int rc = sqlite3_step(st);
    bool ok = rc == SQLITE_ROW;
    if (ok) {
        ev->capture_path = column_dup(st, 0);
        ev->capture_source = column_dup(st, 1);
        ev->rule = column_dup(st, 2);
        ev->src = column_dup(st, 3);
        ev->dst = column_dup(st, 4);
        ev->protocol = column_dup(st, 5);
        ev->first_pkt = (uint64_t)sqlite3_column_int64(st, 6);
        ev->last_pkt = (uint64_t)sqlite3_column_int64(st, 7);
        ev->conv_first_pkt = (uint64_t)sqlite3_column_int64(st, 8);
        ev->conv_last_pkt = (uint64_t)sqlite3_column_int64(st, 9);
    } else if (rc == SQLITE_DONE) {
        err_set(err, ERR_USAGE, "%s: no finding %" G_GINT64_FORMAT " (see 'otscope findings')",
                s->path, finding_id);
    } else {
        store_fail(s, err, "finding");
    }
    sqlite3_finalize(st);
    return ok;
}

void store_finding_evidence_clear(FindingEvidence *ev)
{
    g_free(ev->capture_path);
    g_free(ev->capture_source);
    g_free(ev->rule);
    g_free(ev->src);
    g_free(ev->dst);
    g_free(ev->protocol);
    memset(ev, 0, sizeof *ev);
}
