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

/* A dirty entry with its address columns already in text.  A batch writes
 * its rows in the order of their table's unique index, so each insert
 * lands beside the previous one in every B-tree instead of on a random
 * page: hash-table order cost twice the CPU (30 k ops rows, measured with
 * the sqlite3 shell). */
typedef struct Row {
    const void *entry;  /* the snapshot's copy */
    int64_t *store_id;  /* in the model's original: the writer sets it */
    bool *has_first;    /* ditto, ops only: the row's first_ns is set */
    const char *proto;
    char src[OTS_ADDR_STRLEN];
    char dst[OTS_ADDR_STRLEN];
} Row;

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
/* Like a comm, an op row is inserted once and then updated by its rowid:
 * the update touches no index (the indexed columns never change) and
 * needs no lookup in the seven-column unique key. */
static const char sql_op[] =
    "INSERT INTO ops(capture_id, protocol, src, dst, function_code, function, class,"
    " count, responses, errors, first_ns, last_ns, first_pkt, detail, last_pkt, variants,"
    " head_variants) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";
static const char sql_op_id[] =
    "SELECT op_id FROM ops WHERE capture_id=? AND protocol=? AND src=? AND dst=?"
    " AND function_code=? AND function=? AND class=?";
static const char sql_op_update[] =
    "UPDATE ops SET count=?8, responses=?9, errors=?10, first_ns=?11, last_ns=?12,"
    " first_pkt=?13, last_pkt=?15, variants=?16, head_variants=?17 WHERE op_id=?1";
/* The same without first_ns, for a row that has it: first_ns is in an
 * index (ops_class_time), and SQLite rewrites an index entry whenever its
 * column is assigned, changed or not. */
static const char sql_op_update_tail[] =
    "UPDATE ops SET count=?8, responses=?9, errors=?10, last_ns=?12,"
    " last_pkt=?15, variants=?16, head_variants=?17 WHERE op_id=?1";
/* Upserts, not INSERT OR REPLACE: a replace deletes and reinserts the row
 * in every index of the table at every batch, an update of counters
 * touches none of them (the indexed columns never change). */
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
           store_prepare(s, sql_op_id, &s->find_op, err) &&
           store_prepare(s, sql_op_update, &s->update_op, err) &&
           store_prepare(s, sql_op_update_tail, &s->update_op_tail, err) &&
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

/* Binds the row key (parameters 1..7) of a comm. */
static void bind_comm_key(sqlite3_stmt *st, const Batch *b, const Row *r)
{
    const CommEntry *c = r->entry;
    sqlite3_bind_int64(st, 1, b->capture_id);
    sqlite3_bind_text(st, 2, r->src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->dst, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, c->src.vlan);
    sqlite3_bind_text(st, 5, r->proto, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, transport_name(c->transport), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, c->port);
}

/* Inserts a row whose key is bound with ON CONFLICT DO NOTHING and returns
 * its rowid (*is_inserted: written now, with its totals).  A row that
 * exists already (written by a batch whose ids this model never learned)
 * is found by its key through find, which bind_key binds. */
static int64_t insert_row(Batch *b, sqlite3_stmt *put, sqlite3_stmt *find,
                          void (*bind_key)(sqlite3_stmt *, const Batch *, const Row *),
                          const Row *r, bool *is_inserted)
{
    *is_inserted = false;
    int rc = sqlite3_step(put);
    sqlite3_reset(put);
    if (rc != SQLITE_DONE)
        return 0;
    if (sqlite3_changes(b->s->db) == 1) {
        *is_inserted = true;
        return sqlite3_last_insert_rowid(b->s->db);
    }
    bind_key(find, b, r);
    int64_t id = sqlite3_step(find) == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
    sqlite3_reset(find);
    return id;
}

/* Updates the row *store_id by its rowid (parameter 1), inserting it first
 * when it has none; bind_totals binds the counters of both statements. */
static void put_row(Batch *b, const Row *r, int64_t *store_id, sqlite3_stmt *put,
                    sqlite3_stmt *find, sqlite3_stmt *update,
                    void (*bind_key)(sqlite3_stmt *, const Batch *, const Row *),
                    void (*bind_totals)(sqlite3_stmt *, const Row *), const char *what)
{
    bool is_inserted = false;
    if (*store_id == 0) {
        bind_key(put, b, r);
        bind_totals(put, r);
        *store_id = insert_row(b, put, find, bind_key, r, &is_inserted);
    }
    if (!*store_id) {
        if (b->ok)
            b->ok = store_fail(b->s, b->err, what);
        return;
    }
    if (is_inserted)
        return; /* written with its totals */
    sqlite3_bind_int64(update, 1, *store_id);
    bind_totals(update, r);
    step(b, update, what);
}

