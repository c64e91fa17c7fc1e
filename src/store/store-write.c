/*
 * store-write.c - batched writes of the model and asset resolution.
 *
 * A batch is one transaction: the current totals of every dirty model
 * entry replace this capture's rows (so writing the same totals twice is
 * harmless), then assets are re-resolved from all captures' endpoints.
 * Statements are prepared once per Store and reused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "dissect.h"
#include "otscope/util.h"
#include "store-int.h"

typedef struct Batch {
    Store *s;
    int64_t capture_id;
    bool ok;
    Err *err;
} Batch;

static const char sql_endpoint[] =
    "INSERT INTO endpoints(capture_id, mac, vlan, ip, tx_packets, tx_bytes, rx_packets, rx_bytes,"
    " first_ns, last_ns, first_pkt, arp_claims, min_ttl, last_pkt)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT DO UPDATE SET tx_packets=excluded.tx_packets, tx_bytes=excluded.tx_bytes,"
    " rx_packets=excluded.rx_packets, rx_bytes=excluded.rx_bytes, first_ns=excluded.first_ns,"
    " last_ns=excluded.last_ns, first_pkt=excluded.first_pkt, arp_claims=excluded.arp_claims,"
    " min_ttl=excluded.min_ttl, last_pkt=excluded.last_pkt";
/* A comm row is inserted once and then updated by its rowid: cheaper than
 * an upsert with RETURNING (measured 3x per row on 20 k comms). */
static const char sql_comm[] =
    "INSERT INTO comms(capture_id, src, dst, vlan, protocol, transport, port, packets, bytes,"
    " first_ns, last_ns, first_pkt, anomalies, last_pkt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT DO NOTHING";
static const char sql_comm_id[] =
    "SELECT comm_id FROM comms WHERE capture_id=? AND src=? AND dst=? AND vlan=? AND protocol=?"
    " AND transport=? AND port=?";
static const char sql_comm_update[] =
    "UPDATE comms SET packets=?8, bytes=?9, first_ns=?10, last_ns=?11, first_pkt=?12,"
    " anomalies=?13, last_pkt=?14 WHERE comm_id=?1";
static const char sql_minute[] =
    "INSERT OR REPLACE INTO comm_minutes(comm_id, minute, packets, bytes) VALUES (?,?,?,?)";
/* Upserts, not INSERT OR REPLACE: a replace deletes and reinserts the row
 * in every index of the table at every batch, an update of counters
 * touches none of them (the indexed columns never change). */
static const char sql_op[] =
    "INSERT INTO ops(capture_id, protocol, src, dst, function_code, function, class,"
    " count, responses, errors, first_ns, last_ns, first_pkt, detail, last_pkt, variants,"
    " head_variants) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT DO UPDATE SET count=excluded.count, responses=excluded.responses,"
    " errors=excluded.errors, first_ns=excluded.first_ns, last_ns=excluded.last_ns,"
    " first_pkt=excluded.first_pkt, last_pkt=excluded.last_pkt, variants=excluded.variants,"
    " head_variants=excluded.head_variants";
static const char sql_attr[] =
    "INSERT INTO attrs(capture_id, addr, name, value, protocol, confidence, count,"
    " first_ns, last_ns, first_pkt, last_pkt) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT DO UPDATE SET protocol=excluded.protocol, confidence=excluded.confidence,"
    " count=excluded.count, first_ns=excluded.first_ns, last_ns=excluded.last_ns,"
    " first_pkt=excluded.first_pkt, last_pkt=excluded.last_pkt";
static const char sql_anom[] =
    "INSERT INTO anomalies(capture_id, protocol, src, dst, anomaly, count, first_ns,"
    " last_ns, first_pkt, last_pkt) VALUES (?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT DO UPDATE SET count=excluded.count, first_ns=excluded.first_ns,"
    " last_ns=excluded.last_ns, first_pkt=excluded.first_pkt, last_pkt=excluded.last_pkt";

