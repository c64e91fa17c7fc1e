/*
 * proto-dnp3.c - DNP3 (IEEE 1815) over TCP/UDP 20000: link frame, transport
 * header and application request/response header.
 *
 * Parses the link header and checks its CRC, strips the CRCs of the user
 * data blocks (checking each) into a fixed buffer, reads the transport
 * header and, in the first fragment of an application message, the
 * application control and function code; responses add the internal
 * indications (IIN), whose error bits are the op's status and whose
 * notable bits (restart, trouble, local, need-time and the error bits)
 * are named in the detail.  The first object header's group/variation
 * goes into the detail, with what it means for file transfer (g70:
 * command, transport, ...) and secure authentication (g120: challenge,
 * reply, key-change, ...).  Authentication responses carry IIN too.  Link-only frames
 * (reset link, link status, ACK) produce no op.  Deliberately not parsed:
 * object ranges and data, multi-fragment reassembly, Secure Authentication
 * contents, link-layer FCB/sequence tracking.
 *
 * Reference: IEEE Std 1815-2012: 9.2 (link frame, CRC in 9.2.4.6),
 * 8.2 (transport header), 4.2.2 (application header, function codes in
 * table 4-2... 4.2.2.5), 4.2.2.7.2 (IIN bits).
 *
 *  +------+------+--------+---------+-----------+-----------+---------+
 *  | 0x05 | 0x64 | length | control | dst (le16)| src (le16)| CRC(le) |
 *  +------+------+--------+---------+-----------+-----------+---------+
 *  | user data block (<= 16 bytes) | CRC | ... (length - 5 bytes in all)
 *  user data: | transport (FIN FIR seq) | app control | function | [IIN1 IIN2] | objects
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    DNP3_START1 = 0x05,
    DNP3_START2 = 0x64,
    DNP3_HDR_LEN = 10, /* start(2) length control dst(2) src(2) CRC(2) */
    DNP3_LEN_MIN = 5,  /* control + dst + src */
    DNP3_BLOCK = 16,
    DNP3_USER_MAX = 255 - DNP3_LEN_MIN,
    DNP3_CRC_POLY_REFLECTED = 0xa6bc, /* 0x3D65 bit-reversed */
    TRANSPORT_FIR = 0x40,
    APP_FN_RESPONSE = 129,
    APP_FN_UNSOLICITED = 130,
    APP_FN_AUTH_RESPONSE = 131,
    IIN2_ERROR_MASK = 0x3f, /* no func support, object unknown, param error, overflow,
                               already executing, config corrupt */
};

typedef struct DnpTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} DnpTok;

/* IEEE 1815-2012 table 4-2 (function codes). */
static const DnpTok dnp3_functions[] = {
    {0, "Confirm", OP_OTHER},
    {1, "Read", OP_READ},
    {2, "Write", OP_WRITE},
    {3, "Select", OP_CONTROL},
    {4, "Operate", OP_CONTROL},
    {5, "Direct Operate", OP_CONTROL},
    {6, "Direct Operate No Ack", OP_CONTROL},
    {7, "Immediate Freeze", OP_OTHER},
    {8, "Immediate Freeze No Ack", OP_OTHER},
    {9, "Freeze and Clear", OP_OTHER},
    {10, "Freeze and Clear No Ack", OP_OTHER},
    {11, "Freeze at Time", OP_OTHER},
    {12, "Freeze at Time No Ack", OP_OTHER},
    {13, "Cold Restart", OP_CONTROL},
    {14, "Warm Restart", OP_CONTROL},
    {15, "Initialize Data", OP_CONTROL},
    {16, "Initialize Application", OP_CONTROL},
    {17, "Start Application", OP_CONTROL},
    {18, "Stop Application", OP_CONTROL},
    {19, "Save Configuration", OP_CONFIG},
    {20, "Enable Unsolicited", OP_CONFIG},
    {21, "Disable Unsolicited", OP_CONFIG},
    {22, "Assign Class", OP_CONFIG},
    {23, "Delay Measurement", OP_DIAGNOSTIC},
    {24, "Record Current Time", OP_CONFIG},
    {25, "Open File", OP_PROGRAM},
    {26, "Close File", OP_PROGRAM},
    {27, "Delete File", OP_PROGRAM},
    {28, "Get File Info", OP_READ},
    {29, "Authenticate File", OP_PROGRAM},
    {30, "Abort File", OP_PROGRAM},
    {31, "Activate Config", OP_CONFIG},
    {32, "Authentication Request", OP_SESSION},
    {33, "Authentication Request No Ack", OP_SESSION},
    {129, "Response", OP_READ},
    {130, "Unsolicited Response", OP_READ},
    {131, "Authentication Response", OP_SESSION},
};

