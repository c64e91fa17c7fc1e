/*
 * rule-malformed.c - malformed-ot: industrial PDUs that break their
 * protocol, and floods of error replies.
 *
 * Anomalies are what the dissectors counted as protocol violations (bad
 * length, header, function or count; PDUs larger than the protocol
 * allows).  Stream gaps and desynchronisation are left out: they come
 * from the capture (missed segments, a mid-stream start), not from the
 * device, and "exception-response" is a legal reply that only matters in
 * numbers.  One finding per sender, receiver and protocol; at
 * MALFORMED_MANY anomalies or more it is one severity higher.  An error
 * flood is a requester whose requests to one server were answered by
 * errors or exceptions at least ERROR_FLOOD_MIN times and at least a
 * quarter of the time: fuzzing, a scan for valid addresses or a broken
 * client.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    MALFORMED_MANY = 100,
    ERROR_FLOOD_MIN = 20,
    ERROR_FLOOD_SHARE = 4, /* errors * 4 >= responses */
};

static void anomalies(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT src, dst, protocol, count, first_ns, last_ns, first_pkt,"
                                  " last_pkt, anomaly FROM anomalies WHERE capture_id=?1"
                                  " AND anomaly NOT IN (?2, ?3, ?4) ORDER BY first_pkt");
    if (st) {
        sqlite3_bind_text(st, 2, anomaly_name(ANOM_EXCEPTION), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, anomaly_name(ANOM_STREAM_GAP), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, anomaly_name(ANOM_STREAM_DESYNC), -1, SQLITE_STATIC);
    }
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        if (!rule_is_ot_protocol(hit.protocol))
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_title(f, "protocol violations");
        rule_note(ctx, f, "%s %s x%" G_GUINT64_FORMAT " from %s", hit.protocol, rule_text(st, 8),
                  hit.count, hit.src);
        if (f->count >= MALFORMED_MANY)
            rule_raise(f, ctx->meta->severity > SEV_CRITICAL ? ctx->meta->severity - 1
                                                              : SEV_CRITICAL);
    }
}

static void error_floods(RuleCtx *ctx)
{
    char sql[512];
    g_snprintf(sql, sizeof sql,
               "SELECT src, dst, protocol, sum(errors), min(first_ns), max(last_ns),"
               " min(first_pkt), max(last_pkt), sum(responses), sum(count) FROM ops"
               " WHERE capture_id=?1 AND (src, dst, protocol) IN (SELECT src, dst, protocol"
               "  FROM ops WHERE capture_id=?1 AND errors>0) GROUP BY src, dst, protocol"
               " HAVING sum(errors)>=%d AND sum(errors)*%d>=sum(responses)",
               ERROR_FLOOD_MIN, ERROR_FLOOD_SHARE);
    sqlite3_stmt *st = rule_query(ctx, sql);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        if (!rule_is_ot_protocol(hit.protocol))
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s/errors", hit.src, hit.dst, hit.protocol);
        rule_title(f, "error reply flood");
        rule_note(ctx, f, "%s answered %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT
                  " replies to %s with an error or exception (%" G_GINT64_FORMAT " requests)",
                  hit.dst, hit.count, rule_int(st, 8), hit.src,
                  rule_int(st, 9));
    }
}

static void malformed_run(RuleCtx *ctx)
{
    anomalies(ctx);
    error_floods(ctx);
}

const RuleDesc rule_malformed_ot = { "malformed-ot", malformed_run, 0 };