static void bind_comm_counts(sqlite3_stmt *st, const Tally *total, uint64_t anomalies)
{
    sqlite3_bind_int64(st, 8, (sqlite3_int64)total->packets);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)total->bytes);
    bind_tally(st, 10, total);
    sqlite3_bind_int64(st, 13, (sqlite3_int64)anomalies);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)total->last_pkt_no);
}

static void bind_comm_totals(sqlite3_stmt *st, const Row *r)
{
    const CommEntry *c = r->entry;
    bind_comm_counts(st, &c->total, c->anomalies);
}

static void put_comm(Batch *b, const Row *r)
{
    put_row(b, r, r->store_id, b->s->put_comm, b->s->find_comm, b->s->update_comm,
            bind_comm_key, bind_comm_totals, "write comm");
}

static void put_minute(Batch *b, const MinuteBucket *m)
{
    if (!m->comm->store_id)
        return; /* its comm row failed; the batch is already failing */
    sqlite3_stmt *st = b->s->put_minute;
    sqlite3_bind_int64(st, 1, m->comm->store_id);
    sqlite3_bind_int64(st, 2, m->minute);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)m->packets);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)m->bytes);
    step(b, st, "write traffic minute");
}

/* Binds the row key (parameters 1..7) of an op, and its detail, which is
 * written with the row and never changes. */
static void bind_op_key(sqlite3_stmt *st, const Batch *b, const Row *r)
{
    const OpEntry *o = r->entry;
    sqlite3_bind_int64(st, 1, b->capture_id);
    sqlite3_bind_text(st, 2, r->proto, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->dst, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, o->code);
    sqlite3_bind_text(st, 6, o->name ? o->name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, opclass_name(o->cls), -1, SQLITE_STATIC);
    if (st == b->s->put_op)
        sqlite3_bind_text(st, 14, o->detail, -1, SQLITE_STATIC);
}

static void bind_op_counts(sqlite3_stmt *st, const OpUpdate *o)
{
    sqlite3_bind_int64(st, 8, (sqlite3_int64)o->count);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)o->responses);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)o->errors);
    if (o->seen.packets) {
        bind_tally(st, 11, &o->seen);
        sqlite3_bind_int64(st, 15, (sqlite3_int64)o->seen.last_pkt_no);
    } else {
        sqlite3_bind_null(st, 11);
        sqlite3_bind_null(st, 12);
        sqlite3_bind_null(st, 13);
        sqlite3_bind_null(st, 15);
    }
    sqlite3_bind_int64(st, 16, o->variants);
    sqlite3_bind_int64(st, 17, o->head_variants);
}

static void bind_op_totals(sqlite3_stmt *st, const Row *r)
{
    const OpEntry *o = r->entry;
    OpUpdate counts = { NULL,        o->seen,     o->count,        o->responses,
                        o->errors,   o->variants, o->head_variants };
    bind_op_counts(st, &counts);
}

static void put_op(Batch *b, const Row *r)
{
    put_row(b, r, r->store_id, b->s->put_op, b->s->find_op, b->s->update_op, bind_op_key,
            bind_op_totals, "write operation");
}

/* ---- rows in index order -------------------------------------------------- */

static Row make_row(const void *entry, int64_t *store_id, uint16_t proto, const NetAddr *src,
                    const NetAddr *dst)
{
    Row r = { .entry = entry, .store_id = store_id, .proto = proto_name((ProtoId)proto) };
    netaddr_str(src, r.src);
    netaddr_str(dst, r.dst);
    return r;
}

