/*
 * proto-srtp.c - GE SRTP (Service Request Transport Protocol), the
 * Ethernet protocol of GE/Emerson Series 90, VersaMax and PACSystems PLCs
 * (TCP 18245).
 *
 * Every message is a 56-byte header, optionally followed by a text buffer
 * whose length the header carries.  Parsed: the packet type (connection
 * initialisation, request, response), the mailbox message type and, in
 * requests, the service request code (read/write system memory, set PLC
 * state = run/stop, program store/load, clear memory, ...), which becomes
 * the op's code; memory access requests name the segment (%R, %AI, %I,
 * ...), address and length in the detail.  Completion ACKs and error NACKs
 * answer the flow's request with the same mailbox sequence number; a NACK's
 * status is major << 8 | minor error code.  Deliberately not parsed: text
 * buffer contents (memory data, program blocks), the piggyback PLC status
 * word, symbolic variable names, multi-packet reassembly.
 *
 * Reference: no public GE specification.  Layout and service codes follow
 * Denton et al., "Leveraging the SRTP protocol for over-the-network memory
 * acquisition of a GE Fanuc Series 90-30", DFRWS 2017, and the community
 * Wireshark dissector packet-ge-srtp.c; segment selectors as documented by
 * the open GE-SRTP drivers (e.g. gesrtp-py, 2025).
 *
 *   0      2        4            6                       26  29  30  31
 *  +------+--------+------------+-----------------------+---+---+---+---+
 *  | type | seq    | text len   | ...                   |BCD time |mseq|mtype|
 *  +------+--------+------------+-----------------------+---+---+---+---+
 *  32 src mailbox (4) | 36 dst mailbox (4) | 40 pkt no | 41 total |
 *  42 service code (request) / status (ACK) / major error (NACK) |
 *  43 .. 55 service data: segment, address (le16), length (le16) ...
 *  type 0 = init request (all zero), 1 = init reply, 2 = request, 3 = reply
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    SRTP_HDR_LEN = 56,
    SRTP_TEXT_MAX = 65535,
    SRTP_TYPE_INIT = 0,
    SRTP_TYPE_INIT_REPLY = 1,
    SRTP_TYPE_REQUEST = 2,
    SRTP_TYPE_REPLY = 3,
    MBOX_REQUEST_TEXT = 0x80,
    MBOX_ACK_TEXT = 0x94,
    MBOX_REQUEST = 0xc0,
    MBOX_NACK = 0xd1,
    MBOX_ACK = 0xd4,
    OFF_MBOX_SEQ = 30,
    OFF_MBOX_TYPE = 31,
    OFF_SERVICE = 42,
    SVC_READ_SYSTEM_MEMORY = 0x04,
    SVC_WRITE_SYSTEM_MEMORY = 0x07,
    SRTP_INIT_CODE = 256, /* not a service code: the connection handshake */
    SRTP_PENDING = 8,     /* outstanding requests remembered per flow */
};

typedef struct SrtpTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} SrtpTok;

