/*
 * rule-baseline.c - new-asset, new-comm, new-ot-function, changed-identity:
 * what a capture shows that the DB's baseline (the baseline_* tables,
 * loaded by `otscope baseline check` or `analyze --baseline`) does not.
 *
 * All four stay silent when no baseline is loaded.
 *   new-asset         a device that sent traffic in this capture and is
 *                     not among the baseline's assets (same MAC and VLAN,
 *                     or same IP behind a router).  Internet peers are
 *                     left to external-comm.
 *   new-comm          a conversation (client, server, VLAN, protocol,
 *                     transport, port) the baseline has not; one finding
 *                     per client, server and protocol.  Link-layer
 *                     housekeeping and IT broadcasts are not judged.
 *   new-ot-function   an industrial function code never used between a
 *                     pair that did talk in the baseline (on a new pair
 *                     every code is new: new-comm lists them instead).
 *   changed-identity  a vendor, model, order number, serial, firmware or
 *                     name an address announces that differs from every
 *                     value the baseline knew for it.
 * Severity: the rule's default, raised to high for writes, control and
 * program operations and for firmware, model and serial changes; lowered
 * to low for new IT conversations.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "otscope/util.h"
#include "rules-int.h"
#include "site-rules.h"

static bool is_forceful(const char *cls)
{
    return strcmp(cls, opclass_name(OP_WRITE)) == 0 || strcmp(cls, opclass_name(OP_CONTROL)) == 0 ||
           strcmp(cls, opclass_name(OP_PROGRAM)) == 0 || strcmp(cls, opclass_name(OP_CONFIG)) == 0;
}

/* ---- new-asset ----------------------------------------------------------------- */

static bool is_listable(const char *kind, const char *ips)
{
    if (strcmp(kind, "mac") == 0)
        return true;
    char first[OTS_ADDR_STRLEN];
    g_strlcpy(first, ips, sizeof first);
    first[strcspn(first, ";")] = '\0';
    return rule_addr_kind(first) == ADDR_LOCAL;
}

/* Did the asset's addresses send forceful OT requests in this capture? */
static bool sent_commands(RuleCtx *ctx, int64_t asset_id)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT count(*) FROM ops o WHERE o.capture_id=?1 AND"
                                       " o.count>0 AND o.class IN (?3,?4,?5,?6) AND o.src IN"
                                       " (SELECT ip FROM asset_ips WHERE asset_id=?2 UNION"
                                       "  SELECT mac FROM assets WHERE asset_id=?2)");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 2, asset_id);
    sqlite3_bind_text(st, 3, opclass_name(OP_WRITE), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, opclass_name(OP_CONTROL), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, opclass_name(OP_PROGRAM), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, opclass_name(OP_CONFIG), -1, SQLITE_STATIC);
    bool sent = false;
    if (rule_step(ctx, st)) {
        sent = rule_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    return sent;
}

static void new_asset_run(RuleCtx *ctx)
{
    const char *label = site_baseline_label(ctx);
    if (!label)
        return;
    GHashTable *seen = seen_assets(ctx);
    if (!seen)
        return;
    /* a listed IP now carried by another MAC: say whose it was */
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT a.asset_id, a.asset_key, a.kind, a.mac, a.vendor, a.role,"
             " coalesce((SELECT group_concat(ip, ';') FROM (SELECT ip FROM asset_ips"
             "  WHERE asset_id=a.asset_id ORDER BY ip)), ''),"
             " (SELECT group_concat(b.mac || ' (' || i.ip || ')', ', ') FROM baseline_assets b"
             "  JOIN asset_ips i ON i.asset_id=a.asset_id AND b.mac<>''"
             "  AND ';' || b.ips || ';' LIKE '%;' || i.ip || ';%')"
             " FROM assets a WHERE a.asset_key NOT IN (SELECT asset_key FROM baseline_assets)"
             /* baselines saved before MAC assets spanned VLANs key a
              * tagged device "mac:..@vlan": its MAC still knows it */
             " AND NOT (a.kind='mac' AND a.mac IN (SELECT mac FROM baseline_assets"
             "  WHERE kind='mac'))"
             " ORDER BY a.asset_id");
    while (rule_step(ctx, st)) {
        int64_t id = rule_int(st, 0);
        const AssetSeen *s = g_hash_table_lookup(seen, &id);
        const char *kind = rule_text(st, 2);
        const char *mac = rule_text(st, 3);
        const char *ips = rule_text(st, 6);
        if (!s || !is_listable(kind, ips))
            continue;
        char *addr = ips[0] ? g_strndup(ips, strcspn(ips, ";")) : g_strdup(mac);
        Hit hit;
        seen_asset_hit(s, addr, &hit);
        Finding *f = rule_hit(ctx, rule_text(st, 1), &hit);
        const char *vendor = rule_text(st, 4);
        char when[OTS_TIME_STRLEN];
        rule_note(ctx, f, "%s%s%s%s%s%s is not in %s; first seen in this capture at %s",
                  mac[0] ? mac : addr, vendor[0] ? " (" : "", vendor, vendor[0] ? ")" : "",
                  mac[0] && ips[0] ? " as " : "", mac[0] ? ips : "", label,
                  time_iso(s->first_ns, when));
        const char *role = rule_text(st, 5);
        if (role[0] && strcmp(role, "unknown") != 0)
            rule_note(ctx, f, "behaves as %s", role);
        const char *was = rule_text(st, 7);
        if (was[0]) {
            rule_note(ctx, f, "the baseline knew its address with another MAC: %s (replaced "
                      "or impersonated)", was);
            rule_raise(f, SEV_HIGH);
        }
        if (sent_commands(ctx, id)) {
            rule_note(ctx, f, "it sent write, control or program operations");
            rule_raise(f, SEV_HIGH);
        }
        g_free(addr);
    }
    g_hash_table_unref(seen);
}

