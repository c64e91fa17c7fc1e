/*
 * rule-scan.c - scan: one host probing many ports, hosts or unit ids.
 *
 * Five shapes, each one finding per scanning host (and kind):
 *   port scan     >= SCAN_MIN_PROBES short conversations no dissector
 *                 recognised (TCP <= 4 packets: SYN and RST or SYN-ACK;
 *                 UDP <= 2) over >= SCAN_MIN_PORTS ports or
 *                 >= SCAN_MIN_HOSTS hosts, and at least half of the host's
 *                 conversations (a busy client's few failed connections
 *                 are not a scan); a sweep of one or two ports must
 *                 target mostly local addresses (aborted web connections
 *                 to fifty internet hosts are not one)
 *   ping sweep    ICMP echo requests to >= SCAN_MIN_HOSTS hosts
 *   ARP sweep     ARP requests for >= ARP_SWEEP_MIN_TARGETS distinct
 *                 addresses, fewer than half of them answered (a gateway
 *                 resolves many addresses, and they answer)
 *   ICS discovery identity/discovery requests of an industrial protocol
 *                 to a broadcast group or >= DISCOVERY_MIN_HOSTS hosts, from
 *                 a host that takes no other part in industrial traffic
 *                 (an HMI's periodic List Identity is its job); a broadcast
 *                 request that DISCOVERY_ROUTINE_HOSTS or more hosts send
 *                 alike (PROFINET devices checking their names) is routine
 *   unit-id sweep Modbus requests to >= UNIT_SWEEP_MIN_UNITS unit ids of one
 *                 server, a few requests each (a gateway's poller asks its
 *                 units again and again)
 * Distinct ARP targets and Modbus unit ids come from the ops rows'
 * variants/head_variants estimates (model.h, OpEntry).
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    SCAN_MIN_PROBES = 15,
    SCAN_MIN_PORTS = 5,
    SCAN_MIN_HOSTS = 10,
    SCAN_TCP_MAX_PACKETS = 4,
    SCAN_UDP_MAX_PACKETS = 2,
    ARP_SWEEP_MIN_TARGETS = 20,
    DISCOVERY_MIN_HOSTS = 5,
    DISCOVERY_ROUTINE_HOSTS = 3,
    PARTICIPANT_MIN_PACKETS = 20, /* a unicast industrial conversation this long is work */ /* hosts sending one broadcast discovery alike: routine */
    UNIT_SWEEP_MIN_UNITS = 10,
    UNIT_SWEEP_MAX_PER_UNIT = 4,
    ARP_REQUEST = 1,
    ARP_REPLY = 2,
    ICMP_ECHO_REQUEST = 8,
};

static Finding *scan_hit(RuleCtx *ctx, const char *kind, const Hit *hit, Severity sev)
{
    Finding *f = rule_hitf(ctx, hit, "%s/%s", hit->src, kind);
    rule_title(f, kind);
    f->severity = sev;
    return f;
}