static const DnpTok *dnp3_find(uint8_t code)
{
    for (size_t i = 0; i < sizeof(dnp3_functions) / sizeof(dnp3_functions[0]); i++)
        if (dnp3_functions[i].code == code)
            return &dnp3_functions[i];
    return NULL;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

/* DNP3 CRC-16 (9.2.4.6): reflected, polynomial 0x3D65, init 0, complemented. */
static uint16_t dnp3_crc(Cursor *c, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= cursor_u8(c);
        for (int bit = 0; bit < 8; bit++)
            crc =
                (crc & 1) ? (uint16_t)((crc >> 1) ^ DNP3_CRC_POLY_REFLECTED) : (uint16_t)(crc >> 1);
    }
    return (uint16_t)~crc;
}

/* Link header of 8 bytes + CRC, from a copy of the cursor (probe-safe). */
static bool header_crc_ok(const Cursor *c)
{
    Cursor hdr = *c;
    uint16_t calc = dnp3_crc(&hdr, 8);
    uint16_t wire = cursor_le16(&hdr);
    return cursor_ok(&hdr) && calc == wire;
}

/* Bytes on the wire for `user` bytes of user data: 2 CRC bytes per block. */
static size_t user_wire_len(size_t user)
{
    return user + 2 * ((user + DNP3_BLOCK - 1) / DNP3_BLOCK);
}

static DissectResult dnp3_probe(Cursor *c, const DissectCtx *ctx)
{
    int s1 = cursor_peek(c, 0);
    int s2 = cursor_peek(c, 1);
    int len = cursor_peek(c, 2);
    if ((s1 >= 0 && s1 != DNP3_START1) || (s2 >= 0 && s2 != DNP3_START2))
        return DISSECT_NOT_MINE;
    if (len >= 0 && len < DNP3_LEN_MIN)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < DNP3_HDR_LEN)
        return ctx->pkt->transport == TP_UDP ? DISSECT_NOT_MINE : DISSECT_NEED_MORE;
    if (!header_crc_ok(c))
        return DISSECT_NOT_MINE;
    if (ctx->pkt->transport == TP_UDP &&
        DNP3_HDR_LEN + user_wire_len((size_t)len - DNP3_LEN_MIN) > cursor_left(c))
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

static size_t dnp3_pdu_len(Cursor *c)
{
    if (cursor_left(c) < 3)
        return 0;
    uint8_t s1 = cursor_u8(c);
    uint8_t s2 = cursor_u8(c);
    uint8_t len = cursor_u8(c);
    if (s1 != DNP3_START1 || s2 != DNP3_START2 || len < DNP3_LEN_MIN)
        return PDU_LEN_BAD;
    return DNP3_HDR_LEN + user_wire_len((size_t)len - DNP3_LEN_MIN);
}

/* Copies the user data out of its CRC-protected blocks.  Returns false on
 * a short window (cursor failed) or a bad block CRC (*crc_bad set). */
static bool strip_crcs(Cursor *c, size_t user, uint8_t *out, bool *crc_bad)
{
    size_t done = 0;
    *crc_bad = false;
    while (done < user && cursor_ok(c)) {
        size_t n = user - done < DNP3_BLOCK ? user - done : DNP3_BLOCK;
        Cursor block = *c;
        uint16_t calc = dnp3_crc(&block, n);
        cursor_copy(c, out + done, n);
        uint16_t wire = cursor_le16(c);
        if (cursor_ok(c) && calc != wire) {
            *crc_bad = true;
            return false;
        }
        done += n;
    }
    return cursor_ok(c);
}

/* IIN bits worth naming (IEEE 1815-2012 4.2.2.7.2); the class-data and
 * broadcast bits are routine and left to the hex value. */
static const struct {
    uint16_t bit;
    const char *name;
} iin_names[] = {
    {0x8000, "restart"},  {0x4000, "trouble"},  {0x2000, "local"},     {0x1000, "need-time"},
    {0x0001, "no-func"},  {0x0002, "obj-unknown"}, {0x0004, "param-err"}, {0x0008, "overflow"},
    {0x0010, "executing"}, {0x0020, "cfg-corrupt"},
};

/* Object groups whose variation says what the message does: 70 file
 * transfer (4.5.* file operations), 120 secure authentication. */
