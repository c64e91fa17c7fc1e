/*
 * proto-codesys.c - CODESYS V3 runtime protocol (PLC programming and
 * online services of CODESYS-based controllers): the TCP block driver
 * (11740-11743, gateway 1217, 2455) and the UDP datagram layer
 * (1740-1743).
 *
 * Parsed: the TCP block driver header (magic, length), the datagram layer
 * (layer-3 router: header length, service, address lengths), the name
 * service (discovery requests; DeviceInfo replies give node name, device
 * name, vendor name, firmware and serial of the runtime), and the channel
 * layer (open/close channel, keep-alive, acknowledgements, application
 * blocks).  The first application block of a message carries the service
 * layer: service group and service id become the op (code = group * 256 +
 * service).  The services whose ids public tools use are named and classed
 * one by one (CmpDevice login/logout/identification, CmpApp login, create,
 * delete, download, online change, start, stop, reset, breakpoints, single
 * cycle, read status, application list, boot project; PlcShell commands;
 * CmpMonitor variable reads/writes), every other service is named and
 * classed by its group (CmpFileTransfer, CmpIecVarAccess, CmpUserMgr, ...)
 * with the ids in the detail.  A secured service layer (TLS-wrapped channel
 * content) is counted as "Secure Service".  Deliberately not parsed: the
 * tag-encoded service content (application names, variables, files),
 * later blocks of a message split over several blocks, CODESYS V2
 * (different framing), the gateway's own client protocol.
 *
 * Reference: no public CODESYS specification.  Layout as implemented by
 * Microsoft's ics-forensics-tools (CodeSysV3 plugin, 2023) and the
 * runtime's interface headers (CmpCommunicationLibItf: service groups).
 * Service ids: the pycodesys client of the FieldFuzz research (NYU
 * momalab, 2022: CmpApp login 0x01, logout 0x02, read status 0x14,
 * application list 0x18, single cycle 0x22; CmpDevice logout 0x03;
 * PlcShell 0x01; CmpMonitor read 0x01) and the CmpApp service list of the
 * runtime's online-service interface as described in public research
 * (create 0x03, delete 0x04, download 0x05, online change 0x06, start
 * 0x10, stop 0x11, reset 0x12, breakpoints 0x13/0x15, boot project 0x23).
 *
 *  TCP block driver: | magic 00 01 17 e8 | length (le32, whole PDU) |
 *  datagram layer:   | c5 | hop<<3|hdr words | prio/flags | service |
 *                    | msg id | sender words<<4|receiver words | addrs | pad |
 *  channel layer:    | type | flags | ... (app block: channel, blk id,
 *                    ack id, [first: remaining size, crc32])
 *  service layer:    | protocol id (55 cd / 57 75) | header size | group |
 *                    | service | session id | content size | tags ...
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    BD_HDR_LEN = 8,
    BD_LEN_MAX = 1 << 20,
    DG_MAGIC = 0xc5,
    DG_FIXED_LEN = 6,
    DG_SVC_ADDR_NOTIFY_REQ = 1,
    DG_SVC_ADDR_NOTIFY_RSP = 2,
    DG_SVC_NS_SERVER = 3,
    DG_SVC_NS_CLIENT = 4,
    DG_SVC_CHANNEL = 64,
    CH_APP_BLOCK = 0x01,
    CH_APP_ACK = 0x02,
    CH_KEEPALIVE = 0x03,
    CH_GET_INFO = 0xc2,
    CH_OPEN_REQ = 0xc3,
    CH_CLOSE = 0xc4,
    CH_OPEN_RSP = 0x83,
    CH_FLAG_REQUEST = 0x80,
    CH_FLAG_FIRST = 0x01,
    SL_PROTO_NORMAL = 0xcd55,
    SL_PROTO_SECURE = 0x7557,
    SL_GROUP_MASK = 0x7f,
    SL_RESPONSE_BIT = 0x80,
    NS_DEVICE_INFO = 0xc280,
    NS_FIXED_LEN = 37,       /* up to and including the serial length */
    NS_STRINGS_OFFSET = 48,  /* names start 48 bytes + node name offset after the NS header */
    NS_NAME_CHARS_MAX = 128, /* UTF-16 units examined per name */
    CODESYS_NAME_MAX = 64,
    CODESYS_CHANNEL_CODE = 0x10000, /* channel-layer ops: above any group * 256 + service */
};

