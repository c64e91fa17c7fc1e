/*
 * proto-cclink-ie.c - CC-Link IE Control, CC-Link IE Field and CC-Link IE
 * TSN frames on Ethernet (EtherType 0x890F, registered to Mitsubishi
 * Electric).
 *
 * Parsed: the frame type of every frame, named, and what it is: cyclic
 * (link device data), transient (messages), synchronisation or network
 * control (token, setup, test data, status); each frame type is an op of
 * class other, so ops count cyclic and transient traffic per station pair.
 * From the common 14-byte header of Control/Field frames: the source node
 * number, the network type (protocolVerType low nibble: Control, Field,
 * TSN) and, where the frame type carries them, the node id and node type;
 * they go in the op detail.  The station that sends RY/RWw (outputs to
 * the stations) is the master, the ones sending RX/RWr its slave stations
 * (description attributes), as in every CC-Link network.  Acknowledgement
 * frames (TestDataAck, SetupAck, TransientAck, MeasureAck, ConnectAck,
 * DetectionAck) are responses.  TSN frames (0xC0-0xC5) have shorter,
 * type-specific headers: only their type is read.
 *
 * Deliberately not parsed: the cyclic data (which bytes belong to which
 * station and device comes from the network parameters, not the frame),
 * transient message contents (the command of Transient2 frames, e.g. run,
 * stop, memory read/write, sits at an offset no public source gives), the
 * HEC (its algorithm is not public; never checked) and the SLMP inside TSN
 * acyclic data.
 *
 * Reference: the CLPA's specifications (BAP-C2010ENG-002/004) are for
 * members.  Public sources, cross-checked: the CLPA's own Wireshark Lua
 * dissector "CCLinkIE_TSN_Rev03.lua" (2023, published in
 * github.com/Masamuneee/mitsubishi-wireshark-plugin) gives the 14-byte
 * header of TestData/TestDataAck, the protocolVerType nibbles and the TSN
 * frame types; NTT Communications' Zeek/Spicy parser
 * "zeek-parser-CCLinkIENoIP" (BSD-2-Clause) gives the Control and Field
 * frame types, their header fields and node types.  The frame type codes
 * and the middle header bytes of types other than TestData/TestDataAck
 * come from the second source only.
 *
 *  0        1        2                 6             8         9       10
 *  +--------+--------+-----------------+-------------+---------+-------+---------+
 *  | frame  | data   | by frame type:  | source node | proto-  | rsvd  | HEC (4) |
 *  | type   | type   | node id, node   | number      | colVer- |       |         |
 *  |        |        | type, conn.info | (be16)      | Type    |       |         |
 *  +--------+--------+-----------------+-------------+---------+-------+---------+
 *  protocolVerType: high nibble version (0 single master, 1 multi master,
 *  2 TSN, 3 TSN + Field), low nibble network (0 Control, 1 Field, 3 TSN).
 */
#include <stdio.h>

#include "dissect.h"

enum {
    CCIE_HDR_LEN = 14,
    CCIE_NET_CONTROL = 0,
    CCIE_NET_FIELD = 1,
    CCIE_NET_TSN = 3,
    TSN_FIRST = 0xc0,
};

typedef enum CcieKind { KIND_CONTROL, KIND_CYCLIC, KIND_TRANSIENT, KIND_SYNC } CcieKind;

/* What bytes 2-5 of the header hold (NTT's parser). */
typedef enum CcieMiddle {
    MID_NONE,      /* reserved, or not a 14-byte header (TSN) */
    MID_NODE_ID,   /* node id (be16), reserved */
    MID_NODE_TYPE, /* priority (3), node type */
    MID_STATUS,    /* node id (be16), sync flag, node type */
    MID_CONN,      /* node id (be16), connection info, reserved */
} CcieMiddle;

/* Which station sends a cyclic frame: the master sends outputs. */
typedef enum CcieSender { SENDER_ANY, SENDER_MASTER, SENDER_SLAVE } CcieSender;

typedef struct CcieTok {
    uint8_t code;
    const char *name;
    uint8_t kind;   /* CcieKind */
    uint8_t middle; /* CcieMiddle */
    uint8_t sender; /* CcieSender */
    bool is_ack;
} CcieTok;

