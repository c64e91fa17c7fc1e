/*
 * proto-profinet-cm.c - PROFINET IO context management (PNIO-CM): the
 * acyclic services a controller and a device exchange over connectionless
 * DCE/RPC on UDP (34964 for the endpoint mapper port, then dynamic ports).
 *
 * Parsed: the DCE/RPC connectionless header (version 4, packet type, data
 * representation, object and interface UUID, opnum, fragment length and
 * number), accepted only for the PNIO interfaces (device, controller,
 * supervisor, parameter server).  Requests become ops by opnum (Connect,
 * Release, Read, Write, Control, Read Implicit); responses carry the PNIO
 * status (0 = OK, else ErrorDecode << 16 | ErrorCode1 << 8 | ErrorCode2, the
 * ErrorCode byte only names the service); DCE/RPC faults and rejects carry their status code.
 * Inside the NDR arguments of a first fragment the PNIO blocks are walked:
 * IODReadReqHeader / IODWriteReqHeader give slot, subslot and record index,
 * IODControlReq / IOXBlockReq give the control command, ARBlockReq gives
 * the controller's CMInitiatorStationName and its object UUID, and an I&M0
 * block in a read response gives vendor, order number, serial and software
 * revision.  The object UUID of the RPC header names the server's vendor
 * and device id (DEA00000-6C97-11D1-8271-instance-device-vendor).
 * A call sent in several fragments (flags1 "frag", fragment numbers from
 * 0, "last fragment" on the last; C706 12.5.3) is followed per flow in
 * fixed-size state, not buffered: the blocks are walked as the fragments
 * arrive in order (a block header split between two fragments is carried
 * over, a block body that runs on is skipped), so the op, emitted at the
 * last fragment, counts every block of a Connect (IOCRs among them) and
 * every write of a Write Multiple; a block whose fields straddle a
 * fragment boundary is counted but not read.  A call whose fragments stop
 * or arrive out of order is reported at the next first fragment with the
 * detail "incomplete".  Deliberately not parsed: IOCR, expected-submodule,
 * alarm CR and module diff block contents, record data other than I&M0,
 * DCE/RPC over TCP, the endpoint mapper (not the PNIO interface:
 * NOT_MINE).
 *
 * Reference: IEC 61158-6-10:2014, 5.1 (RPC header, PNIO interface UUIDs,
 * object UUID), 5.2.3 (NDR PNIO request/response: ArgsMaximum, ArgsLength,
 * array header, PNIOStatus), 5.2.2 (BlockHeader, ARBlockReq,
 * IODReadReqHeader, IODControlReq, I&M0); DCE 1.1 RPC (C706), 12.5
 * (connectionless PDU header).
 *
 *  RPC CL header (80 bytes, integers in the order drep[0] says):
 *  | vers 4 | ptype | flags1 | flags2 | drep[3] | serial_hi |
 *  | object UUID (16) | interface UUID (16) | activity UUID (16) |
 *  | boot time (4) | if vers (4) | seqnum (4) | opnum (2) | ihint (2) |
 *  | ahint (2) | fragment length (2) | fragment num (2) | auth | serial_lo |
 *  NDR request:  ArgsMaximum(4) ArgsLength(4) MaxCount(4) Offset(4) Actual(4)
 *  NDR response: PNIOStatus(4)  ArgsLength(4) MaxCount(4) Offset(4) Actual(4)
 *  then PNIO blocks (big endian):
 *  | BlockType (2) | BlockLength (2, counts from the version) | VerHi | VerLo |
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "otscope/vendors.h"

enum {
    RPC_VERSION = 4,
    RPC_HDR_LEN = 80,
    RPC_UUID_LEN = 16,
    RPC_PROBE_LEN = 40, /* through the interface UUID */
    RPC_PT_REQUEST = 0,
    RPC_PT_PING = 1,
    RPC_PT_RESPONSE = 2,
    RPC_PT_FAULT = 3,
    RPC_PT_WORKING = 4,
    RPC_PT_NOCALL = 5,
    RPC_PT_REJECT = 6,
    RPC_PT_LAST = 10,           /* cancel_ack */
    RPC_PF_LAST_FRAG = 0x02,    /* flags1 */
    RPC_PF_FRAG = 0x04,
    PNIO_IF_FIRST = 0xdea00001, /* device */
    PNIO_IF_LAST = 0xdea00004,  /* parameter server */
    PNIO_OBJ_DATA1 = 0xdea00000,
    PNIO_UUID_DATA2 = 0x6c97,
    PNIO_UUID_DATA3 = 0x11d1,
    NDR_HDR_LEN = 20,
    PNIO_OP_CONNECT = 0,
    PNIO_OP_RELEASE = 1,
    PNIO_OP_READ = 2,
    PNIO_OP_WRITE = 3,
    PNIO_OP_CONTROL = 4,
    PNIO_OP_READ_IMPLICIT = 5,
    BLK_HDR_LEN = 6,
    BLK_MAX = 64, /* blocks examined per PDU */
    BLK_IM0 = 0x0020,
    BLK_WRITE_REQ = 0x0008,
    BLK_READ_REQ = 0x0009,
    BLK_AR_REQ = 0x0101,
    BLK_CONTROL_FIRST = 0x0110,
    BLK_CONTROL_LAST = 0x0118,
    BLK_RESPONSE = 0x8000,
    BLK_IOCR_REQ = 0x0102,
    IDX_WRITE_MULTIPLE = 0xe040,
    RW_PAD_ALIGN = 4, /* Write Multiple: each record padded to 4 bytes */
    IDX_USER_LAST = 0x7fff, /* user-specific records: device parameters */
    STATION_NAME_MAX = 240,
    IM0_ORDER_LEN = 20,
    IM0_SERIAL_LEN = 16,
};

