/*
 * proto-enip.c - EtherNet/IP encapsulation (TCP/UDP 44818) and class-1
 * implicit I/O datagrams (UDP 2222).
 *
 * Parses the 24-byte encapsulation header of every message; each command
 * becomes an op (ListIdentity and friends are discovery, Register/
 * UnRegisterSession are session).  The Common Packet Format items of
 * SendRRData/SendUnitData are walked and the CIP message in an unconnected
 * (0x00b2) or connected (0x00b1) data item is handed to the cip dissector.
 * A ListIdentity reply's identity item gives the device's vendor (named
 * from the ODVA list in data/vendors/cip.tsv), product name (model),
 * revision (firmware), serial number, and device type with product code
 * (description); type, product code and state go in the op detail.  A UDP
 * datagram that is a bare CPF with a sequenced address item and a connected
 * data item is class-1 I/O, counted as one "Class 1 I/O" op.  Deliberately
 * not parsed: ListServices/ListInterfaces item contents, the socket address
 * items, I/O payload, security (TLS/DTLS) encapsulation.
 *
 * Reference: ODVA, The CIP Networks Library Vol. 2, EtherNet/IP Adaptation
 * of CIP, Edition 1.x, chapter 2 (encapsulation, 2-3 header, 2-4 commands,
 * 2-6 Common Packet Format) and 3-3 (class 0/1 transport on UDP 2222).
 *
 *  0               2               4                               8
 *  +---------------+---------------+-------------------------------+
 *  | command (le)  | length (le)   | session handle (le32)         |
 *  +---------------+---------------+-------------------------------+
 *  | status (le32)                 | sender context (8 bytes)      |
 *  +-------------------------------+-------------------------------+
 *  | options (le32, 0)             | data (length bytes): CPF ...  |
 *  CPF: item count (le16) | { type (le16) | length (le16) | data }...
 */
#include <stdio.h>
#include <string.h>

#include "cip-device.h"
#include "dissect.h"
#include "otscope/vendors.h"
#include "textbuf-fmt.h"

enum {
    ENIP_HDR_LEN = 24,
    ENIP_DATA_MAX = 65511, /* a whole message fits 65535 bytes (Vol. 2 2-3.1) */
    ENIP_PORT = 44818,
    ENIP_CMD_NOP = 0x0000,
    ENIP_CMD_LIST_SERVICES = 0x0004,
    ENIP_CMD_LIST_IDENTITY = 0x0063,
    ENIP_CMD_LIST_INTERFACES = 0x0064,
    ENIP_CMD_REGISTER_SESSION = 0x0065,
    ENIP_CMD_UNREGISTER_SESSION = 0x0066,
    ENIP_CMD_SEND_RR_DATA = 0x006f,
    ENIP_CMD_SEND_UNIT_DATA = 0x0070,
    CPF_MAX_ITEMS = 8, /* real messages carry 2-4 items */
    CPF_ITEM_IDENTITY = 0x000c,
    CPF_ITEM_CONNECTED_ADDR = 0x00a1,
    CPF_ITEM_CONNECTED_DATA = 0x00b1,
    CPF_ITEM_UNCONNECTED_DATA = 0x00b2,
    CPF_ITEM_SEQUENCED_ADDR = 0x8002,
    IO_OP_CODE = CPF_ITEM_CONNECTED_DATA, /* class-1 I/O is counted under its item type */
    IDENTITY_NAME_MAX = 64,
};

typedef struct EnipTok {
    uint16_t code;
    const char *name;
    OpClass cls;
} EnipTok;

static const EnipTok enip_commands[] = {
    {0x0000, "NOP", OP_OTHER},
    /* Reserved for legacy use in Vol. 2 2-3.2; RSLinx still opens sessions
     * with it (an empty request answered with a target list). */
    {0x0001, "ListTargets", OP_DISCOVERY},
    {0x0004, "ListServices", OP_DISCOVERY},
    {0x0063, "ListIdentity", OP_DISCOVERY},
    {0x0064, "ListInterfaces", OP_DISCOVERY},
    {0x0065, "RegisterSession", OP_SESSION},
    {0x0066, "UnRegisterSession", OP_SESSION},
    {0x006f, "SendRRData", OP_OTHER},
    {0x0070, "SendUnitData", OP_OTHER},
    {0x0072, "IndicateStatus", OP_OTHER},
    {0x0073, "Cancel", OP_OTHER},
};