static bool prepare_all(Store *s, Err *err)
{
    if (s->put_endpoint)
        return true;
    return store_prepare(s, sql_endpoint, &s->put_endpoint, err) &&
           store_prepare(s, sql_comm, &s->put_comm, err) &&
           store_prepare(s, sql_comm_id, &s->find_comm, err) &&
           store_prepare(s, sql_comm_update, &s->update_comm, err) &&
           store_prepare(s, sql_minute, &s->put_minute, err) &&
           store_prepare(s, sql_op, &s->put_op, err) &&
           store_prepare(s, sql_attr, &s->put_attr, err) &&
           store_prepare(s, sql_anom, &s->put_anom, err);
}

static void step(Batch *b, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW && b->ok)
        b->ok = store_fail(b->s, b->err, what);
    sqlite3_reset(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *text)
{
    sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
}

static void bind_tally(sqlite3_stmt *st, int first, const Tally *t)
{
    sqlite3_bind_int64(st, first, t->first_ns);
    sqlite3_bind_int64(st, first + 1, t->last_ns);
    sqlite3_bind_int64(st, first + 2, (sqlite3_int64)t->first_pkt_no);
}

static void put_endpoint(void *entry, void *user)
{
    const Endpoint *e = entry;
    Batch *b = user;
    sqlite3_stmt *st = b->s->put_endpoint;
    char mac[OTS_ADDR_STRLEN] = "";
    char ip[OTS_ADDR_STRLEN] = "";
    if (e->has_mac)
        macaddr_str(&e->mac, mac);
    if (e->has_ip)
        ipaddr_str(&e->ip, ip);
    Tally both = e->tx;
    tally_merge(&both, &e->rx);
    sqlite3_bind_int64(st, 1, b->capture_id);
    bind_text(st, 2, mac);
    sqlite3_bind_int(st, 3, e->vlan);
    bind_text(st, 4, ip);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->tx.packets);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)e->tx.bytes);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)e->rx.packets);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)e->rx.bytes);
    bind_tally(st, 9, &both);
    sqlite3_bind_int64(st, 12, (sqlite3_int64)e->arp_claims);
    sqlite3_bind_int(st, 13, e->min_ttl);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)both.last_pkt_no);
    step(b, st, "write endpoint");
}

static void bind_comm_totals(sqlite3_stmt *st, const CommEntry *c)
{
    sqlite3_bind_int64(st, 8, (sqlite3_int64)c->total.packets);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)c->total.bytes);
    bind_tally(st, 10, &c->total);
    sqlite3_bind_int64(st, 13, (sqlite3_int64)c->anomalies);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)c->total.last_pkt_no);
}

/* Binds the row key (parameters 1..7) of a comm. */
static void bind_comm_key(sqlite3_stmt *st, const Batch *b, const CommEntry *c)
{
    char src[OTS_ADDR_STRLEN];
    char dst[OTS_ADDR_STRLEN];
    sqlite3_bind_int64(st, 1, b->capture_id);
    bind_text(st, 2, netaddr_str(&c->src, src));
    bind_text(st, 3, netaddr_str(&c->dst, dst));
    sqlite3_bind_int(st, 4, c->src.vlan);
    sqlite3_bind_text(st, 5, proto_name((ProtoId)c->proto), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, transport_name(c->transport), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, c->port);
}

