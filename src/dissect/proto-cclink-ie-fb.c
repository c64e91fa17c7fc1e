/*
 * proto-cclink-ie-fb.c - CC-Link IE Field Basic (CCIEFB): cyclic I/O
 * between a master and its slave stations over UDP 61450, and the SLMP
 * transient messages of the same network on UDP 61451 (node search,
 * IP address setting, parameter and status services).
 *
 * Both ride in SLMP 3E binary frames with fixed routing fields.  Parsed:
 * the 3E header (subheader, data length that must match the datagram),
 * the command; for cyclic requests (command 0x0E70) the protocol version,
 * the master's application state (running / stopped / stopped by user),
 * group, frame sequence number and number of occupied stations; for cyclic
 * responses the end code, the slave's vendor code, model code, equipment
 * version and application state.  Requests are counted as op "Cyclic
 * Data" (code 3696) and responses as its outcome; transient requests as
 * their SLMP command (node search = discovery, IP address set = config,
 * remote run/stop/reset = control).  Master and slave stations are
 * recorded as description attributes ("CC-Link IE Field Basic master").
 * Port 61451 only chooses this dissector over the generic SLMP one for
 * wire-identical frames; the cyclic frames are recognised by structure.
 * Deliberately not parsed: RX/RY/RWr/RWw data, slave id lists, node
 * search response contents.  CC-Link IE Field/Control (Ethernet 0x890F)
 * is proto-cclink-ie.c.
 *
 * Reference: CLPA, "CC-Link IE Field Network Basic Specification"
 * (BAP-C2006-ENG-001), cyclic frame layout as implemented by the open
 * rt-labs c-link stack (cl_types.h, 2022); SLMP commands from the SLMP
 * specification (BAP-C2006-ENG-003).
 *
 *  request:  50 00 | 00 | FF | FF 03 | 00 | length (le16) | timer (00 00) |
 *            command (70 0E) | subcommand (00 00) | protocol version (le16) |
 *            0000 | offset (36) | 14 x 00 | master unit info | 0000 |
 *            clock (le64) | master id | group | 00 | seq | timeout | ... |
 *  response: D0 00 | 00 | FF | FF 03 | 00 | length | 00 00 | protocol
 *            version | end code | offset (40) | 14 x 00 | vendor code |
 *            0000 | model code (le32) | equipment version | 0000 |
 *            slave unit info | error code | local info (le32) | slave id ...
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    CCIEFB_PORT_CYCLIC = 61450,
    CCIEFB_PORT_TRANSIENT = 61451,
    HDR_LEN = 9, /* subheader .. data length */
    SUB_REQUEST = 0x5000,
    SUB_RESPONSE = 0xd000,
    CMD_CYCLIC = 0x0e70,
    CYCLIC_REQ_OFFSET = 36,
    CYCLIC_RSP_OFFSET = 40,
    PROTO_VER_MIN = 1,
    PROTO_VER_MAX = 2,
    MAX_STATIONS = 64,
};

typedef struct SlmpTok {
    uint16_t code;
    const char *name;
    OpClass cls;
} SlmpTok;

/* SLMP commands used as transient messages of a CCIEFB network. */
static const SlmpTok transient_cmds[] = {
    {0x0101, "Read Type Name", OP_DISCOVERY},
    {0x0401, "Device Read", OP_READ},
    {0x0619, "Self Test", OP_DIAGNOSTIC},
    {0x0e28, "Device Identification Get", OP_DISCOVERY},
    {0x0e29, "Node Data Monitoring", OP_READ},
    {0x0e30, "Node Search", OP_DISCOVERY},
    {0x0e31, "IP Address Set", OP_CONFIG},
    {0x0e32, "Device Info Compare", OP_READ},
    {0x0e33, "Parameter Get", OP_READ},
    {0x0e34, "Parameter Set", OP_CONFIG},
    {0x0e35, "Parameter Set Start", OP_CONFIG},
    {0x0e36, "Parameter Set End", OP_CONFIG},
    {0x0e3a, "Parameter Set Cancel", OP_CONFIG},
    {0x0e44, "Node Status Read", OP_DIAGNOSTIC},
    {0x0e45, "Communication Setting Get", OP_READ},
    {0x0e53, "Node Status Read 2", OP_DIAGNOSTIC},
    {0x1001, "Remote Run", OP_CONTROL},
    {0x1002, "Remote Stop", OP_CONTROL},
    {0x1003, "Remote Pause", OP_CONTROL},
    {0x1005, "Remote Latch Clear", OP_CONTROL},
    {0x1006, "Remote Reset", OP_CONTROL},
    {0x1401, "Device Write", OP_WRITE},
    {0x1617, "Clear Error", OP_CONFIG},
};

