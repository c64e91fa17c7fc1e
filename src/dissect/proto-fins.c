/*
 * proto-fins.c - Omron FINS over UDP and FINS/TCP.
 *
 * UDP carries one FINS frame per datagram; TCP wraps each in a FINS/TCP
 * header ("FINS", length, command, error code), whose node-address
 * handshake frames carry no FINS command.  The FINS header (ICF, RSV, GCT,
 * destination and source network/node/unit, SID) is validated; ICF bit 6
 * tells a response from a command.  Each frame becomes one op coded
 * MRC*256+SRC: named from the command table, or from its MRC group when
 * the SRC is not in the table (so 0x22xx file commands are still class
 * program).  Responses carry the end code (MRES/SRES without the relay and
 * fatal/non-fatal flag bits) as status.  Memory area read/write/fill name
 * the area and address; the controller data read response gives the model
 * and firmware version of the responder.  Not parsed: command parameters
 * beyond those, FINS/TCP error codes, FINS over Controller Link/SYSMAC
 * networks (only what reaches Ethernet).
 *
 * Reference: Omron, "FINS Commands Reference Manual" (W227-E1), section 3
 * (FINS header), 5 (command list); "CS/CJ Series Ethernet Units Operation
 * Manual" (W343), section 6 (FINS/TCP header and commands).
 *
 *   FINS/TCP (TCP only):  "FINS" | length (4, bytes after it) |
 *                         command (4: 0/1 node address, 2 frame, 3 error)
 *                         | error code (4) | [client/server node or frame]
 *   FINS frame:
 *  +-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+
 *  | ICF | RSV | GCT | DNA | DA1 | DA2 | SNA | SA1 | SA2 | SID | MRC | SRC |
 *  +-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+
 *   response: ... | MRES | SRES | data      ICF: 0x80 gateway, 0x40 response,
 *                                           0x01 no response required
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    FINS_HDR_LEN = 10,
    FINS_ICF_RESPONSE = 0x40,
    FINS_ICF_RESERVED = 0x3e,
    FINS_GCT_MAX = 7,
    FINS_TCP_HDR_LEN = 16,
    FINS_TCP_LEN_MIN = 8,                           /* command + error code */
    FINS_TCP_LEN_MAX = 2000 + 8 + FINS_HDR_LEN + 4, /* 2000-byte FINS data limit */
    FINS_TCP_CMD_FRAME = 2,
    FINS_TCP_CMD_MAX = 3,
    FINS_CMD_MEM_READ = 0x0101,
    FINS_CMD_MEM_WRITE = 0x0102,
    FINS_CMD_MEM_FILL = 0x0103,
    FINS_CMD_CONTROLLER_DATA = 0x0501,
    FINS_MODEL_LEN = 20,
    FINS_VERSION_LEN = 20,
};

static const uint8_t fins_tcp_magic[4] = {'F', 'I', 'N', 'S'};

typedef struct FinsCmd {
    uint16_t code;
    const char *name;
    OpClass cls;
} FinsCmd;

static const FinsCmd fins_cmds[] = {
    {0x0101, "memory area read", OP_READ},
    {0x0102, "memory area write", OP_WRITE},
    {0x0103, "memory area fill", OP_WRITE},
    {0x0104, "multiple memory area read", OP_READ},
    {0x0105, "memory area transfer", OP_WRITE},
    {0x0201, "parameter area read", OP_READ},
    {0x0202, "parameter area write", OP_CONFIG},
    {0x0203, "parameter area clear", OP_CONFIG},
    {0x0304, "program area protect", OP_PROGRAM},
    {0x0305, "program area protect clear", OP_PROGRAM},
    {0x0306, "program area read", OP_PROGRAM},
    {0x0307, "program area write", OP_PROGRAM},
    {0x0308, "program area clear", OP_PROGRAM},
    {0x0401, "run", OP_CONTROL},
    {0x0402, "stop", OP_CONTROL},
    {0x0501, "controller data read", OP_DISCOVERY},
    {0x0502, "connection data read", OP_DISCOVERY},
    {0x0601, "controller status read", OP_DIAGNOSTIC},
    {0x0603, "network status read", OP_DIAGNOSTIC},
    {0x0620, "cycle time read", OP_DIAGNOSTIC},
    {0x0701, "clock read", OP_READ},
    {0x0702, "clock write", OP_CONFIG},
    {0x0801, "loopback test", OP_DIAGNOSTIC},
    {0x0802, "broadcast test results read", OP_DIAGNOSTIC},
    {0x0803, "broadcast test data send", OP_DIAGNOSTIC},
    {0x0920, "message read", OP_DIAGNOSTIC},
    {0x0c01, "access right acquire", OP_SESSION},
    {0x0c02, "access right forced acquire", OP_SESSION},
    {0x0c03, "access right release", OP_SESSION},
    {0x2101, "error clear", OP_CONTROL},
    {0x2102, "error log read", OP_DIAGNOSTIC},
    {0x2103, "error log clear", OP_DIAGNOSTIC},
    {0x2201, "file name read", OP_PROGRAM},
    {0x2202, "single file read", OP_PROGRAM},
    {0x2203, "single file write", OP_PROGRAM},
    {0x2204, "file memory format", OP_PROGRAM},
    {0x2205, "file delete", OP_PROGRAM},
    {0x2207, "file copy", OP_PROGRAM},
    {0x2208, "file name change", OP_PROGRAM},
    {0x220a, "memory area file transfer", OP_PROGRAM},
    {0x220b, "parameter area file transfer", OP_PROGRAM},
    {0x220c, "program area file transfer", OP_PROGRAM},
    {0x2215, "directory create/delete", OP_PROGRAM},
    {0x2301, "forced set/reset", OP_WRITE},
    {0x2302, "forced set/reset cancel", OP_WRITE},
    {0x2601, "name set", OP_CONFIG},
    {0x2602, "name delete", OP_CONFIG},
    {0x2603, "name read", OP_READ},
};