static const uint8_t pnio_uuid_tail[8] = {0x82, 0x71, 0x00, 0xa0, 0x24, 0x42, 0xdf, 0x7d};

typedef struct PnioOp {
    const char *name;
    OpClass cls;
} PnioOp;

static const PnioOp pnio_ops[] = {
    [PNIO_OP_CONNECT] = {"Connect", OP_SESSION},
    [PNIO_OP_RELEASE] = {"Release", OP_SESSION},
    [PNIO_OP_READ] = {"Read", OP_READ},
    [PNIO_OP_WRITE] = {"Write", OP_CONFIG}, /* refined by the record index */
    [PNIO_OP_CONTROL] = {"Control", OP_CONTROL},
    [PNIO_OP_READ_IMPLICIT] = {"Read Implicit", OP_READ},
};

typedef struct ControlCmd {
    uint16_t bit;
    const char *name;
} ControlCmd;

/* ControlCommand bits (IODControlReq, IOXBlockReq, IODReleaseReq). */
static const ControlCmd control_cmds[] = {
    {0x0001, "ParameterEnd"}, {0x0002, "ApplicationReady"},  {0x0004, "Release"},
    {0x0008, "Done"},         {0x0010, "ReadyForCompanion"}, {0x0020, "ReadyForRTC3"},
    {0x0040, "PrmBegin"},
};

/* The RPC header fields this file uses. */
typedef struct RpcHdr {
    uint8_t ptype;
    uint8_t flags1;
    uint32_t activity; /* FNV-1a of the activity UUID: names the call with seqnum */
    uint32_t seqnum;
    bool is_le;
    uint16_t obj_instance;
    uint16_t obj_device;
    uint16_t obj_vendor;
    bool is_pnio_object;
    uint32_t if_data1;
    uint16_t opnum;
    uint16_t frag_len;
    uint16_t frag_num;
} RpcHdr;

/* A fragmented call in progress on the flow (C706 12.5.3): where the
 * block walk stands and what the blocks told so far.  Fixed size: the
 * core gives every flow this much, whatever its protocol. */
typedef struct CmState {
    uint32_t activity;
    uint32_t seqnum;
    uint32_t args_left; /* NDR argument bytes still to come */
    uint32_t skip;      /* bytes of a block body or record data still to skip */
    uint32_t status;
    uint16_t next_frag;
    uint16_t n_frags;
    uint16_t opnum;
    uint16_t n_blocks;
    uint16_t n_iocrs;
    uint16_t n_writes;
    uint16_t slot;
    uint16_t subslot;
    uint16_t index;
    uint16_t control;
    uint16_t obj_vendor;
    uint16_t obj_device;
    uint8_t carry[BLK_HDR_LEN]; /* a block header split between fragments */
    uint8_t n_carry;
    uint8_t ptype;
    bool is_active;
    bool is_le;
    bool is_pnio_object;
    bool has_record;
    bool has_control;
    bool is_in_multiple; /* inside a Write Multiple's records */
    bool is_walk_lost;   /* bytes that are not blocks: stop counting */
} CmState;

