/*
 * rule-traffic.c - traffic-anomaly: an industrial conversation whose
 * traffic leaves the pattern the baseline learned for it.
 *
 * The baseline holds, per conversation, the packets per minute of its
 * fully observed minutes (least, median, most: traffic-profile.h) and,
 * per polled function, its period.  Only steady conversations are judged
 * (traffic in at least STEADY_PERMILLE of their baseline minutes, over
 * PROFILE_MIN_MINUTES or more, and no minute busier than twice the median
 * plus STEADY_SLACK packets): bursty ones have no "normal" to leave, and
 * their mean request interval is no polling period.
 * A capture with gaps (merged files) is not judged: its minutes are not
 * one continuous observation.  Three findings, each with the expected and
 * the observed value in the evidence:
 *   stopped  the conversation is absent from a capture that runs at least
 *            STOP_MIN_S and in which one of its ends is active, or its
 *            last packet comes more than max(STOP_GRACE_S, 3 periods)
 *            before the capture ends (high);
 *   volume   the median packets per minute of its fully observed minutes
 *            lies outside the learned band widened by BAND_SLACK_PCT
 *            (and at least BAND_SLACK_MIN packets);
 *   period   a polled function of a steady pair (at least POLL_MIN
 *            requests in the baseline, POLL_MIN_SEEN now) repeats more than
 *            PERIOD_FACTOR_PCT/100 times faster or slower.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "otscope/util.h"
#include "rules-int.h"
#include "site-rules.h"
#include "traffic-profile.h"

enum {
    STEADY_PERMILLE = 900,
    STEADY_SLACK = 10,
    STOP_MIN_S = 180,
    STOP_GRACE_S = 120,
    BAND_SLACK_PCT = 25,
    BAND_SLACK_MIN = 2,
    OBSERVED_MIN_MINUTES = 2,
    POLL_MIN = 10,
    POLL_MIN_SEEN = 5,
    PERIOD_FACTOR_PCT = 150,
};

static const int64_t ns_per_s = 1000000000;

typedef struct Seen {
    int64_t packets;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t first_pkt;
    uint64_t last_pkt;
    GArray *comm_ids;
} Seen;

/* This capture's rows of one conversation. */
static bool seen_of(RuleCtx *ctx, sqlite3_stmt *base, Seen *seen)
{
    memset(seen, 0, sizeof *seen);
    seen->comm_ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
    sqlite3_stmt *st = rule_query(ctx, "SELECT comm_id, packets, first_ns, last_ns, first_pkt,"
                                       " coalesce(last_pkt, first_pkt) FROM comms"
                                       " WHERE capture_id=?1 AND src=?2 AND dst=?3 AND vlan=?4"
                                       " AND protocol=?5 AND transport=?6 AND port=?7");
    if (!st)
        return false;
    for (int i = 0; i < 6; i++)
        sqlite3_bind_value(st, i + 2, sqlite3_column_value(base, i));
    while (rule_step(ctx, st)) {
        int64_t id = rule_int(st, 0);
        g_array_append_val(seen->comm_ids, id);
        seen->packets += rule_int(st, 1);
        if (!seen->first_ns || rule_int(st, 2) < seen->first_ns)
            seen->first_ns = rule_int(st, 2);
        if (rule_int(st, 3) > seen->last_ns)
            seen->last_ns = rule_int(st, 3);
        if (!seen->first_pkt || (uint64_t)rule_int(st, 4) < seen->first_pkt)
            seen->first_pkt = (uint64_t)rule_int(st, 4);
        if ((uint64_t)rule_int(st, 5) > seen->last_pkt)
            seen->last_pkt = (uint64_t)rule_int(st, 5);
    }
    return ctx->ok;
}

/* Is either end of the conversation sending in this capture? */
static bool ends_active(RuleCtx *ctx, const char *a, const char *b)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT EXISTS (SELECT 1 FROM endpoints WHERE capture_id=?1"
                                       " AND (ip=?2 OR ip=?3 OR mac=?2 OR mac=?3) AND tx_packets>0)");
    if (!st)
        return false;
    sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
    bool active = false;
    if (rule_step(ctx, st)) {
        active = rule_int(st, 0) != 0;
        sqlite3_finalize(st);
    }
    return active;
}

/* The polling period the baseline learned for the pair (its fastest
 * polled function), in ms; 0 when none. */
static int64_t pair_period_ms(RuleCtx *ctx, const char *src, const char *dst)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT min(period_ms) FROM baseline_ops WHERE src=?2"
                                       " AND dst=?3 AND period_ms>0");
    if (!st)
        return 0;
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dst, -1, SQLITE_STATIC);
    int64_t ms = 0;
    if (rule_step(ctx, st)) {
        ms = rule_int(st, 0);
        sqlite3_finalize(st);
    }
    return ms;
}