/* Service request codes (byte 42 of a request). */
static const SrtpTok srtp_services[] = {
    {0x00, "PLC Short Status Request", OP_DIAGNOSTIC},
    {0x01, "PLC Long Status Request", OP_DIAGNOSTIC},
    {0x02, "PLC Memory Usage Request", OP_DIAGNOSTIC},
    {0x03, "Return Control Program Name", OP_READ},
    {0x04, "Read System Memory", OP_READ},
    {0x05, "Read Task Memory", OP_READ},
    {0x06, "Read Program Block Memory", OP_READ},
    {0x07, "Write System Memory", OP_WRITE},
    {0x08, "Write Task Memory", OP_WRITE},
    {0x09, "Write Program Block Memory", OP_WRITE},
    {0x0a, "Define Symbol", OP_CONFIG},
    {0x0b, "Delete Symbol", OP_CONFIG},
    {0x0c, "Read System Memory Symbolic Variable", OP_READ},
    {0x0d, "Read Task Memory Symbolic Variable", OP_READ},
    {0x0e, "Read Program Block Memory Symbolic Variable", OP_READ},
    {0x0f, "Write System Memory Symbolic Variable", OP_WRITE},
    {0x10, "Write Task Memory Symbolic Variable", OP_WRITE},
    {0x11, "Write Program Block Memory Symbolic Variable", OP_WRITE},
    {0x12, "Resolve System Memory Name", OP_READ},
    {0x13, "Resolve Task Memory Name", OP_READ},
    {0x14, "Resolve Program Block Memory Name", OP_READ},
    {0x15, "Establish Datagram", OP_SESSION},
    {0x16, "Update Datagram", OP_SESSION},
    {0x17, "Cancel Datagram", OP_SESSION},
    {0x18, "Format Disk", OP_PROGRAM},
    {0x19, "Open File", OP_PROGRAM},
    {0x1a, "Close File", OP_PROGRAM},
    {0x1b, "Create File", OP_PROGRAM},
    {0x1c, "Unlink File", OP_PROGRAM},
    {0x1d, "Read File", OP_PROGRAM},
    {0x1e, "Write File", OP_PROGRAM},
    {0x1f, "Seek File", OP_PROGRAM},
    {0x20, "Programmer Logon", OP_SESSION},
    {0x21, "Change PLC CPU Privilege Level", OP_SESSION},
    {0x22, "Set PLC CPU Controller ID", OP_CONFIG},
    {0x23, "Set PLC State", OP_CONTROL}, /* run / stop */
    {0x24, "Set PLC Time/Date", OP_CONFIG},
    {0x25, "Return PLC Time/Date", OP_READ},
    {0x26, "Return Program Block Sizes", OP_READ},
    {0x27, "Return Program Block List", OP_READ},
    {0x28, "Store Program Block", OP_PROGRAM},
    {0x29, "Sequence Control", OP_CONTROL},
    {0x2a, "Program Block Program Store", OP_PROGRAM},
    {0x2b, "Program Block Load", OP_PROGRAM},
    {0x2c, "Program Block Program Load", OP_PROGRAM},
    {0x2d, "Verify Program Block", OP_READ},
    {0x2e, "Delete Program Block", OP_PROGRAM},
    {0x2f, "Change Program Block Size", OP_PROGRAM},
    {0x30, "Declare Interrupt", OP_CONFIG},
    {0x31, "Clear Configuration", OP_CONFIG},
    {0x32, "Autoconfigure I/O", OP_CONFIG},
    {0x33, "Replace I/O Module", OP_CONFIG},
    {0x34, "Verify Configuration Block", OP_READ},
    {0x35, "Clear All PLC Memory", OP_PROGRAM},
    {0x36, "Clear Reference Memory", OP_WRITE},
    {0x37, "Clear Logic Memory", OP_PROGRAM},
    {0x38, "Return Fault Table", OP_DIAGNOSTIC},
    {0x39, "Clear Fault Table", OP_CONFIG},
    {0x3a, "Create Configuration Parameter Task", OP_CONFIG},
    {0x3b, "Delete Configuration Parameter Task", OP_CONFIG},
    {0x3c, "Return Configuration Sizes", OP_READ},
    {0x3d, "Store Block", OP_PROGRAM},
    {0x3e, "Load Block", OP_PROGRAM},
    {0x3f, "Program Store", OP_PROGRAM},
    {0x40, "Program Load", OP_PROGRAM},
    {0x41, "Program Change", OP_PROGRAM},
    {0x42, "Verify Program", OP_READ},
    {0x43, "Return Controller Type and ID", OP_DISCOVERY},
    {0x44, "Toggle Force System Memory", OP_WRITE},
    {0x45, "Access EEPROM", OP_PROGRAM},
    {0x46, "Manage Block", OP_PROGRAM},
    {0x47, "Lock/Unlock OEM", OP_SESSION},
    {0x48, "Write Datagram", OP_WRITE},
    {0x49, "Access FA Card", OP_OTHER},
    {0x4a, "Read Configuration Parameter", OP_READ},
    {0x4b, "Write Slot Configuration", OP_CONFIG},
    {0x4c, "Rename Task", OP_CONFIG},
    {0x4d, "Return Function Supported", OP_DISCOVERY},
    {0x4e, "Store Subrequest", OP_CONFIG},
    {0x4f, "Session Control", OP_SESSION},
    {0x50, "Return Subrequest List", OP_READ},
    {0x51, "Extra Piggyback Data", OP_OTHER},
    {0x52, "Store OS Extension", OP_PROGRAM},
    {0x53, "Load OS Extension", OP_PROGRAM},
    {0x54, "Delete OS Extension", OP_PROGRAM},
    {0x55, "Delete Subrequest", OP_CONFIG},
    {0x56, "Share PLC Data", OP_OTHER},
    {0x57, "Toggle Force Program Block Memory", OP_WRITE},
    {0x58, "SFC Event Q Service", OP_OTHER},
    {0x59, "Interrogate I/O", OP_DIAGNOSTIC},
    {0x5a, "Program Store Extended", OP_PROGRAM},
    {0x5b, "Program Load Extended", OP_PROGRAM},
    {0x5c, "Program Verify Extended", OP_READ},
    {0x5d, "Activate Debugger", OP_CONTROL},
    {0x5e, "Configuration Change Control", OP_CONFIG},
    {0x5f, "Remote Server Register", OP_CONFIG},
    {0x60, "Clear Selected Fault", OP_CONFIG},
    {0x61, "Return PLC Features Supported", OP_DISCOVERY},
};