/* What the PNIO blocks of one PDU told. */
typedef struct BlockInfo {
    bool has_record;
    uint16_t slot;
    uint16_t subslot;
    uint16_t index;
    uint16_t control;
    bool has_control;
    char station[FACT_VALUE_MAX];
    uint16_t initiator_vendor;
    bool has_initiator;
    bool has_im0;
    uint16_t im0_vendor;
    char im0_order[IM0_ORDER_LEN + 1];
    char im0_serial[IM0_SERIAL_LEN + 1];
    char im0_firmware[32];
} BlockInfo;

static uint16_t rd16(Cursor *c, bool is_le)
{
    return is_le ? cursor_le16(c) : cursor_be16(c);
}

static uint32_t rd32(Cursor *c, bool is_le)
{
    return is_le ? cursor_le32(c) : cursor_be32(c);
}

typedef struct RpcUuid {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t node[8];
} RpcUuid;

/* A UUID's first three fields follow drep; the last 8 bytes are as sent. */
static void uuid_read(Cursor *c, bool is_le, RpcUuid *u)
{
    u->data1 = rd32(c, is_le);
    u->data2 = rd16(c, is_le);
    u->data3 = rd16(c, is_le);
    cursor_copy(c, u->node, sizeof u->node);
}

/* The PNIO object UUID: DEA00000-6C97-11D1-8271 + instance, device, vendor. */
static bool uuid_is_pnio_object(const RpcUuid *u)
{
    return u->data1 == PNIO_OBJ_DATA1 && u->data2 == PNIO_UUID_DATA2 &&
           u->data3 == PNIO_UUID_DATA3 && memcmp(u->node, pnio_uuid_tail, 2) == 0;
}

static bool uuid_is_pnio_interface(const RpcUuid *u)
{
    return u->data1 >= PNIO_IF_FIRST && u->data1 <= PNIO_IF_LAST && u->data2 == PNIO_UUID_DATA2 &&
           u->data3 == PNIO_UUID_DATA3 &&
           memcmp(u->node, pnio_uuid_tail, sizeof pnio_uuid_tail) == 0;
}

static uint16_t node_be16(const RpcUuid *u, size_t at)
{
    return (uint16_t)(u->node[at] << 8 | u->node[at + 1]);
}

static DissectResult cm_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    if (cursor_left(c) < RPC_PROBE_LEN)
        return DISSECT_NOT_MINE; /* one datagram: nothing more will come */
    Cursor h = *c;
    uint8_t vers = cursor_u8(&h);
    uint8_t ptype = cursor_u8(&h);
    cursor_skip(&h, 2);
    uint8_t drep0 = cursor_u8(&h);
    cursor_skip(&h, 3 + RPC_UUID_LEN);
    RpcUuid iface;
    uuid_read(&h, (drep0 >> 4) == 1, &iface);
    if (!cursor_ok(&h) || vers != RPC_VERSION || ptype > RPC_PT_LAST || (drep0 >> 4) > 1)
        return DISSECT_NOT_MINE;
    return uuid_is_pnio_interface(&iface) ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* The 80-byte header; false when the cursor ran out. */