static int64_t insert_comm(Batch *b, const CommEntry *c, bool *is_inserted)
{
    *is_inserted = false;
    sqlite3_stmt *st = b->s->put_comm;
    bind_comm_key(st, b, c);
    bind_comm_totals(st, c);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return 0;
    if (sqlite3_changes(b->s->db) == 1) {
        *is_inserted = true;
        return sqlite3_last_insert_rowid(b->s->db);
    }
    /* The row exists already (written by a batch whose ids this model
     * never learned): find it and update it like any other. */
    st = b->s->find_comm;
    bind_comm_key(st, b, c);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

static void put_comm(void *entry, void *user)
{
    CommEntry *c = entry;
    Batch *b = user;
    bool is_inserted = false;
    if (c->store_id == 0)
        c->store_id = insert_comm(b, c, &is_inserted);
    if (!c->store_id) {
        if (b->ok)
            b->ok = store_fail(b->s, b->err, "write comm");
        return;
    }
    if (is_inserted)
        return; /* written with its totals */
    sqlite3_stmt *st = b->s->update_comm;
    sqlite3_bind_int64(st, 1, c->store_id);
    bind_comm_totals(st, c);
    step(b, st, "update comm");
}

static void put_minute(void *entry, void *user)
{
    const MinuteBucket *m = entry;
    Batch *b = user;
    if (!m->comm->store_id)
        return; /* its comm row failed; the batch is already failing */
    sqlite3_stmt *st = b->s->put_minute;
    sqlite3_bind_int64(st, 1, m->comm->store_id);
    sqlite3_bind_int64(st, 2, m->minute);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)m->packets);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)m->bytes);
    step(b, st, "write traffic minute");
}

static void put_op(void *entry, void *user)
{
    const OpEntry *o = entry;
    Batch *b = user;
    sqlite3_stmt *st = b->s->put_op;
    char src[OTS_ADDR_STRLEN];
    char dst[OTS_ADDR_STRLEN];
    sqlite3_bind_int64(st, 1, b->capture_id);
    bind_text(st, 2, proto_name((ProtoId)o->proto));
    bind_text(st, 3, netaddr_str(&o->src, src));
    bind_text(st, 4, netaddr_str(&o->dst, dst));
    sqlite3_bind_int64(st, 5, o->code);
    bind_text(st, 6, o->name ? o->name : "");
    bind_text(st, 7, opclass_name(o->cls));
    sqlite3_bind_int64(st, 8, (sqlite3_int64)o->count);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)o->responses);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)o->errors);
    if (o->seen.packets) {
        bind_tally(st, 11, &o->seen);
    } else {
        sqlite3_bind_null(st, 11);
        sqlite3_bind_null(st, 12);
        sqlite3_bind_null(st, 13);
    }
    bind_text(st, 14, o->detail);
    if (o->seen.packets)
        sqlite3_bind_int64(st, 15, (sqlite3_int64)o->seen.last_pkt_no);
    else
        sqlite3_bind_null(st, 15);
    sqlite3_bind_int64(st, 16, op_variants(o, false));
    sqlite3_bind_int64(st, 17, op_variants(o, true));
    step(b, st, "write operation");
}

static void put_attr(void *entry, void *user)
{
    const AttrEntry *a = entry;
    Batch *b = user;
    sqlite3_stmt *st = b->s->put_attr;
    char addr[OTS_ADDR_STRLEN];
    sqlite3_bind_int64(st, 1, b->capture_id);
    bind_text(st, 2, netaddr_str(&a->addr, addr));
    bind_text(st, 3, attr_name(a->key));
    bind_text(st, 4, a->value);
    bind_text(st, 5, proto_name((ProtoId)a->proto));
    sqlite3_bind_int(st, 6, a->confidence);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)a->seen.packets);
    bind_tally(st, 8, &a->seen);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)a->seen.last_pkt_no);
    step(b, st, "write attribute");
}

static void put_anom(void *entry, void *user)
{
    const AnomEntry *a = entry;
    Batch *b = user;
    sqlite3_stmt *st = b->s->put_anom;
    char src[OTS_ADDR_STRLEN];
    char dst[OTS_ADDR_STRLEN];
    sqlite3_bind_int64(st, 1, b->capture_id);
    bind_text(st, 2, proto_name((ProtoId)a->proto));
    bind_text(st, 3, netaddr_str(&a->src, src));
    bind_text(st, 4, netaddr_str(&a->dst, dst));
    bind_text(st, 5, anomaly_name(a->anom));
    sqlite3_bind_int64(st, 6, (sqlite3_int64)a->seen.packets);
    bind_tally(st, 7, &a->seen);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)a->seen.last_pkt_no);
    step(b, st, "write anomaly");
}

