/*
 * rule-external.c - external-comm: plant hosts talking to the internet.
 *
 * A conversation between a local address (RFC 1918, link-local, CGN, ULA)
 * and a public one is external.  One finding per plant host that reached
 * out (naming its busiest internet peer, counting the conversations: a
 * host that talks to fifty CDN addresses is one row); inbound, one per
 * internet host or one per plant host reached, whichever is fewer (a
 * scanner sweeping the plant is one row, a flood of spoofed sources at
 * one service too).  A
 * conversation "opened" from the internet to an ephemeral port of a plant
 * host is a reply whose request the capture missed: outbound.  Severity rises with what is exposed:
 *   inbound to an industrial service         critical
 *   inbound to anything else                 high
 *   outbound in an industrial protocol, or
 *   from a host that serves one (a PLC)      high
 *   other outbound                           the rule's severity
 * An industrial service between two public addresses (a device on a
 * public address answering internet scanners) is reported as inbound,
 * unless both are in one /16: a site that numbers its plant with public
 * addresses.
 * DNS questions for internet names (a TLD that is not one of the private
 * suffixes below) from a host with no external conversation of its own
 * are reported low: the name was wanted, the traffic may go elsewhere.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    EPHEMERAL_MIN = 49152,     /* IANA dynamic ports */
    UDP_EPHEMERAL_MIN = 32768, /* Linux's default range starts here */
};

/* Suffixes that never leave a site (RFC 6761/6762/8375 and common AD habits). */
static const char *const private_tlds[] = {
    "local", "internal", "lan", "corp", "home", "intranet", "localdomain", "arpa",
    "test",  "invalid",  "localhost", "private", "domain", "workgroup", "intra", "plant",
};

/* Two public IPv4 addresses in one /16 are one site that uses public
 * addressing inside (universities, old plants), not the internet. */
static bool is_same_site(const char *a, const char *b)
{
    IpAddr x;
    IpAddr y;
    if (!ipaddr_parse(a, &x) || !ipaddr_parse(b, &y) || !ipaddr_is_v4(&x) || !ipaddr_is_v4(&y))
        return false;
    return (ipaddr_v4(&x) >> 16) == (ipaddr_v4(&y) >> 16);
}

static bool serves_ot(RuleCtx *ctx, const char *host)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT DISTINCT protocol FROM comms WHERE capture_id=?1"
                                       " AND dst=?2");
    if (!st)
        return false;
    sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC);
    bool is_ot = false;
    while (!is_ot && rule_step(ctx, st))
        is_ot = rule_is_ot_protocol(rule_text(st, 0));
    if (is_ot)
        sqlite3_finalize(st);
    return is_ot;
}

static const char sql_comms[] = "SELECT src, dst, protocol, 1, first_ns, last_ns, first_pkt,"
                                " last_pkt, port, transport FROM comms WHERE capture_id=?1"
                                " ORDER BY packets DESC, first_pkt";

typedef enum Direction { DIR_NONE, DIR_OUT, DIR_IN } Direction;

/* Which way the row crosses the site's edge; swaps hit's ends for a reply
 * seen first (the capture began after the request: the "server" port is
 * the plant host's ephemeral one). */
static Direction direction(sqlite3_stmt *st, Hit *hit)
{
    AddrKind sk = rule_addr_kind(hit->src);
    AddrKind dk = rule_addr_kind(hit->dst);
    int64_t port = rule_int(st, 8);
    bool is_udp = strcmp(rule_text(st, 9), "udp") == 0;
    if (sk == ADDR_LOCAL && dk == ADDR_PUBLIC)
        return DIR_OUT;
    if (sk != ADDR_PUBLIC)
        return DIR_NONE;
    if (dk == ADDR_LOCAL) {
        if (port < EPHEMERAL_MIN && !(is_udp && port >= UDP_EPHEMERAL_MIN))
            return DIR_IN;
        const char *src = hit->src;
        hit->src = hit->dst;
        hit->dst = src;
        return DIR_OUT;
    }
    if (dk == ADDR_PUBLIC && rule_is_ot_protocol(hit->protocol) &&
        !is_same_site(hit->src, hit->dst))
        return DIR_IN;
    return DIR_NONE;
}

typedef struct Crossing {
    Hit hit;   /* strings in ctx->strings */
    char *src; /* the same strings, for hash tables */
    char *dst;
    Direction dir;
    const char *transport;
    int64_t port;
} Crossing;

/* Inbound findings are keyed by the side with fewer distinct addresses: a
 * scanner sweeping the plant is one row, and so is a plant service hit by
 * a flood of spoofed internet sources. */