static int64_t comms_of(RuleCtx *ctx, const char *src)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT count(*) FROM comms WHERE capture_id=?1 AND src=?2");
    int64_t n = 0;
    if (!st)
        return 0;
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    if (rule_step(ctx, st)) {
        n = rule_int(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

/* Share (percent) of the hosts src probed that are on local addresses: a
 * sweep maps the plant; a browser's aborted connections go to the internet. */
static int64_t local_share(RuleCtx *ctx, const char *src, const char *transport)
{
    char sql[512];
    g_snprintf(sql, sizeof sql,
               "SELECT DISTINCT dst FROM comms WHERE capture_id=?1 AND src=?2 AND protocol=?3"
               " AND transport=?4 AND packets<=%d",
               SCAN_TCP_MAX_PACKETS);
    sqlite3_stmt *st = rule_query(ctx, sql);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, proto_name(PROTO_UNKNOWN), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, transport, -1, SQLITE_STATIC);
    int64_t n = 0;
    int64_t local = 0;
    while (rule_step(ctx, st)) {
        n++;
        local += rule_addr_kind(rule_text(st, 0)) == ADDR_LOCAL;
    }
    return n ? local * 100 / n : 0;
}

static void port_scans(RuleCtx *ctx)
{
    char sql[1024];
    g_snprintf(sql, sizeof sql,
               "SELECT src, CASE WHEN count(DISTINCT dst)=1 THEN min(dst) ELSE '' END, ?2,"
               " count(*), min(first_ns), max(last_ns), min(first_pkt), max(last_pkt),"
               " count(DISTINCT dst), count(DISTINCT port), transport FROM comms"
               " WHERE capture_id=?1 AND protocol=?2 AND ((transport='tcp' AND packets<=%d)"
               "  OR (transport='udp' AND packets<=%d))"
               " GROUP BY src, transport HAVING count(*)>=%d ORDER BY min(first_pkt)",
               SCAN_TCP_MAX_PACKETS, SCAN_UDP_MAX_PACKETS, SCAN_MIN_PROBES);
    sqlite3_stmt *st = rule_query_proto(ctx, sql, PROTO_UNKNOWN);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        int64_t hosts = rule_int(st, 8);
        int64_t ports = rule_int(st, 9);
        const char *transport = rule_text(st, 10);
        if (ports < SCAN_MIN_PORTS && hosts < SCAN_MIN_HOSTS)
            continue;
        if ((int64_t)hit.count * 2 < comms_of(ctx, hit.src))
            continue;
        if (ports < SCAN_MIN_PORTS && local_share(ctx, hit.src, transport) < 50)
            continue;
        hit.protocol = transport;
        Finding *f = scan_hit(ctx, hosts == 1 ? "port scan" : "port sweep", &hit, SEV_HIGH);
        rule_note(ctx, f,
                  "%s sent %" G_GUINT64_FORMAT " %s probes: %" G_GINT64_FORMAT " ports on %"
                  G_GINT64_FORMAT " hosts, no application data",
                  hit.src, hit.count, transport, ports, hosts);
    }
}

static void ping_sweeps(RuleCtx *ctx)
{
    char sql[512];
    g_snprintf(sql, sizeof sql,
               "SELECT src, '', protocol, sum(count), min(first_ns), max(last_ns), min(first_pkt),"
               " max(last_pkt), count(DISTINCT dst), sum(responses>0) FROM ops"
               " WHERE capture_id=?1 AND protocol=?2 AND function_code=%d AND count>0"
               " GROUP BY src HAVING count(DISTINCT dst)>=%d",
               ICMP_ECHO_REQUEST, SCAN_MIN_HOSTS);
    sqlite3_stmt *st = rule_query_proto(ctx, sql, PROTO_ID(icmp));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        Finding *f = scan_hit(ctx, "ping sweep", &hit, SEV_MEDIUM);
        rule_note(ctx, f, "%s pinged %" G_GINT64_FORMAT " hosts, %" G_GINT64_FORMAT " answered",
                  hit.src, rule_int(st, 8), rule_int(st, 9));
    }
}

static void arp_sweeps(RuleCtx *ctx)
{
    char sql[1024];
    g_snprintf(sql, sizeof sql,
               "SELECT o.src, '', o.protocol, sum(o.count), min(o.first_ns), max(o.last_ns),"
               " min(o.first_pkt), max(o.last_pkt), sum(o.variants),"
               " (SELECT count(DISTINCT r.dst) FROM ops r WHERE r.capture_id=?1 AND"
               "  r.protocol=?2 AND r.function_code=%d AND r.src=o.src AND r.responses>0),"
               " (SELECT group_concat(ip, ';') FROM (SELECT DISTINCT ip FROM endpoints e"
               "  WHERE e.capture_id=?1 AND e.mac=o.src AND e.ip<>'' AND e.arp_claims>0"
               "  ORDER BY ip))"
               " FROM ops o WHERE o.capture_id=?1 AND o.protocol=?2 AND o.function_code=%d"
               " AND o.count>0 GROUP BY o.src HAVING sum(o.variants)>=%d",
               ARP_REPLY, ARP_REQUEST, ARP_SWEEP_MIN_TARGETS);
    sqlite3_stmt *st = rule_query_proto(ctx, sql, PROTO_ID(arp));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        int64_t targets = rule_int(st, 8);
        int64_t answered = rule_int(st, 9);
        const char *ips = rule_text(st, 10);
        if (answered * 2 >= targets)
            continue;
        Finding *f = scan_hit(ctx, "ARP sweep", &hit, SEV_MEDIUM);
        rule_note(ctx, f,
                  "%s%s%s%s asked for about %" G_GINT64_FORMAT " addresses, %" G_GINT64_FORMAT
                  " hosts answered",
                  hit.src, ips[0] ? " (" : "", ips, ips[0] ? ")" : "", targets, answered);
    }
}

