/*
 * proto-slmp.c - SLMP / MELSEC communication protocol (MC protocol),
 * 3E and 4E binary frames, over TCP and UDP.
 *
 * Parses the 3E/4E binary header (subheader, serial number of 4E frames,
 * network, station, module I/O, multidrop station, data length), the
 * request's monitoring timer, command and subcommand, and the response's
 * end code.  Every request command becomes an op coded by the command
 * (0x0401 batch read = 1025, 0x1002 remote STOP = 4098, ...); responses
 * reuse the command of the request they answer (by serial number for 4E,
 * the flow's last request for 3E, or the error information block of a
 * failed response) with the end code as status.  Batch read/write name the
 * device and count in the detail; the read-CPU-model response gives the
 * model name (-> model attribute of the responder).  Ports 5006-5008 are
 * hints only; the probe accepts any port by structure.  Not parsed: ASCII
 * frames, 1E/2E frames, device data, file and label command parameters,
 * the MELSOFT engineering protocol (ports 5007/5555, different framing).
 *
 * Reference: Mitsubishi Electric, "SLMP Reference Manual" (SH-080956ENG),
 * chapter 4 (message formats: 3E/4E frames), chapter 5 (commands), and
 * "MELSEC Communication Protocol Reference Manual" (SH-080008).
 *
 *   3E request (4E adds serial (2 LE) and 2 reserved bytes after the
 *   subheader; all numbers little-endian):
 *  +-----------+-----+-----+---------+-----+--------+-------+-----+-----+
 *  | 50 00     | net | sta | mod I/O | md  | length | timer | cmd | sub |
 *  +-----------+-----+-----+---------+-----+--------+-------+-----+-----+
 *   length counts timer..end.  Response: D0 00 | net | sta | I/O | md |
 *   length | end code | data (or error info: net sta I/O md cmd sub)
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    SLMP_SUB_3E_REQ = 0x5000, /* as read big-endian from the wire: 50 00 */
    SLMP_SUB_3E_RSP = 0xd000,
    SLMP_SUB_4E_REQ = 0x5400,
    SLMP_SUB_4E_RSP = 0xd400,
    SLMP_3E_HDR_LEN = 9, /* subheader .. data length */
    SLMP_4E_HDR_LEN = 13,
    SLMP_REQ_MIN_LEN = 6, /* timer, command, subcommand */
    SLMP_RSP_MIN_LEN = 2, /* end code */
    SLMP_MAX_DATA = 8192, /* largest request/response data of any command */
    SLMP_CMD_BATCH_READ = 0x0401,
    SLMP_CMD_BATCH_WRITE = 0x1401,
    SLMP_CMD_CPU_MODEL = 0x0101,
    SLMP_SUB_IQR = 0x0002, /* subcommand bit: 4-byte address, 2-byte device code */
    SLMP_MODEL_LEN = 16,
    SLMP_SERIALS = 8,
    SLMP_CODE_UNKNOWN = 0,
};

typedef struct SlmpCmd {
    uint16_t code;
    const char *name;
    OpClass cls;
} SlmpCmd;