static bool rpc_header(Cursor *c, RpcHdr *h, RpcUuid *iface)
{
    uint8_t vers = cursor_u8(c);
    h->ptype = cursor_u8(c);
    h->flags1 = cursor_u8(c);
    cursor_skip(c, 1); /* flags2 */
    uint8_t drep0 = cursor_u8(c);
    cursor_skip(c, 3); /* drep[1..2], serial_hi */
    h->is_le = (drep0 >> 4) == 1;
    RpcUuid obj;
    uuid_read(c, h->is_le, &obj);
    uuid_read(c, h->is_le, iface);
    uint8_t activity[RPC_UUID_LEN];
    cursor_copy(c, activity, sizeof activity);
    cursor_skip(c, 4 + 4); /* boot time, if vers */
    h->seqnum = rd32(c, h->is_le);
    h->activity = 2166136261u;
    for (size_t i = 0; i < sizeof activity; i++)
        h->activity = (h->activity ^ activity[i]) * 16777619u;
    h->opnum = rd16(c, h->is_le);
    cursor_skip(c, 2 + 2); /* interface hint, activity hint */
    h->frag_len = rd16(c, h->is_le);
    h->frag_num = rd16(c, h->is_le);
    cursor_skip(c, 2); /* auth proto, serial_lo */
    h->is_pnio_object = uuid_is_pnio_object(&obj);
    h->obj_instance = node_be16(&obj, 2);
    h->obj_device = node_be16(&obj, 4);
    h->obj_vendor = node_be16(&obj, 6);
    h->if_data1 = iface->data1;
    if (vers != RPC_VERSION || (drep0 >> 4) > 1)
        cursor_set_bad(c);
    return cursor_ok(c);
}

static void read_write_header(Cursor *b, BlockInfo *info)
{
    cursor_skip(b, 2 + RPC_UUID_LEN + 4); /* SeqNumber, ARUUID, API */
    uint16_t slot = cursor_be16(b);
    uint16_t subslot = cursor_be16(b);
    cursor_skip(b, 2); /* padding */
    uint16_t index = cursor_be16(b);
    if (!cursor_ok(b))
        return;
    info->has_record = true;
    info->slot = slot;
    info->subslot = subslot;
    info->index = index;
}

static void control_block(Cursor *b, BlockInfo *info)
{
    cursor_skip(b, 2 + RPC_UUID_LEN + 2 + 2); /* reserved, ARUUID, SessionKey, reserved */
    uint16_t cmd = cursor_be16(b);
    if (!cursor_ok(b))
        return;
    info->has_control = true;
    info->control = cmd;
}

static void ar_block_req(Cursor *b, BlockInfo *info)
{
    cursor_skip(b, 2 + RPC_UUID_LEN + 2 + 6); /* ARType, ARUUID, SessionKey, MAC */
    RpcUuid initiator;
    uuid_read(b, false, &initiator); /* block contents are big endian */
    cursor_skip(b, 4 + 2 + 2);       /* ARProperties, timeout factor, RT port */
    uint16_t name_len = cursor_be16(b);
    char name[FACT_VALUE_MAX];
    cursor_str(b, name_len > STATION_NAME_MAX ? STATION_NAME_MAX : name_len, name, sizeof name);
    if (!cursor_ok(b))
        return;
    snprintf(info->station, sizeof info->station, "%s", name);
    if (uuid_is_pnio_object(&initiator)) {
        info->has_initiator = true;
        info->initiator_vendor = node_be16(&initiator, 6);
    }
}

static void trim_blanks(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}

/* I&M0: VendorID, OrderID, IM_Serial_Number, IM_Hardware_Revision,
 * IM_Software_Revision (prefix char + 3 numbers), ... */
static void im0_block(Cursor *b, BlockInfo *info)
{
    uint16_t vendor = cursor_be16(b);
    char order[IM0_ORDER_LEN + 1];
    char serial[IM0_SERIAL_LEN + 1];
    cursor_str(b, IM0_ORDER_LEN, order, sizeof order);
    cursor_str(b, IM0_SERIAL_LEN, serial, sizeof serial);
    cursor_skip(b, 2); /* hardware revision */
    uint8_t sw[4];
    cursor_copy(b, sw, sizeof sw);
    if (!cursor_ok(b))
        return;
    info->has_im0 = true;
    info->im0_vendor = vendor;
    snprintf(info->im0_order, sizeof info->im0_order, "%s", order);
    snprintf(info->im0_serial, sizeof info->im0_serial, "%s", serial);
    trim_blanks(info->im0_order); /* visible strings are padded with blanks */
    trim_blanks(info->im0_serial);
    char prefix = (sw[0] >= 0x20 && sw[0] < 0x7f) ? (char)sw[0] : '?';
    snprintf(info->im0_firmware, sizeof info->im0_firmware, "%c%u.%u.%u", prefix, sw[1], sw[2],
             sw[3]);
}

