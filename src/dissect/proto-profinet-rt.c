/*
 * proto-profinet-rt.c - PROFINET IO real-time frames (cyclic data, alarms).
 *
 * Shares ethertype 0x8892 with DCP (proto-profinet-dcp.c); the frame ID
 * tells them apart and DCP frame IDs (0xfefc..0xfeff) are NOT_MINE here.
 * Cyclic frames (RT class 3: 0x0100-0x7fff, class 2: 0x8000-0xbfff, class
 * 1/UDP: 0xc000-0xfbff) become op "cyclic" of class other, with the start
 * of the class range as code (one row per class, not per frame ID) and the
 * frame ID in the detail.  Alarm frames (0xfc01 high, 0xfe01 low) carry an
 * RTA-PDU header that is validated (version 1, type DATA/NACK/ACK/ERR) and
 * become op "alarm" (code = frame ID) with the PDU type in the detail.
 * Not parsed: the IO data and its provider/consumer status (their layout
 * comes from the connect-time configuration), the alarm notification
 * blocks, PTCP time sync and fragmentation frame IDs (NOT_MINE).
 *
 * Reference: IEC 61158-6-10:2014, clause 4.2 (FrameID ranges, Table
 * "FrameID"), 4.6 (RTA-PDU: alarm transport) and 4.2.2 (APDU_Status).
 *
 *   0               1               2               3
 *  +-------------------------------+-------------------------------+
 *  |  FrameID                      |  cyclic: C_SDU (IO data) ...  |
 *  +-------------------------------+-------------------------------+
 *  |  ... | CycleCounter (2) | DataStatus (1) | TransferStatus (1)  |
 *  alarm: FrameID | AlarmDstEndpoint (2) | AlarmSrcEndpoint (2) |
 *         PDUType (version<<4 | type) | AddFlags | SendSeqNum (2) |
 *         AckSeqNum (2) | VarPartLen (2) | RTA-SDU (VarPartLen)
 */
#include <stdio.h>

#include "dissect.h"

enum {
    RT_CLASS3_FIRST = 0x0100,
    RT_CLASS2_FIRST = 0x8000,
    RT_CLASS1_FIRST = 0xc000,
    RT_CYCLIC_LAST = 0xfbff,
    RT_ALARM_HIGH = 0xfc01,
    RT_ALARM_LOW = 0xfe01,
    RT_ALARM_HDR_LEN = 12, /* after the FrameID */
    RT_RTA_VERSION = 1,
    RT_CYCLIC_TAIL_LEN = 4, /* CycleCounter, DataStatus, TransferStatus */
};

static const char *const rta_pdu_types[] = {
    NULL, "data", "nack", "ack", "err",
};

static bool rt_is_cyclic(uint16_t frame_id)
{
    return frame_id >= RT_CLASS3_FIRST && frame_id <= RT_CYCLIC_LAST;
}

static bool rt_is_alarm(uint16_t frame_id)
{
    return frame_id == RT_ALARM_HIGH || frame_id == RT_ALARM_LOW;
}

static uint16_t rt_cyclic_class_code(uint16_t frame_id)
{
    if (frame_id >= RT_CLASS1_FIRST)
        return RT_CLASS1_FIRST;
    if (frame_id >= RT_CLASS2_FIRST)
        return RT_CLASS2_FIRST;
    return RT_CLASS3_FIRST;
}

static bool rt_pdu_type_ok(uint8_t pdu_type)
{
    uint8_t type = pdu_type & 0x0f;
    return (pdu_type >> 4) == RT_RTA_VERSION && type >= 1 && type <= 4;
}

static DissectResult rt_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    if (cursor_left(c) < 2)
        return DISSECT_NEED_MORE;
    uint16_t frame_id = cursor_be16(c);
    if (rt_is_cyclic(frame_id))
        return cursor_left(c) < RT_CYCLIC_TAIL_LEN ? DISSECT_NEED_MORE : DISSECT_OK;
    if (!rt_is_alarm(frame_id))
        return DISSECT_NOT_MINE;
    int pdu_type = cursor_peek(c, 4);
    if (pdu_type < 0)
        return DISSECT_NEED_MORE;
    return rt_pdu_type_ok((uint8_t)pdu_type) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static DissectResult rt_alarm(Cursor *c, DissectCtx *ctx, uint16_t frame_id)
{
    cursor_skip(c, 4); /* alarm endpoints */
    uint8_t pdu_type = cursor_u8(c);
    cursor_skip(c, 5); /* AddFlags, SendSeqNum, AckSeqNum */
    uint16_t var_len = cursor_be16(c);
    Cursor sdu;
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (!rt_pdu_type_ok(pdu_type)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!cursor_take(c, var_len, &sdu)) /* Ethernet padding may follow */
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof(detail), "%s %s", frame_id == RT_ALARM_HIGH ? "high" : "low",
             rta_pdu_types[pdu_type & 0x0f]);
    dissect_op(ctx, frame_id, "alarm", OP_OTHER, false, 0, detail);
    return DISSECT_OK;
}

static DissectResult rt_dissect(Cursor *c, DissectCtx *ctx)
{
    uint16_t frame_id = cursor_be16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    /* DCP and PTCP frames share the ethertype and the MAC pair. */
    if (!rt_is_cyclic(frame_id) && !rt_is_alarm(frame_id))
        return DISSECT_NOT_MINE;

    DissectResult res;
    if (rt_is_alarm(frame_id)) {
        res = rt_alarm(c, ctx, frame_id);
    } else if (cursor_left(c) < RT_CYCLIC_TAIL_LEN) {
        cursor_set_short(c);
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    } else {
        char detail[FACT_DETAIL_MAX];
        snprintf(detail, sizeof(detail), "frame 0x%04x", frame_id);
        dissect_op(ctx, rt_cyclic_class_code(frame_id), "cyclic", OP_OTHER, false, 0, detail);
        res = DISSECT_OK;
    }
    if (res == DISSECT_OK && cursor_is_clipped(c))
        return DISSECT_SHORT;
    return res;
}

const ProtoDesc proto_profinet_rt = {
    .name = "profinet-rt",
    .transports = PT_ETHER,
    .ethertypes = {0x8892},
    .probe = rt_probe,
    .dissect = rt_dissect,
};
