/*
 * rule-new-device.c - new-device: a device that appears on the segment
 * part-way through a capture, after the plant had been quiet.
 *
 * Without a baseline, the first part of a capture is the baseline: a MAC
 * that sends its first frame after the learning period (the larger of
 * LEARN_MIN_S and a fifth of the capture) is new, provided the capture is
 * at least CAPTURE_MIN_S long and such newcomers are few (at most
 * NEW_MAX_SHARE percent of the devices, or NEW_MIN_ALLOWED): when many
 * devices keep appearing the network was not in a steady state to begin
 * with (a plant start-up, a capture point that moved) and each one would
 * be noise.  A capture with a silence longer than RULES_GAP_MAX_MINUTES is not
 * one continuous observation (merged files) and is not judged.  Devices
 * seen in earlier captures of the DB are not new.
 * Devices behind a router have no MAC of their own here and are left to
 * baseline rules.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "otscope/util.h"
#include "rules-int.h"

enum {
    CAPTURE_MIN_S = 300,
    LEARN_MIN_S = 120,
    LEARN_DIVISOR = 5,
    NEW_MAX_SHARE = 10,
    NEW_MIN_ALLOWED = 3,
};

static const int64_t ns_per_s = 1000000000;

static void new_device_run(RuleCtx *ctx)
{
    int64_t span = ctx->cap_last_ns - ctx->cap_first_ns;
    if (span < CAPTURE_MIN_S * ns_per_s || !ctx->is_continuous)
        return;
    int64_t learn = span / LEARN_DIVISOR;
    if (learn < LEARN_MIN_S * ns_per_s)
        learn = LEARN_MIN_S * ns_per_s;
    int64_t since = ctx->cap_first_ns + learn;
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT mac, min(first_ns), max(last_ns), min(first_pkt),"
                                  " max(last_pkt), sum(tx_packets),"
                                  " (SELECT group_concat(ip, ';') FROM (SELECT ip"
                                  "  FROM endpoints i WHERE i.capture_id=?1 AND i.mac=e.mac"
                                  "  AND i.ip NOT IN ('', '0.0.0.0')"
                                  "  ORDER BY tx_packets DESC, ip)),"
                                  " EXISTS (SELECT 1 FROM endpoints o WHERE o.capture_id<>?1"
                                  "  AND o.mac=e.mac)"
                                  " FROM endpoints e WHERE capture_id=?1 AND mac<>''"
                                  " GROUP BY mac HAVING sum(tx_packets)>0 ORDER BY min(first_ns)");
    GPtrArray *late = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    int64_t n_devices = 0;
    while (rule_step(ctx, st)) {
        MacAddr mac;
        if (!macaddr_parse(rule_text(st, 0), &mac) || macaddr_is_group(&mac))
            continue;
        n_devices++;
        if (rule_int(st, 1) < since || sqlite3_column_int(st, 7))
            continue;
        gchar **row = g_new0(gchar *, 7);
        for (int i = 0; i < 6; i++)
            row[i] = g_strdup(rule_text(st, i == 5 ? 6 : i));
        g_ptr_array_add(late, row);
    }
    int64_t allowed = n_devices * NEW_MAX_SHARE / 100;
    if (allowed < NEW_MIN_ALLOWED)
        allowed = NEW_MIN_ALLOWED;
    for (guint i = 0; ctx->ok && i < late->len && (int64_t)late->len <= allowed; i++) {
        gchar **row = g_ptr_array_index(late, i);
        const char *mac_text = row[0];
        const char *ips = row[5];
        /* the address it sends from most (an ARP spoofer also claims others') */
        char *ip = g_strndup(ips, strcspn(ips, ";"));
        Hit hit = { ip[0] ? ip : mac_text,
                    "",
                    "",
                    1,
                    g_ascii_strtoll(row[1], NULL, 10),
                    g_ascii_strtoll(row[2], NULL, 10),
                    g_ascii_strtoull(row[3], NULL, 10),
                    g_ascii_strtoull(row[4], NULL, 10) };
        Finding *f = rule_hit(ctx, mac_text, &hit);
        MacAddr mac;
        macaddr_parse(mac_text, &mac);
        const char *vendor = oui_vendor(&mac);
        char when[OTS_TIME_STRLEN];
        rule_note(ctx, f, "%s%s%s%s%s%s first seen at %s, %" G_GINT64_FORMAT " s into the capture",
                  mac_text, vendor[0] ? " (" : "", vendor, vendor[0] ? ")" : "",
                  ips[0] ? " as " : "", ips, time_iso(hit.first_ns, when),
                  (hit.first_ns - ctx->cap_first_ns) / ns_per_s);
        g_free(ip);
    }
    g_ptr_array_unref(late);
}

const RuleDesc rule_new_device = { "new-device", new_device_run, 0 };