/* Walks the blocks of the NDR argument array.  The first block is the
 * service's own header and must be whole; what follows may be record data
 * that is not block-structured, so the walk stops quietly there. */
static bool walk_blocks(Cursor *args, BlockInfo *info)
{
    for (int i = 0; i < BLK_MAX && cursor_left(args) >= BLK_HDR_LEN; i++) {
        Cursor h = *args;
        uint16_t type = cursor_be16(&h);
        uint16_t len = cursor_be16(&h);
        if (len < 2 || (size_t)len + 4 > cursor_left(args)) {
            return i > 0;
        }
        cursor_skip(args, 4);
        Cursor blk;
        cursor_take(args, len, &blk);
        cursor_skip(&blk, 2); /* BlockVersionHigh, BlockVersionLow */
        uint16_t req_type = type & (uint16_t)~BLK_RESPONSE;
        if (req_type == BLK_WRITE_REQ || req_type == BLK_READ_REQ) {
            if (!info->has_record)
                read_write_header(&blk, info);
        } else if (req_type >= BLK_CONTROL_FIRST && req_type <= BLK_CONTROL_LAST) {
            if (!info->has_control)
                control_block(&blk, info);
        } else if (type == BLK_AR_REQ) {
            ar_block_req(&blk, info);
        } else if (type == BLK_IM0) {
            im0_block(&blk, info);
        }
    }
    return true;
}

static const char *control_name(uint16_t cmd)
{
    for (size_t i = 0; i < sizeof control_cmds / sizeof control_cmds[0]; i++)
        if (cmd & control_cmds[i].bit)
            return control_cmds[i].name;
    return "none";
}

static void op_detail(const RpcHdr *h, const BlockInfo *info, char *out, size_t outsz)
{
    out[0] = '\0';
    if (info->has_record)
        snprintf(out, outsz, "slot=0x%x subslot=0x%x index=0x%04x", info->slot, info->subslot,
                 info->index);
    else if (info->has_control)
        snprintf(out, outsz, "command=%s", control_name(info->control));
    else if (h->opnum == PNIO_OP_CONNECT && h->is_pnio_object)
        snprintf(out, outsz, "device=%04x:%04x", h->obj_vendor, h->obj_device);
}

static void vendor_attr(DissectCtx *ctx, FactSide side, uint16_t id, uint8_t conf)
{
    char vendor[VENDOR_TEXT_MAX];
    vendor_id_text(VENDORS_PROFINET, id, vendor, sizeof vendor);
    dissect_attr(ctx, side, ATTR_VENDOR, vendor, conf);
}

static void identity_facts(DissectCtx *ctx, const RpcHdr *h, const BlockInfo *info)
{
    bool is_response = h->ptype == RPC_PT_RESPONSE;
    /* the object UUID names the RPC server: the request's receiver */
    if (h->is_pnio_object && h->opnum == PNIO_OP_CONNECT)
        vendor_attr(ctx, is_response ? SIDE_SRC : SIDE_DST, h->obj_vendor,
                    is_response ? FACT_CONF_HIGH : FACT_CONF_MEDIUM);
    if (info->station[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_DEVICE_NAME, info->station, FACT_CONF_HIGH);
    if (info->has_initiator)
        vendor_attr(ctx, SIDE_SRC, info->initiator_vendor, FACT_CONF_HIGH);
    if (info->has_im0 && is_response) {
        vendor_attr(ctx, SIDE_SRC, info->im0_vendor, FACT_CONF_HIGH);
        if (info->im0_order[0])
            dissect_attr(ctx, SIDE_SRC, ATTR_ORDER_NUMBER, info->im0_order, FACT_CONF_HIGH);
        if (info->im0_serial[0])
            dissect_attr(ctx, SIDE_SRC, ATTR_SERIAL, info->im0_serial, FACT_CONF_HIGH);
        dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, info->im0_firmware, FACT_CONF_HIGH);
    }
}

static OpClass op_class(const RpcHdr *h, const BlockInfo *info)
{
    if (h->opnum == PNIO_OP_WRITE && info->has_record && info->index <= IDX_USER_LAST)
        return OP_WRITE; /* user-specific record: device data rather than set-up */
    return pnio_ops[h->opnum].cls;
}

