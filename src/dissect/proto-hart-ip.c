/*
 * proto-hart-ip.c - HART-IP (HART over TCP/UDP port 5094).
 *
 * Parses the 8-byte HART-IP header (version 1/2, message type, message ID,
 * status, sequence number, byte count of the whole message) and, for
 * pass-through messages, the HART token-passing PDU inside: delimiter,
 * short or long address, expansion bytes, command, byte count, response
 * code.  Pass-through requests become ops coded by the HART command number
 * (0 read unique identifier, 1..3 read, 6 write polling address, 38 reset
 * configuration-changed flag, 42 device reset, ...); ACK frames are
 * responses with the response code as status; published (burst) frames
 * are responses of the burst command.  Header-level messages (session
 * initiate/close, keep alive, read audit log) are session ops coded
 * 256 + message ID, so they never collide with the 8-bit HART commands.
 * The command 0 response names the device behind the server: manufacturer
 * ID, expanded device type, software/device revision and device ID, with
 * medium confidence (a HART-IP server may be a multiplexer for the device).
 * Not parsed: command data beyond command 0, extended (16-bit) command
 * numbers of command 31, the check byte, HART-IP v2 direct PDUs and TLS.
 *
 * Reference: FieldComm Group HCF_SPEC-085 (HART-IP), rev 2.0, section 10
 * (message header); HCF_SPEC-081 (token-passing data link: PDU format);
 * HCF_SPEC-127 (universal commands: command 0 response layout),
 * HCF_SPEC-151 (common practice commands).
 *
 *   0               1               2               3
 *  +---------------+---------------+---------------+---------------+
 *  |  version      |  msg type     |  message ID   |  status       |
 *  +---------------+---------------+---------------+---------------+
 *  |  sequence number              |  byte count (whole message)   |
 *  +-------------------------------+-------------------------------+
 *  pass-through body: delimiter | address (1 or 5) | expansion (0-3) |
 *    command | byte count | [ACK/BACK: response code | device status]
 *    | data | check byte
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    HIP_HDR_LEN = 8,
    HIP_TYPE_REQUEST = 0,
    HIP_TYPE_RESPONSE = 1,
    HIP_TYPE_PUBLISH = 2,
    HIP_TYPE_ERROR = 3,
    HIP_TYPE_NAK = 15,
    HIP_ID_PASS_THROUGH = 3,
    HIP_SESSION_CODE_BASE = 256,
    HART_DELIM_LONG_ADDR = 0x80,
    HART_FRAME_BACK = 1, /* burst frame from a field device */
    HART_FRAME_STX = 2,  /* master to field device */
    HART_FRAME_ACK = 6,  /* field device to master */
    HART_SHORT_ADDR_LEN = 1,
    HART_LONG_ADDR_LEN = 5,
    HART_CMD_IDENTITY = 0,
    HART_ID_MIN_LEN = 12,   /* HART 5 command 0 response data */
    HART_ID_HART7_LEN = 19, /* with the 16-bit manufacturer ID at 17 */
};

typedef struct HipMsg {
    uint8_t id;
    const char *name;
} HipMsg;

static const HipMsg hip_msgs[] = {
    {0, "session initiate"}, {1, "session close"}, {2, "keep alive"},
    {3, "pass through"},     {4, "direct PDU"},    {128, "read audit log"},
};

typedef struct HartCmd {
    uint8_t code;
    const char *name;
    OpClass cls;
} HartCmd;