static const SlmpCmd slmp_cmds[] = {
    {0x0101, "read CPU model", OP_DISCOVERY},
    {0x0401, "batch read", OP_READ},
    {0x0403, "random read", OP_READ},
    {0x0406, "batch read multiple blocks", OP_READ},
    {0x0601, "buffer memory read", OP_READ},
    {0x0613, "intelligent module read", OP_READ},
    {0x0619, "loopback test", OP_DIAGNOSTIC},
    {0x0801, "monitor register", OP_READ},
    {0x0802, "monitor", OP_READ},
    {0x1001, "remote RUN", OP_CONTROL},
    {0x1002, "remote STOP", OP_CONTROL},
    {0x1003, "remote PAUSE", OP_CONTROL},
    {0x1005, "remote latch clear", OP_CONTROL},
    {0x1006, "remote RESET", OP_CONTROL},
    {0x1401, "batch write", OP_WRITE},
    {0x1402, "random write", OP_WRITE},
    {0x1406, "batch write multiple blocks", OP_WRITE},
    {0x1601, "buffer memory write", OP_WRITE},
    {0x1613, "intelligent module write", OP_WRITE},
    {0x1617, "clear error", OP_CONTROL},
    {0x1630, "remote password unlock", OP_SESSION},
    {0x1631, "remote password lock", OP_SESSION},
    {0x1810, "read directory", OP_PROGRAM},
    {0x1811, "search directory", OP_PROGRAM},
    {0x1820, "create new file", OP_PROGRAM},
    {0x1822, "delete file", OP_PROGRAM},
    {0x1824, "copy file", OP_PROGRAM},
    {0x1825, "modify file attribute", OP_PROGRAM},
    {0x1826, "modify file date", OP_PROGRAM},
    {0x1827, "open file", OP_PROGRAM},
    {0x1828, "read file", OP_PROGRAM},
    {0x1829, "write file", OP_PROGRAM},
    {0x182a, "close file", OP_PROGRAM},
};

typedef struct SlmpDevice {
    uint8_t code;
    const char *name;
} SlmpDevice;

static const SlmpDevice slmp_devices[] = {
    {0x90, "M"},  {0x91, "SM"}, {0x92, "L"},  {0x93, "F"},  {0x9c, "X"},
    {0x9d, "Y"},  {0xa0, "B"},  {0xa8, "D"},  {0xa9, "SD"}, {0xaf, "R"},
    {0xb0, "ZR"}, {0xb4, "W"},  {0xc2, "TN"}, {0xc5, "CN"}, {0xcc, "Z"},
};

/* Per flow: the command of recent requests, to name responses. */
typedef struct SlmpState {
    uint16_t last_cmd;
    uint16_t serial[SLMP_SERIALS];
    uint16_t serial_cmd[SLMP_SERIALS];
    uint8_t next_slot;
} SlmpState;

typedef struct SlmpHeader {
    uint16_t subheader;
    uint16_t serial;
    uint16_t data_len;
    bool is_4e;
    bool is_response;
} SlmpHeader;

static const SlmpCmd *slmp_cmd_lookup(uint16_t code)
{
    for (size_t i = 0; i < sizeof(slmp_cmds) / sizeof(slmp_cmds[0]); i++) {
        if (slmp_cmds[i].code == code)
            return &slmp_cmds[i];
    }
    return NULL;
}

static const char *slmp_device_name(uint8_t code)
{
    for (size_t i = 0; i < sizeof(slmp_devices) / sizeof(slmp_devices[0]); i++) {
        if (slmp_devices[i].code == code)
            return slmp_devices[i].name;
    }
    return NULL;
}

/* Reads the header; false when the subheader is not SLMP binary 3E/4E. */
static bool slmp_header(Cursor *c, SlmpHeader *h)
{
    h->subheader = cursor_be16(c);
    h->is_4e = h->subheader == SLMP_SUB_4E_REQ || h->subheader == SLMP_SUB_4E_RSP;
    h->is_response = h->subheader == SLMP_SUB_3E_RSP || h->subheader == SLMP_SUB_4E_RSP;
    h->serial = 0;
    if (h->is_4e) {
        h->serial = cursor_le16(c);
        cursor_skip(c, 2); /* reserved */
    }
    cursor_skip(c, 5); /* network, station, module I/O, multidrop */
    h->data_len = cursor_le16(c);
    return h->is_4e || h->subheader == SLMP_SUB_3E_REQ || h->subheader == SLMP_SUB_3E_RSP;
}

static bool slmp_len_ok(const SlmpHeader *h)
{
    size_t min = h->is_response ? SLMP_RSP_MIN_LEN : SLMP_REQ_MIN_LEN;
    return h->data_len >= min && h->data_len <= SLMP_MAX_DATA;
}