bool store_flush(Store *s, int64_t capture_id, Model *m, bool is_final, Err *err)
{
    if (!prepare_all(s, err) || !store_exec(s, "BEGIN IMMEDIATE", err))
        return false;
    Batch b = { s, capture_id, true, err };
    model_each_endpoint(m, true, put_endpoint, &b);
    model_each_comm(m, true, put_comm, &b);
    model_each_bucket(m, is_final, put_minute, &b);
    model_each_op(m, true, put_op, &b);
    model_each_attr(m, true, put_attr, &b);
    model_each_anom(m, true, put_anom, &b);
    if (b.ok)
        b.ok = store_resolve_assets(s, err);
    if (b.ok)
        b.ok = store_exec(s, "COMMIT", err);
    if (!b.ok) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    model_mark_clean(m);
    return true;
}

/* ---- asset resolution ----------------------------------------------------- */

static GArray *load_observations(Store *s, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(s,
                       "SELECT mac, vlan, ip, sum(tx_packets), sum(rx_packets),"
                       " sum(tx_bytes + rx_bytes), min(first_ns), max(last_ns), sum(arp_claims), min(min_ttl)"
                       " FROM endpoints GROUP BY mac, vlan, ip ORDER BY mac, vlan, ip",
                       &st, err))
        return NULL;
    GArray *obs = g_array_new(FALSE, TRUE, sizeof(Observation));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        Observation o;
        memset(&o, 0, sizeof o);
        const char *mac = (const char *)sqlite3_column_text(st, 0);
        const char *ip = (const char *)sqlite3_column_text(st, 2);
        o.has_mac = mac && mac[0] && macaddr_parse(mac, &o.mac);
        o.has_ip = ip && ip[0] && ipaddr_parse(ip, &o.ip);
        o.vlan = (uint16_t)sqlite3_column_int(st, 1);
        o.tx_packets = (uint64_t)sqlite3_column_int64(st, 3);
        o.rx_packets = (uint64_t)sqlite3_column_int64(st, 4);
        o.packets = o.tx_packets + o.rx_packets;
        o.bytes = (uint64_t)sqlite3_column_int64(st, 5);
        o.first_ns = sqlite3_column_int64(st, 6);
        o.last_ns = sqlite3_column_int64(st, 7);
        o.arp_claims = (uint64_t)sqlite3_column_int64(st, 8);
        o.min_ttl = (uint8_t)sqlite3_column_int(st, 9);
        g_array_append_val(obs, o);
    }
    if (rc != SQLITE_DONE) {
        store_fail(s, err, "read endpoints");
        g_array_free(obs, TRUE);
        obs = NULL;
    }
    sqlite3_finalize(st);
    return obs;
}

/* Room for any set of VLANs: 4096 ids of at most 4 digits and a ';'. */
enum { VLAN_LIST_MAX = 4096 * 5 };

/* The ';'-joined VLANs of an asset, as the assets table's vlans column. */
static const char *vlan_list(const GArray *vlans, char buf[VLAN_LIST_MAX])
{
    size_t len = 0;
    buf[0] = '\0';
    for (guint i = 0; i < vlans->len && len + 6 < VLAN_LIST_MAX; i++)
        len += (size_t)snprintf(buf + len, VLAN_LIST_MAX - len, "%s%u", i ? ";" : "",
                                (unsigned)g_array_index(vlans, uint16_t, i));
    return buf;
}