/* Announcements are class discovery too, but nobody is asked. */
static const char *const announcements[] = { "i-Am", "i-Have", "hello" };

static bool is_announcement(const char *function)
{
    for (size_t i = 0; i < G_N_ELEMENTS(announcements); i++)
        if (strcmp(function, announcements[i]) == 0)
            return true;
    return false;
}

/* A host that takes part in industrial traffic beyond discovery (it
 * reads, writes or serves), or an HMI, SCADA server or engineering station
 * by inventory: its discovery requests are part of its job. */
static bool is_ot_participant(RuleCtx *ctx, const char *host)
{
    char sql[1024];
    /* protocol and peer: non-discovery ops, lasting conversations, roles.
     * One branch per side, each searching its address index: with
     * "src=?2 OR dst=?2" SQLite read every row of the capture per host. */
    g_snprintf(sql, sizeof sql,
               "SELECT protocol, dst FROM ops WHERE src=?2 AND capture_id=?1"
               " AND (count>0 OR responses>0) AND class NOT IN ('discovery','session')"
               " UNION SELECT protocol, src FROM ops WHERE dst=?2 AND capture_id=?1"
               " AND (count>0 OR responses>0) AND class NOT IN ('discovery','session')"
               " UNION SELECT protocol, dst FROM comms WHERE src=?2 AND capture_id=?1"
               " AND packets>=%d"
               " UNION SELECT protocol, src FROM comms WHERE dst=?2 AND capture_id=?1"
               " AND packets>=%d"
               " UNION SELECT '', '' FROM assets a JOIN asset_ips i USING (asset_id)"
               " WHERE i.ip=?2 AND a.role IN ('engineering-workstation','hmi','scada')",
               PARTICIPANT_MIN_PACKETS, PARTICIPANT_MIN_PACKETS);
    sqlite3_stmt *st = rule_query(ctx, sql);
    if (!st)
        return false;
    sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC);
    bool is_part = false;
    while (!is_part && rule_step(ctx, st)) {
        const char *protocol = rule_text(st, 0);
        const char *peer = rule_text(st, 1);
        is_part = !protocol[0] ||
                  (rule_is_ot_protocol(protocol) && rule_addr_kind(peer) != ADDR_GROUP);
    }
    if (is_part)
        sqlite3_finalize(st);
    return is_part;
}

typedef struct DiscoveryRow {
    Hit hit; /* strings owned by strs */
    char *strs[4];
    bool is_group;
    bool is_routine; /* a broadcast request that many hosts send alike */
} DiscoveryRow;

static void row_free(gpointer p)
{
    DiscoveryRow *r = p;
    for (int i = 0; i < 4; i++)
        g_free(r->strs[i]);
    g_free(r);
}

/* "protocol/function" of a broadcast discovery request */
static char *routine_key(const DiscoveryRow *r)
{
    return g_strdup_printf("%s/%s", r->strs[2], r->strs[3]);
}

static void discovery_report(RuleCtx *ctx, GPtrArray *rows, GHashTable *routine)
{
    GHashTable *dsts = g_hash_table_new(g_str_hash, g_str_equal);
    bool has_group = false;
    for (guint i = 0; i < rows->len; i++) {
        DiscoveryRow *r = g_ptr_array_index(rows, i);
        if (r->is_group) {
            char *key = routine_key(r);
            r->is_routine = GPOINTER_TO_INT(g_hash_table_lookup(routine, key)) >=
                            DISCOVERY_ROUTINE_HOSTS;
            g_free(key);
        }
        has_group = has_group || (r->is_group && !r->is_routine);
        if (!r->is_group)
            g_hash_table_add(dsts, r->strs[1]);
    }
    guint n_hosts = g_hash_table_size(dsts);
    g_hash_table_destroy(dsts);
    if (!has_group && n_hosts < DISCOVERY_MIN_HOSTS)
        return;
    for (guint i = 0; i < rows->len; i++) {
        const DiscoveryRow *r = g_ptr_array_index(rows, i);
        if (r->is_routine)
            continue;
        Hit one = r->hit;
        one.dst = n_hosts == 1 ? r->hit.dst : "";
        Finding *f = scan_hit(ctx, "ICS discovery", &one, SEV_LOW);
        rule_note(ctx, f, "%s %s to %s", r->hit.protocol, r->strs[3], r->hit.dst);
    }
}