static const HartCmd hart_cmds[] = {
    {0, "read unique identifier", OP_DISCOVERY},
    {1, "read primary variable", OP_READ},
    {2, "read loop current and percent of range", OP_READ},
    {3, "read dynamic variables and loop current", OP_READ},
    {6, "write polling address", OP_CONFIG},
    {7, "read loop configuration", OP_READ},
    {8, "read dynamic variable classifications", OP_READ},
    {9, "read device variables with status", OP_READ},
    {11, "read unique identifier by tag", OP_DISCOVERY},
    {12, "read message", OP_READ},
    {13, "read tag, descriptor, date", OP_READ},
    {14, "read primary variable transducer information", OP_READ},
    {15, "read device information", OP_READ},
    {16, "read final assembly number", OP_READ},
    {17, "write message", OP_WRITE},
    {18, "write tag, descriptor, date", OP_CONFIG},
    {19, "write final assembly number", OP_CONFIG},
    {20, "read long tag", OP_READ},
    {21, "read unique identifier by long tag", OP_DISCOVERY},
    {22, "write long tag", OP_CONFIG},
    {31, "extended command", OP_OTHER},
    {33, "read device variables", OP_READ},
    {34, "write primary variable damping value", OP_CONFIG},
    {35, "write primary variable range values", OP_CONFIG},
    {36, "set primary variable upper range value", OP_CONFIG},
    {37, "set primary variable lower range value", OP_CONFIG},
    {38, "reset configuration changed flag", OP_CONFIG},
    {40, "enter/exit fixed current mode", OP_CONTROL},
    {41, "perform self test", OP_DIAGNOSTIC},
    {42, "perform device reset", OP_CONTROL},
    {43, "set primary variable zero", OP_CONFIG},
    {44, "write primary variable units", OP_CONFIG},
    {45, "trim loop current zero", OP_CONFIG},
    {46, "trim loop current gain", OP_CONFIG},
    {48, "read additional device status", OP_DIAGNOSTIC},
    {50, "read dynamic variable assignments", OP_READ},
    {51, "write dynamic variable assignments", OP_CONFIG},
    {54, "read device variable information", OP_READ},
    {59, "write number of response preambles", OP_CONFIG},
    {74, "read I/O system capabilities", OP_READ},
    {77, "send command to sub-device", OP_OTHER},
    {79, "write device variable", OP_WRITE},
    {84, "read sub-device identity summary", OP_DISCOVERY},
};

/* Commands not in the table: universal/common-practice or device-specific. */
static const HartCmd hart_cmd_other = {0, "HART command", OP_OTHER};

typedef struct HipHeader {
    uint8_t version;
    uint8_t type;
    uint8_t id;
    uint8_t status;
    uint16_t byte_count;
} HipHeader;

typedef struct HartPdu {
    uint8_t frame;
    uint8_t command;
    uint8_t response_code;
    bool has_response_code;
} HartPdu;

static const HipMsg *hip_msg_lookup(uint8_t id)
{
    for (size_t i = 0; i < sizeof(hip_msgs) / sizeof(hip_msgs[0]); i++) {
        if (hip_msgs[i].id == id)
            return &hip_msgs[i];
    }
    return NULL;
}

static const HartCmd *hart_cmd_lookup(uint8_t code)
{
    for (size_t i = 0; i < sizeof(hart_cmds) / sizeof(hart_cmds[0]); i++) {
        if (hart_cmds[i].code == code)
            return &hart_cmds[i];
    }
    return &hart_cmd_other;
}

static bool hip_type_ok(uint8_t type)
{
    return type <= HIP_TYPE_ERROR || type == HIP_TYPE_NAK;
}

static void hip_read_header(Cursor *c, HipHeader *h)
{
    h->version = cursor_u8(c);
    h->type = cursor_u8(c);
    h->id = cursor_u8(c);
    h->status = cursor_u8(c);
    cursor_skip(c, 2); /* sequence number */
    h->byte_count = cursor_be16(c);
}

static bool hip_header_ok(const HipHeader *h)
{
    return (h->version == 1 || h->version == 2) && hip_type_ok(h->type) && hip_msg_lookup(h->id) &&
           h->byte_count >= HIP_HDR_LEN;
}

static size_t hip_pdu_len(Cursor *c)
{
    HipHeader h;
    if (cursor_left(c) < HIP_HDR_LEN)
        return 0;
    hip_read_header(c, &h);
    return hip_header_ok(&h) ? h.byte_count : PDU_LEN_BAD;
}