/* Commands whose SRC is not in the table take the name and class of
 * their MRC group. */
static const FinsCmd fins_groups[] = {
    {0x01, "memory area command", OP_READ},
    {0x02, "parameter area command", OP_CONFIG},
    {0x03, "program area command", OP_PROGRAM},
    {0x04, "operating mode command", OP_CONTROL},
    {0x05, "machine configuration command", OP_DISCOVERY},
    {0x06, "status read command", OP_DIAGNOSTIC},
    {0x07, "time data command", OP_CONFIG},
    {0x08, "network test command", OP_DIAGNOSTIC},
    {0x09, "message display command", OP_DIAGNOSTIC},
    {0x0c, "access right command", OP_SESSION},
    {0x21, "error log command", OP_DIAGNOSTIC},
    {0x22, "file memory command", OP_PROGRAM},
    {0x23, "debugging command", OP_WRITE},
    {0x26, "serial gateway command", OP_CONFIG},
    {0x28, "serial gateway command", OP_OTHER},
};

typedef struct FinsArea {
    uint8_t code;
    const char *name;
} FinsArea;

static const FinsArea fins_areas[] = {
    {0x02, "D bit"}, {0x30, "CIO bit"}, {0x31, "W bit"}, {0x32, "H bit"},
    {0x33, "A bit"}, {0x82, "D"},       {0x89, "T/C"},   {0xb0, "CIO"},
    {0xb1, "W"},     {0xb2, "H"},       {0xb3, "A"},     {0x98, "E"},
};

typedef struct FinsFrame {
    uint8_t icf;
    uint8_t rsv;
    uint8_t gct;
    uint8_t mrc;
    uint8_t src;
} FinsFrame;

static const FinsCmd *fins_cmd_lookup(uint8_t mrc, uint8_t src)
{
    uint16_t code = (uint16_t)((mrc << 8) | src);
    for (size_t i = 0; i < sizeof(fins_cmds) / sizeof(fins_cmds[0]); i++) {
        if (fins_cmds[i].code == code)
            return &fins_cmds[i];
    }
    for (size_t i = 0; i < sizeof(fins_groups) / sizeof(fins_groups[0]); i++) {
        if (fins_groups[i].code == mrc)
            return &fins_groups[i];
    }
    return NULL;
}

static const char *fins_area_name(uint8_t code)
{
    for (size_t i = 0; i < sizeof(fins_areas) / sizeof(fins_areas[0]); i++) {
        if (fins_areas[i].code == code)
            return fins_areas[i].name;
    }
    return NULL;
}

static void fins_read_frame(Cursor *c, FinsFrame *f)
{
    f->icf = cursor_u8(c);
    f->rsv = cursor_u8(c);
    f->gct = cursor_u8(c);
    cursor_skip(c, 7); /* DNA DA1 DA2 SNA SA1 SA2 SID */
    f->mrc = cursor_u8(c);
    f->src = cursor_u8(c);
}

static bool fins_header_ok(const FinsFrame *f)
{
    return (f->icf & FINS_ICF_RESERVED) == 0 && f->rsv == 0 && f->gct <= FINS_GCT_MAX;
}

static bool fins_is_tcp(const DissectCtx *ctx)
{
    return ctx->pkt->transport == TP_TCP;
}

static size_t fins_pdu_len(Cursor *c)
{
    if (cursor_left(c) < 8)
        return cursor_starts_with(c, fins_tcp_magic, cursor_left(c) < 4 ? cursor_left(c) : 4)
                   ? 0
                   : PDU_LEN_BAD;
    if (!cursor_starts_with(c, fins_tcp_magic, sizeof(fins_tcp_magic)))
        return PDU_LEN_BAD;
    cursor_skip(c, 4);
    uint32_t len = cursor_be32(c);
    if (len < FINS_TCP_LEN_MIN || len > FINS_TCP_LEN_MAX)
        return PDU_LEN_BAD;
    return 8 + (size_t)len;
}