/* ---- new-comm ------------------------------------------------------------------ */

/* The industrial functions src asked of dst in this capture, for evidence. */
static char *functions_of(RuleCtx *ctx, const char *src, const char *dst, bool *is_forceful_out)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT protocol, function, function_code, class, sum(count)"
                                       " FROM ops WHERE capture_id=?1 AND src=?2 AND dst=?3"
                                       " AND count>0 GROUP BY protocol, function_code, function,"
                                       " class ORDER BY sum(count) DESC LIMIT 6");
    GString *s = g_string_new(NULL);
    *is_forceful_out = false;
    if (!st)
        return g_string_free(s, FALSE);
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dst, -1, SQLITE_STATIC);
    while (rule_step(ctx, st)) {
        if (!rule_is_ot_protocol(rule_text(st, 0)))
            continue;
        g_string_append_printf(s, "%s%s (%" G_GINT64_FORMAT ") x%" G_GINT64_FORMAT,
                               s->len ? ", " : "", rule_text(st, 1), rule_int(st, 2),
                               rule_int(st, 4));
        *is_forceful_out = *is_forceful_out || is_forceful(rule_text(st, 3));
    }
    return g_string_free(s, FALSE);
}

static void new_comm_run(RuleCtx *ctx)
{
    const char *label = site_baseline_label(ctx);
    if (!label)
        return;
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT c.src, c.dst, c.protocol, sum(c.packets), min(c.first_ns), max(c.last_ns),"
             " min(c.first_pkt), max(coalesce(c.last_pkt, c.first_pkt)),"
             " group_concat(DISTINCT c.transport || '/' || c.port)"
             " FROM comms c WHERE c.capture_id=?1 AND NOT EXISTS (SELECT 1 FROM baseline_comms b"
             "  WHERE b.src=c.src AND b.dst=c.dst AND b.vlan=c.vlan AND b.protocol=c.protocol"
             "  AND b.transport=c.transport AND b.port=c.port)"
             " GROUP BY c.src, c.dst, c.protocol ORDER BY min(c.first_pkt)");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        bool is_ot = rule_is_ot_protocol(hit.protocol);
        if (site_is_housekeeping(hit.protocol) || (!is_ot && rule_addr_kind(hit.dst) == ADDR_GROUP))
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_title(f, hit.protocol);
        rule_note(ctx, f, "%s -> %s %s %s, %" G_GUINT64_FORMAT " packets: not in %s", hit.src,
                  hit.dst, hit.protocol, rule_text(st, 8), hit.count, label);
        bool forceful = false;
        char *funcs = functions_of(ctx, hit.src, hit.dst, &forceful);
        if (funcs[0])
            rule_note(ctx, f, "functions: %s", funcs);
        g_free(funcs);
        if (!is_ot)
            rule_lower(f, SEV_LOW);
        else if (forceful)
            rule_raise(f, SEV_HIGH);
    }
}

/* ---- new-ot-function ------------------------------------------------------------ */