static bool write_assets(Store *s, GPtrArray *assets, Err *err)
{
    sqlite3_stmt *put;
    sqlite3_stmt *keep;
    sqlite3_stmt *put_ip;
    bool ok = store_exec(s,
                         "CREATE TEMP TABLE IF NOT EXISTS keep_assets(asset_id INTEGER PRIMARY KEY);"
                         "DELETE FROM keep_assets; DELETE FROM asset_ips;",
                         err) &&
              store_prepare(s,
                            "INSERT INTO assets(asset_key, kind, mac, vlan, vendor, role,"
                            " role_evidence, packets, bytes, first_ns, last_ns, vlans)"
                            " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
                            " ON CONFLICT(asset_key) DO UPDATE SET vendor=excluded.vendor,"
                            " vlan=excluded.vlan, vlans=excluded.vlans,"
                            /* a router verdict wins; a role inferred from behaviour
                             * (store-roles.c) stays until the next inference, but a
                             * router verdict that no longer holds is dropped */
                            " role=CASE WHEN ?6<>'unknown' OR role_evidence LIKE 'forwards traffic%'"
                            "  THEN excluded.role ELSE role END,"
                            " role_evidence=CASE WHEN ?6<>'unknown'"
                            "  OR role_evidence LIKE 'forwards traffic%'"
                            "  THEN excluded.role_evidence ELSE role_evidence END,"
                            " packets=excluded.packets, bytes=excluded.bytes,"
                            " first_ns=excluded.first_ns, last_ns=excluded.last_ns"
                            " RETURNING asset_id",
                            &put, err);
    if (!ok)
        return false;
    ok = store_prepare(s, "INSERT OR IGNORE INTO keep_assets VALUES (?)", &keep, err) &&
         store_prepare(s, "INSERT OR IGNORE INTO asset_ips(asset_id, ip) VALUES (?,?)", &put_ip,
                       err);
    for (guint i = 0; ok && i < assets->len; i++) {
        const ResolvedAsset *a = g_ptr_array_index(assets, i);
        char mac[OTS_ADDR_STRLEN] = "";
        char vlans[VLAN_LIST_MAX];
        if (a->kind == ASSET_MAC)
            macaddr_str(&a->mac, mac);
        bind_text(put, 1, a->key);
        bind_text(put, 2, a->kind == ASSET_MAC ? "mac" : "ip");
        bind_text(put, 3, mac);
        sqlite3_bind_int(put, 4, a->vlan);
        bind_text(put, 5, a->kind == ASSET_MAC ? oui_vendor(&a->mac) : "");
        bind_text(put, 6, a->is_router ? "network-device" : "unknown");
        bind_text(put, 7, a->is_router ? a->router_evidence : "");
        sqlite3_bind_int64(put, 8, (sqlite3_int64)a->packets);
        sqlite3_bind_int64(put, 9, (sqlite3_int64)a->bytes);
        sqlite3_bind_int64(put, 10, a->first_ns);
        sqlite3_bind_int64(put, 11, a->last_ns);
        bind_text(put, 12, vlan_list(a->vlans, vlans));
        if (sqlite3_step(put) != SQLITE_ROW) {
            ok = store_fail(s, err, "write asset");
            break;
        }
        int64_t id = sqlite3_column_int64(put, 0);
        sqlite3_reset(put);
        sqlite3_bind_int64(keep, 1, id);
        ok = sqlite3_step(keep) == SQLITE_DONE || store_fail(s, err, "keep asset");
        sqlite3_reset(keep);
        for (guint j = 0; ok && j < a->ips->len; j++) {
            char ip[OTS_ADDR_STRLEN];
            sqlite3_bind_int64(put_ip, 1, id);
            bind_text(put_ip, 2, ipaddr_str(&g_array_index(a->ips, IpAddr, j), ip));
            ok = sqlite3_step(put_ip) == SQLITE_DONE || store_fail(s, err, "write asset address");
            sqlite3_reset(put_ip);
        }
    }
    sqlite3_finalize(put);
    sqlite3_finalize(keep);
    sqlite3_finalize(put_ip);
    return ok && store_exec(s,
                            "DELETE FROM assets WHERE asset_id NOT IN"
                            " (SELECT asset_id FROM keep_assets)",
                            err);
}

bool store_resolve_assets(Store *s, Err *err)
{
    GArray *obs = load_observations(s, err);
    if (!obs)
        return false;
    GPtrArray *assets = asset_resolve((const Observation *)(const void *)obs->data, obs->len);
    bool ok = write_assets(s, assets, err);
    g_ptr_array_unref(assets);
    g_array_free(obs, TRUE);
    return ok;
}
