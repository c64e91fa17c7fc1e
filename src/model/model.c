/*
 * model.c - fact intake: per-packet counters for endpoints, conversations,
 * operations, attributes and anomalies, each in a hash table keyed by a
 * fixed-size binary key.
 *
 * The hot path does hash lookups and counter updates only: an entry is
 * allocated the first time its key is seen, never per packet.  Entries are
 * marked dirty when they change so the store writes only what moved.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "otscope/hash.h"
#include "otscope/model.h"

enum { NS_PER_MINUTE_S = 60 };

/* The flow's model_cache slots (verdict.h). */
enum { SLOT_COMM, SLOT_EP_CLIENT, SLOT_EP_SERVER, SLOT_OP_FIRST, SLOT_OP_WAYS = 3 };
G_STATIC_ASSERT((int)SLOT_OP_FIRST + SLOT_OP_WAYS <= (int)MODEL_CACHE_SLOTS);

typedef struct EpKey {
    MacAddr mac;
    uint8_t has_mac;
    uint8_t has_ip;
    uint16_t vlan;
    IpAddr ip;
} EpKey;

typedef struct CommKey {
    NetAddr src;
    NetAddr dst;
    uint16_t port;
    uint16_t proto;
    uint8_t transport;
    uint8_t pad_[3];
} CommKey;

typedef struct OpKey {
    NetAddr src;
    NetAddr dst;
    const char *name;
    uint32_t code;
    uint16_t proto;
    uint8_t cls;
    uint8_t pad_;
} OpKey;

typedef struct AttrKey {
    NetAddr addr;
    uint32_t key;
    char value[FACT_VALUE_MAX];
} AttrKey;

typedef struct AnomKey {
    NetAddr src;
    NetAddr dst;
    uint32_t anom;
    uint16_t proto;
    uint16_t pad_;
} AnomKey;

/* Each entry starts with its key, so the table's key pointer is the entry. */
typedef struct EpNode {
    EpKey key;
    Endpoint ep;
} EpNode;
typedef struct CommNode {
    CommKey key;
    CommEntry comm;
} CommNode;
typedef struct OpNode {
    OpKey key;
    OpEntry op;
    /* Distinct request details as linear-counting bitmaps (OpEntry's
     * variants): the whole detail and its first word. */
    uint64_t detail_bits[OP_DETAIL_BITS / 64];
    uint64_t head_bits[OP_HEAD_BITS / 64];
} OpNode;
typedef struct AttrNode {
    AttrKey key;
    AttrEntry attr;
} AttrNode;
typedef struct AnomNode {
    AnomKey key;
    AnomEntry anom;
} AnomNode;

struct Model {
    GHashTable *endpoints;
    GHashTable *comms;
    GHashTable *ops;
    GHashTable *attrs;
    GHashTable *anoms;
    GArray *buckets; /* MinuteBucket closed since the last commit */
    guint n_buckets_written;
};

#define DEFINE_KEY_FNS(Type)                                                                       \
    static guint Type##_hash(gconstpointer k)                                                      \
    {                                                                                              \
        return (guint)ots_hash_bytes(k, sizeof(Type));                                             \
    }                                                                                              \
    static gboolean Type##_equal(gconstpointer a, gconstpointer b)                                 \
    {                                                                                              \
        return ots_key_equal(a, b, sizeof(Type));                                                  \
    }

DEFINE_KEY_FNS(EpKey)
DEFINE_KEY_FNS(CommKey)
DEFINE_KEY_FNS(OpKey)
DEFINE_KEY_FNS(AttrKey)
DEFINE_KEY_FNS(AnomKey)

/* Looks key up, first in the flow's slot (NULL: no flow): a node starts
 * with its key, so comparing the bytes at the cached pointer is enough. */
static void *lookup_cached(GHashTable *t, void **slot, const void *key, size_t key_len)
{
    if (slot && *slot && ots_key_equal(*slot, key, key_len))
        return *slot;
    void *node = g_hash_table_lookup(t, key);
    if (slot)
        *slot = node;
    return node;
}

/* A pollers' conversation cycles through a few operations (read holding
 * registers, read inputs, write): the op slots keep the last ways in
 * most-recent-first order and a hit moves to the front. */