static Finding *hit_of(RuleCtx *ctx, const char *kind, sqlite3_stmt *base, const Seen *seen,
                       const char *title)
{
    const char *src = rule_text(base, 0);
    const char *dst = rule_text(base, 1);
    const char *protocol = rule_text(base, 3);
    Hit hit = { src, dst, protocol, (uint64_t)seen->packets, seen->first_ns, seen->last_ns,
                seen->first_pkt, seen->last_pkt };
    if (!seen->packets) { /* absent: the finding spans the capture */
        hit.count = 1;
        hit.first_ns = ctx->cap_first_ns;
        hit.last_ns = ctx->cap_last_ns;
    }
    Finding *f = rule_hitf(ctx, &hit, "%s:%s>%s/%s/%s/%" G_GINT64_FORMAT, kind, src, dst, protocol,
                           rule_text(base, 4), rule_int(base, 5));
    rule_title(f, title);
    return f;
}

static void judge_conversation(RuleCtx *ctx, sqlite3_stmt *base, TrafficSamples *ts,
                               const char *label)
{
    const char *src = rule_text(base, 0);
    const char *dst = rule_text(base, 1);
    const char *protocol = rule_text(base, 3);
    int64_t lo = rule_int(base, 6);
    int64_t median = rule_int(base, 7);
    int64_t hi = rule_int(base, 8);
    int64_t minutes = rule_int(base, 9);
    Seen seen;
    if (!seen_of(ctx, base, &seen)) {
        g_array_free(seen.comm_ids, TRUE);
        return;
    }
    char *expected = lo == hi ? g_strdup_printf("%" G_GINT64_FORMAT " packets/min (%"
                                                G_GINT64_FORMAT " minutes of %s)",
                                                median, minutes, label)
                              : g_strdup_printf("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
                                                " packets/min (median %" G_GINT64_FORMAT
                                                " over %" G_GINT64_FORMAT " minutes of %s)",
                                                lo, hi, median, minutes, label);
    int64_t span_s = (ctx->cap_last_ns - ctx->cap_first_ns) / ns_per_s;
    int64_t period_ms = pair_period_ms(ctx, src, dst);
    int64_t grace_s = period_ms * 3 / 1000 > STOP_GRACE_S ? period_ms * 3 / 1000 : STOP_GRACE_S;
    char when[OTS_TIME_STRLEN];
    if (!seen.packets) {
        if (span_s >= STOP_MIN_S && ends_active(ctx, src, dst)) {
            Finding *f = hit_of(ctx, "stopped", base, &seen, "conversation stopped");
            rule_note(ctx, f, "%s -> %s %s: expected %s; observed no packets in %" G_GINT64_FORMAT
                      " s of capture while %s or %s is active", src, dst, protocol, expected,
                      span_s, src, dst);
            rule_raise(f, SEV_HIGH);
        }
    } else if ((ctx->cap_last_ns - seen.last_ns) / ns_per_s > grace_s) {
        Finding *f = hit_of(ctx, "stopped", base, &seen, "conversation stopped");
        rule_note(ctx, f, "%s -> %s %s: expected %s; observed its last packet at %s (frame %"
                  G_GUINT64_FORMAT "), %" G_GINT64_FORMAT " s before the capture ends", src, dst,
                  protocol, expected, time_iso(seen.last_ns, when), seen.last_pkt,
                  (ctx->cap_last_ns - seen.last_ns) / ns_per_s);
        rule_raise(f, SEV_HIGH);
    } else {
        traffic_samples_reset(ts);
        for (guint i = 0; i < seen.comm_ids->len; i++)
            if (!traffic_samples_add(ts, ctx->db, "main", g_array_index(seen.comm_ids, int64_t, i),
                                     0, INT64_MAX, ctx->err))
                ctx->ok = false;
        TrafficProfile now;
        traffic_profile_of(ts, &now);
        int64_t slack_lo = lo * BAND_SLACK_PCT / 100 > BAND_SLACK_MIN ? lo * BAND_SLACK_PCT / 100
                                                                      : BAND_SLACK_MIN;
        int64_t slack_hi = hi * BAND_SLACK_PCT / 100 > BAND_SLACK_MIN ? hi * BAND_SLACK_PCT / 100
                                                                      : BAND_SLACK_MIN;
        bool is_above = now.median > hi + slack_hi;
        bool is_below = now.median < lo - slack_lo;
        if (ctx->ok && now.minutes >= OBSERVED_MIN_MINUTES && (is_above || is_below)) {
            Finding *f = hit_of(ctx, "volume", base, &seen,
                                is_above ? "volume above its learned band"
                                         : "volume below its learned band");
            rule_note(ctx, f, "%s -> %s %s: expected %s; observed median %" G_GINT64_FORMAT
                      " packets/min (%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " over %"
                      G_GINT64_FORMAT " minutes)", src, dst, protocol, expected, now.median,
                      now.lo, now.hi, now.minutes);
        }
    }
    g_free(expected);
    g_array_free(seen.comm_ids, TRUE);
}

