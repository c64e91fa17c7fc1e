/*
 * stream.c - TCP reassembly far enough to cut length-prefixed PDUs.
 *
 * Each direction tracks the next expected sequence number.  Retransmitted
 * bytes are skipped.  A gap (lost segment) is counted (a stream-gap
 * anomaly of the conversation) and drops the partial PDU; framing resumes
 * where the next PDU provably starts: at the end of the broken PDU when
 * its header was seen (its declared length and the sequence numbers say
 * where that is, as binpac's FlowBuffer::NewGap skips a gap inside a frame
 * of known length), else at the first segment that begins with a
 * structurally valid header of the protocol (its pdu_len() accepts it:
 * MBAP protocol id 0 and a sane length, TPKT 03 00, DNP3 05 64, a known
 * ENIP command, IEC-104 0x68, ...).  Either way the header there must
 * frame a PDU before anything is dissected again.  PDUs that
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
    dir->gap_skip = 0;
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
 * segment is a pure retransmission.  *gap is the count of bytes never
 * seen between the stream so far and this segment (0: none). */
static bool fresh_payload(StreamDir *dir, const Packet *pkt, Cursor *payload, uint32_t *gap)
{
    uint32_t seq = pkt->tcp_seq;
    uint32_t wire_len = pkt->payload_wire_len;
    *gap = 0;
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
        *gap = seq - dir->next_seq;
    }
    uint32_t end = seq + wire_len;
    if (seq_before(dir->next_seq, end))
        dir->next_seq = end;
    return true;
}

/* Framing is lost until further notice (gap_skip 0: boundary unknown). */
static void lose_framing(StreamDir *dir)
{
    dir->len = 0;
    dir->is_lost = true;
    dir->gap_skip = 0;
}

/* n bytes of the stream were never seen: the partial PDU is lost.  Where
 * the next PDU starts stays known when the gap falls inside a PDU whose
 * declared length is known (its header buffered, or an earlier gap's
 * boundary still ahead). */
static void on_gap(StreamDir *dir, uint32_t n, const ProtoDesc *desc, DissectCtx *ctx)
{
    size_t rest = 0; /* 1 + bytes of the broken PDU after the gap; 0: unknown */
    if (dir->is_lost) {
        if (dir->gap_skip > n)
            rest = dir->gap_skip - n;
    } else if (dir->len > 0) {
        Cursor peek = cursor_make(dir->buf, dir->len, false);
        size_t pdu = framing_len(desc, &peek, ctx);
        if (pdu != 0 && pdu != PDU_LEN_BAD && pdu <= STREAM_MAX_PDU && pdu - dir->len >= n)
            rest = pdu - dir->len - n + 1;
    }
    lose_framing(dir);
    if (rest <= UINT16_MAX)
        dir->gap_skip = (uint16_t)rest;
}

/* While framing is lost: moves payload to where PDUs start again, which
 * is the known boundary (gap_skip) if there is one in this segment, else
 * the segment's start; the bytes there must frame a PDU.  Returns false
 * when this segment has no such point (nothing of it is dissected). */
static bool resync(StreamDir *dir, Cursor *payload, const ProtoDesc *desc, DissectCtx *ctx)
{
    bool is_boundary = dir->gap_skip != 0;
    if (is_boundary) {
        size_t skip = dir->gap_skip - 1u;
        size_t left = cursor_left(payload);
        if (skip >= left) {
            /* The broken PDU goes on past this segment; a clipped segment
             * does not say how far its bytes went. */
            dir->gap_skip = cursor_is_clipped(payload) ? 0 : (uint16_t)(skip - left + 1);
            return false;
        }
        cursor_skip(payload, skip);
        dir->gap_skip = 0;
    }
    Cursor peek = *payload;
    size_t n = framing_len(desc, &peek, ctx);
    /* At a known boundary a header split across segments is fine; a
     * segment's start is trusted only with a whole header that frames. */
    if (n == PDU_LEN_BAD || n > STREAM_MAX_PDU || (n == 0 && !is_boundary))
        return false;
    dir->is_lost = false;
    dir->len = 0;
    return true;
}

void stream_deliver(Flow *flow, uint8_t side, const Packet *pkt, const ProtoDesc *desc,
                    DissectCtx *ctx, StreamCounters *counters)
{
    StreamDir *dir = &flow->stream[side];
    Cursor payload = pkt->payload;
    uint32_t gap;
    if (!fresh_payload(dir, pkt, &payload, &gap))
        return;
    if (gap) {
        counters->gaps++;
        dissect_anomaly(ctx, ANOM_STREAM_GAP);
        on_gap(dir, gap, desc, ctx);
    }
    if (cursor_left(&payload) == 0) {
        /* New bytes the capture kept none of (snaplen at the headers). */
        if (pkt->payload_wire_len)
            lose_framing(dir);
        return;
    }
    if (dir->is_lost && !resync(dir, &payload, desc, ctx))
        return;
    bool is_clipped = cursor_is_clipped(&payload);
    if (dir->len == 0) {
        size_t rest = cut_pdus(&payload, desc, ctx, &dir->is_lost, counters);
        if (rest && !dir->is_lost) {
            if (is_clipped) {
                /* The capture cut the segment: the PDU cannot be completed. */
                counters->truncated++;
                lose_framing(dir);
            } else {
                buffer_append(dir, &payload, rest);
            }
        }
        return;
    }
    if (dir->len + cursor_left(&payload) > STREAM_MAX_PDU) {
        dissect_anomaly(ctx, ANOM_PDU_TOO_LARGE);
        counters->too_large++;
        lose_framing(dir);
        return;
    }
    buffer_append(dir, &payload, cursor_left(&payload));
    Cursor buffered = cursor_make(dir->buf, dir->len, is_clipped);
    size_t rest = cut_pdus(&buffered, desc, ctx, &dir->is_lost, counters);
    if (dir->is_lost || (rest && is_clipped)) {
        if (rest && is_clipped)
            counters->truncated++;
        lose_framing(dir);
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
    uint32_t gap;
    *n_new = 0;
    if (!fresh_payload(dir, pkt, &payload, &gap))
        return cursor_make(dir->buf, dir->len, false); /* a retransmission: nothing new */
    size_t n = cursor_left(&payload);
    if (gap || cursor_is_clipped(&payload) || dir->len + n > STREAM_PROBE_MAX) {
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
