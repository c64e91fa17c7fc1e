/*
 * rule-cleartext.c - cleartext-credentials: passwords, basic-auth and
 * SNMP communities on the wire, and interactive Telnet sessions.
 *
 * The dissectors report a credential as a "secret" attribute of the
 * server it opens ("ftp-password:...", "http-basic:user:password",
 * "snmp-community:..."); the client is the busiest peer of that server in
 * the same protocol.  Evidence shows the secret masked; the unmasked text
 * is kept apart and printed only with --show-secrets.  SNMP communities
 * (often read-only "public") and anonymous FTP are one severity lower.
 * Telnet passwords are typed byte by byte and not reassembled, so a
 * Telnet session long enough to be interactive counts as a login in
 * clear (medium) without a secret to show.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "otscope/util.h"
#include "rules-int.h"

enum {
    TELNET_INTERACTIVE_PACKETS = 10, /* negotiation alone takes a handful */
};

static const char *busiest_peer(RuleCtx *ctx, const char *server, const char *protocol,
                                int64_t *n_peers)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT CASE WHEN dst=?2 THEN src ELSE dst END, count(*) OVER ()"
                                  " FROM comms WHERE capture_id=?1 AND protocol=?3"
                                  " AND (dst=?2 OR src=?2) ORDER BY dst<>?2, packets DESC LIMIT 1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 2, server, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, protocol, -1, SQLITE_STATIC);
    const char *peer = NULL;
    *n_peers = 0;
    if (rule_step(ctx, st)) {
        peer = g_string_chunk_insert_const(ctx->strings, rule_text(st, 0));
        *n_peers = rule_int(st, 1);
        sqlite3_finalize(st);
    }
    return peer;
}

static void note_users(RuleCtx *ctx, Finding *f, const char *client, const char *protocol)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT DISTINCT value FROM attrs WHERE capture_id=?1"
                                       " AND name='user' AND addr=?2 AND protocol=?3"
                                       " ORDER BY value LIMIT 4");
    if (!st)
        return;
    sqlite3_bind_text(st, 2, client, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, protocol, -1, SQLITE_STATIC);
    while (rule_step(ctx, st)) {
        const char *user = rule_text(st, 0);
        rule_note(ctx, f, "user %s", user);
        if (g_ascii_strcasecmp(user, "anonymous") == 0 || g_ascii_strcasecmp(user, "ftp") == 0)
            rule_lower(f, SEV_LOW);
    }
}

static void secrets(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT addr, addr, protocol, count, first_ns, last_ns,"
                                  " first_pkt, last_pkt, value FROM attrs"
                                  " WHERE capture_id=?1 AND name='secret' ORDER BY first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *value = rule_text(st, 8);
        int64_t n_peers = 0;
        const char *client = busiest_peer(ctx, hit.dst, hit.protocol, &n_peers);
        hit.src = client ? client : "";
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        bool is_first = f->count == hit.count;
        char *masked = secret_mask(value);
        char *masked_note = g_strdup_printf("%s sent in clear to %s", masked, hit.dst);
        char *plain_note = g_strdup_printf("%s sent in clear to %s", value, hit.dst);
        rule_note_secret(ctx, f, masked_note, plain_note);
        g_free(masked);
        g_free(masked_note);
        g_free(plain_note);
        if (n_peers > 1)
            rule_note(ctx, f, "%" G_GINT64_FORMAT " clients talk %s to %s", n_peers, hit.protocol,
                      hit.dst);
        if (is_first && client)
            note_users(ctx, f, client, hit.protocol);
        if (g_str_has_prefix(value, "snmp-community:")) {
            rule_title(f, "SNMP community string");
            rule_lower(f, SEV_MEDIUM);
        } else if (g_str_has_prefix(value, "http-basic:")) {
            rule_title(f, "HTTP basic authentication");
        } else if (g_str_has_prefix(value, "ftp-password:")) {
            rule_title(f, "FTP password");
        }
    }
}

static void telnet_sessions(RuleCtx *ctx)
{
    char sql[512];
    g_snprintf(sql, sizeof sql,
               "SELECT src, dst, protocol, packets, first_ns, last_ns, first_pkt, last_pkt"
               " FROM comms WHERE capture_id=?1 AND protocol='%s' AND packets>=%d"
               " ORDER BY first_pkt",
               proto_name(PROTO_ID(telnet)), TELNET_INTERACTIVE_PACKETS);
    sqlite3_stmt *st = rule_query(ctx, sql);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        hit.count = 1; /* one session, however many packets */
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_title(f, "Telnet login");
        rule_lower(f, SEV_MEDIUM);
        rule_note(ctx, f, "interactive Telnet session (%" G_GINT64_FORMAT
                  " packets): the login and every command cross the network in clear",
                  rule_int(st, 3));
    }
}

static void cleartext_run(RuleCtx *ctx)
{
    secrets(ctx);
    telnet_sessions(ctx);
}

const RuleDesc rule_cleartext_credentials = { "cleartext-credentials", cleartext_run, 0 };
