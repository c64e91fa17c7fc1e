/*
 * stream.h - per-direction TCP reassembly and PDU cutting (internal to dissect/).
 */
#ifndef OTS_DISSECT_STREAM_H
#define OTS_DISSECT_STREAM_H

#include "dissect.h"
#include "flow.h"

enum {
    STREAM_MAX_PDU = 256 * 1024, /* larger declared PDUs are framing errors */
    STREAM_PROBE_MAX = 4096,     /* bytes per side kept while the protocol is unknown */
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

/* While a flow's protocol is undecided: adds the segment's new bytes to
 * what that side sent so far (up to STREAM_PROBE_MAX) and returns all of
 * them, so that a probe sees a header split across segments (a TPKT
 * header alone in its segment, as some stacks send it). */
Cursor stream_probe_view(Flow *flow, uint8_t side, const Packet *pkt, size_t *n_new);

/* Keeps only the last n kept bytes of side (drops an older prefix that
 * turned out not to belong: a keep-alive's garbage byte). */
void stream_keep_last(Flow *flow, uint8_t side, size_t n);

/* Once decided: dissects the PDUs among the bytes kept for side by
 * stream_probe_view and keeps the incomplete rest as the stream's buffer. */
void stream_resume(Flow *flow, uint8_t side, const ProtoDesc *desc, DissectCtx *ctx,
                   StreamCounters *counters);

/* Drops both sides' buffers (a flow that will never be dissected). */
void stream_forget(Flow *flow);

/* Notes a SYN: the stream of that side starts at seq + 1. */
void stream_note_syn(Flow *flow, uint8_t side, uint32_t seq);

#endif /* OTS_DISSECT_STREAM_H */