static const EnipTok *enip_find(uint16_t code)
{
    for (size_t i = 0; i < sizeof(enip_commands) / sizeof(enip_commands[0]); i++)
        if (enip_commands[i].code == code)
            return &enip_commands[i];
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

/* Class-1 I/O: item count 2+, sequenced address item (8 bytes), then a
 * connected data item; the datagram holds exactly these items. */
static bool is_class1_io(const Cursor *c)
{
    size_t left = cursor_left(c);
    int count = peek_le16(c, 0);
    if (count < 2 || count > CPF_MAX_ITEMS || peek_le16(c, 2) != CPF_ITEM_SEQUENCED_ADDR ||
        peek_le16(c, 4) != 8 || peek_le16(c, 14) != CPF_ITEM_CONNECTED_DATA)
        return false;
    int data_len = peek_le16(c, 16);
    if (data_len < 0)
        return false;
    return count == 2 ? (size_t)data_len + 18 == left : (size_t)data_len + 18 <= left;
}

static DissectResult enip_probe(Cursor *c, const DissectCtx *ctx)
{
    bool is_udp = ctx->pkt->transport == TP_UDP;
    if (is_udp && is_class1_io(c))
        return DISSECT_OK;
    int cmd = peek_le16(c, 0);
    if (cmd >= 0 && !enip_find((uint16_t)cmd))
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < ENIP_HDR_LEN)
        return is_udp ? DISSECT_NOT_MINE : DISSECT_NEED_MORE;
    size_t len = (size_t)peek_le16(c, 2);
    for (size_t i = 20; i < ENIP_HDR_LEN; i++)
        if (cursor_peek(c, i) != 0)
            return DISSECT_NOT_MINE; /* options must be zero (2-3.6) */
    if (is_udp && ENIP_HDR_LEN + len != cursor_left(c))
        return DISSECT_NOT_MINE;
    /* Commands with a fixed request shape. */
    if ((cmd == ENIP_CMD_REGISTER_SESSION && len != 4) ||
        (cmd == ENIP_CMD_UNREGISTER_SESSION && len != 0))
        return DISSECT_NOT_MINE;
    /* When the bytes hold more than this PDU, the next one must frame too. */
    size_t next = ENIP_HDR_LEN + len;
    if (!is_udp && cursor_left(c) >= next + 2) {
        int next_cmd = peek_le16(c, next);
        if (next_cmd < 0 || !enip_find((uint16_t)next_cmd))
            return DISSECT_NOT_MINE;
    }
    /* A NOP proves little (an all-zero header is one): let the next PDU
     * decide. */
    if (cmd == ENIP_CMD_NOP)
        return DISSECT_NEED_MORE;
    return DISSECT_OK;
}

static size_t enip_pdu_len(Cursor *c)
{
    if (cursor_left(c) < 4)
        return 0;
    uint16_t cmd = cursor_le16(c);
    uint16_t len = cursor_le16(c);
    /* A sane length too: after a TCP gap this is what finds the next
     * message's start, and CIP data often begins with a command's bytes. */
    if (!enip_find(cmd) || len > ENIP_DATA_MAX)
        return PDU_LEN_BAD;
    return ENIP_HDR_LEN + (size_t)len;
}

/* "session=0x%08x", the detail of most commands. */
static void session_text(TextBuf *b, uint32_t session)
{
    textbuf_str(b, "session=0x");
    textbuf_hex_fixed(b, session, 8);
}

typedef struct EnipIdentity {
    uint16_t vendor_id;
    uint16_t device_type;
    uint16_t product_code;
    uint8_t rev_major;
    uint8_t rev_minor;
    uint32_t serial;
    uint8_t state;
    bool has_state;
    char name[IDENTITY_NAME_MAX];
} EnipIdentity;

/* Identity object state attribute (Vol. 1 5A-2.2). */
static const char *state_name(uint8_t state)
{
    static const char *const names[] = {
        "nonexistent",
        "self-testing",
        "standby",
        "operational",
        "major-recoverable-fault",
        "major-unrecoverable-fault",
    };
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "other";
}

/* Identity item (2-4.3.4): version, socket address, vendor, device type,
 * product code, revision, status, serial, product name, state. */
static bool identity_item(Cursor *item, EnipIdentity *id)
{
    cursor_skip(item, 2 + 16); /* encapsulation version, sockaddr */
    id->vendor_id = cursor_le16(item);
    id->device_type = cursor_le16(item);
    id->product_code = cursor_le16(item);
    id->rev_major = cursor_u8(item);
    id->rev_minor = cursor_u8(item);
    cursor_skip(item, 2); /* status */
    id->serial = cursor_le32(item);
    uint8_t name_len = cursor_u8(item);
    cursor_str(item, name_len, id->name, sizeof id->name);
    /* The state byte closes the item; a few adapters leave it out. */
    id->has_state = cursor_left(item) > 0;
    id->state = id->has_state ? cursor_u8(item) : 0;
    return cursor_ok(item);
}