/* The NDR header of a request or response: PNIO status (responses) and
 * the argument length.  DISSECT_OK, or the failure to return. */
static DissectResult ndr_header(DissectCtx *ctx, Cursor *body, const RpcHdr *h, uint32_t *status,
                                uint32_t *args_len)
{
    *status = 0;
    if (h->ptype == RPC_PT_RESPONSE) {
        uint8_t st[4];
        cursor_copy(body, st, sizeof st);
        /* ErrorCode (st[0]) only repeats the service; ErrorDecode, ErrorCode1
         * and ErrorCode2 say what failed and keep the status positive */
        *status = (uint32_t)st[1] << 16 | (uint32_t)st[2] << 8 | st[3];
    } else {
        rd32(body, h->is_le); /* ArgsMaximum */
    }
    *args_len = rd32(body, h->is_le);
    rd32(body, h->is_le); /* MaximumCount */
    uint32_t offset = rd32(body, h->is_le);
    uint32_t actual = rd32(body, h->is_le);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    if (offset != 0 || actual != *args_len) {
        dissect_anomaly(ctx, ANOM_BAD_COUNT);
        return DISSECT_MALFORMED;
    }
    return DISSECT_OK;
}

/* Request or response in one fragment: NDR header, then blocks. */
static DissectResult call_pdu(DissectCtx *ctx, Cursor *body, const RpcHdr *h)
{
    bool is_response = h->ptype == RPC_PT_RESPONSE;
    uint32_t status;
    uint32_t args_len;
    DissectResult r = ndr_header(ctx, body, h, &status, &args_len);
    if (r != DISSECT_OK)
        return r;
    Cursor args;
    if (!cursor_take(body, args_len, &args))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    BlockInfo info = {0};
    if (!walk_blocks(&args, &info)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    char detail[FACT_DETAIL_MAX];
    op_detail(h, &info, detail, sizeof detail);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, h->opnum, pnio_ops[h->opnum].name, op_class(h, &info), is_response,
               (int32_t)status, detail[0] ? detail : NULL);
    identity_facts(ctx, h, &info);
    return DISSECT_OK;
}

/* ---- fragmented calls --------------------------------------------------- */

/* RecordDataLength of an IODWriteReqHeader body (after the version). */
static uint32_t record_data_len(const Cursor *blk)
{
    Cursor b = *blk;
    cursor_skip(&b, 2 + RPC_UUID_LEN + 4 + 2 + 2 + 2 + 2); /* up to and with the index */
    uint32_t len = cursor_be32(&b);
    return cursor_ok(&b) ? len : 0;
}

/* One whole block of a fragmented call: counted, read when it is one this
 * file reads, and the record data a write header announces skipped. */
static void stream_block(CmState *st, uint16_t type, Cursor *blk, BlockInfo *info)
{
    uint16_t req_type = type & (uint16_t)~BLK_RESPONSE;
    st->n_blocks++;
    if (type == BLK_IOCR_REQ)
        st->n_iocrs++;
    if (req_type == BLK_WRITE_REQ || req_type == BLK_READ_REQ) {
        uint32_t data = record_data_len(blk); /* before the header read moves blk */
        BlockInfo rec = {0};
        read_write_header(blk, &rec);
        if (req_type == BLK_WRITE_REQ && type == BLK_WRITE_REQ && st->is_in_multiple)
            st->n_writes++;
        if (!st->has_record && rec.has_record) {
            st->has_record = true;
            st->slot = rec.slot;
            st->subslot = rec.subslot;
            st->index = rec.index;
            st->is_in_multiple = type == BLK_WRITE_REQ && rec.index == IDX_WRITE_MULTIPLE;
        }
        if (type == BLK_WRITE_REQ && !(rec.has_record && rec.index == IDX_WRITE_MULTIPLE)) {
            /* records inside a Write Multiple are padded to 4 bytes */
            if (st->is_in_multiple)
                data += (RW_PAD_ALIGN - data % RW_PAD_ALIGN) % RW_PAD_ALIGN;
            st->skip = data;
        }
    } else if (req_type >= BLK_CONTROL_FIRST && req_type <= BLK_CONTROL_LAST) {
        BlockInfo ctl = {0};
        control_block(blk, &ctl);
        if (!st->has_control && ctl.has_control) {
            st->has_control = true;
            st->control = ctl.control;
        }
    } else if (type == BLK_AR_REQ) {
        ar_block_req(blk, info);
    } else if (type == BLK_IM0) {
        im0_block(blk, info);
    }
}