static size_t slmp_pdu_len(Cursor *c)
{
    SlmpHeader h;
    int first = cursor_peek(c, 0);
    if (first < 0)
        return 0;
    if (first != 0x50 && first != 0x54 && first != 0xd0 && first != 0xd4)
        return PDU_LEN_BAD;
    size_t hdr_len = (first == 0x54 || first == 0xd4) ? SLMP_4E_HDR_LEN : SLMP_3E_HDR_LEN;
    if (cursor_left(c) < hdr_len)
        return 0;
    if (!slmp_header(c, &h) || !slmp_len_ok(&h))
        return PDU_LEN_BAD;
    return hdr_len + h.data_len;
}

static DissectResult slmp_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    SlmpHeader h;
    int first = cursor_peek(c, 0);
    if (first < 0)
        return DISSECT_NEED_MORE;
    if (first != 0x50 && first != 0x54 && first != 0xd0 && first != 0xd4)
        return DISSECT_NOT_MINE;
    size_t hdr_len = (first == 0x54 || first == 0xd4) ? SLMP_4E_HDR_LEN : SLMP_3E_HDR_LEN;
    if (cursor_left(c) < hdr_len)
        return DISSECT_NEED_MORE;
    if (!slmp_header(c, &h) || !slmp_len_ok(&h))
        return DISSECT_NOT_MINE;
    if (h.is_response) /* any end code: the header alone has to convince */
        return DISSECT_OK;
    if (cursor_left(c) < SLMP_REQ_MIN_LEN)
        return DISSECT_NEED_MORE;
    cursor_skip(c, 2); /* monitoring timer */
    uint16_t cmd = cursor_le16(c);
    uint16_t sub = cursor_le16(c);
    /* Subcommands are small bit sets; a random 16-bit value is not. */
    return slmp_cmd_lookup(cmd) && sub <= 0x00ff ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* Batch read/write: head device and count, e.g. "D100 n=10". */
static void slmp_device_detail(Cursor *c, uint16_t sub, char *detail, size_t detailsz)
{
    uint32_t address;
    uint16_t device;
    if (sub & SLMP_SUB_IQR) {
        address = cursor_le32(c);
        device = cursor_le16(c);
    } else {
        address = cursor_le24(c);
        device = cursor_u8(c);
    }
    uint16_t count = cursor_le16(c);
    if (!cursor_ok(c))
        return;
    const char *name = device <= 0xff ? slmp_device_name((uint8_t)device) : NULL;
    if (name)
        snprintf(detail, detailsz, "%s%u n=%u", name, address, count);
    else
        snprintf(detail, detailsz, "device 0x%02x:%u n=%u", device, address, count);
}

static void slmp_remember(SlmpState *st, const SlmpHeader *h, uint16_t cmd)
{
    if (!st)
        return;
    st->last_cmd = cmd;
    if (h->is_4e) {
        st->serial[st->next_slot] = h->serial;
        st->serial_cmd[st->next_slot] = cmd;
        st->next_slot = (uint8_t)((st->next_slot + 1) % SLMP_SERIALS);
    }
}

static uint16_t slmp_recall(const SlmpState *st, const SlmpHeader *h)
{
    if (!st)
        return SLMP_CODE_UNKNOWN;
    if (h->is_4e) {
        for (size_t i = 0; i < SLMP_SERIALS; i++) {
            if (st->serial[i] == h->serial && st->serial_cmd[i])
                return st->serial_cmd[i];
        }
        return SLMP_CODE_UNKNOWN;
    }
    return st->last_cmd;
}

static DissectResult slmp_request(Cursor *data, DissectCtx *ctx, const SlmpHeader *h)
{
    cursor_skip(data, 2); /* monitoring timer */
    uint16_t cmd = cursor_le16(data);
    uint16_t sub = cursor_le16(data);
    if (!cursor_ok(data))
        return dissect_fail(ctx, data, ANOM_LEN_MISMATCH);
    const SlmpCmd *desc = slmp_cmd_lookup(cmd);
    if (!desc) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    char detail[FACT_DETAIL_MAX];
    detail[0] = '\0';
    if (cmd == SLMP_CMD_BATCH_READ || cmd == SLMP_CMD_BATCH_WRITE)
        slmp_device_detail(data, sub, detail, sizeof(detail));
    dissect_op(ctx, desc->code, desc->name, desc->cls, false, 0, detail);
    slmp_remember(ctx->state, h, cmd);
    ctx->dir_hint = DIR_REQUEST;
    return DISSECT_OK;
}