/* Vendor named from the ODVA list (data/vendors/cip.tsv), product name as
 * model, revision as firmware, serial; device type and product code as
 * the description. */
static void emit_identity(DissectCtx *ctx, const EnipIdentity *id)
{
    char buf[FACT_VALUE_MAX];
    vendor_id_text(VENDORS_CIP, id->vendor_id, buf, sizeof buf);
    dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, buf, FACT_CONF_HIGH);
    if (id->name[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, id->name, FACT_CONF_HIGH);
    snprintf(buf, sizeof buf, "%u.%03u", id->rev_major, id->rev_minor);
    dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, buf, FACT_CONF_HIGH);
    snprintf(buf, sizeof buf, "0x%08x", id->serial);
    dissect_attr(ctx, SIDE_SRC, ATTR_SERIAL, buf, FACT_CONF_HIGH);
    snprintf(buf, sizeof buf, "%s (device type %u, product code %u)",
             cip_device_type_name(id->device_type), id->device_type, id->product_code);
    dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, buf, FACT_CONF_HIGH);
}

/* A ListIdentity reply: a CPF whose identity item describes the sender.
 * The op is emitted here, after the items parsed, so that its detail can
 * carry the device type, product code and state. */
static DissectResult list_identity_reply(DissectCtx *ctx, Cursor *body, uint32_t session)
{
    uint16_t count = cursor_le16(body);
    if (cursor_ok(body) && (size_t)count * 4 > cursor_left(body))
        return malformed(ctx, ANOM_BAD_COUNT);
    EnipIdentity id;
    bool has_identity = false;
    for (size_t i = 0; i < count && i < CPF_MAX_ITEMS && cursor_ok(body); i++) {
        uint16_t type = cursor_le16(body);
        uint16_t len = cursor_le16(body);
        Cursor item;
        if (!cursor_take(body, len, &item))
            break;
        if (type == CPF_ITEM_IDENTITY && !has_identity) {
            if (!identity_item(&item, &id))
                return dissect_fail(ctx, &item, ANOM_LEN_MISMATCH);
            has_identity = true;
        }
    }
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    const EnipTok *tok = enip_find(ENIP_CMD_LIST_IDENTITY);
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    if (has_identity) {
        textbuf_str(&b, "type=");
        textbuf_uint(&b, id.device_type);
        textbuf_field(&b, "product", id.product_code);
        if (id.has_state) {
            textbuf_str(&b, " state=");
            textbuf_str(&b, state_name(id.state));
        }
    } else {
        session_text(&b, session);
    }
    dissect_op(ctx, ENIP_CMD_LIST_IDENTITY, tok->name, tok->cls, true, 0, detail);
    if (has_identity)
        emit_identity(ctx, &id);
    return DISSECT_OK;
}

/* SendRRData/SendUnitData: interface handle, timeout, CPF; CIP goes to the
 * cip dissector.  Items are located first and CIP dissected after, so a
 * bad item list yields no CIP facts. */