static void *lookup_ways(GHashTable *t, void **ways, const void *key, size_t key_len)
{
    if (!ways)
        return g_hash_table_lookup(t, key);
    for (int i = 0; i < SLOT_OP_WAYS; i++) {
        void *node = ways[i];
        if (node && ots_key_equal(node, key, key_len)) {
            memmove(&ways[1], &ways[0], (size_t)i * sizeof *ways);
            ways[0] = node;
            return node;
        }
    }
    return NULL;
}

static void remember_way(void **ways, void *node)
{
    if (!ways)
        return;
    memmove(&ways[1], &ways[0], (SLOT_OP_WAYS - 1) * sizeof *ways);
    ways[0] = node;
}

static void **cache_slot(const Verdict *v, int slot)
{
    return v && v->model_cache ? &v->model_cache[slot] : NULL;
}

Model *model_new(void)
{
    Model *m = g_new0(Model, 1);
    m->endpoints = g_hash_table_new_full(EpKey_hash, EpKey_equal, NULL, g_free);
    m->comms = g_hash_table_new_full(CommKey_hash, CommKey_equal, NULL, g_free);
    m->ops = g_hash_table_new_full(OpKey_hash, OpKey_equal, NULL, g_free);
    m->attrs = g_hash_table_new_full(AttrKey_hash, AttrKey_equal, NULL, g_free);
    m->anoms = g_hash_table_new_full(AnomKey_hash, AnomKey_equal, NULL, g_free);
    m->buckets = g_array_new(FALSE, FALSE, sizeof(MinuteBucket));
    return m;
}

void model_free(Model *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->endpoints);
    g_hash_table_destroy(m->comms);
    g_hash_table_destroy(m->ops);
    g_hash_table_destroy(m->attrs);
    g_hash_table_destroy(m->anoms);
    g_array_free(m->buckets, TRUE);
    g_free(m);
}

/* ---- addresses ------------------------------------------------------- */

char *netaddr_str(const NetAddr *a, char *buf)
{
    return a->is_mac ? macaddr_str(&a->mac, buf) : ipaddr_str(&a->ip, buf);
}

static void netaddr_ip(NetAddr *a, const IpAddr *ip, uint16_t vlan)
{
    memset(a, 0, sizeof *a);
    a->ip = *ip;
    a->vlan = vlan;
}

static void netaddr_mac(NetAddr *a, const MacAddr *mac, uint16_t vlan)
{
    memset(a, 0, sizeof *a);
    a->is_mac = 1;
    a->mac = *mac;
    a->vlan = vlan;
}

/* The packet's sender (is_src) or receiver as a NetAddr: its IP when the
 * packet has one, its MAC otherwise. */
static void packet_addr(const Packet *pkt, bool is_src, NetAddr *a)
{
    if (pkt->ip_ver)
        netaddr_ip(a, is_src ? &pkt->src_ip : &pkt->dst_ip, pkt->vlan);
    else
        netaddr_mac(a, is_src ? &pkt->src_mac : &pkt->dst_mac, pkt->vlan);
}

/* ---- endpoints -------------------------------------------------------- */

static Endpoint *endpoint_get(Model *m, const MacAddr *mac, const IpAddr *ip, uint16_t vlan,
                              void **slot)
{
    EpKey key;
    memset(&key, 0, sizeof key);
    if (mac) {
        key.mac = *mac;
        key.has_mac = 1;
    }
    if (ip) {
        key.ip = *ip;
        key.has_ip = 1;
    }
    key.vlan = vlan;
    EpNode *node = lookup_cached(m->endpoints, slot, &key, sizeof key);
    if (!node) {
        node = g_new0(EpNode, 1);
        node->key = key;
        node->ep.has_mac = key.has_mac;
        node->ep.has_ip = key.has_ip;
        node->ep.mac = key.mac;
        node->ep.ip = key.ip;
        node->ep.vlan = vlan;
        node->ep.min_ttl = 255;
        g_hash_table_insert(m->endpoints, &node->key, node);
        if (slot)
            *slot = node;
    }
    node->ep.is_dirty = true;
    return &node->ep;
}

static bool ip_is_unicast(const IpAddr *ip)
{
    return !ipaddr_is_multicast(ip) && !ipaddr_is_broadcast_v4(ip) && !ipaddr_is_zero(ip);
}