/* Walks the argument bytes of one fragment, continuing where the last
 * fragment of the call stopped. */
static void stream_walk(CmState *st, Cursor *body, BlockInfo *info)
{
    size_t n = cursor_left(body) < st->args_left ? cursor_left(body) : st->args_left;
    Cursor args;
    cursor_take(body, n, &args);
    st->args_left -= (uint32_t)n;
    for (int i = 0; i < BLK_MAX && cursor_left(&args) > 0 && !st->is_walk_lost; i++) {
        if (st->skip) {
            size_t k = cursor_left(&args) < st->skip ? cursor_left(&args) : st->skip;
            cursor_skip(&args, k);
            st->skip -= (uint32_t)k;
            continue;
        }
        while (st->n_carry < BLK_HDR_LEN && cursor_left(&args) > 0)
            st->carry[st->n_carry++] = cursor_u8(&args);
        if (st->n_carry < BLK_HDR_LEN)
            break;
        uint16_t type = (uint16_t)(st->carry[0] << 8 | st->carry[1]);
        uint16_t len = (uint16_t)(st->carry[2] << 8 | st->carry[3]);
        st->n_carry = 0;
        if (type == 0 || len < 2) {
            st->is_walk_lost = true; /* record data, not blocks */
            break;
        }
        size_t body_len = (size_t)len - 2; /* the length counts the version bytes */
        if (body_len <= cursor_left(&args)) {
            Cursor blk;
            cursor_take(&args, body_len, &blk);
            stream_block(st, type, &blk, info);
        } else {
            st->n_blocks++; /* runs on into the next fragment: counted, not read */
            if (type == BLK_IOCR_REQ)
                st->n_iocrs++;
            st->skip = (uint32_t)(body_len - cursor_left(&args));
            cursor_skip(&args, cursor_left(&args));
        }
    }
}

/* The op of a fragmented call, at its last fragment (or when it is found
 * cut off). */
static void emit_call(DissectCtx *ctx, CmState *st, bool is_complete)
{
    bool is_response = st->ptype == RPC_PT_RESPONSE;
    char what[64] = "";
    if (st->has_record)
        snprintf(what, sizeof what, "slot=0x%x subslot=0x%x index=0x%04x ", st->slot, st->subslot,
                 st->index);
    else if (st->has_control)
        snprintf(what, sizeof what, "command=%s ", control_name(st->control));
    else if (st->opnum == PNIO_OP_CONNECT && st->is_pnio_object)
        snprintf(what, sizeof what, "device=%04x:%04x ", st->obj_vendor, st->obj_device);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%sfragments=%u blocks=%u", what, st->n_frags, st->n_blocks);
    size_t used = strlen(detail);
    if (st->n_iocrs)
        used += (size_t)snprintf(detail + used, sizeof detail - used, " iocrs=%u", st->n_iocrs);
    if (st->is_in_multiple && used < sizeof detail)
        used += (size_t)snprintf(detail + used, sizeof detail - used, " writes=%u", st->n_writes);
    if (!is_complete && used < sizeof detail)
        snprintf(detail + used, sizeof detail - used, " incomplete");
    OpClass cls = pnio_ops[st->opnum].cls;
    if (st->opnum == PNIO_OP_WRITE && st->has_record && st->index <= IDX_USER_LAST)
        cls = OP_WRITE;
    dissect_op(ctx, st->opnum, pnio_ops[st->opnum].name, cls, is_response, (int32_t)st->status,
               detail);
    st->is_active = false;
}

static bool is_next_fragment(const CmState *st, const RpcHdr *h)
{
    return st->is_active && st->activity == h->activity && st->seqnum == h->seqnum &&
           st->ptype == h->ptype && st->next_frag == h->frag_num;
}

