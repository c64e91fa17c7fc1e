/*
 * seen-assets.c - the assets a capture saw sending (site-rules.h).  A
 * device on the segment is matched by MAC (on any VLAN), a device behind a
 * router by its IP addresses.
 */
#include "config.h"

#include "site-rules.h"

static const char seen_sql[] =
    "SELECT a.asset_id, min(e.first_ns), max(e.last_ns), min(e.first_pkt),"
    " max(coalesce(e.last_pkt, e.first_pkt)), sum(e.tx_packets + e.rx_packets)"
    " FROM endpoints e JOIN assets a ON a.kind='mac' AND a.mac=e.mac"
    " WHERE e.capture_id=?1 AND e.tx_packets>0 GROUP BY a.asset_id"
    " UNION ALL"
    " SELECT a.asset_id, min(e.first_ns), max(e.last_ns), min(e.first_pkt),"
    " max(coalesce(e.last_pkt, e.first_pkt)), sum(e.tx_packets + e.rx_packets)"
    " FROM endpoints e JOIN asset_ips i ON i.ip=e.ip JOIN assets a ON a.asset_id=i.asset_id"
    " AND a.kind<>'mac' WHERE e.capture_id=?1 AND e.tx_packets>0 GROUP BY a.asset_id";

GHashTable *seen_assets(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx, seen_sql);
    if (!st)
        return NULL;
    GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
    while (rule_step(ctx, st)) {
        AssetSeen *s = g_new0(AssetSeen, 1);
        s->asset_id = rule_int(st, 0);
        s->first_ns = rule_int(st, 1);
        s->last_ns = rule_int(st, 2);
        s->first_pkt = (uint64_t)rule_int(st, 3);
        s->last_pkt = (uint64_t)rule_int(st, 4);
        s->packets = (uint64_t)rule_int(st, 5);
        g_hash_table_replace(seen, &s->asset_id, s);
    }
    if (!ctx->ok) {
        g_hash_table_unref(seen);
        return NULL;
    }
    return seen;
}

void seen_asset_hit(const AssetSeen *seen, const char *addr, Hit *hit)
{
    hit->src = addr;
    hit->dst = "";
    hit->protocol = "";
    hit->count = 1;
    hit->first_ns = seen->first_ns;
    hit->last_ns = seen->last_ns;
    hit->first_pkt = seen->first_pkt;
    hit->last_pkt = seen->last_pkt;
}

const char *site_baseline_label(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT (SELECT value FROM baseline_meta WHERE key='source'),"
                                       " (SELECT value FROM baseline_meta WHERE key='window'),"
                                       " (SELECT count(*) FROM baseline_meta)");
    const char *label = NULL;
    if (rule_step(ctx, st)) {
        if (rule_int(st, 2) > 0) {
            char *text = g_strdup_printf("the baseline of %s (%s)", rule_text(st, 0),
                                         rule_text(st, 1));
            label = g_string_chunk_insert(ctx->strings, text);
            g_free(text);
        }
        sqlite3_finalize(st);
    }
    return label;
}

static const ProtoId housekeeping[] = {
    PROTO_ID(arp), PROTO_ID(lldp), PROTO_ID(cdp), PROTO_ID(dhcp),
    PROTO_ID(mdns), PROTO_ID(llmnr), PROTO_ID(nbns), PROTO_ID(ssdp), PROTO_ID(stp),
};

bool site_is_housekeeping(const char *protocol)
{
    ProtoId id;
    if (!proto_from_name(protocol, &id))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(housekeeping); i++)
        if (housekeeping[i] == id)
            return true;
    return false;
}
