/*
 * stream.h - per-direction TCP reassembly and PDU cutting (internal to dissect/).
 */
#ifndef OTS_DISSECT_STREAM_H
#define OTS_DISSECT_STREAM_H

#include "dissect.h"
#include "flow.h"

enum {
    STREAM_MAX_PDU = 256 * 1024, /* larger declared PDUs are framing errors */
};

typedef struct StreamCounters {
    uint64_t gaps;
    uint64_t too_large;
    uint64_t truncated;
} StreamCounters;

/* Feeds the TCP payload of pkt (sent by flow side `side`) through the
 * stream of that side, handing each complete PDU, cut by desc->pdu_len, to
 * desc->dissect with ctx. */
void stream_deliver(Flow *flow, uint8_t side, const Packet *pkt, const ProtoDesc *desc,
                    DissectCtx *ctx, StreamCounters *counters);

/* Notes a SYN: the stream of that side starts at seq + 1. */
void stream_note_syn(Flow *flow, uint8_t side, uint32_t seq);

#endif /* OTS_DISSECT_STREAM_H */
