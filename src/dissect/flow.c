/*
 * flow.c - bounded flow table: chained hash + intrusive LRU list.
 *
 * The table never grows past its cap: the flow at the LRU tail is evicted
 * to make room (p0f/Suricata memcap style), and the eviction is counted so
 * that the summary can say conversations were cut.  The bucket array
 * doubles as flows arrive (load factor <= 1), so a capture with a few
 * thousand flows keeps it small enough to stay in cache; each flow keeps
 * its hash, so chains are walked without touching other flows' keys.
 */
#include "config.h"

#include "flow.h"

#include <string.h>

#include <glib.h>

#include "otscope/err.h"
#include "otscope/hash.h"

/* Flows come from slabs of FLOWS_PER_SLAB and go back to a free list:
 * no malloc/free churn per short-lived flow (a DNS exchange makes one),
 * and flows sit close together in memory. */
enum { FLOWS_PER_SLAB = 256 };

/* One LRU list per idle timeout: each list is ordered by last use, so
 * expiry stops at its first live flow. */
typedef struct FlowLru {
    Flow *head; /* most recent */
    Flow *tail; /* least recent */
} FlowLru;

struct FlowTable {
    GPtrArray *slabs;   /* each FLOWS_PER_SLAB * flow_size bytes */
    Flow *free_list;    /* linked through hash_next */
    size_t flow_size;   /* sizeof(Flow) + 2 state slots, 16-byte aligned */
    Flow **buckets;
    size_t n_buckets; /* power of two */
    size_t count;
    size_t max_flows;
    size_t state_size;
    uint64_t evictions;
    FlowLru lru[FLOW_CLASSES];
    FlowEvictFn on_leave;
    void *user;
};

/* The key is padding-free by construction (memset before filling), so
 * hashing its bytes is well defined. */
uint64_t flow_key_hash(const FlowKey *key)
{
    return ots_hash_bytes(key, sizeof *key);
}

enum { FLOW_MIN_BUCKETS = 1024 };
#define LRU_GRAIN_NS ((int64_t)1000000000) /* one second of capture time */

FlowTable *flow_table_new(size_t max_flows, size_t state_size, FlowEvictFn on_leave, void *user)
{
    FlowTable *t = g_new0(FlowTable, 1);
    t->max_flows = max_flows ? max_flows : 1;
    t->n_buckets = FLOW_MIN_BUCKETS;
    t->buckets = g_new0(Flow *, t->n_buckets);
    t->state_size = state_size;
    t->flow_size = (sizeof(Flow) + 2 * state_size + 15) & ~(size_t)15;
    t->slabs = g_ptr_array_new_with_free_func(g_free);
    t->on_leave = on_leave;
    t->user = user;
    return t;
}

FlowClass flow_class(const FlowKey *key)
{
    return key->transport == TP_TCP ? FLOW_CLASS_STREAM : FLOW_CLASS_DATAGRAM;
}

static FlowLru *lru_of(FlowTable *t, const Flow *f)
{
    return &t->lru[flow_class(&f->key)];
}

static void lru_unlink(FlowTable *t, Flow *f)
{
    FlowLru *lru = lru_of(t, f);
    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        lru->head = f->lru_next;
    if (f->lru_next)
        f->lru_next->lru_prev = f->lru_prev;
    else
        lru->tail = f->lru_prev;
    f->lru_prev = f->lru_next = NULL;
}

static void lru_push_front(FlowTable *t, Flow *f)
{
    FlowLru *lru = lru_of(t, f);
    f->lru_prev = NULL;
    f->lru_next = lru->head;
    if (lru->head)
        lru->head->lru_prev = f;
    lru->head = f;
    if (!lru->tail)
        lru->tail = f;
}

/* The least recently used flow of all classes: the one the cap evicts. */
static Flow *lru_oldest(const FlowTable *t)
{
    Flow *oldest = NULL;
    for (int c = 0; c < FLOW_CLASSES; c++) {
        Flow *f = t->lru[c].tail;
        if (f && (!oldest || f->lru_ns < oldest->lru_ns))
            oldest = f;
    }
    return oldest;
}

static Flow *flow_alloc(FlowTable *t)
{
    if (!t->free_list) {
        char *slab = g_malloc(FLOWS_PER_SLAB * t->flow_size);
        g_ptr_array_add(t->slabs, slab);
        for (size_t i = FLOWS_PER_SLAB; i-- > 0;) {
            Flow *f = (Flow *)(void *)(slab + i * t->flow_size);
            f->hash_next = t->free_list;
            t->free_list = f;
        }
    }
    Flow *f = t->free_list;
    t->free_list = f->hash_next;
    memset(f, 0, t->flow_size);
    return f;
}

static void flow_destroy(FlowTable *t, Flow *f)
{
    if (t->on_leave)
        t->on_leave(f, t->user);
    g_free(f->stream[0].buf);
    g_free(f->stream[1].buf);
    f->hash_next = t->free_list;
    t->free_list = f;
}

