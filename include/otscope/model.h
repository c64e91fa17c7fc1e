/*
 * model.h - the in-memory aggregate of one ingest run, read by the store.
 *
 * Memory grows with endpoints, conversations, operation kinds and
 * attributes, never with packets: each packet updates counters in place.
 * The store writes the current totals of dirty entries in batches (they
 * replace the rows of this capture, so a batch is idempotent) and then
 * clears the dirty marks.  Asset identity (which addresses form one
 * device) is resolved later from the stored observations by
 * asset_resolve(), so that several captures in one DB resolve together.
 */
#ifndef OTS_OTSCOPE_MODEL_H
#define OTS_OTSCOPE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "otscope/fact.h"
#include "otscope/packet.h"
#include "otscope/verdict.h"

/* An address of either kind, as used in comms/ops src and dst. */
typedef struct NetAddr {
    uint8_t is_mac; /* 1: mac is meaningful, else ip */
    uint8_t pad_[5];
    uint16_t vlan;
    IpAddr ip;
    MacAddr mac;
    uint8_t pad2_[2];
} NetAddr;

/* Text form of a NetAddr (IP or MAC); buf holds OTS_ADDR_STRLEN. */
char *netaddr_str(const NetAddr *a, char *buf);

/* One (MAC, IP) pair seen on the wire: the raw material of assets. */
typedef struct Endpoint {
    bool has_mac;
    bool has_ip;
    uint16_t vlan;
    MacAddr mac;
    IpAddr ip;
    Tally tx;
    Tally rx;
    uint64_t arp_claims; /* ARP messages in which this MAC claimed this IP */
    uint8_t min_ttl;     /* smallest TTL seen from it: routed traffic has lower TTLs */
    bool is_dirty;
} Endpoint;

typedef struct CommEntry {
    NetAddr src; /* client */
    NetAddr dst; /* server */
    Transport transport;
    uint16_t port;
    uint16_t proto; /* ProtoId */
    Tally total;
    uint64_t anomalies;
    int64_t store_id; /* row id the store gave it; 0 until written */
    bool is_dirty;
    /* traffic per minute: the open bucket (closed ones go to the model's
     * pending list until the store writes them) */
    int64_t minute;
    uint64_t minute_packets;
    uint64_t minute_bytes;
} CommEntry;

typedef struct MinuteBucket {
    CommEntry *comm;
    int64_t minute; /* minutes since the epoch */
    uint64_t packets;
    uint64_t bytes;
} MinuteBucket;

enum { OP_DETAIL_BITS = 512, OP_HEAD_BITS = 256 };

typedef struct OpEntry {
    uint16_t proto;
    NetAddr src; /* requester */
    NetAddr dst;
    uint32_t code;
    const char *name;
    OpClass cls;
    uint64_t count;     /* requests */
    uint64_t responses;
    uint64_t errors; /* responses with a non-zero status */
    Tally seen;
    char detail[FACT_DETAIL_MAX]; /* first detail seen */
    /* Estimated distinct request details (exact while small, saturating
     * near 4x the bitmap sizes): the whole detail (an ARP sweep's targets)
     * and its first word (a Modbus unit-id sweep: "unit=N").  The model
     * keeps the bitmaps beside the entry and fills these in the copies a
     * snapshot takes, so a batch's copies stay small. */
    uint32_t variants;
    uint32_t head_variants;
    int64_t store_id; /* row id the store gave it; 0 until written */
    bool has_stored_first; /* the writer's too: its row's first_ns is set */
    bool is_dirty;
} OpEntry;


typedef struct AttrEntry {
    NetAddr addr; /* the endpoint the attribute describes */
    AttrKind key;
    uint16_t proto;
    uint8_t confidence;
    char value[FACT_VALUE_MAX];
    Tally seen;
    bool is_dirty;
} AttrEntry;

typedef struct AnomEntry {
    uint16_t proto;
    NetAddr src;
    NetAddr dst;
    Anomaly anom;
    Tally seen;
    bool is_dirty;
} AnomEntry;

typedef struct Model Model;

Model *model_new(void);
void model_free(Model *m);

/* Takes one packet with its verdict and facts. */
void model_packet(Model *m, const Packet *pkt, const Verdict *v, const Fact *facts, size_t n_facts);
/* Credits packets a flow held back until it left the flow table. */
void model_credit(Model *m, const Verdict *v);

/* Iteration for the store; only_dirty skips unchanged entries.  The
 * callbacks get borrowed pointers valid until the model is freed. */
