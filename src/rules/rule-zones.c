/*
 * rule-zones.c - zone-violation: a conversation between two zones of the
 * site's zone policy (`otscope zones load`) that no conduit allows.
 *
 * An address belongs to the zone of the best policy line that covers it:
 * lines naming the conversation's VLAN before lines without one (a bare
 * "vlan N" line covers the whole VLAN), then the longest prefix, then the
 * first line.  So one private range used on two VLANs stays two zones.
 * Traffic inside a zone is always allowed; so is traffic between two
 * addresses no line covers.  An address no line covers, talking to a
 * zoned one, is in the zone "unzoned", which conduits may name.  A
 * conduit "A -> B" allows conversations opened from A to B (`<->` both
 * ways) for its protocols: canonical names, "tcp/PORT" / "udp/PORT", or
 * "any".  Broadcast and multicast, and conversations between MAC
 * addresses (link-layer protocols cannot cross a router), are not judged.
 * One finding per client, server and protocol; high for an industrial
 * protocol or a conversation into a lower Purdue level, else medium.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cidr.h"
#include "rules-int.h"

static const char unzoned[] = "unzoned";

typedef struct ZoneNet {
    bool has_cidr;
    Cidr cidr;
    int64_t vlan; /* -1: any */
    char *zone;
    char *level;
    int64_t line;
} ZoneNet;

typedef struct Conduit {
    char *src;
    char *dst;
    bool is_both;
    gchar **protocols;
    int64_t line;
} Conduit;

typedef struct Policy {
    GArray *nets;     /* ZoneNet */
    GArray *conduits; /* Conduit */
} Policy;

static void policy_clear(Policy *p)
{
    for (guint i = 0; p->nets && i < p->nets->len; i++) {
        ZoneNet *n = &g_array_index(p->nets, ZoneNet, i);
        g_free(n->zone);
        g_free(n->level);
    }
    for (guint i = 0; p->conduits && i < p->conduits->len; i++) {
        Conduit *c = &g_array_index(p->conduits, Conduit, i);
        g_free(c->src);
        g_free(c->dst);
        g_strfreev(c->protocols);
    }
    if (p->nets)
        g_array_free(p->nets, TRUE);
    if (p->conduits)
        g_array_free(p->conduits, TRUE);
}

static bool policy_load(RuleCtx *ctx, Policy *p)
{
    p->nets = g_array_new(FALSE, FALSE, sizeof(ZoneNet));
    p->conduits = g_array_new(FALSE, FALSE, sizeof(Conduit));
    sqlite3_stmt *st = rule_query(ctx, "SELECT n.cidr, n.vlan, n.zone, z.level, n.line FROM zone_nets n"
                                       " JOIN zones z USING (zone) ORDER BY n.net_id");
    while (rule_step(ctx, st)) {
        ZoneNet n;
        memset(&n, 0, sizeof n);
        const char *cidr = rule_text(st, 0);
        n.has_cidr = cidr[0] != '\0';
        if (n.has_cidr && !cidr_parse(cidr, &n.cidr))
            continue; /* checked on load; a hand-edited row is skipped */
        n.vlan = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : rule_int(st, 1);
        n.zone = g_strdup(rule_text(st, 2));
        n.level = g_strdup(rule_text(st, 3));
        n.line = rule_int(st, 4);
        g_array_append_val(p->nets, n);
    }
    st = rule_query(ctx, "SELECT src_zone, dst_zone, is_both, protocols, line FROM zone_conduits"
                         " ORDER BY conduit_id");
    while (rule_step(ctx, st)) {
        Conduit c = { g_strdup(rule_text(st, 0)), g_strdup(rule_text(st, 1)), rule_int(st, 2) != 0,
                      g_strsplit(rule_text(st, 3), ";", -1), rule_int(st, 4) };
        g_array_append_val(p->conduits, c);
    }
    return ctx->ok;
}

/* The policy line an address falls under, or NULL. */
static const ZoneNet *zone_of(const Policy *p, const char *addr, int64_t vlan)
{
    IpAddr ip;
    if (!ipaddr_parse(addr, &ip))
        return NULL;
    const ZoneNet *best = NULL;
    int best_rank = -1;
    for (guint i = 0; i < p->nets->len; i++) {
        const ZoneNet *n = &g_array_index(p->nets, ZoneNet, i);
        if (n->vlan >= 0 && n->vlan != vlan)
            continue;
        if (n->has_cidr ? !cidr_contains(&n->cidr, &ip) : n->vlan < 0)
            continue;
        /* VLAN-specific first (+1000), then the longest prefix */
        int rank = (n->vlan >= 0 ? 1000 : 0) + (n->has_cidr ? n->cidr.prefix : 0);
        if (rank > best_rank) {
            best = n;
            best_rank = rank;
        }
    }
    return best;
}

