/*
 * proto-s7comm-plus.c - Siemens S7comm-plus (protocol id 0x72), carried in
 * COTP DT (S7-1200/1500, TIA Portal).
 *
 * Parses the frame header (protocol version, data length), skips the V3
 * integrity digest, and reads the data part's opcode (request, response,
 * notification) and function code, which become ops named by function
 * (CreateObject, DeleteObject, SetVariable, GetMultiVariables, ...) with
 * the protocol version, sequence number and (requests) session id; the
 * CreateObject response's session version string yields the PLC's order
 * number and firmware.
 * Deliberately not parsed: the object/attribute tree, item addresses and
 * values, return values, the V2 integrity part, the later frames of a PDU
 * split over several frames (only the first frame, which holds the
 * function code, is read), COTP-level fragments (the carrier skips them),
 * and anything needing the session key.
 *
 * Reference: no public Siemens specification; layout and codes follow the
 * Wireshark S7comm-plus plugin by Thomas Wiens (packet-s7comm_plus.c,
 * 2014-2023), sections "Function codes in data part" and "Opcodes".
 * Note: 0x04f2 is SetVariable, 0x0542 SetMultiVariables, 0x04bb Explore,
 * 0x0586 GetVarSubStreamed there.
 *
 *  +------+---------+-------------+  V3 only: +--------+-----------------+
 *  | 0x72 | version | data len(2) |           | dlen=32| integrity digest|
 *  +------+---------+-------------+           +--------+-----------------+
 *  data: | opcode | reserved(2) | function(2) | reserved(2) | seq(2) | ...
 *  request: session id(4), transport flags(1); trailer: 72 vv 00 00
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    S7P_PROTO_ID = 0x72,
    S7P_V1 = 0x01,
    S7P_V2 = 0x02,
    S7P_V3 = 0x03,
    S7P_KEEPALIVE = 0xfe, /* "version" byte of the short keep-alive frames */
    S7P_OP_REQUEST = 0x31,
    S7P_OP_RESPONSE = 0x32,
    S7P_OP_NOTIFICATION = 0x33,
    S7P_OP_RESPONSE2 = 0x02,
    S7P_DIGEST_LEN = 32,
    S7P_FN_CREATE_OBJECT = 0x04ca,
    S7P_SCAN_MAX = 64, /* attribute-id candidates examined in one response */
    S7P_VERSION_MAX = 80,
};

typedef struct S7pTok {
    uint16_t code;
    const char *name;
    OpClass cls;
} S7pTok;

static const S7pTok s7p_funcs[] = {
    {0x04b1, "Error", OP_OTHER},
    {0x04bb, "Explore", OP_READ},
    {0x04ca, "CreateObject", OP_SESSION},
    {0x04d4, "DeleteObject", OP_SESSION},
    {0x04f2, "SetVariable", OP_WRITE},
    {0x04fc, "GetVariable", OP_READ},
    {0x0506, "AddLink", OP_OTHER},
    {0x051a, "RemoveLink", OP_OTHER},
    {0x0524, "GetLink", OP_READ},
    {0x0542, "SetMultiVariables", OP_WRITE},
    {0x054c, "GetMultiVariables", OP_READ},
    {0x0556, "BeginSequence", OP_PROGRAM}, /* brackets block download/delete */
    {0x0560, "EndSequence", OP_PROGRAM},
    {0x056b, "Invoke", OP_CONTROL},
    {0x057c, "SetVarSubStreamed", OP_PROGRAM}, /* streams block contents down */
    {0x0586, "GetVarSubStreamed", OP_READ},
    {0x0590, "GetVariablesAddress", OP_READ},
    {0x059a, "Abort", OP_SESSION},
};

/* Per flow and direction: the last frame had no trailer, so the next one
 * continues the same PDU. */
typedef struct S7pState {
    bool in_pdu[2];
} S7pState;