typedef struct CodesysGroup {
    uint8_t group;
    const char *name;
    OpClass cls;
} CodesysGroup;

/* Service groups of the runtime components. */
static const CodesysGroup codesys_groups[] = {
    {0x01, "CmpDevice", OP_SESSION}, /* target identification, login */
    {0x02, "CmpApp", OP_OTHER},      /* application login/state/start/stop/download */
    {0x04, "CmpVisuServer", OP_READ},
    {0x05, "CmpLog", OP_DIAGNOSTIC},
    {0x06, "CmpSettings", OP_CONFIG},
    {0x07, "SysEthernet", OP_CONFIG},
    {0x08, "CmpFileTransfer", OP_PROGRAM},
    {0x09, "CmpIecVarAccess", OP_READ},
    {0x0b, "CmpIoMgr", OP_CONFIG},
    {0x0c, "CmpUserMgr", OP_SESSION},
    {0x0f, "CmpTraceMgr", OP_DIAGNOSTIC},
    {0x11, "PlcShell", OP_CONFIG},
    {0x12, "CmpAppBP", OP_CONTROL}, /* breakpoints halt the application */
    {0x13, "CmpAppForce", OP_WRITE},
    {0x18, "CmpAlarmManager", OP_READ},
    {0x1b, "CmpMonitor", OP_READ},
    {0x1d, "CmpCodeMeter", OP_OTHER},
    {0x1f, "CmpCoreDump", OP_DIAGNOSTIC},
    {0x22, "CmpOpenSSL", OP_SESSION},
};

typedef struct CodesysService {
    uint8_t group;
    uint8_t service;
    const char *name;
    OpClass cls;
} CodesysService;

/* Services named one by one (see the reference above); the rest take the
 * group's name and class. */
static const CodesysService codesys_services[] = {
    {0x01, 0x01, "Device Get Target Ident", OP_DISCOVERY},
    {0x01, 0x02, "Device Login", OP_SESSION},
    {0x01, 0x03, "Device Logout", OP_SESSION},
    {0x01, 0x04, "Device Reset Origin", OP_CONFIG}, /* back to factory settings */
    {0x01, 0x05, "Device Echo", OP_DIAGNOSTIC},
    {0x02, 0x01, "App Login", OP_SESSION},
    {0x02, 0x02, "App Logout", OP_SESSION},
    {0x02, 0x03, "App Create", OP_PROGRAM},
    {0x02, 0x04, "App Delete", OP_PROGRAM},
    {0x02, 0x05, "App Download", OP_PROGRAM},
    {0x02, 0x06, "App Online Change", OP_PROGRAM},
    {0x02, 0x10, "App Start", OP_CONTROL},
    {0x02, 0x11, "App Stop", OP_CONTROL},
    {0x02, 0x12, "App Reset", OP_CONTROL},
    {0x02, 0x13, "App Set Breakpoint", OP_CONTROL}, /* halts the task that hits it */
    {0x02, 0x14, "App Read Status", OP_READ},
    {0x02, 0x15, "App Delete Breakpoint", OP_CONTROL},
    {0x02, 0x18, "App Read Application List", OP_READ},
    {0x02, 0x22, "App Single Cycle", OP_CONTROL},
    {0x02, 0x23, "App Create Boot Project", OP_PROGRAM},
    {0x11, 0x01, "PlcShell Execute", OP_CONFIG},
    {0x1b, 0x01, "Monitor Read Variables", OP_READ},
    {0x1b, 0x02, "Monitor Write Variables", OP_WRITE},
};

static const CodesysService *service_find(uint8_t group, uint16_t service)
{
    for (size_t i = 0; i < sizeof(codesys_services) / sizeof(codesys_services[0]); i++)
        if (codesys_services[i].group == group && codesys_services[i].service == service)
            return &codesys_services[i];
    return NULL;
}