static const CcieTok ccie_types[] = {
    /* CC-Link IE Control: transmission control and cyclic frames */
    {0x00, "Connect", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x01, "ConnectAck", KIND_CONTROL, MID_NONE, SENDER_ANY, true},
    {0x02, "Scan", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x03, "Collect", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x04, "Select", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x05, "Launch", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x06, "Token", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x24, "Dummy", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x2f, "NTNTest", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x80, "CyclicDataW", KIND_CYCLIC, MID_NONE, SENDER_ANY, false},
    {0x81, "CyclicDataB", KIND_CYCLIC, MID_NONE, SENDER_ANY, false},
    {0x8c, "CyclicDataOut1", KIND_CYCLIC, MID_NONE, SENDER_ANY, false},
    {0x8d, "CyclicDataOut2", KIND_CYCLIC, MID_NONE, SENDER_ANY, false},
    {0x8e, "CyclicDataIn1", KIND_CYCLIC, MID_NONE, SENDER_ANY, false},
    {0x8f, "CyclicDataIn2", KIND_CYCLIC, MID_NONE, SENDER_ANY, false},
    /* CC-Link IE Field: transmission control */
    {0x10, "Persuasion", KIND_CONTROL, MID_NODE_TYPE, SENDER_ANY, false},
    {0x11, "TestData", KIND_CONTROL, MID_NODE_TYPE, SENDER_ANY, false},
    {0x12, "TestDataAck", KIND_CONTROL, MID_NODE_TYPE, SENDER_ANY, true},
    {0x13, "Setup", KIND_CONTROL, MID_NODE_ID, SENDER_ANY, false},
    {0x14, "SetupAck", KIND_CONTROL, MID_NONE, SENDER_ANY, true},
    {0x15, "TokenM", KIND_CONTROL, MID_NODE_ID, SENDER_ANY, false},
    {0x1c, "Timer", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0x20, "MyStatus", KIND_CONTROL, MID_STATUS, SENDER_ANY, false},
    /* CC-Link IE Field: transient */
    {0x22, "Transient1", KIND_TRANSIENT, MID_CONN, SENDER_ANY, false},
    {0x23, "TransientAck", KIND_TRANSIENT, MID_CONN, SENDER_ANY, true},
    {0x25, "Transient2", KIND_TRANSIENT, MID_CONN, SENDER_ANY, false},
    {0x26, "IpTransient", KIND_TRANSIENT, MID_CONN, SENDER_ANY, false},
    {0x28, "ParamCheck", KIND_TRANSIENT, MID_CONN, SENDER_ANY, false},
    {0x29, "Parameter", KIND_TRANSIENT, MID_CONN, SENDER_ANY, false},
    /* CC-Link IE Field: synchronisation */
    {0x40, "Measure", KIND_SYNC, MID_NODE_ID, SENDER_ANY, false},
    {0x41, "MeasureAck", KIND_SYNC, MID_NODE_ID, SENDER_ANY, true},
    {0x42, "Offset", KIND_SYNC, MID_NODE_ID, SENDER_ANY, false},
    {0x43, "Update", KIND_SYNC, MID_NODE_ID, SENDER_ANY, false},
    /* CC-Link IE Field: cyclic (RWw/RY: master outputs; RWr/RX: slave inputs) */
    {0x82, "CyclicDataRWw", KIND_CYCLIC, MID_NODE_ID, SENDER_MASTER, false},
    {0x83, "CyclicDataRY", KIND_CYCLIC, MID_NODE_ID, SENDER_MASTER, false},
    {0x84, "CyclicDataRWr", KIND_CYCLIC, MID_NODE_ID, SENDER_SLAVE, false},
    {0x85, "CyclicDataRX", KIND_CYCLIC, MID_NODE_ID, SENDER_SLAVE, false},
    /* CC-Link IE TSN (CLPA Lua): type-specific headers */
    {0xc0, "Priority", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0xc1, "Detection", KIND_CONTROL, MID_NONE, SENDER_ANY, false},
    {0xc2, "DetectionAck", KIND_CONTROL, MID_NONE, SENDER_ANY, true},
    {0xc3, "AcyclicData", KIND_TRANSIENT, MID_NONE, SENDER_ANY, false},
    {0xc4, "Cyclic M/Ms", KIND_CYCLIC, MID_NONE, SENDER_MASTER, false},
    {0xc5, "Cyclic S/Ss", KIND_CYCLIC, MID_NONE, SENDER_SLAVE, false},
};

/* TSN header lengths by type (CLPA Lua: 14, 2, 2, 6, 10, 10). */
static const uint8_t tsn_hdr_len[] = {14, 2, 2, 6, 10, 10};

static const char *const kind_names[] = {"control", "cyclic", "transient", "sync"};

static const CcieTok *ccie_find(int code)
{
    for (size_t i = 0; i < sizeof ccie_types / sizeof ccie_types[0]; i++)
        if (ccie_types[i].code == code)
            return &ccie_types[i];
    return NULL;
}