/* A steady baseline conversation c (parameters ?2..?4: bind_steady). */
#define STEADY_SQL                                                                                 \
    "c.ppm_median IS NOT NULL AND c.minutes>=?2 AND c.active_permille>=?3"                         \
    " AND c.ppm_hi<=max(c.ppm_median * 2, c.ppm_median + ?4)"

static void bind_steady(sqlite3_stmt *st)
{
    sqlite3_bind_int(st, 2, PROFILE_MIN_MINUTES);
    sqlite3_bind_int(st, 3, STEADY_PERMILLE);
    sqlite3_bind_int(st, 4, STEADY_SLACK);
}

static void judge_conversations(RuleCtx *ctx, const char *label)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT src, dst, vlan, protocol, transport, port,"
                                       " ppm_lo, ppm_median, ppm_hi, minutes FROM baseline_comms c"
                                       " WHERE " STEADY_SQL " ORDER BY src, dst, protocol");
    if (!st)
        return;
    bind_steady(st);
    TrafficSamples ts;
    traffic_samples_init(&ts);
    while (rule_step(ctx, st)) {
        if (rule_is_ot_protocol(rule_text(st, 3)))
            judge_conversation(ctx, st, &ts, label);
        if (!ctx->ok) {
            sqlite3_finalize(st);
            break;
        }
    }
    traffic_samples_clear(&ts);
}

static void judge_periods(RuleCtx *ctx, const char *label)
{
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT o.src, o.dst, o.protocol, sum(o.count), min(o.first_ns), max(o.last_ns),"
             " min(o.first_pkt), max(coalesce(o.last_pkt, o.first_pkt)), b.function,"
             " b.function_code, b.period_ms, b.count"
             " FROM baseline_ops b JOIN ops o ON o.capture_id=?1 AND o.protocol=b.protocol"
             " AND o.src=b.src AND o.dst=b.dst AND o.function_code=b.function_code"
             " AND o.function=b.function AND o.count>0"
             " WHERE b.period_ms>0 AND b.count>=?5 AND EXISTS (SELECT 1 FROM baseline_comms c"
             "  WHERE c.src=b.src AND c.dst=b.dst AND " STEADY_SQL ")"
             " GROUP BY b.protocol, b.src, b.dst, b.function_code, b.function"
             " ORDER BY o.src, o.dst, o.protocol, b.function_code");
    if (!st)
        return;
    bind_steady(st);
    sqlite3_bind_int(st, 5, POLL_MIN);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        if (!rule_is_ot_protocol(hit.protocol) || hit.count < POLL_MIN_SEEN ||
            hit.last_ns <= hit.first_ns)
            continue;
        int64_t expected_ms = rule_int(st, 10);
        int64_t observed_ms = (hit.last_ns - hit.first_ns) / (int64_t)(hit.count - 1) / 1000000;
        if (observed_ms * 100 <= expected_ms * PERIOD_FACTOR_PCT &&
            expected_ms * 100 <= observed_ms * PERIOD_FACTOR_PCT)
            continue;
        Finding *f = rule_hitf(ctx, &hit, "period:%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_title(f, "polling period changed");
        rule_note(ctx, f, "%s -> %s %s %s (%" G_GINT64_FORMAT "): expected every %.1f s (%"
                  G_GINT64_FORMAT " requests in %s); observed every %.1f s (%" G_GUINT64_FORMAT
                  " requests)", hit.src, hit.dst, hit.protocol, rule_text(st, 8), rule_int(st, 9),
                  (double)expected_ms / 1000.0, rule_int(st, 11), label,
                  (double)observed_ms / 1000.0, hit.count);
    }
}

static void traffic_anomaly_run(RuleCtx *ctx)
{
    const char *label = site_baseline_label(ctx);
    if (!label || !ctx->is_continuous)
        return;
    judge_conversations(ctx, label);
    judge_periods(ctx, label);
}

const RuleDesc rule_traffic_anomaly = { "traffic-anomaly", traffic_anomaly_run, 0 };
