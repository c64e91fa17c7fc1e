/*
 * dissect.h - the dissector interface: protocol descriptors, the context a
 * dissector writes facts into, and the core that runs them.
 *
 * A protocol file includes this header and cursor.h/packet.h/fact.h only.
 * It defines static functions and one `const ProtoDesc proto_<name>`
 * listed in protocols.def.  The core (dissect.c, flow.c, stream.c) owns
 * flows, TCP reassembly and protocol identification; a dissector sees one
 * PDU at a time in a Cursor window and never buffers TCP data itself.
 */
#ifndef OTS_DISSECT_DISSECT_H
#define OTS_DISSECT_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otscope/cursor.h"
#include "otscope/fact.h"
#include "otscope/packet.h"
#include "otscope/proto-id.h"
#include "otscope/verdict.h"

typedef enum DissectResult {
    DISSECT_OK,        /* parsed (a probe: the bytes are this protocol) */
    DISSECT_NEED_MORE, /* a probe cannot tell yet: ask again with the next payload */
    DISSECT_NOT_MINE,  /* not this protocol: the flow is never offered to it again */
    DISSECT_SHORT,     /* ran out of bytes (clipped capture or partial PDU) */
    DISSECT_MALFORMED, /* broke a protocol rule: an ANOM_* fact was emitted */
} DissectResult;

/* ProtoDesc.transports bits */
enum {
    PT_ETHER = 1 << 0, /* L2 frames, offered by ethertype or LLC/SNAP */
    PT_TCP = 1 << 1,
    PT_UDP = 1 << 2,
    PT_ICMP = 1 << 3, /* ICMP and ICMPv6 */
    PT_IP = 1 << 4,   /* IP packets of other protocols (GRE, IP in IP): ports[] hold
                         IP protocol numbers */
};

/* ProtoDesc.flags bits */
enum {
    PROTO_CARRIED = 1 << 0,  /* reached only through dissect_child(); never probed */
    PROTO_NO_LABEL = 1 << 1, /* a carried protocol that does not name the conversation
                                (CIP inside an EtherNet/IP conversation) */
    PROTO_CARRIER = 1 << 2,  /* a transport for other protocols (COTP): its packets wait
                                for the first carried PDU, up to CARRIER_HOLD_MAX, so the
                                conversation is reported once, under the carried name */
};

enum {
    PROTO_MAX_PORTS = 8,
    PROTO_MAX_ETHERTYPES = 4,
    DISSECT_MAX_FACTS = 32,
};

/* pdu_len() result when the header cannot start a PDU of this protocol. */
#define PDU_LEN_BAD ((size_t)-1)

typedef enum DirHint {
    DIR_UNKNOWN = 0,
    DIR_REQUEST,  /* the packet's sender is the client */
    DIR_RESPONSE, /* the packet's sender is the server */
} DirHint;

typedef struct DissectCtx {
    const Packet *pkt;   /* packet that carried (or completed) the bytes */
    bool is_from_client; /* best knowledge so far of the PDU's direction */
    void *state;         /* ProtoDesc.state_size bytes per flow, zeroed; NULL if 0 */
    ProtoId proto;       /* protocol whose code runs now (set by the core) */
    DirHint dir_hint;    /* a dissector that knows request from response sets it */
    /* The PDU's sender spoke first on a TCP connection whose opening the
     * capture holds (both SYNs, then its data before any of the peer's):
     * for protocols whose server never speaks first (Modbus), the sender
     * is the client whoever sent the SYN.  False when not known. */
    bool sender_spoke_first;
    ProtoId label;       /* set by dissect_child() when a carried protocol names the flow */
    uint32_t n_facts;
    uint32_t n_dropped_facts;
    Fact facts[DISSECT_MAX_FACTS];
    /* managed by the core (and test drivers): state of a carried child */
    void *child_state_;
    ProtoId child_proto_;
} DissectCtx;

typedef struct ProtoDesc {
    const char *name;  /* canonical contract name */
    uint8_t transports; /* PT_* bits */
    uint16_t ports[PROTO_MAX_PORTS];           /* dispatch hints, never proof; 0 ends */
    uint16_t ethertypes[PROTO_MAX_ETHERTYPES]; /* PT_ETHER dispatch; 0 ends */
    /* Structural check of the first payload bytes of a flow (either
     * direction).  Must not emit facts or touch state.  NULL for carried
     * protocols. */
    DissectResult (*probe)(Cursor *c, const DissectCtx *ctx);
    /* TCP framing: total length of the PDU whose header starts at c, 0 when
     * more header bytes are needed, PDU_LEN_BAD when framing is lost.  NULL:
     * every TCP segment is handed to dissect() as it comes. */
    size_t (*pdu_len)(Cursor *c);
    /* Optional: pdu_len with the flow's state (read-only), for protocols
     * whose framing the dissector settles once per flow (Modbus MBAP vs
     * RTU over TCP); the core uses it instead of pdu_len when set. */
    size_t (*pdu_len_in)(Cursor *c, const void *state);
    /* One PDU (TCP), one datagram (UDP) or one frame payload (L2) -> facts. */
    DissectResult (*dissect)(Cursor *pdu, DissectCtx *ctx);
    size_t state_size;
    uint8_t flags; /* PROTO_* bits */
} ProtoDesc;