static const char *net_name(uint8_t ver_type)
{
    switch (ver_type & 0x0f) {
    case CCIE_NET_CONTROL:
        return "control";
    case CCIE_NET_FIELD:
        return "field";
    case CCIE_NET_TSN:
        return "tsn";
    default:
        return NULL; /* reserved */
    }
}

/* The CC-Link IE Control frame types (NTT): their bytes 8-9 are reserved,
 * not a protocolVerType. */
static bool is_control_family(uint8_t code)
{
    return code <= 0x06 || code == 0x24 || code == 0x2f || code == 0x80 || code == 0x81 ||
           (code >= 0x8c && code <= 0x8f);
}

static size_t header_len(const CcieTok *t)
{
    return t->code >= TSN_FIRST ? tsn_hdr_len[t->code - TSN_FIRST] : CCIE_HDR_LEN;
}

static DissectResult ccie_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    const CcieTok *t = ccie_find(cursor_peek(c, 0));
    if (!t)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < header_len(t))
        return cursor_is_clipped(c) ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    /* A Control/Field header names its network in a nibble with two
     * reserved values: a frame of another protocol rarely fits. */
    if (t->code < TSN_FIRST && !is_control_family(t->code) && !net_name((uint8_t)cursor_peek(c, 8)))
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* The node id / node type part of the detail (bytes 2-5). */
static void middle_detail(const CcieTok *t, uint16_t node_id, uint8_t node_type, char *out,
                          size_t outsz)
{
    switch (t->middle) {
    case MID_NODE_ID:
    case MID_CONN:
        snprintf(out, outsz, " node-id=0x%04x", node_id);
        break;
    case MID_NODE_TYPE:
        snprintf(out, outsz, " node-type=0x%02x", node_type);
        break;
    case MID_STATUS:
        snprintf(out, outsz, " node-id=0x%04x node-type=0x%02x", node_id, node_type);
        break;
    default:
        out[0] = '\0';
        break;
    }
}

static DissectResult ccie_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t type = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    const CcieTok *t = ccie_find(type);
    if (!t) {
        /* A clipped frame is the capture's doing: judge whole headers only. */
        if (cursor_is_clipped(c) && cursor_left(c) + 1 < CCIE_HDR_LEN)
            return DISSECT_SHORT;
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    char detail[FACT_DETAIL_MAX];
    if (t->code >= TSN_FIRST) {
        if (!cursor_skip(c, header_len(t) - 1))
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        snprintf(detail, sizeof detail, "net=tsn kind=%s", kind_names[t->kind]);
    } else {
        cursor_u8(c); /* data type (Field) or priority (Control) */
        uint16_t node_id = cursor_be16(c);
        cursor_u8(c);
        uint8_t node_type = cursor_u8(c);
        uint16_t src_node = cursor_be16(c);
        uint8_t ver_type = cursor_u8(c);
        const char *net;
        cursor_skip(c, 1 + 4); /* reserved, HEC (not checked: its algorithm is not public) */
        if (!cursor_ok(c))
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        /* Control frames keep this byte reserved (NTT); Field frame types
         * name their network (Field, or Control for the ones both share),
         * and a reserved value breaks the header. */
        net = is_control_family(t->code) ? "control" : net_name(ver_type);
        if (!net) {
            dissect_anomaly(ctx, ANOM_BAD_HEADER);
            return DISSECT_MALFORMED;
        }
        char mid[48];
        middle_detail(t, node_id, node_type, mid, sizeof mid);
        snprintf(detail, sizeof detail, "net=%s kind=%s node=%u%s", net, kind_names[t->kind],
                 src_node, mid);
    }
    dissect_op(ctx, t->code, t->name, OP_OTHER, t->is_ack, 0, detail);
    ctx->dir_hint = t->is_ack ? DIR_RESPONSE : DIR_REQUEST;
    if (t->sender != SENDER_ANY) {
        bool is_tsn = t->code >= TSN_FIRST;
        const char *role = t->sender == SENDER_MASTER
                               ? (is_tsn ? "CC-Link IE TSN master" : "CC-Link IE master")
                               : (is_tsn ? "CC-Link IE TSN slave" : "CC-Link IE slave");
        dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, role, FACT_CONF_MEDIUM);
    }
    return DISSECT_OK;
}

const ProtoDesc proto_cclink_ie = {
    .name = "cclink-ie",
    .transports = PT_ETHER,
    .ethertypes = {0x890f},
    .probe = ccie_probe,
    .dissect = ccie_dissect,
};