static const S7pTok *s7p_find(uint16_t code)
{
    for (size_t i = 0; i < sizeof(s7p_funcs) / sizeof(s7p_funcs[0]); i++)
        if (s7p_funcs[i].code == code)
            return &s7p_funcs[i];
    return NULL;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

/* CreateObject responses carry attribute 319 (ServerSessionVersion), a
 * WSTRING like "1;6ES7 211-1BE31-0XB0 ;V3.0": order number and firmware.
 * Found by its encoding 82 3f (VLQ 319), flags 00, type 0x15 (WSTRING). */
static void s7p_session_version(DissectCtx *ctx, Cursor *data)
{
    static const uint8_t attr_319_wstring[] = {0x82, 0x3f, 0x00, 0x15};
    for (size_t i = 0; i < S7P_SCAN_MAX && cursor_ok(data); i++) {
        long at = cursor_find(data, attr_319_wstring[0], cursor_left(data));
        if (at < 0)
            return;
        cursor_skip(data, (size_t)at);
        if (!cursor_starts_with(data, attr_319_wstring, sizeof attr_319_wstring)) {
            cursor_skip(data, 1);
            continue;
        }
        cursor_skip(data, sizeof attr_319_wstring);
        uint8_t len = cursor_u8(data);
        char text[S7P_VERSION_MAX];
        cursor_str(data, len & 0x7f, text, sizeof text);
        if (!cursor_ok(data) || (len & 0x80))
            return;
        char *order = strchr(text, ';');
        char *firmware = order ? strchr(order + 1, ';') : NULL;
        if (!firmware)
            return;
        *firmware++ = '\0';
        order++;
        size_t n = strlen(order);
        while (n > 0 && order[n - 1] == ' ')
            order[--n] = '\0';
        if (order[0])
            dissect_attr(ctx, SIDE_SRC, ATTR_ORDER_NUMBER, order, FACT_CONF_HIGH);
        if (firmware[0])
            dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, firmware, FACT_CONF_HIGH);
        return;
    }
}

static DissectResult s7p_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t proto_id = cursor_u8(c);
    uint8_t version = cursor_u8(c);
    uint16_t data_len = cursor_be16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (proto_id != S7P_PROTO_ID)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (version == S7P_KEEPALIVE) {
        dissect_op(ctx, 0, "Keep Alive", OP_SESSION, false, 0, NULL);
        return DISSECT_OK;
    }
    if (version != S7P_V1 && version != S7P_V2 && version != S7P_V3)
        return malformed(ctx, ANOM_BAD_HEADER);
    Cursor data;
    if (!cursor_take(c, data_len, &data))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    /* Only the last frame of a PDU carries the trailer 72 vv 00 00; a frame
     * that ends with its data is followed by more frames of the same PDU. */
    bool has_trailer = cursor_left(c) > 0 || cursor_is_clipped(c);
    uint8_t trailer_id = cursor_u8(c);
    cursor_skip(c, 3);
    if (has_trailer && !cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (has_trailer && trailer_id != S7P_PROTO_ID)
        return malformed(ctx, ANOM_LEN_MISMATCH);
    S7pState *st = ctx->state;
    size_t dir = ctx->is_from_client ? 0 : 1;
    bool is_continuation = st && st->in_pdu[dir];
    if (st)
        st->in_pdu[dir] = !has_trailer;
    if (is_continuation)
        return DISSECT_OK; /* data of a PDU whose first frame was counted */
    if (version == S7P_V3) {
        uint8_t digest_len = cursor_u8(&data);
        if (cursor_ok(&data) && digest_len != S7P_DIGEST_LEN)
            return malformed(ctx, ANOM_BAD_HEADER);
        cursor_skip(&data, digest_len);
    }
    uint8_t opcode = cursor_u8(&data);
    if (!cursor_ok(&data))
        return dissect_fail(ctx, &data, ANOM_LEN_MISMATCH);
    if (opcode == S7P_OP_NOTIFICATION) {
        /* Server push (subscriptions, alarms): no function code. */
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, 0, "Notification", OP_OTHER, true, 0, NULL);
        return DISSECT_OK;
    }
    if (opcode != S7P_OP_REQUEST && opcode != S7P_OP_RESPONSE && opcode != S7P_OP_RESPONSE2)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    cursor_skip(&data, 2);
    uint16_t function = cursor_be16(&data);
    cursor_skip(&data, 2);
    uint16_t seq = cursor_be16(&data);
    if (!cursor_ok(&data))
        return dissect_fail(ctx, &data, ANOM_LEN_MISMATCH);
    const S7pTok *tok = s7p_find(function);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    bool is_response = opcode != S7P_OP_REQUEST;
    char detail[FACT_DETAIL_MAX];
    /* Requests carry the session id after the sequence number. */
    int n = snprintf(detail, sizeof detail, "version=%u seq=%u", version, seq);
    if (!is_response && cursor_left(&data) >= 4 && n > 0)
        snprintf(detail + n, sizeof detail - (size_t)n, " session=0x%08x", cursor_be32(&data));
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, function, tok->name, tok->cls, is_response, 0, detail);
    if (is_response && function == S7P_FN_CREATE_OBJECT)
        s7p_session_version(ctx, &data);
    return DISSECT_OK;
}

const ProtoDesc proto_s7comm_plus = {
    .name = "s7comm-plus",
    .transports = PT_TCP,
    .ports = {102},
    .dissect = s7p_dissect,
    .state_size = sizeof(S7pState),
    .flags = PROTO_CARRIED,
};