static DissectResult hip_probe(Cursor *c, const DissectCtx *ctx)
{
    HipHeader h;
    if (cursor_left(c) < HIP_HDR_LEN)
        return DISSECT_NEED_MORE;
    size_t datagram_len = cursor_left(c);
    hip_read_header(c, &h);
    if (!hip_header_ok(&h))
        return DISSECT_NOT_MINE;
    /* A UDP datagram holds exactly one message. */
    if (ctx->pkt->transport == TP_UDP && h.byte_count != datagram_len)
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* The token-passing PDU header up to the data; the data is left in *c. */
static bool hart_pdu(Cursor *c, HartPdu *p, bool *is_bad)
{
    *is_bad = false;
    uint8_t delim = cursor_u8(c);
    p->frame = delim & 0x07;
    size_t addr_len = (delim & HART_DELIM_LONG_ADDR) ? HART_LONG_ADDR_LEN : HART_SHORT_ADDR_LEN;
    cursor_skip(c, addr_len + ((delim >> 5) & 0x03)); /* address, expansion bytes */
    p->command = cursor_u8(c);
    uint8_t byte_count = cursor_u8(c);
    if (!cursor_ok(c))
        return false;
    if (p->frame != HART_FRAME_STX && p->frame != HART_FRAME_ACK && p->frame != HART_FRAME_BACK) {
        *is_bad = true;
        return false;
    }
    Cursor data;
    if (!cursor_take(c, byte_count, &data))
        return false;
    p->has_response_code = p->frame != HART_FRAME_STX;
    if (p->has_response_code) {
        p->response_code = cursor_u8(&data);
        cursor_skip(&data, 1); /* field device status */
        if (!cursor_ok(&data)) {
            *is_bad = true; /* ACK/BACK byte count must cover both status bytes */
            return false;
        }
    }
    *c = data;
    return true;
}

/* Command 0 response: who the field device is. */
static void hart_identity(Cursor *data, DissectCtx *ctx)
{
    size_t len = cursor_left(data);
    if (len < HART_ID_MIN_LEN)
        return;
    cursor_skip(data, 1); /* 254 */
    uint8_t type_hi = cursor_u8(data);
    uint8_t type_lo = cursor_u8(data);
    cursor_skip(data, 2); /* preambles, universal revision */
    uint8_t device_rev = cursor_u8(data);
    uint8_t software_rev = cursor_u8(data);
    cursor_skip(data, 2); /* hardware revision/signalling, flags */
    uint32_t device_id = cursor_be24(data);
    unsigned manufacturer = type_hi; /* HART 5: manufacturer code, device type */
    unsigned device_type = type_lo;
    if (len >= HART_ID_HART7_LEN) {
        cursor_skip(data, 5); /* preambles, variables, change counter, status */
        manufacturer = cursor_be16(data);
        device_type = ((unsigned)type_hi << 8) | type_lo;
    }
    if (!cursor_ok(data))
        return;
    char value[48];
    snprintf(value, sizeof(value), "manufacturer-id %u", manufacturer);
    dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, value, FACT_CONF_MEDIUM);
    snprintf(value, sizeof(value), "device-type 0x%04x", device_type);
    dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, value, FACT_CONF_MEDIUM);
    snprintf(value, sizeof(value), "software rev %u device rev %u", software_rev, device_rev);
    dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, value, FACT_CONF_MEDIUM);
    snprintf(value, sizeof(value), "device-id 0x%06x", device_id);
    dissect_attr(ctx, SIDE_SRC, ATTR_SERIAL, value, FACT_CONF_MEDIUM);
}

static DissectResult hip_pass_through(Cursor *body, DissectCtx *ctx, const HipHeader *h)
{
    HartPdu p;
    bool is_bad;
    memset(&p, 0, sizeof(p));
    if (!hart_pdu(body, &p, &is_bad)) {
        if (!is_bad)
            return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    const HartCmd *cmd = hart_cmd_lookup(p.command);
    bool is_response = p.frame != HART_FRAME_STX;
    int32_t status = is_response ? p.response_code : 0;
    dissect_op(ctx, p.command, cmd->name, cmd->cls, is_response, status, NULL);
    if (p.frame == HART_FRAME_ACK && p.command == HART_CMD_IDENTITY && p.response_code == 0)
        hart_identity(body, ctx);
    if (h->type != HIP_TYPE_PUBLISH)
        ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    return DISSECT_OK;
}

static DissectResult hip_dissect(Cursor *c, DissectCtx *ctx)
{
    HipHeader h;
    hip_read_header(c, &h);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (!hip_header_ok(&h)) {
        dissect_anomaly(ctx, h.byte_count < HIP_HDR_LEN ? ANOM_LEN_MISMATCH : ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    Cursor body;
    if (!cursor_take(c, h.byte_count - HIP_HDR_LEN, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    bool is_failure = h.type == HIP_TYPE_ERROR || h.type == HIP_TYPE_NAK;
    if (h.id == HIP_ID_PASS_THROUGH && !is_failure && cursor_left(&body) > 0)
        return hip_pass_through(&body, ctx, &h);

    const HipMsg *msg = hip_msg_lookup(h.id);
    bool is_response = h.type != HIP_TYPE_REQUEST;
    /* Error and NAK report their reason in the status byte; keep it
     * non-zero so they never read as success. */
    int32_t status = is_failure ? (h.status ? h.status : -1) : (is_response ? h.status : 0);
    dissect_op(ctx, HIP_SESSION_CODE_BASE + h.id, msg->name, OP_SESSION, is_response, status, NULL);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    return DISSECT_OK;
}

const ProtoDesc proto_hart_ip = {
    .name = "hart-ip",
    .transports = PT_TCP | PT_UDP,
    .ports = {5094},
    .probe = hip_probe,
    .pdu_len = hip_pdu_len,
    .dissect = hip_dissect,
};
