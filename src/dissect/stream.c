/*
 * stream.c - TCP reassembly far enough to cut length-prefixed PDUs.
 *
 * Each direction tracks the next expected sequence number.  Retransmitted
 * bytes are skipped; a gap (lost segment) drops the partial PDU and waits
 * for a segment that starts a PDU (as Zeek's gap handling does).  PDUs that
 * sit wholly inside one segment are dissected in place; only a PDU that
 * spans segments is copied into the direction's buffer, which is bounded by
 * STREAM_MAX_PDU.  This is deliberately not a full TCP state machine: no
 * out-of-order queue, because OT request/response traffic rarely needs one
 * and a bounded memory footprint matters more.
 */
#include "config.h"

#include "stream.h"

#include <string.h>

#include <glib.h>

static bool seq_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

void stream_note_syn(Flow *flow, uint8_t side, uint32_t seq)
{
    StreamDir *dir = &flow->stream[side];
    dir->next_seq = seq + 1;
    dir->has_seq = true;
    dir->len = 0;
    dir->is_lost = false;
}

static void buffer_append(StreamDir *dir, Cursor *c, size_t n)
{
    if (dir->len + n > dir->cap) {
        size_t cap = dir->cap ? dir->cap : 256;
        while (cap < dir->len + n)
            cap *= 2;
        dir->buf = g_realloc(dir->buf, cap);
        dir->cap = (uint32_t)cap;
    }
    memcpy(dir->buf + dir->len, cursor_bytes_(c), n);
    cursor_skip(c, n);
    dir->len += (uint32_t)n;
}

static size_t framing_len(const ProtoDesc *desc, Cursor *c, const DissectCtx *ctx)
{
    return desc->pdu_len_in ? desc->pdu_len_in(c, ctx->state) : desc->pdu_len(c);
}

/* Cuts and dissects the PDUs at the front of c.  Returns the bytes left
 * over (an incomplete PDU) or 0.  Sets *is_lost when framing broke. */
static size_t cut_pdus(Cursor *c, const ProtoDesc *desc, DissectCtx *ctx, bool *is_lost,
                       StreamCounters *counters)
{
    while (cursor_left(c) > 0) {
        Cursor peek = *c;
        size_t n = framing_len(desc, &peek, ctx);
        if (n == PDU_LEN_BAD) {
            dissect_anomaly(ctx, ANOM_STREAM_DESYNC);
            *is_lost = true;
            return 0;
        }
        if (n > STREAM_MAX_PDU) {
            dissect_anomaly(ctx, ANOM_PDU_TOO_LARGE);
            counters->too_large++;
            *is_lost = true;
            return 0;
        }
        if (n == 0 || n > cursor_left(c))
            return cursor_left(c);
        Cursor pdu;
        cursor_take(c, n, &pdu);
        desc->dissect(&pdu, ctx);
    }
    return 0;
}

/* The part of this segment's payload not seen before, or false when the
 * segment is a pure retransmission. */
static bool fresh_payload(StreamDir *dir, const Packet *pkt, Cursor *payload, bool *is_gap)
{
    uint32_t seq = pkt->tcp_seq;
    uint32_t wire_len = pkt->payload_wire_len;
    *is_gap = false;
    if (!dir->has_seq) {
        dir->has_seq = true;
        dir->next_seq = seq;
    }
    if (seq_before(seq, dir->next_seq)) {
        uint32_t seen = dir->next_seq - seq;
        if (seen >= wire_len)
            return false;
        cursor_skip(payload, seen < cursor_left(payload) ? seen : cursor_left(payload));
    } else if (seq != dir->next_seq) {
        *is_gap = true;
    }
    uint32_t end = seq + wire_len;
    if (seq_before(dir->next_seq, end))
        dir->next_seq = end;
    return true;
}