static const CodesysGroup *group_find(uint8_t group)
{
    for (size_t i = 0; i < sizeof(codesys_groups) / sizeof(codesys_groups[0]); i++)
        if (codesys_groups[i].group == group)
            return &codesys_groups[i];
    return NULL;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

static bool is_bd_magic(const Cursor *c)
{
    static const uint8_t magic[] = {0x00, 0x01, 0x17, 0xe8};
    return cursor_starts_with(c, magic, sizeof magic);
}

static bool is_dg_service(int svc)
{
    return (svc >= DG_SVC_ADDR_NOTIFY_REQ && svc <= DG_SVC_NS_CLIENT) || svc == DG_SVC_CHANNEL;
}

/* The datagram layer's fixed part: magic, a header length of 3 words, a
 * known service. */
static bool dg_plausible(const Cursor *c, size_t off)
{
    int magic = cursor_peek(c, off);
    int hdr = cursor_peek(c, off + 1);
    int svc = cursor_peek(c, off + 3);
    return magic == DG_MAGIC && hdr >= 0 && (hdr & 0x07) == 3 && is_dg_service(svc);
}

static DissectResult codesys_probe(Cursor *c, const DissectCtx *ctx)
{
    size_t left = cursor_left(c);
    if (ctx->pkt->transport == TP_UDP) {
        if (left < DG_FIXED_LEN)
            return DISSECT_NOT_MINE;
        return dg_plausible(c, 0) ? DISSECT_OK : DISSECT_NOT_MINE;
    }
    static const uint8_t magic[] = {0x00, 0x01, 0x17, 0xe8};
    for (size_t i = 0; i < sizeof magic && i < left; i++)
        if (cursor_peek(c, i) != magic[i])
            return DISSECT_NOT_MINE;
    if (left < BD_HDR_LEN + DG_FIXED_LEN)
        return DISSECT_NEED_MORE;
    Cursor h = *c;
    cursor_skip(&h, 4);
    uint32_t len = cursor_le32(&h);
    if (len < BD_HDR_LEN + DG_FIXED_LEN || len > BD_LEN_MAX)
        return DISSECT_NOT_MINE;
    return dg_plausible(c, BD_HDR_LEN) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static size_t codesys_pdu_len(Cursor *c)
{
    if (cursor_left(c) < BD_HDR_LEN)
        return 0;
    if (!is_bd_magic(c))
        return PDU_LEN_BAD;
    cursor_skip(c, 4);
    uint32_t len = cursor_le32(c);
    if (len < BD_HDR_LEN || len > BD_LEN_MAX)
        return PDU_LEN_BAD;
    return len;
}

/* A UTF-16LE string of n units as printable ASCII (other units become
 * '.'), then its terminating NUL unit. */
static void utf16_name(Cursor *c, size_t n_units, char *out, size_t outsz)
{
    size_t o = 0;
    for (size_t i = 0; i < n_units && i < NS_NAME_CHARS_MAX && cursor_ok(c); i++) {
        uint16_t u = cursor_le16(c);
        if (o + 1 < outsz)
            out[o++] = (u >= 0x20 && u < 0x7f) ? (char)u : '.';
    }
    out[o] = '\0';
    if (n_units > NS_NAME_CHARS_MAX)
        cursor_skip(c, (n_units - NS_NAME_CHARS_MAX) * 2);
    cursor_skip(c, 2);
}

/* Name service DeviceInfo reply: the runtime describes itself. */
static void ns_device_info(DissectCtx *ctx, Cursor *ns)
{
    Cursor f = *ns;
    cursor_skip(&f, 2 + 2 + 4 + 2 + 1 + 1); /* subcmd, version, msg id, channels, order */
    uint16_t name_offset = cursor_le16(&f);
    uint16_t node_len = cursor_le16(&f);
    uint16_t device_len = cursor_le16(&f);
    uint16_t vendor_len = cursor_le16(&f);
    cursor_skip(&f, 2 + 2 + 4); /* target type, target id, reserved */
    uint8_t fw[4];
    cursor_copy(&f, fw, sizeof fw);
    cursor_skip(&f, 4);
    uint8_t serial_len = cursor_u8(&f);
    if (!cursor_ok(&f))
        return;
    Cursor s = *ns;
    cursor_skip(&s, NS_STRINGS_OFFSET + (size_t)name_offset);
    char node[CODESYS_NAME_MAX];
    char device[CODESYS_NAME_MAX];
    char vendor[CODESYS_NAME_MAX];
    char serial[CODESYS_NAME_MAX];
    utf16_name(&s, node_len, node, sizeof node);
    utf16_name(&s, device_len, device, sizeof device);
    utf16_name(&s, vendor_len, vendor, sizeof vendor);
    cursor_str(&s, serial_len, serial, sizeof serial);
    if (!cursor_ok(&s))
        return; /* names are only trusted when all of them are there */
    char firmware[32];
    snprintf(firmware, sizeof firmware, "%u.%u.%u.%u", fw[3], fw[2], fw[1], fw[0]);
    if (node[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, node, FACT_CONF_HIGH);
    if (device[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, device, FACT_CONF_HIGH);
    if (vendor[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, vendor, FACT_CONF_HIGH);
    dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, firmware, FACT_CONF_HIGH);
    if (serial[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SERIAL, serial, FACT_CONF_HIGH);
    dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, "CODESYS V3 runtime", FACT_CONF_HIGH);
}

static DissectResult name_service(DissectCtx *ctx, Cursor *ns, uint8_t service)
{
    uint16_t subcmd = cursor_le16(ns);
    if (!cursor_ok(ns))
        return dissect_fail(ctx, ns, ANOM_LEN_MISMATCH);
    bool is_reply = service == DG_SVC_NS_CLIENT;
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "subcmd=0x%04x", subcmd);
    ctx->dir_hint = is_reply ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, CODESYS_CHANNEL_CODE + DG_SVC_NS_SERVER, "Name Service", OP_DISCOVERY,
               is_reply, 0, detail);
    return DISSECT_OK;
}

/* Service layer of a message's first application block. */
static DissectResult service_layer(DissectCtx *ctx, Cursor *sl, bool is_request_flag)
{
    uint16_t proto = cursor_le16(sl);
    uint16_t header_size = cursor_le16(sl);
    uint16_t group_word = cursor_le16(sl);
    uint16_t service = cursor_le16(sl);
    uint32_t session = cursor_le32(sl);
    if (!cursor_ok(sl))
        return dissect_fail(ctx, sl, ANOM_LEN_MISMATCH);
    if (proto == SL_PROTO_SECURE) {
        ctx->dir_hint = is_request_flag ? DIR_REQUEST : DIR_RESPONSE;
        dissect_op(ctx, CODESYS_CHANNEL_CODE + 0xff, "Secure Service", OP_OTHER, !is_request_flag,
                   0, NULL);
        return DISSECT_OK;
    }
    if (proto != SL_PROTO_NORMAL || header_size < 12)
        return malformed(ctx, ANOM_BAD_HEADER);
    uint8_t group = group_word & SL_GROUP_MASK;
    bool is_response = (group_word & SL_RESPONSE_BIT) != 0;
    const CodesysGroup *g = group_find(group);
    const CodesysService *svc = service_find(group, service);
    const char *name = svc ? svc->name : g ? g->name : "Service";
    OpClass cls = svc ? svc->cls : g ? g->cls : OP_OTHER;
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s group=0x%02x service=0x%02x session=0x%08x",
             g ? g->name : "unknown", group, service, session);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, (uint32_t)group << 8 | (service & 0xff), name, cls, is_response, 0, detail);
    return DISSECT_OK;
}