static void new_ot_function_run(RuleCtx *ctx)
{
    const char *label = site_baseline_label(ctx);
    if (!label)
        return;
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT o.src, o.dst, o.protocol, o.count, o.first_ns, o.last_ns, o.first_pkt,"
             " coalesce(o.last_pkt, o.first_pkt), o.function_code, o.function, o.class, o.detail"
             " FROM ops o WHERE o.capture_id=?1 AND o.count>0"
             " AND NOT EXISTS (SELECT 1 FROM baseline_ops b WHERE b.protocol=o.protocol"
             "  AND b.src=o.src AND b.dst=o.dst AND b.function_code=o.function_code)"
             " AND (EXISTS (SELECT 1 FROM baseline_comms b WHERE b.src=o.src AND b.dst=o.dst)"
             "  OR EXISTS (SELECT 1 FROM baseline_ops b WHERE b.src=o.src AND b.dst=o.dst))"
             " ORDER BY o.first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        if (!rule_is_ot_protocol(hit.protocol))
            continue;
        int64_t code = rule_int(st, 8);
        const char *name = rule_text(st, 9);
        const char *cls = rule_text(st, 10);
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s/%" G_GINT64_FORMAT, hit.src, hit.dst,
                               hit.protocol, code);
        char *title = g_strdup_printf("%s %s (%" G_GINT64_FORMAT ")", hit.protocol, name, code);
        rule_title(f, title);
        g_free(title);
        rule_note(ctx, f, "%s -> %s: %s %s (code %" G_GINT64_FORMAT ", %s) x%" G_GUINT64_FORMAT
                  "%s%s; never used on this pair in %s",
                  hit.src, hit.dst, hit.protocol, name, code, cls, hit.count,
                  rule_text(st, 11)[0] ? ", e.g. " : "", rule_text(st, 11), label);
        if (is_forceful(cls))
            rule_raise(f, SEV_HIGH);
    }
}

/* ---- changed-identity ----------------------------------------------------------- */

static void changed_identity_run(RuleCtx *ctx)
{
    const char *label = site_baseline_label(ctx);
    if (!label)
        return;
    static const AttrKind judged[] = { ATTR_VENDOR, ATTR_MODEL, ATTR_FIRMWARE, ATTR_SERIAL,
                                       ATTR_HOSTNAME, ATTR_DEVICE_NAME, ATTR_ORDER_NUMBER };
    static const AttrKind weighty[] = { ATTR_MODEL, ATTR_FIRMWARE, ATTR_SERIAL,
                                        ATTR_ORDER_NUMBER };
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT a.addr, '', a.protocol, a.count, a.first_ns, a.last_ns, a.first_pkt,"
             " coalesce(a.last_pkt, a.first_pkt), a.name, a.value,"
             " (SELECT group_concat(b.value, ' | ') FROM baseline_idents b WHERE b.addr=a.addr"
             "  AND b.name=a.name)"
             " FROM attrs a WHERE a.capture_id=?1 AND EXISTS (SELECT 1 FROM baseline_idents b"
             "  WHERE b.addr=a.addr AND b.name=a.name)"
             " AND NOT EXISTS (SELECT 1 FROM baseline_idents b WHERE b.addr=a.addr"
             "  AND b.name=a.name AND lower(b.value)=lower(a.value))"
             " ORDER BY a.first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *name = rule_text(st, 8);
        bool is_judged = false;
        bool is_weighty = false;
        for (size_t i = 0; i < G_N_ELEMENTS(judged); i++)
            is_judged = is_judged || strcmp(name, attr_name(judged[i])) == 0;
        for (size_t i = 0; i < G_N_ELEMENTS(weighty); i++)
            is_weighty = is_weighty || strcmp(name, attr_name(weighty[i])) == 0;
        /* DHCP clients announce names from 0.0.0.0: no address to hold */
        if (!is_judged || rule_addr_kind(hit.src) == ADDR_GROUP)
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s/%s", hit.src, name);
        char *title = g_strdup_printf("%s of %s", name, hit.src);
        rule_title(f, title);
        g_free(title);
        rule_note(ctx, f, "%s %s: expected %s, observed %s (%s); from %s", hit.src, name,
                  rule_text(st, 10), rule_text(st, 9), hit.protocol, label);
        if (is_weighty)
            rule_raise(f, SEV_HIGH);
    }
}

const RuleDesc rule_new_asset = { "new-asset", new_asset_run, 0 };
const RuleDesc rule_new_comm = { "new-comm", new_comm_run, 0 };
const RuleDesc rule_new_ot_function = { "new-ot-function", new_ot_function_run, 0 };
const RuleDesc rule_changed_identity = { "changed-identity", changed_identity_run, 0 };
