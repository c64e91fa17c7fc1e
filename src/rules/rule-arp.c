/*
 * rule-arp.c - arp-spoof and ip-conflict: who claims which IPv4 address in
 * ARP.
 *
 * The model counts, per (MAC, IP), the ARP messages in which the MAC
 * claimed the IP (endpoints.arp_claims).  An address claimed by two MACs
 * in one capture, on one VLAN (a private range reused on two VLANs is two
 * broadcast domains, not a conflict), is one of:
 *   arp-spoof    the newcomer claims several addresses, or claims a
 *                gateway's (a MAC that routes for others) while the
 *                gateway does: the shape of ARP poisoning (critical for a
 *                gateway)
 *   ip-conflict  two devices configured alike (medium); when the claims do
 *                not overlap in time the address moved between devices
 *                (DHCP, a replaced device: low)
 * First-hop redundancy MACs (VRRP, HSRP, GLBP) move between routers by
 * design and are ignored.  arp-spoof also reports a gateway address whose
 * MAC differs from the one that claimed it in earlier captures of the DB,
 * and gratuitous ARP storms: one MAC sending at least ARP_STORM_MIN
 * unsolicited broadcast replies, more than ARP_STORM_PER_MINUTE a minute.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    KIND_SPOOF,
    KIND_CONFLICT,
    ARP_STORM_MIN = 100,
    ARP_STORM_PER_MINUTE = 30,
    ARP_REPLY = 2,
    NS_PER_MINUTE = 60,
};

static const char *const redundancy_prefixes[] = {
    "00:00:5e:00:01:", "00:00:5e:00:02:", /* VRRP v4/v6 */
    "00:00:0c:07:ac:", "00:00:0c:9f:f",   /* HSRP v1/v2 */
    "00:07:b4:00:",                       /* GLBP */
};

static bool is_redundancy_mac(const char *mac)
{
    for (size_t i = 0; i < G_N_ELEMENTS(redundancy_prefixes); i++)
        if (g_str_has_prefix(mac, redundancy_prefixes[i]))
            return true;
    return false;
}

typedef struct Claim {
    char *mac;
    int64_t claims;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t first_pkt;
    uint64_t last_pkt;
    int64_t n_ips; /* addresses this MAC claims in the capture */
    bool is_router;
} Claim;

static void claim_free(gpointer p)
{
    Claim *c = p;
    g_free(c->mac);
    g_free(c);
}

static GPtrArray *claims_of(RuleCtx *ctx, const char *ip, int64_t vlan)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT e.mac, e.arp_claims, e.first_ns, e.last_ns, e.first_pkt,"
                                  " e.last_pkt,"
                                  " (SELECT count(*) FROM endpoints x WHERE x.capture_id=?1"
                                  "  AND x.mac=e.mac AND x.vlan=e.vlan AND x.arp_claims>0"
                                  "  AND x.ip<>''),"
                                  " EXISTS (SELECT 1 FROM assets a WHERE a.mac=e.mac"
                                  "  AND a.role='network-device')"
                                  " FROM endpoints e WHERE e.capture_id=?1 AND e.ip=?2"
                                  " AND e.vlan=?3 AND e.arp_claims>0 ORDER BY e.first_ns");
    GPtrArray *claims = g_ptr_array_new_with_free_func(claim_free);
    if (!st)
        return claims;
    sqlite3_bind_text(st, 2, ip, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, vlan);
    while (rule_step(ctx, st)) {
        const char *mac = rule_text(st, 0);
        if (is_redundancy_mac(mac))
            continue;
        Claim *c = g_new0(Claim, 1);
        c->mac = g_strdup(mac);
        c->claims = rule_int(st, 1);
        c->first_ns = rule_int(st, 2);
        c->last_ns = rule_int(st, 3);
        c->first_pkt = (uint64_t)rule_int(st, 4);
        c->last_pkt = (uint64_t)rule_int(st, 5);
        c->n_ips = rule_int(st, 6);
        c->is_router = sqlite3_column_int(st, 7) != 0;
        g_ptr_array_add(claims, c);
    }
    return claims;
}