/* Segment selectors of the memory services: memory type and access unit. */
static const struct {
    uint8_t selector;
    const char *name;
} srtp_segments[] = {
    {0x08, "%R"},     {0x0a, "%AI"},    {0x0c, "%AQ"},    {0x10, "%I"},     {0x12, "%Q"},
    {0x14, "%T"},     {0x16, "%M"},     {0x18, "%SA"},    {0x1a, "%SB"},    {0x1c, "%SC"},
    {0x1e, "%S"},     {0x38, "%G"},     {0x46, "%I.bit"}, {0x48, "%Q.bit"}, {0x4a, "%T.bit"},
    {0x4c, "%M.bit"}, {0x4e, "%SA.bit"}, {0x50, "%SB.bit"}, {0x52, "%SC.bit"}, {0x54, "%S.bit"},
    {0x56, "%G.bit"},
};

/* Per flow: the service of each outstanding request by mailbox sequence
 * number, because replies only echo the sequence number. */
typedef struct SrtpState {
    uint8_t mbox_seq[SRTP_PENDING];
    uint8_t service[SRTP_PENDING];
    uint8_t n_used;
    uint8_t next;
} SrtpState;

static const SrtpTok *srtp_find(uint8_t code)
{
    for (size_t i = 0; i < sizeof(srtp_services) / sizeof(srtp_services[0]); i++)
        if (srtp_services[i].code == code)
            return &srtp_services[i];
    return NULL;
}