static void count_endpoints(Model *m, const Packet *pkt, const Verdict *v)
{
    const MacAddr *smac = pkt->has_src_mac ? &pkt->src_mac : NULL;
    const MacAddr *dmac = pkt->has_dst_mac && !macaddr_is_group(&pkt->dst_mac) ? &pkt->dst_mac : NULL;
    if (pkt->is_arp) {
        /* The sender of any ARP message claims its sender address (an
         * all-zero sender is a probe and claims nothing). */
        bool claims = !ipaddr_is_zero(&pkt->arp.spa);
        Endpoint *ep = endpoint_get(m, &pkt->arp.sha, claims ? &pkt->arp.spa : NULL, pkt->vlan, NULL);
        tally_add_packet(&ep->tx, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
        if (claims)
            ep->arp_claims++;
        return;
    }
    /* IPv6 Neighbor Discovery claims an address like an ARP sender does;
     * the packet itself is counted below as any other. */
    if (pkt->nd.is_claim)
        endpoint_get(m, &pkt->nd.owner, &pkt->nd.addr, pkt->vlan, NULL)->arp_claims++;
    const IpAddr *sip = pkt->ip_ver ? &pkt->src_ip : NULL;
    const IpAddr *dip = pkt->ip_ver && ip_is_unicast(&pkt->dst_ip) ? &pkt->dst_ip : NULL;
    if (smac || sip) {
        void **slot = cache_slot(v, v->is_from_client ? SLOT_EP_CLIENT : SLOT_EP_SERVER);
        Endpoint *src = endpoint_get(m, smac, sip, pkt->vlan, slot);
        tally_add_packet(&src->tx, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
        if (pkt->ip_ver && pkt->ttl < src->min_ttl)
            src->min_ttl = pkt->ttl;
    }
    bool dst_is_group = (pkt->has_dst_mac && !dmac) || (pkt->ip_ver && !dip);
    if (!dst_is_group && (dmac || dip)) {
        void **slot = cache_slot(v, v->is_from_client ? SLOT_EP_SERVER : SLOT_EP_CLIENT);
        Endpoint *dst = endpoint_get(m, dmac, dip, pkt->vlan, slot);
        tally_add_packet(&dst->rx, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
    }
}

/* ---- conversations ---------------------------------------------------- */

static CommEntry *comm_get(Model *m, const Verdict *v)
{
    CommKey key;
    memset(&key, 0, sizeof key);
    const Conv *c = &v->conv;
    if (c->ip_ver) {
        netaddr_ip(&key.src, &c->client_ip, c->vlan);
        netaddr_ip(&key.dst, &c->server_ip, c->vlan);
    } else {
        netaddr_mac(&key.src, &c->client_mac, c->vlan);
        netaddr_mac(&key.dst, &c->server_mac, c->vlan);
    }
    key.port = c->port;
    key.proto = (uint16_t)v->proto;
    key.transport = (uint8_t)c->transport;
    void **slot = cache_slot(v, SLOT_COMM);
    CommNode *node = lookup_cached(m->comms, slot, &key, sizeof key);
    if (!node) {
        node = g_new0(CommNode, 1);
        node->key = key;
        node->comm.src = key.src;
        node->comm.dst = key.dst;
        node->comm.transport = c->transport;
        node->comm.port = c->port;
        node->comm.proto = key.proto;
        node->comm.minute = -1;
        g_hash_table_insert(m->comms, &node->key, node);
        if (slot)
            *slot = node;
    }
    node->comm.is_dirty = true;
    return &node->comm;
}

static void comm_add_minute(Model *m, CommEntry *c, int64_t ts_ns, uint64_t packets, uint64_t bytes)
{
    int64_t minute = ts_ns / ((int64_t)NS_PER_MINUTE_S * 1000000000);
    if (minute != c->minute) {
        if (c->minute >= 0 && c->minute_packets) {
            MinuteBucket b = { c, c->minute, c->minute_packets, c->minute_bytes };
            g_array_append_val(m->buckets, b);
        }
        c->minute = minute;
        c->minute_packets = 0;
        c->minute_bytes = 0;
    }
    c->minute_packets += packets;
    c->minute_bytes += bytes;
}

static void credit_backlog(Model *m, CommEntry *c, const Tally *backlog)
{
    if (backlog->packets == 0)
        return;
    tally_merge(&c->total, backlog);
    /* Held packets are few and early: credit them to their first minute. */
    comm_add_minute(m, c, backlog->first_ns, backlog->packets, backlog->bytes);
}

void model_credit(Model *m, const Verdict *v)
{
    credit_backlog(m, comm_get(m, v), &v->backlog);
}

/* ---- facts ------------------------------------------------------------ */

/* Sets the bits of a request's detail and of its first word (see
 * OpNode): one pass over at most FACT_DETAIL_MAX bytes, no allocation. */
static void note_variant(OpNode *op, const char *detail)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    uint64_t head = 0;
    for (const unsigned char *p = (const unsigned char *)detail; *p; p++) {
        if (*p == ' ' && !head)
            head = h;
        h = (h ^ *p) * 0x100000001b3ull;
    }
    if (!head)
        head = h;
    h = ots_hash_mix(h);
    head = ots_hash_mix(head);
    op->detail_bits[(h % OP_DETAIL_BITS) / 64] |= 1ull << (h % 64);
    op->head_bits[(head % OP_HEAD_BITS) / 64] |= 1ull << (head % 64);
}

static uint32_t count_variants(const uint64_t *bits, unsigned n_bits)
{
    unsigned set = 0;
    for (unsigned i = 0; i < n_bits / 64; i++)
        set += (unsigned)__builtin_popcountll(bits[i]);
    if (set == 0)
        return 0;
    if (set >= n_bits)
        set = n_bits - 1; /* saturated: report the ceiling */
    /* linear counting: n = -m ln(zero fraction) */
    double zero = (double)(n_bits - set) / n_bits;
    return (uint32_t)(-(double)n_bits * log(zero) + 0.5);
}

static void take_op(Model *m, const Packet *pkt, const Fact *f, const Verdict *v)
{
    OpKey key;
    memset(&key, 0, sizeof key);
    /* A response is booked on the request's row: requester -> responder. */
    bool is_resp = f->u.op.is_response;
    packet_addr(pkt, !is_resp, &key.src);
    packet_addr(pkt, is_resp, &key.dst);
    key.name = f->u.op.name;
    key.code = f->u.op.code;
    key.proto = f->proto;
    key.cls = (uint8_t)f->u.op.cls;
    void **ways = cache_slot(v, SLOT_OP_FIRST);
    OpNode *node = lookup_ways(m->ops, ways, &key, sizeof key);
    if (!node && ways) {
        node = g_hash_table_lookup(m->ops, &key);
        if (node)
            remember_way(ways, node);
    }
    if (!node) {
        node = g_new0(OpNode, 1);
        node->key = key;
        node->op.proto = key.proto;
        node->op.src = key.src;
        node->op.dst = key.dst;
        node->op.code = key.code;
        node->op.name = key.name;
        node->op.cls = f->u.op.cls;
        g_strlcpy(node->op.detail, f->u.op.detail, sizeof node->op.detail);
        g_hash_table_insert(m->ops, &node->key, node);
        remember_way(ways, node);
    }
    OpEntry *op = &node->op;
    if (is_resp) {
        op->responses++;
        if (f->u.op.status != 0)
            op->errors++;
    } else {
        op->count++;
    }
    if (!is_resp && f->u.op.detail[0])
        note_variant(node, f->u.op.detail);
    tally_add_packet(&op->seen, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
    op->is_dirty = true;
}

/* The address an attribute describes.  A host without an address yet
 * (a DHCP client sends from 0.0.0.0 or ::) is only its MAC: its names and
 * fingerprint belong to that MAC's asset, not to a shared "0.0.0.0". */
static void attr_addr(const Packet *pkt, bool is_src, NetAddr *a)
{
    const IpAddr *ip = is_src ? &pkt->src_ip : &pkt->dst_ip;
    bool has_mac = is_src ? pkt->has_src_mac : pkt->has_dst_mac;
    const MacAddr *mac = is_src ? &pkt->src_mac : &pkt->dst_mac;
    if (pkt->ip_ver && ipaddr_is_zero(ip) && has_mac && !macaddr_is_group(mac))
        netaddr_mac(a, mac, pkt->vlan);
    else
        packet_addr(pkt, is_src, a);
}

static void take_attr(Model *m, const Packet *pkt, const Fact *f)
{
    AttrKey key;
    memset(&key, 0, sizeof key);
    attr_addr(pkt, f->side == SIDE_SRC, &key.addr);
    key.key = f->u.attr.key;
    g_strlcpy(key.value, f->u.attr.value, sizeof key.value);
    AttrNode *node = g_hash_table_lookup(m->attrs, &key);
    if (!node) {
        node = g_new0(AttrNode, 1);
        node->key = key;
        node->attr.addr = key.addr;
        node->attr.key = f->u.attr.key;
        node->attr.proto = f->proto;
        g_strlcpy(node->attr.value, key.value, sizeof node->attr.value);
        g_hash_table_insert(m->attrs, &node->key, node);
    }
    if (f->u.attr.confidence > node->attr.confidence)
        node->attr.confidence = f->u.attr.confidence;
    tally_add_packet(&node->attr.seen, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
    node->attr.is_dirty = true;
}

static void take_anom(Model *m, const Packet *pkt, const Fact *f, CommEntry *comm)
{
    AnomKey key;
    memset(&key, 0, sizeof key);
    packet_addr(pkt, true, &key.src);
    packet_addr(pkt, false, &key.dst);
    key.anom = f->u.anom;
    key.proto = f->proto;
    AnomNode *node = g_hash_table_lookup(m->anoms, &key);
    if (!node) {
        node = g_new0(AnomNode, 1);
        node->key = key;
        node->anom.proto = key.proto;
        node->anom.src = key.src;
        node->anom.dst = key.dst;
        node->anom.anom = f->u.anom;
        g_hash_table_insert(m->anoms, &node->key, node);
    }
    tally_add_packet(&node->anom.seen, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
    node->anom.is_dirty = true;
    if (comm)
        comm->anomalies++;
}

void model_packet(Model *m, const Packet *pkt, const Verdict *v, const Fact *facts, size_t n_facts)
{
    count_endpoints(m, pkt, v);
    CommEntry *comm = NULL;
    if (v->is_counted) {
        comm = comm_get(m, v);
        credit_backlog(m, comm, &v->backlog);
        tally_add_packet(&comm->total, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
        comm_add_minute(m, comm, pkt->ts_ns, 1, pkt->wirelen);
    }
    for (size_t i = 0; i < n_facts; i++) {
        const Fact *f = &facts[i];
        switch (f->kind) {
        case FACT_OP:
            take_op(m, pkt, f, v);
            break;
        case FACT_ATTR:
            take_attr(m, pkt, f);
            break;
        case FACT_ANOM:
            take_anom(m, pkt, f, comm);
            break;
        }
    }
}

/* ---- iteration for the store ------------------------------------------ */

typedef struct EachCtx {
    ModelEachFn fn;
    void *user;
    bool only_dirty;
    size_t entry_offset; /* where the entry sits in its node */
    size_t dirty_offset; /* where its is_dirty flag sits in the entry */
} EachCtx;

static void each_node(gpointer key, gpointer value, gpointer data)
{
    (void)key;
    const EachCtx *ctx = data;
    char *entry = (char *)value + ctx->entry_offset;
    if (ctx->only_dirty && !*(const bool *)(entry + ctx->dirty_offset))
        return;
    ctx->fn(entry, ctx->user);
}

static void each(GHashTable *t, size_t entry_offset, size_t dirty_offset, bool only_dirty,
                 ModelEachFn fn, void *user)
{
    EachCtx ctx = { fn, user, only_dirty, entry_offset, dirty_offset };
    g_hash_table_foreach(t, each_node, &ctx);
}

void model_each_endpoint(Model *m, bool only_dirty, ModelEachFn fn, void *user)
{
    each(m->endpoints, offsetof(EpNode, ep), offsetof(Endpoint, is_dirty), only_dirty, fn, user);
}

void model_each_comm(Model *m, bool only_dirty, ModelEachFn fn, void *user)
{
    each(m->comms, offsetof(CommNode, comm), offsetof(CommEntry, is_dirty), only_dirty, fn, user);
}

void model_each_op(Model *m, bool only_dirty, ModelEachFn fn, void *user)
{
    each(m->ops, offsetof(OpNode, op), offsetof(OpEntry, is_dirty), only_dirty, fn, user);
}

void model_each_attr(Model *m, bool only_dirty, ModelEachFn fn, void *user)
{
    each(m->attrs, offsetof(AttrNode, attr), offsetof(AttrEntry, is_dirty), only_dirty, fn, user);
}

void model_each_anom(Model *m, bool only_dirty, ModelEachFn fn, void *user)
{
    each(m->anoms, offsetof(AnomNode, anom), offsetof(AnomEntry, is_dirty), only_dirty, fn, user);
}

static void each_open_bucket(void *entry, void *data)
{
    CommEntry *c = entry;
    void **pair = data;
    if (c->minute < 0 || c->minute_packets == 0)
        return;
    MinuteBucket b = { c, c->minute, c->minute_packets, c->minute_bytes };
    ((ModelEachFn)(uintptr_t)pair[0])(&b, pair[1]);
}

void model_each_bucket(Model *m, bool is_final, ModelEachFn fn, void *user)
{
    for (guint i = 0; i < m->buckets->len; i++)
        fn(&g_array_index(m->buckets, MinuteBucket, i), user);
    m->n_buckets_written = m->buckets->len;
    /* Open buckets are written every time (rows are replaced, so a later
     * write of the same minute overwrites the partial count). */
    (void)is_final;
    void *pair[2] = { (void *)(uintptr_t)fn, user };
    model_each_comm(m, true, each_open_bucket, pair);
}

static void clear_dirty(gpointer key, gpointer value, gpointer data)
{
    (void)key;
    size_t off = GPOINTER_TO_SIZE(data);
    *(bool *)((char *)value + off) = false;
}

void model_mark_clean(Model *m)
{
    g_hash_table_foreach(m->endpoints, clear_dirty,
                         GSIZE_TO_POINTER(offsetof(EpNode, ep) + offsetof(Endpoint, is_dirty)));
    g_hash_table_foreach(m->comms, clear_dirty,
                         GSIZE_TO_POINTER(offsetof(CommNode, comm) + offsetof(CommEntry, is_dirty)));
    g_hash_table_foreach(m->ops, clear_dirty,
                         GSIZE_TO_POINTER(offsetof(OpNode, op) + offsetof(OpEntry, is_dirty)));
    g_hash_table_foreach(m->attrs, clear_dirty,
                         GSIZE_TO_POINTER(offsetof(AttrNode, attr) + offsetof(AttrEntry, is_dirty)));
    g_hash_table_foreach(m->anoms, clear_dirty,
                         GSIZE_TO_POINTER(offsetof(AnomNode, anom) + offsetof(AnomEntry, is_dirty)));
    g_array_remove_range(m->buckets, 0, m->n_buckets_written);
    m->n_buckets_written = 0;
}

/* ---- snapshots for the writer thread ---------------------------------- */

static void snap_copy(void *entry, void *user)
{
    g_array_append_vals(user, entry, 1);
}

typedef struct SnapCtx {
    GArray *refs;    /* SnapComm or SnapOp */
    GArray *copies;  /* CommEntry or OpEntry; NULL: refer to the entries */
    GArray *updates; /* CommUpdate or OpUpdate; NULL: none (the last batch) */
} SnapCtx;

/* An interim snapshot is taken while the writer is idle (the writer's
 * last store_id writes happened before it), so store_id is stable here. */
static void snap_comm(void *entry, void *user)
{
    SnapCtx *sc = user;
    CommEntry *comm = entry;
    if (sc->updates && comm->store_id) {
        CommUpdate u = { comm, comm->total, comm->anomalies };
        g_array_append_val(sc->updates, u);
        return;
    }
    SnapComm c = { entry, entry };
    if (sc->copies)
        g_array_append_vals(sc->copies, entry, 1); /* c.entry is set once they stop moving */
    g_array_append_val(sc->refs, c);
}

static void snap_op(void *entry, void *user)
{
    SnapCtx *sc = user;
    OpEntry *op = entry;
    const OpNode *node = (const OpNode *)((char *)entry - offsetof(OpNode, op));
    if (sc->updates && op->store_id) {
        OpUpdate u = { op,
                       op->seen,
                       op->count,
                       op->responses,
                       op->errors,
                       count_variants(node->detail_bits, OP_DETAIL_BITS),
                       count_variants(node->head_bits, OP_HEAD_BITS) };
        g_array_append_val(sc->updates, u);
        return;
    }
    SnapOp o = { op, op };
    if (sc->copies) {
        g_array_append_vals(sc->copies, op, 1);
        op = &g_array_index(sc->copies, OpEntry, sc->copies->len - 1);
    }
    op->variants = count_variants(node->detail_bits, OP_DETAIL_BITS);
    op->head_variants = count_variants(node->head_bits, OP_HEAD_BITS);
    g_array_append_val(sc->refs, o);
}

static ModelSnapshot *take_snapshot(Model *m, bool is_last)
{
    ModelSnapshot *snap = g_new0(ModelSnapshot, 1);
    snap->endpoints = g_array_new(FALSE, FALSE, sizeof(Endpoint));
    snap->comms = g_array_new(FALSE, FALSE, sizeof(SnapComm));
    snap->buckets = g_array_new(FALSE, FALSE, sizeof(MinuteBucket));
    snap->ops = g_array_new(FALSE, FALSE, sizeof(SnapOp));
    snap->attrs = g_array_new(FALSE, FALSE, sizeof(AttrEntry));
    snap->anoms = g_array_new(FALSE, FALSE, sizeof(AnomEntry));
    snap->comm_updates = g_array_new(FALSE, FALSE, sizeof(CommUpdate));
    snap->op_updates = g_array_new(FALSE, FALSE, sizeof(OpUpdate));
    if (!is_last) {
        snap->comm_copies = g_array_new(FALSE, FALSE, sizeof(CommEntry));
        snap->op_copies = g_array_new(FALSE, FALSE, sizeof(OpEntry));
    }
    SnapCtx comms = { snap->comms, snap->comm_copies, is_last ? NULL : snap->comm_updates };
    SnapCtx ops = { snap->ops, snap->op_copies, is_last ? NULL : snap->op_updates };
    model_each_endpoint(m, true, snap_copy, snap->endpoints);
    model_each_comm(m, true, snap_comm, &comms);
    model_each_bucket(m, true, snap_copy, snap->buckets);
    model_each_op(m, true, snap_op, &ops);
    model_each_attr(m, true, snap_copy, snap->attrs);
    model_each_anom(m, true, snap_copy, snap->anoms);
    for (guint i = 0; !is_last && i < snap->comms->len; i++)
        g_array_index(snap->comms, SnapComm, i).entry = &g_array_index(snap->comm_copies, CommEntry, i);
    for (guint i = 0; !is_last && i < snap->ops->len; i++)
        g_array_index(snap->ops, SnapOp, i).entry = &g_array_index(snap->op_copies, OpEntry, i);
    model_mark_clean(m);
    return snap;
}

ModelSnapshot *model_snapshot(Model *m)
{
    return take_snapshot(m, false);
}

ModelSnapshot *model_snapshot_last(Model *m)
{
    return take_snapshot(m, true);
}

void model_snapshot_free(ModelSnapshot *snap)
{
    if (!snap)
        return;
    g_array_free(snap->endpoints, TRUE);
    g_array_free(snap->comms, TRUE);
    g_array_free(snap->buckets, TRUE);
    g_array_free(snap->ops, TRUE);
    g_array_free(snap->attrs, TRUE);
    g_array_free(snap->anoms, TRUE);
    g_array_free(snap->comm_updates, TRUE);
    g_array_free(snap->op_updates, TRUE);
    if (snap->comm_copies)
        g_array_free(snap->comm_copies, TRUE);
    if (snap->op_copies)
        g_array_free(snap->op_copies, TRUE);
    g_free(snap);
}

void model_counts(const Model *m, ModelCounts *out)
{
    out->endpoints = g_hash_table_size(m->endpoints);
    out->comms = g_hash_table_size(m->comms);
    out->ops = g_hash_table_size(m->ops);
    out->attrs = g_hash_table_size(m->attrs);
    out->anoms = g_hash_table_size(m->anoms);
    out->pending_buckets = m->buckets->len - m->n_buckets_written;
}