static void shared_addresses(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT ip, vlan FROM endpoints WHERE capture_id=?1 AND ip<>''"
                                  " AND ip<>'0.0.0.0' AND arp_claims>0 GROUP BY ip, vlan"
                                  " HAVING count(DISTINCT mac)>=2 ORDER BY min(first_pkt)");
    GPtrArray *ips = g_ptr_array_new_with_free_func(g_free);
    GArray *vlans = g_array_new(FALSE, FALSE, sizeof(int64_t));
    while (rule_step(ctx, st)) {
        int64_t vlan = rule_int(st, 1);
        g_ptr_array_add(ips, g_strdup(rule_text(st, 0)));
        g_array_append_val(vlans, vlan);
    }
    for (guint i = 0; i < ips->len && ctx->ok; i++) {
        const char *ip = g_ptr_array_index(ips, i);
        GPtrArray *claims = claims_of(ctx, ip, g_array_index(vlans, int64_t, i));
        if (claims->len < 2) {
            g_ptr_array_unref(claims);
            continue;
        }
        const Claim *owner = g_ptr_array_index(claims, 0);
        bool is_gateway = owner->is_router;
        for (guint j = 1; j < claims->len; j++) {
            const Claim *c = g_ptr_array_index(claims, j);
            bool overlaps = c->first_ns <= owner->last_ns;
            bool is_spoof = c->n_ips >= 2 || (overlaps && is_gateway);
            if ((is_spoof ? KIND_SPOOF : KIND_CONFLICT) != ctx->rule->arg)
                continue;
            Hit hit = { c->mac, ip, proto_name(PROTO_ID(arp)), (uint64_t)c->claims,
                        owner->first_ns, c->last_ns, owner->first_pkt, c->last_pkt };
            if (c->first_pkt < owner->first_pkt)
                hit.first_pkt = c->first_pkt;
            Finding *f = rule_hitf(ctx, &hit, "%s/%s", ip, c->mac);
            rule_note(ctx, f, "%s claimed by %s (%" G_GINT64_FORMAT " ARP messages) and by %s (%"
                      G_GINT64_FORMAT ")",
                      ip, owner->mac, owner->claims, c->mac, c->claims);
            if (is_spoof) {
                rule_title(f, is_gateway ? "gateway address claimed by another MAC"
                                         : "one MAC claims addresses of others");
                if (is_gateway)
                    rule_raise(f, SEV_CRITICAL);
                if (c->n_ips >= 2)
                    rule_note(ctx, f, "%s claims %" G_GINT64_FORMAT " addresses in this capture",
                              c->mac, c->n_ips);
            } else if (!overlaps) {
                rule_title(f, "address moved to another device");
                rule_lower(f, SEV_LOW);
            } else {
                rule_title(f, "two devices use one address");
            }
        }
        g_ptr_array_unref(claims);
    }
    g_ptr_array_unref(ips);
    g_array_free(vlans, TRUE);
}

/* A gateway address whose MAC is not the one earlier captures saw. */
static void gateway_changes(RuleCtx *ctx)
{
    /* the gateways' addresses first (few rows: the routers' own claims in
     * other captures), then who claims them in this one */
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "WITH gw(ip, mac) AS (SELECT DISTINCT o.ip, o.mac FROM assets a"
                         "  JOIN endpoints o ON o.mac=a.mac WHERE a.role='network-device'"
                         "  AND o.capture_id<>?1 AND o.arp_claims>0 AND o.ip<>'')"
                         " SELECT e.mac, e.ip, ?2, e.arp_claims, e.first_ns, e.last_ns,"
                         " e.first_pkt, e.last_pkt, gw.mac FROM gw"
                         " JOIN endpoints e ON e.capture_id=?1 AND e.ip=gw.ip"
                         "  AND e.mac<>gw.mac AND e.arp_claims>0"
                         " WHERE NOT EXISTS (SELECT 1 FROM endpoints n WHERE n.capture_id=?1"
                         "  AND n.mac=gw.mac AND n.ip=gw.ip AND n.arp_claims>0)"
                         " GROUP BY e.mac, e.ip",
                         PROTO_ID(arp));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *before = rule_text(st, 8);
        if (is_redundancy_mac(hit.src) || is_redundancy_mac(before))
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s/%s", hit.dst, hit.src);
        rule_title(f, "gateway MAC changed");
        rule_note(ctx, f, "gateway %s was at %s in earlier captures, now at %s", hit.dst, before,
                  hit.src);
    }
}

/* Broadcast ARP replies are booked on rows whose requester is the
 * broadcast address: nobody asked.  (Requests cannot tell a gratuitous
 * announcement from a host asking again and again for a device that is
 * off, so they are not counted.) */
static void storms(RuleCtx *ctx)
{
    char sql[1024];
    g_snprintf(sql, sizeof sql,
               "SELECT dst, src, protocol, sum(responses), min(first_ns), max(last_ns),"
               " min(first_pkt), max(last_pkt) FROM ops WHERE capture_id=?1 AND protocol=?2"
               " AND function_code=%d AND src='ff:ff:ff:ff:ff:ff' GROUP BY dst"
               " HAVING sum(responses)>=%d"
               " AND sum(responses)*%d*1000000000>=%d*(max(last_ns)-min(first_ns)+1)",
               ARP_REPLY, ARP_STORM_MIN, NS_PER_MINUTE, ARP_STORM_PER_MINUTE);
    sqlite3_stmt *st = rule_query_proto(ctx, sql, PROTO_ID(arp));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        Finding *f = rule_hitf(ctx, &hit, "%s/storm", hit.src);
        rule_title(f, "gratuitous ARP storm");
        rule_lower(f, SEV_MEDIUM);
        rule_note(ctx, f, "%s sent %" G_GUINT64_FORMAT " unsolicited broadcast ARP replies",
                  hit.src, hit.count);
    }
}

static void arp_spoof_run(RuleCtx *ctx)
{
    shared_addresses(ctx);
    gateway_changes(ctx);
    storms(ctx);
}

static void ip_conflict_run(RuleCtx *ctx)
{
    shared_addresses(ctx);
}

const RuleDesc rule_arp_spoof = { "arp-spoof", arp_spoof_run, KIND_SPOOF };
const RuleDesc rule_ip_conflict = { "ip-conflict", ip_conflict_run, KIND_CONFLICT };