static int cmp_num(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* comms: UNIQUE (capture_id, src, dst, vlan, protocol, transport, port) */
static int cmp_comm_rows(const void *pa, const void *pb)
{
    const Row *a = *(const Row *const *)pa;
    const Row *b = *(const Row *const *)pb;
    const CommEntry *ca = a->entry;
    const CommEntry *cb = b->entry;
    int d = strcmp(a->src, b->src);
    if (!d)
        d = strcmp(a->dst, b->dst);
    if (!d)
        d = cmp_num(ca->src.vlan, cb->src.vlan);
    if (!d)
        d = strcmp(a->proto, b->proto);
    if (!d)
        d = strcmp(transport_name(ca->transport), transport_name(cb->transport));
    return d ? d : cmp_num(ca->port, cb->port);
}

/* ops: UNIQUE (capture_id, protocol, src, dst, function_code, function, class) */
static int cmp_op_rows(const void *pa, const void *pb)
{
    const Row *a = *(const Row *const *)pa;
    const Row *b = *(const Row *const *)pb;
    const OpEntry *oa = a->entry;
    const OpEntry *ob = b->entry;
    int d = strcmp(a->proto, b->proto);
    if (!d)
        d = strcmp(a->src, b->src);
    if (!d)
        d = strcmp(a->dst, b->dst);
    if (!d)
        d = cmp_num(oa->code, ob->code);
    if (!d)
        d = strcmp(oa->name ? oa->name : "", ob->name ? ob->name : "");
    return d ? d : strcmp(opclass_name(oa->cls), opclass_name(ob->cls));
}

/* comm_minutes: PRIMARY KEY (comm_id, minute) */
static int cmp_buckets(const void *pa, const void *pb)
{
    const MinuteBucket *a = pa;
    const MinuteBucket *b = pb;
    int d = cmp_num(a->comm->store_id, b->comm->store_id);
    return d ? d : cmp_num(a->minute, b->minute);
}

/* Writes rows in cmp's order with put.  The sort moves pointers, not the
 * rows: glibc's merge sort copies its elements through a scratch array as
 * large as the input. */
static void write_rows(Batch *b, GArray *rows, int (*cmp)(const void *, const void *),
                       void (*put)(Batch *, const Row *))
{
    const Row **order = g_new(const Row *, rows->len ? rows->len : 1);
    for (guint i = 0; i < rows->len; i++)
        order[i] = &g_array_index(rows, Row, i);
    qsort(order, rows->len, sizeof *order, cmp);
    for (guint i = 0; i < rows->len; i++)
        put(b, order[i]);
    g_free(order);
}

static void write_comms(Batch *b, const GArray *comms, GArray *rows)
{
    g_array_set_size(rows, 0);
    for (guint i = 0; i < comms->len; i++) {
        SnapComm *c = &g_array_index(comms, SnapComm, i);
        Row r = make_row(c->entry, &c->live->store_id, c->entry->proto, &c->entry->src, &c->entry->dst);
        g_array_append_val(rows, r);
    }
    write_rows(b, rows, cmp_comm_rows, put_comm);
}

/* Counter updates by row id, in id order (the table's B-tree order). */
static int cmp_comm_updates(const void *pa, const void *pb)
{
    return cmp_num(((const CommUpdate *)pa)->live->store_id, ((const CommUpdate *)pb)->live->store_id);
}

static int cmp_op_updates(const void *pa, const void *pb)
{
    return cmp_num(((const OpUpdate *)pa)->live->store_id, ((const OpUpdate *)pb)->live->store_id);
}

static void write_comm_updates(Batch *b, GArray *updates)
{
    sqlite3_stmt *st = b->s->update_comm;
    if (updates->len == 0)
        return; /* an empty GArray's data is NULL, which qsort may not get */
    qsort(updates->data, updates->len, sizeof(CommUpdate), cmp_comm_updates);
    for (guint i = 0; i < updates->len; i++) {
        const CommUpdate *u = &g_array_index(updates, CommUpdate, i);
        sqlite3_bind_int64(st, 1, u->live->store_id);
        bind_comm_counts(st, &u->total, u->anomalies);
        step(b, st, "write comm");
    }
}

static void write_op_updates(Batch *b, GArray *updates)
{
    if (updates->len == 0)
        return;
    qsort(updates->data, updates->len, sizeof(OpUpdate), cmp_op_updates);
    for (guint i = 0; i < updates->len; i++) {
        const OpUpdate *u = &g_array_index(updates, OpUpdate, i);
        sqlite3_stmt *st = u->live->has_stored_first ? b->s->update_op_tail : b->s->update_op;
        sqlite3_bind_int64(st, 1, u->live->store_id);
        bind_op_counts(st, u);
        step(b, st, "write operation");
        if (b->ok && u->seen.packets)
            u->live->has_stored_first = true;
    }
}

/* The comms' rows exist by now: their ids order the buckets. */
static void write_minutes(Batch *b, GArray *buckets)
{
    if (buckets->len == 0)
        return;
    qsort(buckets->data, buckets->len, sizeof(MinuteBucket), cmp_buckets);
    for (guint i = 0; i < buckets->len; i++)
        put_minute(b, &g_array_index(buckets, MinuteBucket, i));
}

static void write_ops(Batch *b, const GArray *ops, GArray *rows)
{
    g_array_set_size(rows, 0);
    for (guint i = 0; i < ops->len; i++) {
        SnapOp *o = &g_array_index(ops, SnapOp, i);
        Row r = make_row(o->entry, &o->live->store_id, o->entry->proto, &o->entry->src, &o->entry->dst);
        g_array_append_val(rows, r);
    }
    write_rows(b, rows, cmp_op_rows, put_op);
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

static void each_copy(GArray *entries, size_t size, void (*put)(void *, void *), Batch *b)
{
    for (guint i = 0; i < entries->len; i++)
        put(entries->data + (size_t)i * size, b);
}

bool store_write_rows(Store *s, int64_t capture_id, ModelSnapshot *snap, Err *err)
{
    if (!prepare_all(s, err))
        return false;
    Batch b = { s, capture_id, true, err };
    each_copy(snap->endpoints, sizeof(Endpoint), put_endpoint, &b);
    GArray *rows = g_array_sized_new(FALSE, FALSE, sizeof(Row), MAX(snap->comms->len, snap->ops->len));
    write_comms(&b, snap->comms, rows);
    write_comm_updates(&b, snap->comm_updates);
    write_minutes(&b, snap->buckets);
    write_ops(&b, snap->ops, rows);
    write_op_updates(&b, snap->op_updates);
    g_array_free(rows, TRUE);
    each_copy(snap->attrs, sizeof(AttrEntry), put_attr, &b);
    each_copy(snap->anoms, sizeof(AnomEntry), put_anom, &b);
    return b.ok;
}

static bool resolve_assets_touched(Store *s, const ModelSnapshot *snap, Err *err);

bool store_flush(Store *s, int64_t capture_id, ModelSnapshot *snap, Err *err)
{
    if (!store_exec(s, "BEGIN IMMEDIATE", err))
        return false;
    bool ok = store_write_rows(s, capture_id, snap, err) &&
              (!s->is_capture_live || store_roles_note_batch(s, snap, err)) &&
              (s->is_capture_live ? resolve_assets_touched(s, snap, err)
                                  : store_resolve_assets(s, err)) &&
              store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

/* ---- asset resolution ----------------------------------------------------- */

/* The endpoints' observations summed over the captures; where: all of
 * them (""), or those of the live batch's scope (sql_scope_where). */
static GArray *load_observations(Store *s, const char *where, Err *err)
{
    sqlite3_stmt *st;
    char *sql = g_strdup_printf("SELECT mac, vlan, ip, sum(tx_packets), sum(rx_packets),"
                                " sum(tx_bytes + rx_bytes), min(first_ns), max(last_ns),"
                                " sum(arp_claims), min(min_ttl)"
                                " FROM endpoints %s GROUP BY mac, vlan, ip ORDER BY mac, vlan, ip",
                                where);
    bool is_prepared = store_prepare(s, sql, &st, err);
    g_free(sql);
    if (!is_prepared)
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

/* What write_assets replaces: every asset, or the live batch's scope's
 * (temp.res_old, resolve_assets_touched). */
typedef struct AssetScope {
    const char *clear_ips;
    const char *drop_assets;
} AssetScope;

static const AssetScope scope_all = {
    "DELETE FROM asset_ips;",
    "DELETE FROM assets WHERE asset_id NOT IN (SELECT asset_id FROM keep_assets)",
};

static bool write_assets(Store *s, GPtrArray *assets, const AssetScope *scope, Err *err)
{
    sqlite3_stmt *put;
    sqlite3_stmt *keep;
    sqlite3_stmt *put_ip;
    bool ok = store_exec(s,
                         "CREATE TEMP TABLE IF NOT EXISTS keep_assets(asset_id INTEGER PRIMARY KEY);"
                         "DELETE FROM keep_assets;",
                         err) &&
              store_exec(s, scope->clear_ips, err) &&
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
    return ok && store_exec(s, scope->drop_assets, err);
}

static bool resolve(Store *s, const char *where, const AssetScope *scope, Err *err)
{
    GArray *obs = load_observations(s, where, err);
    if (!obs)
        return false;
    GPtrArray *assets = asset_resolve((const Observation *)(const void *)obs->data, obs->len);
    bool ok = write_assets(s, assets, scope, err);
    g_ptr_array_unref(assets);
    g_array_free(obs, TRUE);
    return ok;
}

bool store_resolve_assets(Store *s, Err *err)
{
    return resolve(s, "", &scope_all, err);
}

/* ---- a live batch's assets ---------------------------------------------
 * Resolving every endpoint at every batch cost about 1 s a batch on a DB
 * of 100 k assets.  A live batch resolves the MACs and addresses it wrote
 * endpoints for, closed over what they share: every MAC seen with one of
 * the addresses, every address seen with one of the MACs, again until
 * nothing is added, so a MAC is judged (router or host) on all its
 * addresses and an address's owner among all its MACs, as over the whole
 * DB.  The closure reads the endpoints table a few times (no index on
 * mac or ip: it is written at every batch), which is cheap next to
 * writing every asset again.  Only the assets of that scope are
 * replaced. */

static const char sql_scope_tables[] =
    "CREATE TEMP TABLE IF NOT EXISTS res_mac(mac TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS res_ip(ip TEXT, vlan INTEGER, PRIMARY KEY (ip, vlan))"
    " WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS res_old(asset_id INTEGER PRIMARY KEY);"
    "DELETE FROM res_mac; DELETE FROM res_ip; DELETE FROM res_old;";

static const char sql_scope_close[] =
    "INSERT OR IGNORE INTO res_mac SELECT mac FROM endpoints WHERE mac<>''"
    " AND (ip, vlan) IN (SELECT ip, vlan FROM res_ip);"
    "INSERT OR IGNORE INTO res_ip SELECT ip, vlan FROM endpoints WHERE ip<>''"
    " AND mac IN (SELECT mac FROM res_mac);";

static const char sql_scope_where[] =
    "WHERE (mac<>'' AND mac IN (SELECT mac FROM res_mac))"
    " OR (ip<>'' AND (ip, vlan) IN (SELECT ip, vlan FROM res_ip))";

/* The assets of the scope before it is resolved again: its MACs' and its
 * addresses' (an IP-only asset is its address within its VLAN). */
static const char sql_scope_old[] =
    "INSERT OR IGNORE INTO res_old SELECT asset_id FROM assets WHERE kind='mac'"
    " AND mac IN (SELECT mac FROM res_mac);"
    "INSERT OR IGNORE INTO res_old SELECT a.asset_id FROM res_ip r"
    " JOIN asset_ips i ON i.ip=r.ip JOIN assets a ON a.asset_id=i.asset_id"
    " WHERE a.kind='ip' AND a.vlan=r.vlan;";

static const AssetScope scope_touched = {
    "DELETE FROM asset_ips WHERE asset_id IN (SELECT asset_id FROM res_old);",
    "DELETE FROM assets WHERE asset_id IN (SELECT asset_id FROM res_old)"
    " AND asset_id NOT IN (SELECT asset_id FROM keep_assets)",
};

static bool seed_scope(Store *s, const ModelSnapshot *snap, Err *err)
{
    sqlite3_stmt *mac_st = NULL;
    sqlite3_stmt *ip_st = NULL;
    bool ok = store_prepare(s, "INSERT OR IGNORE INTO res_mac VALUES (?)", &mac_st, err) &&
              store_prepare(s, "INSERT OR IGNORE INTO res_ip VALUES (?, ?)", &ip_st, err);
    for (guint i = 0; ok && i < snap->endpoints->len; i++) {
        const Endpoint *e = &g_array_index(snap->endpoints, Endpoint, i);
        char text[OTS_ADDR_STRLEN];
        if (e->has_mac) {
            bind_text(mac_st, 1, macaddr_str(&e->mac, text));
            ok = sqlite3_step(mac_st) == SQLITE_DONE || store_fail(s, err, "resolve scope");
            sqlite3_reset(mac_st);
        }
        if (ok && e->has_ip) {
            bind_text(ip_st, 1, ipaddr_str(&e->ip, text));
            sqlite3_bind_int(ip_st, 2, e->vlan);
            ok = sqlite3_step(ip_st) == SQLITE_DONE || store_fail(s, err, "resolve scope");
            sqlite3_reset(ip_st);
        }
    }
    sqlite3_finalize(mac_st);
    sqlite3_finalize(ip_st);
    return ok;
}

static bool resolve_assets_touched(Store *s, const ModelSnapshot *snap, Err *err)
{
    if (!snap->endpoints->len)
        return true; /* no endpoint changed: nor did an asset */
    if (!store_exec(s, sql_scope_tables, err) || !seed_scope(s, snap, err))
        return false;
    for (;;) { /* the closure: until a round adds nothing */
        int64_t before = sqlite3_total_changes64(s->db);
        if (!store_exec(s, sql_scope_close, err))
            return false;
        if (sqlite3_total_changes64(s->db) == before)
            break;
    }
    return store_exec(s, sql_scope_old, err) && resolve(s, sql_scope_where, &scope_touched, err);
}