static DissectResult send_data(DissectCtx *ctx, Cursor *body)
{
    cursor_skip(body, 6); /* interface handle, timeout */
    uint16_t count = cursor_le16(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    if ((size_t)count * 4 > cursor_left(body) || count > CPF_MAX_ITEMS)
        return malformed(ctx, ANOM_BAD_COUNT);
    Cursor cip;
    bool has_cip = false;
    for (size_t i = 0; i < count; i++) {
        uint16_t type = cursor_le16(body);
        uint16_t len = cursor_le16(body);
        Cursor item;
        if (!cursor_take(body, len, &item))
            return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
        if (type == CPF_ITEM_CONNECTED_DATA)
            cursor_skip(&item, 2); /* CIP sequence count of class-3 connections */
        if ((type == CPF_ITEM_CONNECTED_DATA || type == CPF_ITEM_UNCONNECTED_DATA) && !has_cip) {
            cip = cursor_rest(&item);
            has_cip = cursor_ok(&cip);
        }
    }
    if (!has_cip)
        return DISSECT_OK;
    DissectResult res = dissect_child(ctx, PROTO_ID(cip), &cip);
    return (res == DISSECT_SHORT || res == DISSECT_MALFORMED) ? res : DISSECT_OK;
}

/* Starts like a class-1 datagram: no encapsulation command is 2..8, so an
 * item count there followed by a sequenced address item is not ENIP. */
static bool looks_like_class1_io(const Cursor *c)
{
    int count = peek_le16(c, 0);
    return count >= 2 && count <= CPF_MAX_ITEMS && peek_le16(c, 2) == CPF_ITEM_SEQUENCED_ADDR;
}

static DissectResult class1_io(DissectCtx *ctx, Cursor *c)
{
    cursor_skip(c, 2 + 4); /* item count, sequenced address item header */
    uint32_t conn_id = cursor_le32(c);
    uint32_t seq = cursor_le32(c);
    uint16_t data_type = cursor_le16(c);
    uint16_t data_len = cursor_le16(c);
    Cursor data;
    cursor_take(c, data_len, &data);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (data_type != CPF_ITEM_CONNECTED_DATA)
        return malformed(ctx, ANOM_BAD_HEADER);
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    textbuf_str(&b, "conn=0x");
    textbuf_hex_fixed(&b, conn_id, 8);
    textbuf_field(&b, "seq", seq);
    dissect_op(ctx, IO_OP_CODE, "Class 1 I/O", OP_OTHER, false, 0, detail);
    return DISSECT_OK;
}

/* The CIP service byte of a SendRRData/SendUnitData body (interface
 * handle, timeout, CPF items; a connected item starts with a sequence
 * count), or -1 when the items hold none.  Reads a copy: no facts. */
static int cip_service_byte(const Cursor *body)
{
    Cursor b = *body;
    cursor_skip(&b, 6); /* interface handle, timeout */
    uint16_t count = cursor_le16(&b);
    for (size_t i = 0; i < count && i < CPF_MAX_ITEMS && cursor_ok(&b); i++) {
        uint16_t type = cursor_le16(&b);
        uint16_t len = cursor_le16(&b);
        Cursor item;
        if (!cursor_take(&b, len, &item))
            return -1;
        if (type == CPF_ITEM_UNCONNECTED_DATA)
            return cursor_peek(&item, 0);
        if (type == CPF_ITEM_CONNECTED_DATA)
            return cursor_peek(&item, 2);
    }
    return -1;
}

/* Request or reply, by the message where it tells (not by who opened the
 * TCP connection): the list commands' requests have no data, a
 * RegisterSession reply carries the session handle the target assigned,
 * the CIP message a send command carries has the reply bit (0x80) of its
 * service; UnRegisterSession and NOP are never answered.  Otherwise the
 * direction the core knows (UDP: who talks from port 44818). */
static bool enip_is_reply(const DissectCtx *ctx, uint16_t cmd, uint16_t len, uint32_t status,
                          uint32_t session, const Cursor *body)
{
    if (cmd == ENIP_CMD_LIST_IDENTITY || cmd == ENIP_CMD_LIST_SERVICES ||
        cmd == ENIP_CMD_LIST_INTERFACES)
        return len > 0;
    if (status != 0)
        return true;
    if (cmd == ENIP_CMD_REGISTER_SESSION)
        return session != 0;
    if (cmd == ENIP_CMD_UNREGISTER_SESSION || cmd == ENIP_CMD_NOP)
        return false;
    int service = -1;
    if (cmd == ENIP_CMD_SEND_RR_DATA || cmd == ENIP_CMD_SEND_UNIT_DATA)
        service = cip_service_byte(body);
    if (service >= 0)
        return (service & 0x80) != 0;
    if (ctx->pkt->transport == TP_UDP)
        return ctx->pkt->sport == ENIP_PORT && ctx->pkt->dport != ENIP_PORT;
    return !ctx->is_from_client;
}

static DissectResult enip_dissect(Cursor *c, DissectCtx *ctx)
{
    if (ctx->pkt->transport == TP_UDP && looks_like_class1_io(c))
        return class1_io(ctx, c);
    uint16_t cmd = cursor_le16(c);
    uint16_t len = cursor_le16(c);
    uint32_t session = cursor_le32(c);
    uint32_t status = cursor_le32(c);
    cursor_skip(c, 8 + 4); /* sender context, options */
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    const EnipTok *tok = enip_find(cmd);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    Cursor body;
    if (!cursor_take(c, len, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    bool is_reply = enip_is_reply(ctx, cmd, len, status, session, &body);
    ctx->dir_hint = is_reply ? DIR_RESPONSE : DIR_REQUEST;
    if (cmd == ENIP_CMD_LIST_IDENTITY && is_reply && status == 0)
        return list_identity_reply(ctx, &body, session);
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    session_text(&b, session);
    dissect_op(ctx, cmd, tok->name, tok->cls, is_reply, (int32_t)status, detail);
    if (status != 0)
        return DISSECT_OK; /* error replies carry no data worth reading */
    if (cmd == ENIP_CMD_SEND_RR_DATA || cmd == ENIP_CMD_SEND_UNIT_DATA)
        return send_data(ctx, &body);
    return DISSECT_OK;
}

const ProtoDesc proto_enip = {
    .name = "enip",
    .transports = PT_TCP | PT_UDP,
    .ports = {44818, 2222},
    .probe = enip_probe,
    .pdu_len = enip_pdu_len,
    .dissect = enip_dissect,
};
