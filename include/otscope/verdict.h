/*
 * verdict.h - what dissect/ tells model/ about the conversation of a packet.
 *
 * The conversation (Conv) is oriented: client is the side that opened it
 * (TCP SYN, request sender), server the side that serves it.  Until a flow's
 * protocol is decided, its packets are held as a Tally in the flow and
 * handed over with the first decided packet (or when the flow expires as
 * unknown), so a conversation is never split between "unknown" and its
 * real protocol.
 */
#ifndef OTS_OTSCOPE_VERDICT_H
#define OTS_OTSCOPE_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/packet.h"
#include "otscope/proto-id.h"

typedef struct Tally {
    uint64_t packets;
    uint64_t bytes; /* wire bytes */
    int64_t first_ns;
    int64_t last_ns;
    uint64_t first_pkt_no;
    uint64_t last_pkt_no;
} Tally;

typedef struct Conv {
    Transport transport;
    uint8_t ip_ver; /* 0: an L2 conversation, the MACs are its addresses */
    uint16_t vlan;
    uint16_t port; /* server port; ethertype for L2; 0 for ICMP */
    IpAddr client_ip;
    IpAddr server_ip;
    MacAddr client_mac;
    MacAddr server_mac;
} Conv;

/* Pointers a flow keeps on behalf of model/ (its comm row, its two
 * endpoints, its last operations), so that a packet of a known conversation
 * costs no hash lookups.  Opaque to dissect/; model/ verifies each against
 * the key it would look up, so a stale slot only costs a lookup. */
enum { MODEL_CACHE_SLOTS = 6 };

typedef struct Verdict {
    Conv conv;
    ProtoId proto;       /* PROTO_NONE: undecided, this packet is held in the flow */
    bool is_from_client; /* the packet's sender is conv's client */
    bool is_counted;     /* false: held in the flow backlog, do not count it now */
    Tally backlog;       /* held packets to credit now (packets == 0: none) */
    void **model_cache;  /* MODEL_CACHE_SLOTS slots of the flow; NULL without a flow */
} Verdict;

/* Adds one packet (or another tally) to a tally. */
void tally_add_packet(Tally *t, uint64_t wire_bytes, int64_t ts_ns, uint64_t pkt_no);
void tally_merge(Tally *into, const Tally *from);

#endif /* OTS_OTSCOPE_VERDICT_H */