static const SlmpTok cyclic_tok = {CMD_CYCLIC, "Cyclic Data", OP_OTHER};
static const SlmpTok transient_other = {0, "Transient Message", OP_OTHER};

/* Per flow: the last transient command, since SLMP responses do not
 * repeat it. */
typedef struct CciefbState {
    uint16_t last_cmd;
    bool has_cmd;
} CciefbState;

static const SlmpTok *transient_find(uint16_t code)
{
    for (size_t i = 0; i < sizeof(transient_cmds) / sizeof(transient_cmds[0]); i++)
        if (transient_cmds[i].code == code)
            return &transient_cmds[i];
    return NULL;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

static int peek_le16(const Cursor *c, size_t off)
{
    int lo = cursor_peek(c, off);
    int hi = cursor_peek(c, off + 1);
    return (lo < 0 || hi < 0) ? -1 : (hi << 8 | lo);
}

/* The fixed 3E routing of CCIEFB frames (network 0, station FF, module
 * I/O 03FF, multidrop 0) and a length matching the datagram. */
static bool is_cciefb_header(const Cursor *c, int *subheader)
{
    int s0 = cursor_peek(c, 0);
    int s1 = cursor_peek(c, 1);
    if (s0 < 0 || s1 < 0)
        return false;
    *subheader = s0 << 8 | s1;
    if (*subheader != SUB_REQUEST && *subheader != SUB_RESPONSE)
        return false;
    if (cursor_peek(c, 2) != 0x00 || cursor_peek(c, 3) != 0xff || peek_le16(c, 4) != 0x03ff ||
        cursor_peek(c, 6) != 0x00)
        return false;
    int dl = peek_le16(c, 7);
    return dl >= 2 && (size_t)dl + HDR_LEN == cursor_left(c);
}

/* A cyclic frame by structure: the request's command, or the response's
 * protocol version and cyclic info offset. */
static bool is_cyclic(const Cursor *c, int subheader)
{
    if (subheader == SUB_REQUEST)
        return peek_le16(c, 11) == CMD_CYCLIC && peek_le16(c, 19) == CYCLIC_REQ_OFFSET;
    int ver = peek_le16(c, 11);
    return ver >= PROTO_VER_MIN && ver <= PROTO_VER_MAX && peek_le16(c, 15) == CYCLIC_RSP_OFFSET;
}

static DissectResult cciefb_probe(Cursor *c, const DissectCtx *ctx)
{
    int subheader;
    if (!is_cciefb_header(c, &subheader))
        return DISSECT_NOT_MINE;
    if (is_cyclic(c, subheader))
        return DISSECT_OK;
    /* SLMP transient frames are wire-identical to plain SLMP: the
     * CCIEFB transient port chooses this dissector for them. */
    return dissect_port_is(ctx, CCIEFB_PORT_TRANSIENT) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static const char *unit_state_name(uint16_t info, bool is_master)
{
    switch (info) {
    case 0:
        return "stopped";
    case 1:
        return "running";
    case 2:
        return is_master ? "stopped-by-user" : "error";
    default:
        return "other";
    }
}

static DissectResult cyclic_request(DissectCtx *ctx, Cursor *body)
{
    cursor_skip(body, 2 + 2 + 2); /* timer, command, subcommand */
    uint16_t version = cursor_le16(body);
    cursor_skip(body, 2 + 2 + 14);
    uint16_t master_info = cursor_le16(body);
    cursor_skip(body, 2 + 8); /* reserved, clock (Unix ms) */
    cursor_skip(body, 4);     /* master id: its IP address */
    uint8_t group = cursor_u8(body);
    cursor_skip(body, 1);
    uint16_t seq = cursor_le16(body);
    cursor_skip(body, 2 + 2 + 2); /* timeout, parallel off count, parameter no */
    uint16_t stations = cursor_le16(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    if (version < PROTO_VER_MIN || version > PROTO_VER_MAX)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (stations > MAX_STATIONS || (size_t)stations * 4 > cursor_left(body))
        return malformed(ctx, ANOM_BAD_COUNT); /* one slave id per occupied station follows */
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "group=%u stations=%u seq=%u master=%s", group, stations,
             seq, unit_state_name(master_info & 0x3, true));
    ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, cyclic_tok.code, cyclic_tok.name, cyclic_tok.cls, false, 0, detail);
    dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, "CC-Link IE Field Basic master",
                 FACT_CONF_HIGH);
    return DISSECT_OK;
}