static const char *object_role(int group, int variation)
{
    static const char *const file_vars[] = {
        NULL,     NULL,        "auth",       "command", "command-status",
        "transport", "transport-status", "descriptor", "spec",
    };
    static const char *const auth_vars[] = {
        NULL,          "challenge",       "reply",        "aggressive",    "key-status-req",
        "key-status",  "key-change",      "error",        "user-cert",     "mac",
        "user-change", "update-key-req",  "update-key-reply", "update-key", "update-key-sig",
        "update-key-confirm",
    };
    if (group == 70 && variation >= 0 && (size_t)variation < sizeof(file_vars) / sizeof(file_vars[0]))
        return file_vars[variation];
    if (group == 120 && variation >= 0 &&
        (size_t)variation < sizeof(auth_vars) / sizeof(auth_vars[0]))
        return auth_vars[variation];
    return NULL;
}

/* " iin=0x9000(restart,need-time)" into out; the names only when set. */
static void iin_text(uint16_t iin, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, " iin=0x%04x", iin);
    bool is_first = true;
    for (size_t i = 0; i < sizeof(iin_names) / sizeof(iin_names[0]); i++) {
        if (!(iin & iin_names[i].bit) || n < 0 || (size_t)n >= outsz)
            continue;
        n += snprintf(out + n, outsz - (size_t)n, "%s%s", is_first ? "(" : ",", iin_names[i].name);
        is_first = false;
    }
    if (!is_first && n > 0 && (size_t)n + 1 < outsz)
        snprintf(out + n, outsz - (size_t)n, ")");
}

static DissectResult dnp3_application(DissectCtx *ctx, Cursor *app, uint16_t src, uint16_t dst)
{
    cursor_u8(app); /* application control */
    uint8_t fn = cursor_u8(app);
    if (!cursor_ok(app))
        return malformed(ctx, ANOM_LEN_MISMATCH); /* a FIR fragment without a header */
    const DnpTok *tok = dnp3_find(fn);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    bool is_response = fn >= APP_FN_RESPONSE;
    uint16_t iin = 0;
    if (fn == APP_FN_RESPONSE || fn == APP_FN_UNSOLICITED || fn == APP_FN_AUTH_RESPONSE) {
        iin = cursor_be16(app); /* IIN1 then IIN2 */
        if (!cursor_ok(app))
            return malformed(ctx, ANOM_LEN_MISMATCH);
    }
    int group = cursor_peek(app, 0);
    int variation = cursor_peek(app, 1);
    char detail[FACT_DETAIL_MAX];
    char iin_part[48] = "";
    if (is_response)
        iin_text(iin, iin_part, sizeof iin_part);
    char obj_part[40] = "";
    const char *role = object_role(group, variation);
    if (group >= 0 && variation >= 0)
        snprintf(obj_part, sizeof obj_part, " obj=g%dv%d%s%s", group, variation, role ? " " : "",
                 role ? role : "");
    snprintf(detail, sizeof detail, "src=%u dst=%u%s%s", src, dst, iin_part, obj_part);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, fn, tok->name, tok->cls, is_response, iin & IIN2_ERROR_MASK, detail);
    return DISSECT_OK;
}

static DissectResult dnp3_dissect(Cursor *c, DissectCtx *ctx)
{
    Cursor hdr;
    if (!cursor_take(c, DNP3_HDR_LEN, &hdr))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    bool crc_ok = header_crc_ok(&hdr);
    uint8_t s1 = cursor_u8(&hdr);
    uint8_t s2 = cursor_u8(&hdr);
    uint8_t len = cursor_u8(&hdr);
    cursor_u8(&hdr); /* link control */
    uint16_t dst = cursor_le16(&hdr);
    uint16_t src = cursor_le16(&hdr);
    if (s1 != DNP3_START1 || s2 != DNP3_START2 || !crc_ok)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (len < DNP3_LEN_MIN)
        return malformed(ctx, ANOM_LEN_MISMATCH);
    size_t user = (size_t)len - DNP3_LEN_MIN;
    if (user == 0)
        return DISSECT_OK; /* link-layer only frame */
    Cursor frame;
    if (!cursor_take(c, user_wire_len(user), &frame))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    uint8_t buf[DNP3_USER_MAX];
    bool crc_bad;
    if (!strip_crcs(&frame, user, buf, &crc_bad))
        return crc_bad ? malformed(ctx, ANOM_BAD_HEADER)
                       : dissect_fail(ctx, &frame, ANOM_LEN_MISMATCH);
    Cursor tpdu = cursor_make(buf, user, false);
    uint8_t transport = cursor_u8(&tpdu);
    if (!(transport & TRANSPORT_FIR))
        return DISSECT_OK; /* a later fragment: the application header was earlier */
    return dnp3_application(ctx, &tpdu, src, dst);
}

const ProtoDesc proto_dnp3 = {
    .name = "dnp3",
    .transports = PT_TCP | PT_UDP,
    .ports = {20000},
    .probe = dnp3_probe,
    .pdu_len = dnp3_pdu_len,
    .dissect = dnp3_dissect,
};