static DissectResult channel_layer(DissectCtx *ctx, Cursor *ch)
{
    uint8_t type = cursor_u8(ch);
    uint8_t flags = cursor_u8(ch);
    if (!cursor_ok(ch))
        return dissect_fail(ctx, ch, ANOM_LEN_MISMATCH);
    switch (type) {
    case CH_APP_BLOCK: {
        cursor_skip(ch, 2 + 4 + 4); /* channel id, block id, ack id */
        if (!(flags & CH_FLAG_FIRST)) {
            if (!cursor_ok(ch))
                return dissect_fail(ctx, ch, ANOM_LEN_MISMATCH);
            return DISSECT_OK; /* a later block of a message counted at its first */
        }
        cursor_skip(ch, 4 + 4); /* remaining data size, crc32 */
        return service_layer(ctx, ch, (flags & CH_FLAG_REQUEST) != 0);
    }
    case CH_APP_ACK:
        return DISSECT_OK; /* flow control only */
    case CH_KEEPALIVE:
        dissect_op(ctx, CODESYS_CHANNEL_CODE + type, "Keep Alive", OP_SESSION, false, 0, NULL);
        return DISSECT_OK;
    case CH_GET_INFO:
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, CODESYS_CHANNEL_CODE + type, "Get Channel Info", OP_DISCOVERY, false, 0,
                   NULL);
        return DISSECT_OK;
    case CH_OPEN_REQ:
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, CODESYS_CHANNEL_CODE + type, "Open Channel", OP_SESSION, false, 0, NULL);
        return DISSECT_OK;
    case CH_OPEN_RSP: {
        cursor_skip(ch, 2 + 4 + 4); /* version, checksum, msg id */
        uint16_t reason = cursor_le16(ch);
        if (!cursor_ok(ch))
            return dissect_fail(ctx, ch, ANOM_LEN_MISMATCH);
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, CODESYS_CHANNEL_CODE + CH_OPEN_REQ, "Open Channel", OP_SESSION, true,
                   reason, NULL);
        return DISSECT_OK;
    }
    case CH_CLOSE:
        dissect_op(ctx, CODESYS_CHANNEL_CODE + type, "Close Channel", OP_SESSION, false, 0, NULL);
        return DISSECT_OK;
    default:
        return malformed(ctx, ANOM_BAD_FUNCTION);
    }
}