static bool conduit_allows(const Conduit *c, const char *protocol, const char *transport,
                           int64_t port)
{
    char *tp = g_strdup_printf("%s/%" G_GINT64_FORMAT, transport, port);
    bool ok = false;
    for (gchar **t = c->protocols; *t && !ok; t++)
        ok = g_ascii_strcasecmp(*t, "any") == 0 || strcmp(*t, protocol) == 0 ||
             strcmp(*t, tp) == 0;
    g_free(tp);
    return ok;
}

/* The conduit allowing it, or NULL; *others lists the protocols the
 * conduits between the two zones do allow (for the evidence). */
static const Conduit *allowed_by(const Policy *p, const char *zs, const char *zd,
                                 const char *protocol, const char *transport, int64_t port,
                                 GString *others)
{
    for (guint i = 0; i < p->conduits->len; i++) {
        const Conduit *c = &g_array_index(p->conduits, Conduit, i);
        bool fits = (strcmp(c->src, zs) == 0 && strcmp(c->dst, zd) == 0) ||
                    (c->is_both && strcmp(c->src, zd) == 0 && strcmp(c->dst, zs) == 0);
        if (!fits)
            continue;
        if (conduit_allows(c, protocol, transport, port))
            return c;
        for (gchar **t = c->protocols; *t; t++)
            g_string_append_printf(others, "%s%s", others->len ? " " : "", *t);
    }
    return NULL;
}

/* Purdue levels are numbers ("1", "3.5"); NAN-free: unknown is -1. */
static double level_of(const ZoneNet *n)
{
    if (!n || !n->level[0])
        return -1;
    return g_ascii_strtod(n->level, NULL);
}

static void zone_violation_run(RuleCtx *ctx)
{
    Policy p;
    memset(&p, 0, sizeof p);
    if (!policy_load(ctx, &p) || p.nets->len == 0) {
        policy_clear(&p);
        return;
    }
    sqlite3_stmt *st = rule_query(ctx, "SELECT src, dst, protocol, sum(packets), min(first_ns),"
                                       " max(last_ns), min(first_pkt),"
                                       " max(coalesce(last_pkt, first_pkt)), vlan, transport, port"
                                       " FROM comms WHERE capture_id=?1"
                                       " GROUP BY src, dst, vlan, protocol, transport, port"
                                       " ORDER BY min(first_pkt)");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        AddrKind ks = rule_addr_kind(hit.src);
        AddrKind kd = rule_addr_kind(hit.dst);
        if (ks == ADDR_MAC || kd == ADDR_MAC || ks == ADDR_GROUP || kd == ADDR_GROUP ||
            ks == ADDR_EMPTY || kd == ADDR_EMPTY)
            continue;
        int64_t vlan = rule_int(st, 8);
        const ZoneNet *ns = zone_of(&p, hit.src, vlan);
        const ZoneNet *nd = zone_of(&p, hit.dst, vlan);
        if (!ns && !nd)
            continue;
        const char *zs = ns ? ns->zone : unzoned;
        const char *zd = nd ? nd->zone : unzoned;
        if (strcmp(zs, zd) == 0)
            continue;
        const char *transport = rule_text(st, 9);
        int64_t port = rule_int(st, 10);
        GString *others = g_string_new(NULL);
        if (allowed_by(&p, zs, zd, hit.protocol, transport, port, others)) {
            g_string_free(others, TRUE);
            continue;
        }
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        char *title = g_strdup_printf("%s -> %s (%s)", zs, zd, hit.protocol);
        rule_title(f, title);
        g_free(title);
        char *where_s = ns ? g_strdup_printf("zone %s, level %s, line %" G_GINT64_FORMAT, zs,
                                             ns->level[0] ? ns->level : "?", ns->line)
                           : g_strdup("in no zone");
        char *where_d = nd ? g_strdup_printf("zone %s, level %s, line %" G_GINT64_FORMAT, zd,
                                             nd->level[0] ? nd->level : "?", nd->line)
                           : g_strdup("in no zone");
        rule_note(ctx, f, "%s (%s) -> %s (%s) %s %s/%" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT
                  " packets: no conduit %s -> %s allows it%s%s%s", hit.src, where_s, hit.dst,
                  where_d, hit.protocol, transport, port, hit.count, zs, zd,
                  others->len ? " (allowed there: " : "", others->str, others->len ? ")" : "");
        g_free(where_s);
        g_free(where_d);
        g_string_free(others, TRUE);
        double ls = level_of(ns);
        double ld = level_of(nd);
        if (rule_is_ot_protocol(hit.protocol) || (ls >= 0 && ld >= 0 && ld < ls))
            rule_raise(f, SEV_HIGH);
        else
            rule_lower(f, SEV_MEDIUM);
    }
    policy_clear(&p);
}

const RuleDesc rule_zone_violation = { "zone-violation", zone_violation_run, 0 };