static const char *segment_name(uint8_t selector)
{
    for (size_t i = 0; i < sizeof(srtp_segments) / sizeof(srtp_segments[0]); i++)
        if (srtp_segments[i].selector == selector)
            return srtp_segments[i].name;
    return NULL;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

static bool is_mbox_type(int t)
{
    return t == MBOX_REQUEST_TEXT || t == MBOX_ACK_TEXT || t == MBOX_REQUEST || t == MBOX_NACK ||
           t == MBOX_ACK;
}

/* The header of a request or reply: type 2/3 (le16), a known mailbox
 * type, and for requests a known service code.  Initialisation messages
 * (types 0/1, mostly zero bytes) prove little: the next message decides. */
static DissectResult srtp_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    int type = cursor_peek(c, 0);
    int type_hi = cursor_peek(c, 1);
    if ((type >= 0 && type > SRTP_TYPE_REPLY) || type_hi > 0)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < SRTP_HDR_LEN)
        return DISSECT_NEED_MORE;
    int mtype = cursor_peek(c, OFF_MBOX_TYPE);
    if (type == SRTP_TYPE_INIT || type == SRTP_TYPE_INIT_REPLY) {
        /* Initialisation messages carry no text and no mailbox.  The
         * request is exactly 56 zero bytes, sent alone; the reply (type 1)
         * ends where the bytes end or is followed by another SRTP header. */
        if (cursor_peek(c, 4) != 0 || cursor_peek(c, 5) != 0 || mtype != 0)
            return DISSECT_NOT_MINE;
        if (type == SRTP_TYPE_INIT) {
            if (cursor_left(c) != SRTP_HDR_LEN)
                return DISSECT_NOT_MINE;
            for (size_t i = 0; i < SRTP_HDR_LEN; i++)
                if (cursor_peek(c, i) != 0)
                    return DISSECT_NOT_MINE;
            return DISSECT_OK;
        }
        int next_type = cursor_peek(c, SRTP_HDR_LEN);
        int next_hi = cursor_peek(c, SRTP_HDR_LEN + 1);
        bool is_framed = cursor_left(c) == SRTP_HDR_LEN ||
                         (next_type >= 0 && next_type <= SRTP_TYPE_REPLY && next_hi == 0);
        return is_framed ? DISSECT_OK : DISSECT_NOT_MINE;
    }
    if (!is_mbox_type(mtype))
        return DISSECT_NOT_MINE;
    bool is_request = mtype == MBOX_REQUEST || mtype == MBOX_REQUEST_TEXT;
    if (is_request != (type == SRTP_TYPE_REQUEST))
        return DISSECT_NOT_MINE; /* mailbox type and packet type disagree */
    if (is_request && !srtp_find((uint8_t)cursor_peek(c, OFF_SERVICE)))
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

static size_t srtp_pdu_len(Cursor *c)
{
    if (cursor_left(c) < 6)
        return 0;
    uint16_t type = cursor_le16(c);
    cursor_skip(c, 2); /* sequence number */
    uint16_t text_len = cursor_le16(c);
    if (type > SRTP_TYPE_REPLY)
        return PDU_LEN_BAD;
    return SRTP_HDR_LEN + (size_t)text_len;
}

static void state_remember(SrtpState *st, uint8_t mbox_seq, uint8_t service)
{
    if (!st)
        return;
    for (uint8_t i = 0; i < st->n_used; i++) {
        if (st->mbox_seq[i] == mbox_seq) {
            st->service[i] = service;
            return;
        }
    }
    st->mbox_seq[st->next] = mbox_seq;
    st->service[st->next] = service;
    st->next = (uint8_t)((st->next + 1) % SRTP_PENDING);
    if (st->n_used < SRTP_PENDING)
        st->n_used++;
}

static const SrtpTok *state_find(const SrtpState *st, uint8_t mbox_seq)
{
    for (uint8_t i = 0; st && i < st->n_used; i++)
        if (st->mbox_seq[i] == mbox_seq)
            return srtp_find(st->service[i]);
    return NULL;
}

/* Memory services: segment selector, address, length (in units of the
 * segment).  A request with a text buffer carries them five bytes later. */
static void memory_detail(Cursor *svc_data, char *detail, size_t dsz)
{
    uint8_t selector = cursor_u8(svc_data);
    uint16_t addr = cursor_le16(svc_data);
    uint16_t len = cursor_le16(svc_data);
    if (!cursor_ok(svc_data))
        return;
    const char *seg = segment_name(selector);
    if (seg)
        snprintf(detail, dsz, "seg=%s addr=%u len=%u", seg, addr, len);
    else
        snprintf(detail, dsz, "seg=0x%02x addr=%u len=%u", selector, addr, len);
}

