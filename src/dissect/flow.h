/*
 * flow.h - the bounded flow table of the dissect core (internal to dissect/).
 *
 * A flow is one transport conversation (5-tuple + VLAN).  The table is a
 * chained hash with an intrusive LRU list; when it is full the least
 * recently used flow is evicted (and counted).  Each flow is one
 * allocation: the Flow plus two dissector state slots of
 * dissect_max_state_size() bytes (the decided protocol's, and a carried
 * child's).  Stream buffers are allocated only when a PDU spans segments.
 */
#ifndef OTS_DISSECT_FLOW_H
#define OTS_DISSECT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otscope/packet.h"
#include "otscope/proto-id.h"
#include "otscope/verdict.h"

typedef struct FlowKey {
    IpAddr addr[2]; /* addr[0] sorts before addr[1] (with ports) */
    uint16_t port[2];
    uint16_t vlan;
    uint8_t transport; /* Transport */
    uint8_t ip_proto;
} FlowKey;

/* One direction of TCP reassembly. */
typedef struct StreamDir {
    uint8_t *buf; /* bytes of an incomplete PDU; NULL until needed */
    uint32_t len;
    uint32_t cap;
    uint32_t next_seq;
    /* While is_lost after a gap inside a PDU of known length: 1 + the
     * bytes after next_seq that still belong to that PDU (its end is the
     * next PDU boundary); 0 when the boundary is unknown. */
    uint16_t gap_skip;
    bool has_seq;
    bool is_lost; /* framing lost: wait for the boundary or a segment that starts a PDU */
} StreamDir;

typedef struct Flow {
    FlowKey key;
    uint64_t hash; /* of key */
    struct Flow *hash_next;
    struct Flow *lru_prev; /* towards most recent */
    struct Flow *lru_next; /* towards least recent */
    int64_t last_ns;
    int64_t lru_ns; /* when it last moved to the LRU front (within a second of last_ns) */
    uint8_t client_side;       /* 0 or 1: index into key.addr of the client */
    bool is_orient_certain;    /* from a SYN or a dissector's hint */
    bool has_seen_start;       /* saw the SYN: probes see PDU starts */
    bool has_payload;          /* a segment with payload went by (either side) */
    /* 1 + the side whose segment was the connection's first payload, sent
     * before any data of its peer (both SYNs seen, the segment at its own
     * ISN + 1 acknowledging the peer's ISN + 1); 0 when not known. */
    uint8_t first_speaker;
    uint8_t n_probe_tries;
    ProtoId proto;       /* whose dissector frames and parses the flow */
    ProtoId label;       /* carried protocol to report it under (PROTO_NONE: proto) */
    ProtoId child_proto; /* whose state is in child_state */
    uint64_t excluded[2]; /* protocols that said NOT_MINE */
    MacAddr mac[2];       /* last MAC seen for addr[i] */
    bool has_mac[2];
    Tally backlog; /* packets held until the protocol is decided */
    StreamDir stream[2]; /* data sent by addr[i] */
    void *state;
    void *child_state;
    void *model_cache[MODEL_CACHE_SLOTS]; /* see verdict.h */
} Flow;

typedef struct FlowTable FlowTable;

/* Flows age out on one of two idle timeouts: TCP (a connection may sit
 * quiet between polls) and everything else (a datagram exchange such as a
 * DNS lookup is over after its answer; keeping it as long as a TCP
 * session made one-shot queries most of the table). */
typedef enum FlowClass { FLOW_CLASS_STREAM, FLOW_CLASS_DATAGRAM, FLOW_CLASSES } FlowClass;
FlowClass flow_class(const FlowKey *key);

typedef void (*FlowEvictFn)(Flow *flow, void *user);

/* Returns a new table of at most max_flows flows; state_size is the bytes
 * of each of the two per-flow state slots. on_leave is called for every
 * flow before it is freed (eviction, expiry, table free). */
FlowTable *flow_table_new(size_t max_flows, size_t state_size, FlowEvictFn on_leave, void *user);
void flow_table_free(FlowTable *t);

/* Finds or creates the flow of key; *side is the index of the packet's
 * sender in key order.  Moves the flow to the LRU front.  *is_new says it
 * was created. */
Flow *flow_table_get(FlowTable *t, const FlowKey *key, int64_t now_ns, bool *is_new);

/* Builds the normalised key of a packet; returns the sender's side. */
uint8_t flow_key_from_packet(const Packet *pkt, FlowKey *key);

/* Removes flows idle since before before_ns (to within a second; all
 * when is_all). */
size_t flow_table_expire(FlowTable *t, const int64_t before_ns[FLOW_CLASSES], bool is_all);

/* The hash flow_table_get files key under. */
uint64_t flow_key_hash(const FlowKey *key);

/* Prefetch hints for a flow that will be looked up a few packets from
 * now: its bucket slot first, then (once the slot is in cache) the flow it
 * points to.  Neither changes the table. */
void flow_table_prefetch_slot(const FlowTable *t, uint64_t hash);
void flow_table_prefetch_flow(const FlowTable *t, uint64_t hash);

/* The flow filed under hash, or NULL, without touching the LRU order:
 * for prefetching what the flow points to.  A hash collision may return
 * another flow, which costs a useless prefetch and nothing else. */
const Flow *flow_table_peek(const FlowTable *t, uint64_t hash);

size_t flow_table_count(const FlowTable *t);
uint64_t flow_table_evictions(const FlowTable *t);

#endif /* OTS_DISSECT_FLOW_H */