/* Datagram layer: fixed part, receiver and sender addresses (in 16-bit
 * words), padding to a 4-byte boundary counted from the block driver
 * header (base = bytes before the datagram layer). */
static DissectResult datagram(DissectCtx *ctx, Cursor *c, size_t base)
{
    uint8_t magic = cursor_u8(c);
    uint8_t hdr = cursor_u8(c);
    cursor_u8(c); /* priority, signal, address type, data block length */
    uint8_t service = cursor_u8(c);
    cursor_u8(c); /* message id */
    uint8_t lens = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (magic != DG_MAGIC || (hdr & 0x07) != 3)
        return malformed(ctx, ANOM_BAD_HEADER);
    size_t addr_len = 2 * (size_t)((lens & 0x0f) + (lens >> 4));
    size_t pad = (4 - (base + DG_FIXED_LEN + addr_len) % 4) % 4;
    cursor_skip(c, addr_len + pad);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    switch (service) {
    case DG_SVC_CHANNEL:
        return channel_layer(ctx, c);
    case DG_SVC_NS_SERVER:
    case DG_SVC_NS_CLIENT: {
        Cursor ns = *c; /* the DeviceInfo fields count from the subcommand */
        DissectResult res = name_service(ctx, c, service);
        bool is_device_info = cursor_peek(&ns, 0) == (NS_DEVICE_INFO & 0xff) &&
                              cursor_peek(&ns, 1) == (NS_DEVICE_INFO >> 8);
        if (res == DISSECT_OK && service == DG_SVC_NS_CLIENT && is_device_info)
            ns_device_info(ctx, &ns);
        return res;
    }
    case DG_SVC_ADDR_NOTIFY_REQ:
    case DG_SVC_ADDR_NOTIFY_RSP:
        dissect_op(ctx, CODESYS_CHANNEL_CODE + service, "Address Notification", OP_DISCOVERY,
                   service == DG_SVC_ADDR_NOTIFY_RSP, 0, NULL);
        return DISSECT_OK;
    default:
        return malformed(ctx, ANOM_BAD_FUNCTION);
    }
}

static DissectResult codesys_dissect(Cursor *c, DissectCtx *ctx)
{
    if (ctx->pkt->transport == TP_UDP)
        return datagram(ctx, c, 0);
    uint8_t magic[4];
    cursor_copy(c, magic, sizeof magic);
    uint32_t len = cursor_le32(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (magic[0] != 0x00 || magic[1] != 0x01 || magic[2] != 0x17 || magic[3] != 0xe8)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (len < BD_HDR_LEN + DG_FIXED_LEN)
        return malformed(ctx, ANOM_LEN_MISMATCH);
    Cursor body;
    if (!cursor_take(c, len - BD_HDR_LEN, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    return datagram(ctx, &body, BD_HDR_LEN);
}

const ProtoDesc proto_codesys = {
    .name = "codesys",
    .transports = PT_TCP | PT_UDP,
    .ports = {11740, 11741, 11742, 11743, 1217, 2455, 1740, 1741},
    .probe = codesys_probe,
    .pdu_len = codesys_pdu_len,
    .dissect = codesys_dissect,
};