/* The model name of a read-CPU-model response, trailing blanks cut;
 * empty when the 16 bytes do not look like one (upper-case letters,
 * digits, '-' and blanks, starting with a letter). */
static size_t slmp_model(Cursor *data, char *model, size_t modelsz)
{
    size_t len = cursor_str(data, SLMP_MODEL_LEN, model, modelsz);
    while (len > 0 && model[len - 1] == ' ')
        model[--len] = '\0';
    bool is_name = len > 0 && model[0] >= 'A' && model[0] <= 'Z';
    for (size_t i = 0; i < len && is_name; i++) {
        char ch = model[i];
        is_name = (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == ' ';
    }
    if (!is_name || !cursor_ok(data))
        model[0] = '\0';
    return model[0] ? len : 0;
}

static DissectResult slmp_response(Cursor *data, DissectCtx *ctx, const SlmpHeader *h)
{
    uint16_t end_code = cursor_le16(data);
    if (!cursor_ok(data))
        return dissect_fail(ctx, data, ANOM_LEN_MISMATCH);
    uint16_t cmd = slmp_recall(ctx->state, h);
    if (end_code != 0) {
        /* error information repeats the failed request's command */
        Cursor info = *data;
        cursor_skip(&info, 5);
        uint16_t err_cmd = cursor_le16(&info);
        if (cursor_ok(&info))
            cmd = err_cmd;
    }
    /* Without the request (capture started late), a response of exactly a
     * model name and model code is taken as read-CPU-model, with less
     * confidence. */
    char model[SLMP_MODEL_LEN + 1];
    model[0] = '\0';
    uint8_t model_conf = FACT_CONF_HIGH;
    if (end_code == 0 && (cmd == SLMP_CMD_CPU_MODEL ||
                          (cmd == SLMP_CODE_UNKNOWN && cursor_left(data) == SLMP_MODEL_LEN + 2))) {
        Cursor copy = *data;
        if (slmp_model(&copy, model, sizeof(model)) && cmd == SLMP_CODE_UNKNOWN) {
            cmd = SLMP_CMD_CPU_MODEL;
            model_conf = FACT_CONF_MEDIUM;
        }
    }
    const SlmpCmd *desc = slmp_cmd_lookup(cmd);
    if (desc)
        dissect_op(ctx, desc->code, desc->name, desc->cls, true, end_code, NULL);
    else
        dissect_op(ctx, SLMP_CODE_UNKNOWN, "response", OP_OTHER, true, end_code, NULL);
    if (model[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, model, model_conf);
    ctx->dir_hint = DIR_RESPONSE;
    return DISSECT_OK;
}

static DissectResult slmp_dissect(Cursor *c, DissectCtx *ctx)
{
    SlmpHeader h;
    bool is_slmp = slmp_header(c, &h);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (!is_slmp) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!slmp_len_ok(&h)) {
        dissect_anomaly(ctx, ANOM_LEN_MISMATCH);
        return DISSECT_MALFORMED;
    }
    Cursor data;
    if (!cursor_take(c, h.data_len, &data))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (cursor_left(c) != 0) {
        dissect_anomaly(ctx, ANOM_LEN_MISMATCH); /* UDP datagram longer than the frame */
        return DISSECT_MALFORMED;
    }
    return h.is_response ? slmp_response(&data, ctx, &h) : slmp_request(&data, ctx, &h);
}

const ProtoDesc proto_slmp = {
    .name = "slmp",
    .transports = PT_TCP | PT_UDP,
    .ports = {5006, 5007, 5008},
    .probe = slmp_probe,
    .pdu_len = slmp_pdu_len,
    .dissect = slmp_dissect,
    .state_size = sizeof(SlmpState),
};