static DissectResult fins_probe_frame(Cursor *c)
{
    FinsFrame f;
    if (cursor_left(c) < FINS_HDR_LEN + 2)
        return DISSECT_NEED_MORE;
    fins_read_frame(c, &f);
    return fins_header_ok(&f) && fins_cmd_lookup(f.mrc, f.src) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static DissectResult fins_probe(Cursor *c, const DissectCtx *ctx)
{
    if (!fins_is_tcp(ctx))
        return fins_probe_frame(c);
    size_t len = fins_pdu_len(c);
    if (len == PDU_LEN_BAD)
        return DISSECT_NOT_MINE;
    if (len == 0 || cursor_left(c) < 8)
        return DISSECT_NEED_MORE;
    uint32_t command = cursor_be32(c);
    if (command > FINS_TCP_CMD_MAX)
        return DISSECT_NOT_MINE;
    if (command != FINS_TCP_CMD_FRAME)
        return DISSECT_OK;
    cursor_skip(c, 4); /* error code */
    return fins_probe_frame(c);
}

/* Memory area commands: area, word address, bit, count. */
static void fins_memory_detail(Cursor *c, char *detail, size_t detailsz)
{
    uint8_t area = cursor_u8(c);
    uint16_t address = cursor_be16(c);
    cursor_skip(c, 1); /* bit */
    uint16_t count = cursor_be16(c);
    if (!cursor_ok(c))
        return;
    const char *name = fins_area_name(area);
    if (name)
        snprintf(detail, detailsz, "%s%u n=%u", name, address, count);
    else
        snprintf(detail, detailsz, "area 0x%02x:%u n=%u", area, address, count);
}

/* Controller data read response: model and version, blank-padded. */
static void fins_controller_data(Cursor *c, DissectCtx *ctx)
{
    char model[FINS_MODEL_LEN + 1];
    char version[FINS_VERSION_LEN + 1];
    size_t model_len = cursor_str(c, FINS_MODEL_LEN, model, sizeof(model));
    size_t version_len = cursor_str(c, FINS_VERSION_LEN, version, sizeof(version));
    if (!cursor_ok(c))
        return;
    while (model_len > 0 && model[model_len - 1] == ' ')
        model[--model_len] = '\0';
    while (version_len > 0 && version[version_len - 1] == ' ')
        version[--version_len] = '\0';
    if (model_len > 0)
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, model, FACT_CONF_HIGH);
    if (version_len > 0)
        dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, version, FACT_CONF_HIGH);
}

static DissectResult fins_frame(Cursor *c, DissectCtx *ctx)
{
    FinsFrame f;
    fins_read_frame(c, &f);
    bool is_response = (f.icf & FINS_ICF_RESPONSE) != 0;
    uint8_t mres = 0;
    uint8_t sres = 0;
    if (is_response) {
        mres = cursor_u8(c);
        sres = cursor_u8(c);
    }
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (!fins_header_ok(&f)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    const FinsCmd *cmd = fins_cmd_lookup(f.mrc, f.src);
    if (!cmd) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }

    uint16_t code = (uint16_t)((f.mrc << 8) | f.src);
    char detail[FACT_DETAIL_MAX];
    detail[0] = '\0';
    if (!is_response &&
        (code == FINS_CMD_MEM_READ || code == FINS_CMD_MEM_WRITE || code == FINS_CMD_MEM_FILL))
        fins_memory_detail(c, detail, sizeof(detail));
    if (!cursor_ok(c)) /* a memory command without its parameters */
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    /* MRES bit 7: relay error; SRES bits 7-6: PLC fatal / non-fatal error
     * flags.  The end code proper is what remains. */
    int32_t status = ((mres & 0x7f) << 8) | (sres & 0x3f);
    dissect_op(ctx, code, cmd->name, cmd->cls, is_response, status, detail);
    if (is_response && status == 0 && code == FINS_CMD_CONTROLLER_DATA)
        fins_controller_data(c, ctx);
    /* Only commands orient the flow: FINS nodes are peers on port 9600,
     * and a response met first (capture started late, or a tool replaying
     * responses at a server port) is better left to the port hint. */
    if (!is_response)
        ctx->dir_hint = DIR_REQUEST;
    /* FINS data has no length of its own: a clipped frame is all we know. */
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

static DissectResult fins_dissect(Cursor *c, DissectCtx *ctx)
{
    if (!fins_is_tcp(ctx))
        return fins_frame(c, ctx);

    uint8_t magic[4];
    cursor_copy(c, magic, sizeof(magic));
    uint32_t len = cursor_be32(c);
    uint32_t command = cursor_be32(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (memcmp(magic, fins_tcp_magic, sizeof(magic)) != 0 || command > FINS_TCP_CMD_MAX ||
        len < FINS_TCP_LEN_MIN) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    Cursor body;
    if (!cursor_take(c, len - 4, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    cursor_skip(&body, 4); /* error code */
    if (command != FINS_TCP_CMD_FRAME)
        return DISSECT_OK; /* node address handshake or error notification */
    return fins_frame(&body, ctx);
}

const ProtoDesc proto_fins = {
    .name = "fins",
    .transports = PT_UDP | PT_TCP,
    .ports = {9600},
    .probe = fins_probe,
    .pdu_len = fins_pdu_len,
    .dissect = fins_dissect,
};