void stream_deliver(Flow *flow, uint8_t side, const Packet *pkt, const ProtoDesc *desc,
                    DissectCtx *ctx, StreamCounters *counters)
{
    StreamDir *dir = &flow->stream[side];
    Cursor payload = pkt->payload;
    bool is_gap;
    if (!fresh_payload(dir, pkt, &payload, &is_gap) || cursor_left(&payload) == 0)
        return;
    if (is_gap) {
        counters->gaps++;
        dir->len = 0;
        dir->is_lost = true;
    }
    if (dir->is_lost) {
        /* Resynchronise only on a segment whose first bytes frame a PDU. */
        Cursor peek = payload;
        size_t n = framing_len(desc, &peek, ctx);
        if (n == 0 || n == PDU_LEN_BAD || n > STREAM_MAX_PDU)
            return;
        dir->is_lost = false;
        dir->len = 0;
    }
    bool is_clipped = cursor_is_clipped(&payload);
    if (dir->len == 0) {
        size_t rest = cut_pdus(&payload, desc, ctx, &dir->is_lost, counters);
        if (rest && !dir->is_lost) {
            if (is_clipped) {
                /* The capture cut the segment: the PDU cannot be completed. */
                counters->truncated++;
                dir->is_lost = true;
            } else {
                buffer_append(dir, &payload, rest);
            }
        }
        return;
    }
    if (dir->len + cursor_left(&payload) > STREAM_MAX_PDU) {
        dissect_anomaly(ctx, ANOM_PDU_TOO_LARGE);
        counters->too_large++;
        dir->len = 0;
        dir->is_lost = true;
        return;
    }
    buffer_append(dir, &payload, cursor_left(&payload));
    Cursor buffered = cursor_make(dir->buf, dir->len, is_clipped);
    size_t rest = cut_pdus(&buffered, desc, ctx, &dir->is_lost, counters);
    if (dir->is_lost || (rest && is_clipped)) {
        if (rest && is_clipped)
            counters->truncated++;
        dir->len = 0;
        dir->is_lost = true;
        return;
    }
    memmove(dir->buf, dir->buf + (dir->len - rest), rest);
    dir->len = (uint32_t)rest;
}

/* ---- before the protocol is known ----------------------------------------- */

Cursor stream_probe_view(Flow *flow, uint8_t side, const Packet *pkt, size_t *n_new)
{
    StreamDir *dir = &flow->stream[side];
    Cursor payload = pkt->payload;
    bool is_gap;
    *n_new = 0;
    if (!fresh_payload(dir, pkt, &payload, &is_gap))
        return cursor_make(dir->buf, dir->len, false); /* a retransmission: nothing new */
    size_t n = cursor_left(&payload);
    if (is_gap || cursor_is_clipped(&payload) || dir->len + n > STREAM_PROBE_MAX) {
        /* Start over from this segment: the kept bytes no longer join it. */
        dir->len = 0;
        if (cursor_is_clipped(&payload) || n > STREAM_PROBE_MAX)
            return pkt->payload;
    }
    buffer_append(dir, &payload, n);
    *n_new = n;
    return cursor_make(dir->buf, dir->len, false);
}

void stream_keep_last(Flow *flow, uint8_t side, size_t n)
{
    StreamDir *dir = &flow->stream[side];
    if (n >= dir->len)
        return;
    memmove(dir->buf, dir->buf + (dir->len - n), n);
    dir->len = (uint32_t)n;
}

void stream_resume(Flow *flow, uint8_t side, const ProtoDesc *desc, DissectCtx *ctx,
                   StreamCounters *counters)
{
    StreamDir *dir = &flow->stream[side];
    if (dir->len == 0)
        return;
    Cursor buffered = cursor_make(dir->buf, dir->len, false);
    size_t rest = cut_pdus(&buffered, desc, ctx, &dir->is_lost, counters);
    if (dir->is_lost || rest == 0) {
        /* Most flows never need the buffer again: give it back. */
        g_free(dir->buf);
        dir->buf = NULL;
        dir->len = 0;
        dir->cap = 0;
        return;
    }
    memmove(dir->buf, dir->buf + (dir->len - rest), rest);
    dir->len = (uint32_t)rest;
}

void stream_forget(Flow *flow)
{
    for (int side = 0; side < 2; side++) {
        g_free(flow->stream[side].buf);
        flow->stream[side].buf = NULL;
        flow->stream[side].len = 0;
        flow->stream[side].cap = 0;
    }
}