typedef void (*ModelEachFn)(void *entry, void *user);
void model_each_endpoint(Model *m, bool only_dirty, ModelEachFn fn, void *user);
void model_each_comm(Model *m, bool only_dirty, ModelEachFn fn, void *user);
void model_each_op(Model *m, bool only_dirty, ModelEachFn fn, void *user);
void model_each_attr(Model *m, bool only_dirty, ModelEachFn fn, void *user);
void model_each_anom(Model *m, bool only_dirty, ModelEachFn fn, void *user);
/* Closed per-minute buckets not yet written; with is_final the open ones too. */
void model_each_bucket(Model *m, bool is_final, ModelEachFn fn, void *user);
/* After a successful store commit: forget dirty marks and written buckets. */
void model_mark_clean(Model *m);

/* What one batch writes: the entries that changed since the last
 * snapshot, whose dirty marks it clears.  An interim batch's are copies
 * (a writer thread stores them while the packets after them change the
 * originals); the last batch's point at the entries themselves (no packet
 * follows it).  Each comm and op keeps its original, whose store_id only
 * the writer sets (the model never reads it). */
typedef struct SnapComm {
    const CommEntry *entry;
    CommEntry *live;
} SnapComm;
typedef struct SnapOp {
    const OpEntry *entry;
    OpEntry *live;
} SnapOp;
/* An interim batch's entry whose row exists (the writer gave it a
 * store_id before this snapshot was taken): only its counters change, so
 * only they are copied, and the row is updated by its id. */
typedef struct CommUpdate {
    CommEntry *live;
    Tally total;
    uint64_t anomalies;
} CommUpdate;
typedef struct OpUpdate {
    OpEntry *live;
    Tally seen;
    uint64_t count;
    uint64_t responses;
    uint64_t errors;
    uint32_t variants;
    uint32_t head_variants;
} OpUpdate;
typedef struct ModelSnapshot {
    GArray *endpoints;   /* Endpoint */
    GArray *comms;       /* SnapComm */
    GArray *comm_updates; /* CommUpdate (interim batches) */
    GArray *op_updates;   /* OpUpdate (interim batches) */
    GArray *buckets;     /* MinuteBucket: closed ones, then the open ones (comm: the original) */
    GArray *ops;         /* SnapOp */
    GArray *attrs;       /* AttrEntry */
    GArray *anoms;       /* AnomEntry */
    GArray *comm_copies; /* CommEntry: what comms point at; NULL in the last */
    GArray *op_copies;   /* OpEntry: ditto for ops */
} ModelSnapshot;
ModelSnapshot *model_snapshot(Model *m);
/* The snapshot of a model no packet will change any more: no copies. */
ModelSnapshot *model_snapshot_last(Model *m);
void model_snapshot_free(ModelSnapshot *snap);

typedef struct ModelCounts {
    size_t endpoints;
    size_t comms;
    size_t ops;
    size_t attrs;
    size_t anoms;
    size_t pending_buckets; /* closed traffic minutes not yet in a batch */
} ModelCounts;
void model_counts(const Model *m, ModelCounts *out);

/* ---- asset resolution (model/asset.c) ----------------------------------- */

/* One stored observation of a (MAC, IP) pair, summed over captures. */
typedef struct Observation {
    bool has_mac;
    bool has_ip;
    uint16_t vlan;
    MacAddr mac;
    IpAddr ip;
    uint64_t tx_packets;
    uint64_t rx_packets;
    uint64_t packets; /* tx + rx */
    uint64_t bytes;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t arp_claims;
    uint8_t min_ttl; /* lowest TTL / hop limit it sent with (255 when it sent nothing) */
} Observation;

typedef enum AssetKind {
    ASSET_MAC, /* a device on the captured segment, keyed by MAC (on any VLAN) */
    ASSET_IP,  /* a device seen only behind a router, keyed by IP + VLAN */
} AssetKind;

enum { ASSET_KEY_MAX = 64, ASSET_EVIDENCE_MAX = 160 };

typedef struct ResolvedAsset {
    AssetKind kind;
    char key[ASSET_KEY_MAX]; /* "mac:aa:bb:.." or "ip:10.0.0.1" ("ip:..@vlan" when tagged) */
    MacAddr mac;
    uint16_t vlan;  /* the first of vlans */
    GArray *vlans;  /* uint16_t, ascending, owned: every VLAN it was seen on (0: untagged) */
    bool is_router; /* a MAC fronting many IPs */
    char router_evidence[ASSET_EVIDENCE_MAX];
    GArray *ips; /* IpAddr, owned */
    uint64_t packets;
    uint64_t bytes;
    int64_t first_ns;
    int64_t last_ns;
} ResolvedAsset;

/* Resolves observations into assets: MAC assets for unicast MACs (one per
 * MAC whatever its VLANs), IPs
 * bound to the MAC that claims them (ARP) or carries them alone; IPs
 * carried by a router MAC become IP-only assets.  Returns a GPtrArray of
 * ResolvedAsset (free with g_ptr_array_unref). */
GPtrArray *asset_resolve(const Observation *obs, size_t n_obs);

#endif /* OTS_OTSCOPE_MODEL_H */