static bool inbound_by_remote(const GArray *rows)
{
    GHashTable *remotes = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *locals = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < rows->len; i++) {
        const Crossing *x = &g_array_index(rows, Crossing, i);
        if (x->dir != DIR_IN)
            continue;
        g_hash_table_add(remotes, x->src);
        g_hash_table_add(locals, x->dst);
    }
    bool by_remote = g_hash_table_size(remotes) <= g_hash_table_size(locals);
    g_hash_table_destroy(remotes);
    g_hash_table_destroy(locals);
    return by_remote;
}

static void conversations(RuleCtx *ctx, GHashTable *external_hosts)
{
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(Crossing));
    sqlite3_stmt *st = rule_query(ctx, sql_comms);
    while (rule_step(ctx, st)) {
        Crossing x;
        rule_hit_columns(st, 0, &x.hit);
        x.dir = direction(st, &x.hit);
        if (x.dir == DIR_NONE)
            continue;
        x.src = g_string_chunk_insert_const(ctx->strings, x.hit.src);
        x.dst = g_string_chunk_insert_const(ctx->strings, x.hit.dst);
        x.hit.src = x.src;
        x.hit.dst = x.dst;
        x.hit.protocol = g_string_chunk_insert_const(ctx->strings, x.hit.protocol);
        x.transport = g_string_chunk_insert_const(ctx->strings, rule_text(st, 9));
        x.port = rule_int(st, 8);
        g_array_append_val(rows, x);
    }
    bool by_remote = inbound_by_remote(rows);
    for (guint i = 0; i < rows->len && ctx->ok; i++) {
        const Crossing *x = &g_array_index(rows, Crossing, i);
        const Hit *hit = &x->hit;
        bool is_out = x->dir == DIR_OUT;
        bool is_ot = rule_is_ot_protocol(hit->protocol);
        char *local = is_out ? x->src : x->dst;
        char *key = is_out ? g_strdup_printf("%s/out", local)
                           : g_strdup_printf("%s/in", by_remote ? hit->src : hit->dst);
        bool is_new = !g_hash_table_contains(ctx->by_key, key);
        Finding *f = rule_hit(ctx, key, hit);
        g_free(key);
        g_hash_table_add(external_hosts, local);
        rule_note(ctx, f, "%s reached %s on %s/%" G_GINT64_FORMAT " (%s)", hit->src, hit->dst,
                  x->transport, x->port, hit->protocol);
        if (!is_out) {
            rule_title(f, is_ot ? "industrial service reachable from the internet"
                                : "service reachable from the internet");
            rule_raise(f, is_ot ? SEV_CRITICAL : SEV_HIGH);
        } else {
            rule_title(f, "host talks to the internet");
            if (is_ot || (is_new && serves_ot(ctx, local)))
                rule_raise(f, SEV_HIGH);
        }
    }
    g_array_free(rows, TRUE);
}

static bool is_internet_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !dot[1])
        return false;
    const char *tld = dot + 1;
    for (const char *p = tld; *p; p++)
        if (!g_ascii_isalpha(*p))
            return false;
    for (size_t i = 0; i < G_N_ELEMENTS(private_tlds); i++)
        if (g_ascii_strcasecmp(tld, private_tlds[i]) == 0)
            return false;
    return true;
}

static void internet_names(RuleCtx *ctx, GHashTable *external_hosts)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT src, dst, protocol, count, first_ns, last_ns, first_pkt,"
                         " last_pkt, detail, variants FROM ops WHERE capture_id=?1"
                         " AND protocol=?2 AND count>0 ORDER BY first_pkt",
                         PROTO_ID(dns));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *detail = rule_text(st, 8);
        const char *space = strrchr(detail, ' ');
        const char *name = space ? space + 1 : detail;
        if (rule_addr_kind(hit.src) != ADDR_LOCAL || !is_internet_name(name) ||
            g_hash_table_contains(external_hosts, hit.src))
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s/dns", hit.src);
        rule_title(f, "host resolves internet names");
        rule_lower(f, SEV_LOW);
        rule_note(ctx, f, "%s asked %s for %s (%" G_GINT64_FORMAT " distinct questions)", hit.src,
                  hit.dst, name, rule_int(st, 9));
    }
}

static void external_run(RuleCtx *ctx)
{
    GHashTable *external_hosts = g_hash_table_new(g_str_hash, g_str_equal);
    conversations(ctx, external_hosts);
    internet_names(ctx, external_hosts);
    g_hash_table_destroy(external_hosts);
}

const RuleDesc rule_external_comm = { "external-comm", external_run, 0 };
