/*
 * decode-ipfrag.c - IPv4/IPv6 fragment reassembly in a fixed pool.
 *
 * A datagram under reassembly occupies one of FRAG_SLOTS slots, keyed by
 * (source, destination, protocol, id).  Each slot owns a buffer of the
 * largest IP datagram, allocated the first time the slot is used and then
 * reused, so reassembly costs no allocation per packet.  Received bytes are
 * tracked in 8-byte blocks (fragment offsets are multiples of 8).  When the
 * pool is full the oldest slot is dropped and counted.  Overlapping
 * fragments are accepted first-wins (the BSD policy); this is an inventory
 * tool, not an IDS normaliser.
 */
#include "config.h"

#include "decode.h"

#include <string.h>

#include <glib.h>

enum {
    FRAG_SLOTS = 64,
    FRAG_MAX_DATAGRAM = 65535,
    FRAG_BLOCKS = (FRAG_MAX_DATAGRAM + 7) / 8,
    FRAG_TIMEOUT_NS_S = 30, /* seconds a partial datagram may wait */
};

typedef struct FragSlot {
    bool is_used;
    IpAddr src;
    IpAddr dst;
    uint32_t id;
    uint8_t proto;
    int64_t first_ns;
    uint32_t total_len; /* known once the last fragment arrived; 0 before */
    uint32_t received;  /* bytes received so far (first copy of each block) */
    uint8_t *buf;
    uint8_t have[FRAG_BLOCKS / 8 + 1]; /* bitmap of received 8-byte blocks */
} FragSlot;

struct IpFragTable {
    FragSlot slots[FRAG_SLOTS];
    uint64_t dropped;
    /* The slot whose buffer the last completed datagram of this frame
     * borrows (-1: none).  A tunnel's inner fragment must not claim it
     * while the inner packet is still read from it. */
    int lent;
};

IpFragTable *ipfrag_new(void)
{
    IpFragTable *t = g_new0(IpFragTable, 1);
    t->lent = -1;
    return t;
}

void ipfrag_new_frame(IpFragTable *t)
{
    t->lent = -1;
}

void ipfrag_free(IpFragTable *t)
{
    if (!t)
        return;
    for (int i = 0; i < FRAG_SLOTS; i++)
        g_free(t->slots[i].buf);
    g_free(t);
}

uint64_t ipfrag_dropped(const IpFragTable *t)
{
    return t->dropped;
}

static void slot_reset(FragSlot *s)
{
    uint8_t *buf = s->buf;
    memset(s, 0, sizeof *s);
    s->buf = buf;
}

static FragSlot *find_slot(IpFragTable *t, const Packet *pkt, uint32_t id)
{
    FragSlot *free_slot = NULL;
    FragSlot *oldest = NULL;
    int64_t stale_before = pkt->ts_ns - (int64_t)FRAG_TIMEOUT_NS_S * 1000000000;
    for (int i = 0; i < FRAG_SLOTS; i++) {
        FragSlot *s = &t->slots[i];
        if (s->is_used && s->first_ns < stale_before) {
            t->dropped++;
            slot_reset(s);
        }
        if (!s->is_used) {
            if (!free_slot && i != t->lent)
                free_slot = s;
            continue;
        }
        if (s->id == id && s->proto == pkt->ip_proto && memcmp(&s->src, &pkt->src_ip, 16) == 0 &&
            memcmp(&s->dst, &pkt->dst_ip, 16) == 0)
            return s;
        if (!oldest || s->first_ns < oldest->first_ns)
            oldest = s;
    }
    FragSlot *s = free_slot;
    if (!s) {
        t->dropped++;
        s = oldest;
        slot_reset(s);
    }
    if (!s->buf)
        s->buf = g_malloc(FRAG_MAX_DATAGRAM);
    s->is_used = true;
    s->src = pkt->src_ip;
    s->dst = pkt->dst_ip;
    s->id = id;
    s->proto = pkt->ip_proto;
    s->first_ns = pkt->ts_ns;
    return s;
}

static bool block_have(const FragSlot *s, uint32_t block)
{
    return (s->have[block / 8] >> (block % 8)) & 1;
}

static void store_fragment(FragSlot *s, uint32_t offset, Cursor *frag)
{
    size_t len = cursor_left(frag);
    uint8_t chunk[8];
    for (uint32_t pos = 0; pos < len; pos += 8) {
        uint32_t block = (offset + pos) / 8;
        size_t n = len - pos < 8 ? len - pos : 8;
        if (!cursor_copy(frag, chunk, n))
            return;
        if (block_have(s, block))
            continue; /* first copy wins */
        memcpy(s->buf + offset + pos, chunk, n);
        s->have[block / 8] |= (uint8_t)(1u << (block % 8));
        s->received += (uint32_t)n;
    }
}

bool ipfrag_add(IpFragTable *t, const Packet *pkt, uint32_t id, uint32_t offset, bool has_more,
                Cursor *frag, Cursor *datagram)
{
    size_t len = cursor_left(frag);
    if (cursor_is_clipped(frag) || offset + len > FRAG_MAX_DATAGRAM || (has_more && len % 8)) {
        /* A clipped fragment can never complete its datagram. */
        t->dropped++;
        return false;
    }
    FragSlot *s = find_slot(t, pkt, id);
    store_fragment(s, offset, frag);
    if (!has_more)
        s->total_len = offset + (uint32_t)len;
    if (s->total_len == 0 || s->received < s->total_len)
        return false;
    for (uint32_t b = 0; b < (s->total_len + 7) / 8; b++) {
        if (!block_have(s, b))
            return false;
    }
    *datagram = cursor_make(s->buf, s->total_len, false);
    /* The slot is free for reuse, but its buffer stays valid until the next
     * fragment claims it, which cannot happen before the caller is done:
     * the next frame comes after, and this frame's tunnels skip it (lent). */
    uint8_t *buf = s->buf;
    memset(s, 0, sizeof *s);
    s->buf = buf;
    t->lent = (int)(s - t->slots);
    return true;
}