static DissectResult srtp_request(DissectCtx *ctx, Cursor *hdr, uint8_t mtype, uint8_t mbox_seq)
{
    cursor_skip(hdr, OFF_SERVICE);
    uint8_t service = cursor_u8(hdr);
    Cursor svc_data = cursor_rest(hdr);
    if (mtype == MBOX_REQUEST_TEXT)
        cursor_skip(&svc_data, 8); /* text length (4), reserved, packet no/total, reserved */
    if (!cursor_ok(hdr))
        return dissect_fail(ctx, hdr, ANOM_BAD_HEADER);
    const SrtpTok *tok = srtp_find(service);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    char detail[FACT_DETAIL_MAX] = "";
    if (service == SVC_READ_SYSTEM_MEMORY || service == SVC_WRITE_SYSTEM_MEMORY)
        memory_detail(&svc_data, detail, sizeof detail);
    else if (cursor_ok(&svc_data) && cursor_left(&svc_data) > 0)
        snprintf(detail, sizeof detail, "data0=0x%02x", (unsigned)cursor_peek(&svc_data, 0));
    state_remember(ctx->state, mbox_seq, service);
    ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, service, tok->name, tok->cls, false, 0, detail);
    return DISSECT_OK;
}

static DissectResult srtp_reply(DissectCtx *ctx, Cursor *hdr, uint8_t mtype, uint8_t mbox_seq)
{
    cursor_skip(hdr, OFF_SERVICE);
    uint8_t first = cursor_u8(hdr);
    uint8_t second = cursor_u8(hdr);
    if (!cursor_ok(hdr))
        return dissect_fail(ctx, hdr, ANOM_BAD_HEADER);
    int32_t status = 0;
    if (mtype == MBOX_NACK)
        status = first << 8 | second; /* major, minor error status */
    else if (mtype == MBOX_ACK)
        status = first; /* completion status, 0 = done */
    const SrtpTok *tok = state_find(ctx->state, mbox_seq);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s", mtype == MBOX_NACK ? "nack" : "ack");
    ctx->dir_hint = DIR_RESPONSE;
    if (tok)
        dissect_op(ctx, tok->code, tok->name, tok->cls, true, status, detail);
    else
        dissect_op(ctx, SRTP_INIT_CODE + 1, "Reply", OP_OTHER, true, status, detail);
    return DISSECT_OK;
}

static DissectResult srtp_dissect(Cursor *c, DissectCtx *ctx)
{
    Cursor hdr;
    if (!cursor_take(c, SRTP_HDR_LEN, &hdr))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    Cursor fields = hdr;
    uint16_t type = cursor_le16(&fields);
    cursor_skip(&fields, 2);
    uint16_t text_len = cursor_le16(&fields);
    cursor_skip(&fields, OFF_MBOX_SEQ - 6);
    uint8_t mbox_seq = cursor_u8(&fields);
    uint8_t mtype = cursor_u8(&fields);
    if (!cursor_ok(&fields))
        return dissect_fail(ctx, &fields, ANOM_BAD_HEADER);
    Cursor text;
    if (!cursor_take(c, text_len, &text))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (type > SRTP_TYPE_REPLY)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (type == SRTP_TYPE_INIT || type == SRTP_TYPE_INIT_REPLY) {
        bool is_reply = type == SRTP_TYPE_INIT_REPLY;
        ctx->dir_hint = is_reply ? DIR_RESPONSE : DIR_REQUEST;
        dissect_op(ctx, SRTP_INIT_CODE, "Initialize", OP_SESSION, is_reply, 0, NULL);
        return DISSECT_OK;
    }
    if (!is_mbox_type(mtype))
        return malformed(ctx, ANOM_BAD_HEADER);
    bool is_request = mtype == MBOX_REQUEST || mtype == MBOX_REQUEST_TEXT;
    if (is_request != (type == SRTP_TYPE_REQUEST))
        return malformed(ctx, ANOM_BAD_HEADER);
    if (is_request)
        return srtp_request(ctx, &hdr, mtype, mbox_seq);
    return srtp_reply(ctx, &hdr, mtype, mbox_seq);
}

const ProtoDesc proto_srtp = {
    .name = "srtp",
    .transports = PT_TCP,
    .ports = {18245},
    .probe = srtp_probe,
    .pdu_len = srtp_pdu_len,
    .dissect = srtp_dissect,
    .state_size = sizeof(SrtpState),
};
