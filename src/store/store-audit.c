/*
 * store-audit.c - the audit trail: who did what to this DB, when, and with
 * which inputs (by SHA-256).
 *
 * Rows are only ever appended; purge keeps them (a purge is itself an
 * entry), merge copies them from its sources.  The user is the login name
 * of the process (after privilege drop for live capture), not a claim made
 * on the command line.
 */
#include "config.h"

#include <glib.h>
#include <sqlite3.h>

#include "otscope/store-export.h"
#include "store-int.h"

static char *now_utc(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *text = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    return text;
}

/* The SHA-256 of the captures an analyze run wrote, ';'-joined. */
static char *captures_since(Store *s, const char *since)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT group_concat(sha256, ';') FROM (SELECT sha256 FROM captures"
                           " WHERE started_at>=? AND sha256 IS NOT NULL ORDER BY capture_id)",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, since, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

bool store_audit_add(Store *s, const AuditEntry *e, Err *err)
{
    if (s->is_read_only)
        return err_set(err, ERR_DB, "%s: opened read-only; audit entry not written", s->path);
    char *inputs = NULL;
    if (!e->input_sha256 && e->since)
        inputs = captures_since(s, e->since);
    sqlite3_stmt *st;
    if (!store_prepare(s,
                       "INSERT INTO audit(at, user, command, cmdline, input_sha256, detail)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       &st, err)) {
        g_free(inputs);
        return false;
    }
    char *now = now_utc();
    const char *sha = e->input_sha256 ? e->input_sha256 : inputs;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, g_get_user_name(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, e->command, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, e->cmdline ? e->cmdline : e->command, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, sha ? sha : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, e->detail ? e->detail : "", -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "write audit entry");
    sqlite3_finalize(st);
    g_free(now);
    g_free(inputs);
    return ok;
}