static void ics_discovery(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT src, dst, protocol, count, first_ns, last_ns, first_pkt,"
                                  " last_pkt, function FROM ops WHERE capture_id=?1"
                                  " AND class='discovery' AND count>0 ORDER BY src, first_pkt");
    /* src -> rows of its discovery requests */
    GHashTable *by_src = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify)g_ptr_array_unref);
    GPtrArray *order = g_ptr_array_new(); /* srcs in first-seen order (keys of by_src) */
    GHashTable *routine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *function = rule_text(st, 8);
        if (!rule_is_ot_protocol(hit.protocol) || is_announcement(function))
            continue;
        GPtrArray *rows = g_hash_table_lookup(by_src, hit.src);
        if (!rows) {
            rows = g_ptr_array_new_with_free_func(row_free);
            char *src = g_strdup(hit.src);
            g_hash_table_insert(by_src, src, rows);
            g_ptr_array_add(order, src);
        }
        DiscoveryRow *r = g_new0(DiscoveryRow, 1);
        r->hit = hit;
        r->strs[0] = g_strdup(hit.src);
        r->strs[1] = g_strdup(hit.dst);
        r->strs[2] = g_strdup(hit.protocol);
        r->strs[3] = g_strdup(function);
        r->hit.src = r->strs[0];
        r->hit.dst = r->strs[1];
        r->hit.protocol = r->strs[2];
        r->is_group = rule_addr_kind(hit.dst) == ADDR_GROUP;
        g_ptr_array_add(rows, r);
        if (r->is_group) { /* rows come per src, one row per (src, dst, function) */
            char *key = routine_key(r);
            int n = GPOINTER_TO_INT(g_hash_table_lookup(routine, key));
            g_hash_table_replace(routine, key, GINT_TO_POINTER(n + 1));
        }
    }
    for (guint i = 0; i < order->len && ctx->ok; i++) {
        const char *src = g_ptr_array_index(order, i);
        if (!is_ot_participant(ctx, src))
            discovery_report(ctx, g_hash_table_lookup(by_src, src), routine);
    }
    g_ptr_array_unref(order);
    g_hash_table_destroy(by_src);
    g_hash_table_destroy(routine);
}

static void unit_sweeps(RuleCtx *ctx)
{
    char sql[512];
    g_snprintf(sql, sizeof sql,
               "SELECT src, dst, protocol, sum(count), min(first_ns), max(last_ns), min(first_pkt),"
               " max(last_pkt), max(head_variants) FROM ops WHERE capture_id=?1 AND protocol=?2"
               " AND count>0 GROUP BY src, dst HAVING max(head_variants)>=%d"
               " AND sum(count)<=%d*max(head_variants)",
               UNIT_SWEEP_MIN_UNITS, UNIT_SWEEP_MAX_PER_UNIT);
    sqlite3_stmt *st = rule_query_proto(ctx, sql, PROTO_ID(modbus));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        Finding *f = scan_hit(ctx, "Modbus unit-id sweep", &hit, SEV_HIGH);
        rule_note(ctx, f, "%s tried about %" G_GINT64_FORMAT " unit ids of %s in %" G_GUINT64_FORMAT
                  " requests",
                  hit.src, rule_int(st, 8), hit.dst, hit.count);
    }
}

static void scan_run(RuleCtx *ctx)
{
    port_scans(ctx);
    ping_sweeps(ctx);
    arp_sweeps(ctx);
    ics_discovery(ctx);
    unit_sweeps(ctx);
}

const RuleDesc rule_scan = { "scan", scan_run, 0 };