static DissectResult cyclic_response(DissectCtx *ctx, Cursor *body)
{
    cursor_skip(body, 2); /* SLMP end code, always 0 here */
    cursor_skip(body, 2); /* protocol version */
    uint16_t end_code = cursor_le16(body);
    cursor_skip(body, 2 + 14);
    uint16_t vendor = cursor_le16(body);
    cursor_skip(body, 2);
    uint32_t model = cursor_le32(body);
    uint16_t equipment_ver = cursor_le16(body);
    cursor_skip(body, 2);
    uint16_t slave_info = cursor_le16(body);
    uint16_t slave_err = cursor_le16(body);
    cursor_skip(body, 4); /* local management info */
    cursor_skip(body, 4); /* slave id: its IP address */
    uint8_t group = cursor_u8(body);
    cursor_skip(body, 1);
    uint16_t seq = cursor_le16(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "group=%u seq=%u slave=%s err=0x%04x", group, seq,
             unit_state_name(slave_info & 0x1, false), slave_err);
    ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, cyclic_tok.code, cyclic_tok.name, cyclic_tok.cls, true, end_code, detail);
    dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, "CC-Link IE Field Basic slave", FACT_CONF_HIGH);
    char buf[FACT_VALUE_MAX];
    snprintf(buf, sizeof buf, "cc-link vendor-code 0x%04x", vendor);
    dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, buf, FACT_CONF_MEDIUM);
    snprintf(buf, sizeof buf, "model-code 0x%08x", model);
    dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, buf, FACT_CONF_MEDIUM);
    snprintf(buf, sizeof buf, "equipment version %u", equipment_ver);
    dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, buf, FACT_CONF_MEDIUM);
    return DISSECT_OK;
}

static DissectResult transient(DissectCtx *ctx, Cursor *body, bool is_response)
{
    CciefbState *st = ctx->state;
    char detail[FACT_DETAIL_MAX] = "";
    if (!is_response) {
        cursor_skip(body, 2); /* monitoring timer */
        uint16_t cmd = cursor_le16(body);
        uint16_t sub = cursor_le16(body);
        if (!cursor_ok(body))
            return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
        const SlmpTok *tok = transient_find(cmd);
        if (st) {
            st->last_cmd = cmd;
            st->has_cmd = true;
        }
        snprintf(detail, sizeof detail, "command=0x%04x sub=0x%04x", cmd, sub);
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, cmd, tok ? tok->name : transient_other.name,
                   tok ? tok->cls : transient_other.cls, false, 0, detail);
        return DISSECT_OK;
    }
    uint16_t end_code = cursor_le16(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    const SlmpTok *tok = (st && st->has_cmd) ? transient_find(st->last_cmd) : NULL;
    uint16_t code = (st && st->has_cmd) ? st->last_cmd : 0;
    ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, code, tok ? tok->name : transient_other.name,
               tok ? tok->cls : transient_other.cls, true, end_code, NULL);
    return DISSECT_OK;
}

static DissectResult cciefb_dissect(Cursor *c, DissectCtx *ctx)
{
    Cursor whole = *c;
    uint16_t subheader = cursor_be16(c);
    cursor_skip(c, 1 + 1 + 2 + 1); /* network, station, module I/O, multidrop */
    uint16_t dl = cursor_le16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (subheader != SUB_REQUEST && subheader != SUB_RESPONSE)
        return malformed(ctx, ANOM_BAD_HEADER);
    Cursor body;
    if (!cursor_take_declared(c, dl, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (cursor_left(c) > 0)
        return malformed(ctx, ANOM_LEN_MISMATCH); /* the length covers the whole datagram */
    /* A datagram the capture clipped cannot be checked against its length
     * (nor told cyclic from transient): nothing is said about it. */
    if (cursor_is_clipped(&body))
        return DISSECT_SHORT;
    bool is_response = subheader == SUB_RESPONSE;
    if (is_cyclic(&whole, subheader))
        return is_response ? cyclic_response(ctx, &body) : cyclic_request(ctx, &body);
    return transient(ctx, &body, is_response);
}

const ProtoDesc proto_cclink_ie_fb = {
    .name = "cclink-ie-fb",
    .transports = PT_UDP,
    .ports = {CCIEFB_PORT_CYCLIC, CCIEFB_PORT_TRANSIENT},
    .probe = cciefb_probe,
    .pdu_len = NULL,
    .dissect = cciefb_dissect,
    .state_size = sizeof(CciefbState),
};