/* Fragment 0 of a call: its NDR header, then the first blocks. */
static DissectResult first_fragment(DissectCtx *ctx, CmState *st, Cursor *body, const RpcHdr *h)
{
    uint32_t status;
    uint32_t args_len;
    DissectResult r = ndr_header(ctx, body, h, &status, &args_len);
    if (r != DISSECT_OK)
        return r;
    if (st->is_active)
        emit_call(ctx, st, false); /* the previous call lost fragments */
    memset(st, 0, sizeof *st);
    st->is_active = true;
    st->activity = h->activity;
    st->seqnum = h->seqnum;
    st->ptype = h->ptype;
    st->opnum = h->opnum;
    st->is_le = h->is_le;
    st->status = status;
    st->args_left = args_len;
    st->next_frag = 1;
    st->n_frags = 1;
    st->is_pnio_object = h->is_pnio_object;
    st->obj_vendor = h->obj_vendor;
    st->obj_device = h->obj_device;
    BlockInfo info = {0};
    stream_walk(st, body, &info);
    identity_facts(ctx, h, &info);
    if (h->flags1 & RPC_PF_LAST_FRAG)
        emit_call(ctx, st, true);
    return DISSECT_OK;
}

/* A request or response sent in fragments. */
static DissectResult fragment(DissectCtx *ctx, Cursor *body, const RpcHdr *h)
{
    CmState *st = ctx->state;
    ctx->dir_hint = h->ptype == RPC_PT_RESPONSE ? DIR_RESPONSE : DIR_REQUEST;
    if (!st)
        return h->frag_num == 0 ? call_pdu(ctx, body, h) : DISSECT_OK;
    if (h->frag_num == 0)
        return first_fragment(ctx, st, body, h);
    if (!is_next_fragment(st, h)) {
        if (st->is_active && st->activity == h->activity && st->seqnum == h->seqnum)
            emit_call(ctx, st, false); /* a fragment went missing or came out of order */
        return DISSECT_OK; /* a call whose start the capture did not hold */
    }
    BlockInfo info = {0};
    stream_walk(st, body, &info);
    identity_facts(ctx, h, &info);
    st->next_frag++;
    st->n_frags++;
    if (h->flags1 & RPC_PF_LAST_FRAG)
        emit_call(ctx, st, true);
    return DISSECT_OK;
}

static DissectResult cm_dissect(Cursor *c, DissectCtx *ctx)
{
    RpcHdr h = {0};
    RpcUuid iface;
    if (!rpc_header(c, &h, &iface))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!uuid_is_pnio_interface(&iface))
        return DISSECT_NOT_MINE;
    if (h.ptype > RPC_PT_LAST) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    Cursor body;
    if (!cursor_take(c, h.frag_len, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    bool has_op = h.ptype == RPC_PT_REQUEST || h.ptype == RPC_PT_RESPONSE ||
                  h.ptype == RPC_PT_FAULT || h.ptype == RPC_PT_REJECT;
    if (!has_op) {
        /* ping, working, nocall, ack, cancel, fack: RPC housekeeping */
        bool is_request = h.ptype == RPC_PT_PING;
        ctx->dir_hint = is_request ? DIR_REQUEST : DIR_UNKNOWN;
        return DISSECT_OK;
    }
    if (h.opnum >= sizeof pnio_ops / sizeof pnio_ops[0]) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    if (h.ptype == RPC_PT_FAULT || h.ptype == RPC_PT_REJECT) {
        uint32_t code = rd32(&body, h.is_le);
        if (!cursor_ok(&body))
            return dissect_fail(ctx, &body, ANOM_LEN_MISMATCH);
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, h.opnum, pnio_ops[h.opnum].name, pnio_ops[h.opnum].cls, true, (int32_t)code,
                   h.ptype == RPC_PT_FAULT ? "rpc fault" : "rpc reject");
        return DISSECT_OK;
    }
    if ((h.flags1 & RPC_PF_FRAG) || h.frag_num != 0)
        return fragment(ctx, &body, &h);
    return call_pdu(ctx, &body, &h);
}

const ProtoDesc proto_profinet_cm = {
    .name = "profinet-cm",
    .transports = PT_UDP,
    .ports = {34964},
    .probe = cm_probe,
    .dissect = cm_dissect,
    .state_size = sizeof(CmState),
};
