/*
 * flow.c - bounded flow table: chained hash + intrusive LRU list.
 *
 * The table never grows past its cap: the flow at the LRU tail is evicted
 * to make room (p0f/Suricata memcap style), and the eviction is counted so
 * that the summary can say conversations were cut.  Bucket count is the
 * next power of two above the cap, so chains stay short.
 */
#include "config.h"

#include "flow.h"

#include <string.h>

#include <glib.h>

#include "otscope/err.h"
#include "otscope/hash.h"

struct FlowTable {
    Flow **buckets;
    size_t n_buckets; /* power of two */
    size_t count;
    size_t max_flows;
    size_t state_size;
    uint64_t evictions;
    Flow *lru_head; /* most recent */
    Flow *lru_tail; /* least recent */
    FlowEvictFn on_leave;
    void *user;
};

/* The key is padding-free by construction (memset before filling), so
 * hashing its bytes is well defined. */
static uint64_t key_hash(const FlowKey *key)
{
    return ots_hash_bytes(key, sizeof *key);
}

FlowTable *flow_table_new(size_t max_flows, size_t state_size, FlowEvictFn on_leave, void *user)
{
    FlowTable *t = g_new0(FlowTable, 1);
    t->max_flows = max_flows ? max_flows : 1;
    t->n_buckets = 16;
    while (t->n_buckets < t->max_flows * 2)
        t->n_buckets <<= 1;
    t->buckets = g_new0(Flow *, t->n_buckets);
    t->state_size = state_size;
    t->on_leave = on_leave;
    t->user = user;
    return t;
}

static void lru_unlink(FlowTable *t, Flow *f)
{
    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        t->lru_head = f->lru_next;
    if (f->lru_next)
        f->lru_next->lru_prev = f->lru_prev;
    else
        t->lru_tail = f->lru_prev;
    f->lru_prev = f->lru_next = NULL;
}

static void lru_push_front(FlowTable *t, Flow *f)
{
    f->lru_prev = NULL;
    f->lru_next = t->lru_head;
    if (t->lru_head)
        t->lru_head->lru_prev = f;
    t->lru_head = f;
    if (!t->lru_tail)
        t->lru_tail = f;
}

static void flow_destroy(FlowTable *t, Flow *f)
{
    if (t->on_leave)
        t->on_leave(f, t->user);
    g_free(f->stream[0].buf);
    g_free(f->stream[1].buf);
    g_free(f);
}

static void flow_remove(FlowTable *t, Flow *f)
{
    Flow **link = &t->buckets[key_hash(&f->key) & (t->n_buckets - 1)];
    while (*link && *link != f)
        link = &(*link)->hash_next;
    OTS_ASSERT(*link != NULL);
    *link = f->hash_next;
    lru_unlink(t, f);
    t->count--;
    flow_destroy(t, f);
}

Flow *flow_table_get(FlowTable *t, const FlowKey *key, bool *is_new)
{
    size_t slot = key_hash(key) & (t->n_buckets - 1);
    for (Flow *f = t->buckets[slot]; f; f = f->hash_next) {
        if (memcmp(&f->key, key, sizeof *key) == 0) {
            if (t->lru_head != f) {
                lru_unlink(t, f);
                lru_push_front(t, f);
            }
            *is_new = false;
            return f;
        }
    }
    if (t->count >= t->max_flows && t->lru_tail) {
        t->evictions++;
        flow_remove(t, t->lru_tail);
    }
    /* One allocation per flow: the Flow and its two state slots. */
    Flow *f = g_malloc0(sizeof(Flow) + 2 * t->state_size);
    f->key = *key;
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

size_t flow_table_expire(FlowTable *t, int64_t before_ns, bool is_all)
{
    size_t n = 0;
    /* The LRU tail is the least recently used flow: stop at the first one
     * still active. */
    while (t->lru_tail && (is_all || t->lru_tail->last_ns < before_ns)) {
        flow_remove(t, t->lru_tail);
        n++;
    }
    return n;
}

void flow_table_free(FlowTable *t)
{
    if (!t)
        return;
    flow_table_expire(t, 0, true);
    g_free(t->buckets);
    g_free(t);
}

size_t flow_table_count(const FlowTable *t)
{
    return t->count;
}

uint64_t flow_table_evictions(const FlowTable *t)
{
    return t->evictions;
}