/* Doubles the bucket array; chains are re-threaded from the kept hashes. */
static void grow_buckets(FlowTable *t)
{
    size_t n = t->n_buckets * 2;
    Flow **buckets = g_new0(Flow *, n);
    for (size_t i = 0; i < t->n_buckets; i++) {
        Flow *f = t->buckets[i];
        while (f) {
            Flow *next = f->hash_next;
            Flow **head = &buckets[f->hash & (n - 1)];
            f->hash_next = *head;
            *head = f;
            f = next;
        }
    }
    g_free(t->buckets);
    t->buckets = buckets;
    t->n_buckets = n;
}

static void flow_remove(FlowTable *t, Flow *f)
{
    Flow **link = &t->buckets[f->hash & (t->n_buckets - 1)];
    while (*link && *link != f)
        link = &(*link)->hash_next;
    OTS_ASSERT(*link != NULL);
    *link = f->hash_next;
    lru_unlink(t, f);
    t->count--;
    flow_destroy(t, f);
}

Flow *flow_table_get(FlowTable *t, const FlowKey *key, int64_t now_ns, bool *is_new)
{
    uint64_t hash = flow_key_hash(key);
    for (Flow *f = t->buckets[hash & (t->n_buckets - 1)]; f; f = f->hash_next) {
        if (f->hash == hash && ots_key_equal(&f->key, key, sizeof *key)) {
            /* Relinking touches two other flows' cache lines; doing it at
             * most once per LRU_GRAIN_NS keeps the list ordered to within
             * that grain, which is all expiry and eviction need. */
            if (now_ns - f->lru_ns >= LRU_GRAIN_NS && lru_of(t, f)->head != f) {
                lru_unlink(t, f);
                lru_push_front(t, f);
                f->lru_ns = now_ns;
            }
            *is_new = false;
            return f;
        }
    }
    Flow *oldest = t->count >= t->max_flows ? lru_oldest(t) : NULL;
    if (oldest) {
        t->evictions++;
        flow_remove(t, oldest);
    }
    /* One slab slot per flow: the Flow and its two state slots. */
    if (t->count >= t->n_buckets)
        grow_buckets(t);
    Flow *f = flow_alloc(t);
    f->key = *key;
    f->hash = hash;
    f->lru_ns = now_ns;
    size_t slot = hash & (t->n_buckets - 1);
    if (t->state_size) {
        f->state = (char *)(f + 1);
        f->child_state = (char *)(f + 1) + t->state_size;
    }
    f->hash_next = t->buckets[slot];
    t->buckets[slot] = f;
    lru_push_front(t, f);
    t->count++;
    *is_new = true;
    return f;
}

uint8_t flow_key_from_packet(const Packet *pkt, FlowKey *key)
{
    memset(key, 0, sizeof *key);
    key->vlan = pkt->vlan;
    key->transport = (uint8_t)pkt->transport;
    key->ip_proto = pkt->ip_proto;
    int cmp = memcmp(&pkt->src_ip, &pkt->dst_ip, sizeof(IpAddr));
    if (cmp == 0)
        cmp = (int)pkt->sport - (int)pkt->dport;
    uint8_t sender = cmp <= 0 ? 0 : 1;
    key->addr[sender] = pkt->src_ip;
    key->port[sender] = pkt->sport;
    key->addr[1 - sender] = pkt->dst_ip;
    key->port[1 - sender] = pkt->dport;
    return sender;
}

size_t flow_table_expire(FlowTable *t, const int64_t before_ns[FLOW_CLASSES], bool is_all)
{
    size_t n = 0;
    for (int c = 0; c < FLOW_CLASSES; c++) {
        /* The tail is the least recently used flow of the class: stop at
         * the first one still active. */
        FlowLru *lru = &t->lru[c];
        while (lru->tail && (is_all || lru->tail->lru_ns < before_ns[c])) {
            flow_remove(t, lru->tail);
            n++;
        }
    }
    return n;
}

void flow_table_free(FlowTable *t)
{
    if (!t)
        return;
    const int64_t none[FLOW_CLASSES] = { 0 };
    flow_table_expire(t, none, true);
    g_free(t->buckets);
    g_ptr_array_unref(t->slabs);
    g_free(t);
}

void flow_table_prefetch_slot(const FlowTable *t, uint64_t hash)
{
    __builtin_prefetch(&t->buckets[hash & (t->n_buckets - 1)]);
}

void flow_table_prefetch_flow(const FlowTable *t, uint64_t hash)
{
    const Flow *f = t->buckets[hash & (t->n_buckets - 1)];
    if (f) {
        /* The key and links, then the tail with the model cache. */
        __builtin_prefetch(f);
        __builtin_prefetch((const char *)f + sizeof *f - sizeof f->model_cache);
    }
}

const Flow *flow_table_peek(const FlowTable *t, uint64_t hash)
{
    for (const Flow *f = t->buckets[hash & (t->n_buckets - 1)]; f; f = f->hash_next)
        if (f->hash == hash)
            return f;
    return NULL;
}

size_t flow_table_count(const FlowTable *t)
{
    return t->count;
}

uint64_t flow_table_evictions(const FlowTable *t)
{
    return t->evictions;
}