/* ---- for protocol files ------------------------------------------------ */

/* Records an operation by the packet's sender. name is a static string.
 * detail may be NULL.  Facts beyond DISSECT_MAX_FACTS are counted, not kept. */
void dissect_op(DissectCtx *ctx, uint32_t code, const char *name, OpClass cls, bool is_response,
                int32_t status, const char *detail);
/* Records an identity attribute of one endpoint; value is copied (capped). */
void dissect_attr(DissectCtx *ctx, FactSide side, AttrKind key, const char *value,
                  uint8_t confidence);
/* Records a protocol violation. */
void dissect_anomaly(DissectCtx *ctx, Anomaly anom);
/* The result for a cursor that failed: DISSECT_SHORT when the capture
 * clipped the bytes (no anomaly: truncation is a capture property), else
 * the anomaly is recorded and DISSECT_MALFORMED returned. */
DissectResult dissect_fail(DissectCtx *ctx, const Cursor *c, Anomaly anom);
/* Hands a PDU to a carried protocol (TPKT/COTP -> S7comm, ENIP -> CIP).
 * Facts land in the same context under the child's id; a child without
 * PROTO_NO_LABEL that returns DISSECT_OK sets ctx->label. */
DissectResult dissect_child(DissectCtx *ctx, ProtoId child, Cursor *pdu);
/* Names the conversation after a protocol this dissector found inside and
 * parsed itself (SMB mailslots in NetBIOS datagrams). */
void dissect_label(DissectCtx *ctx, ProtoId carried);

/* Resets ctx for a new packet (facts, hints, label).  state and the child
 * slot are left to the caller. */
void dissect_ctx_reset(DissectCtx *ctx, const Packet *pkt, bool is_from_client);
/* The largest ProtoDesc.state_size in the registry (per-flow state slots). */
size_t dissect_max_state_size(void);

/* True when either port of the packet is one of the protocol's hint ports. */
bool dissect_port_is(const DissectCtx *ctx, uint16_t port);

/* ---- registry (registry.c) --------------------------------------------- */

const ProtoDesc *proto_desc(ProtoId id); /* NULL for PROTO_NONE/PROTO_UNKNOWN */
const char *proto_name(ProtoId id);      /* "unknown" for PROTO_UNKNOWN */
bool proto_from_name(const char *name, ProtoId *out);

/* ---- the core (dissect.c) ---------------------------------------------- */

typedef struct DissectStats {
    uint64_t flows_created;
    uint64_t flows_evicted; /* pushed out by the flow cap before they ended */
    uint64_t flows_expired; /* idle past the timeout */
    uint64_t facts_dropped;
    uint64_t stream_gaps;
    uint64_t pdus_too_large;
    uint64_t truncated_pdus; /* PDUs cut short by the capture's snaplen */
} DissectStats;

typedef struct Dissector Dissector;

/* Handed each flow that leaves the table with packets still held back
 * (undecided: credited as unknown). */
typedef void (*FlowDrainFn)(const Verdict *v, void *user);

/* max_flows caps the flow table (LRU eviction beyond it).  Returns a new
 * core; free with dissector_free(). */
Dissector *dissector_new(size_t max_flows, FlowDrainFn drain, void *drain_user);
void dissector_free(Dissector *d);

/* Identifies and dissects one decoded packet.  ctx is reset and filled
 * with the packet's facts; *v says which conversation it belongs to. */
void dissector_packet(Dissector *d, const Packet *pkt, DissectCtx *ctx, Verdict *v);

/* Look-ahead: the caller decodes a few packets before it hands them to
 * dissector_packet and announces each one in three steps, a packet
 * further from its turn taking an earlier step, so that the memory the
 * packet will touch (the flow table's slot, the flow, the model entries
 * the flow caches) is on its way into the cache when its turn comes.
 * dissector_flow_hash returns 0 for a packet without a flow. */
typedef enum PrefetchStep { PREFETCH_SLOT, PREFETCH_FLOW, PREFETCH_MODEL } PrefetchStep;
uint64_t dissector_flow_hash(const Packet *pkt);
void dissector_prefetch(const Dissector *d, uint64_t flow_hash, PrefetchStep step);

/* Ends flows idle since before now_ns - timeout (all flows when is_final),
 * draining their held packets. */
void dissector_expire(Dissector *d, int64_t now_ns, bool is_final);

const DissectStats *dissector_stats(Dissector *d);
size_t dissector_flow_count(const Dissector *d);

#endif /* OTS_DISSECT_DISSECT_H */
