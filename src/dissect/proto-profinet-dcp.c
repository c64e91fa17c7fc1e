/*
 * proto-profinet-dcp.c - PROFINET Discovery and basic Configuration Protocol.
 *
 * DCP shares ethertype 0x8892 with PROFINET RT and is told apart by its
 * frame IDs (0xfefc hello, 0xfefd get/set, 0xfefe identify request, 0xfeff
 * identify response); other frame IDs are NOT_MINE (proto-profinet-rt.c
 * takes them).  Parsed: the DCP header (service ID, service type, Xid,
 * data length) and the blocks of identify responses, hellos and set
 * requests.  Service IDs: 3 get (read), 4 set (config), 5 identify and 6
 * hello (discovery).  Identity in plain sight: NameOfStation -> device_name,
 * type of station (DeviceVendorValue) -> model, vendor ID -> vendor named
 * from the PNO list in data/vendors/profinet.tsv ("Siemens AG (42)", or
 * "vendor-id N" when unlisted), IP parameters and device ID in the
 * detail.  A set request names the target: NameOfStation of a set goes to the receiver
 * (SIDE_DST).  Control suboptions of a set are named (signal,
 * factory-reset, reset-to-factory); a reset is a control operation.  Not
 * parsed: get request option lists, DHCP and device-initiative options,
 * other control suboptions, manufacturer-specific options, block error
 * codes beyond the service type.
 *
 * Reference: IEC 61158-6-10:2014 (PROFINET IO protocol specification),
 * clause 4.3 (DCP: DCP-UC/MC-Header, DCPBlock, options and suboptions).
 *
 *   0               1               2               3
 *  +-------------------------------+---------------+---------------+
 *  |  FrameID (0xfefc..0xfeff)     |  ServiceID    |  ServiceType  |
 *  +-------------------------------+---------------+---------------+
 *  |  Xid                                                          |
 *  +-------------------------------+-------------------------------+
 *  |  ResponseDelay / reserved     |  DCPDataLength                |
 *  +---------------+---------------+-------------------------------+
 *  |  Option       |  Suboption    |  DCPBlockLength               |
 *  +---------------+---------------+-------------------------------+
 *  |  BlockInfo / BlockQualifier (responses, hello, set) | data | pad |
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "otscope/vendors.h"

enum {
    DCP_FRAME_HELLO = 0xfefc,
    DCP_FRAME_GET_SET = 0xfefd,
    DCP_FRAME_IDENT_REQ = 0xfefe,
    DCP_FRAME_IDENT_RSP = 0xfeff,
    DCP_HDR_LEN = 12, /* FrameID .. DCPDataLength */
    DCP_SVC_GET = 3,
    DCP_SVC_SET = 4,
    DCP_SVC_IDENTIFY = 5,
    DCP_SVC_HELLO = 6,
    DCP_TYPE_REQUEST = 0,
    DCP_TYPE_RESPONSE_OK = 1,
    DCP_TYPE_RESPONSE_UNSUPPORTED = 5,
    DCP_OPT_IP = 1,
    DCP_OPT_DEVICE = 2,
    DCP_OPT_CONTROL = 5,
    DCP_SUB_CTRL_SIGNAL = 3,
    DCP_SUB_CTRL_FACTORY_RESET = 5,
    DCP_SUB_CTRL_RESET_TO_FACTORY = 6,
    DCP_OPT_ALL = 0xff,
    DCP_SUB_IP_PARAM = 2,
    DCP_SUB_DEV_VENDOR = 1,
    DCP_SUB_DEV_NAME = 2,
    DCP_SUB_DEV_ID = 3,
    DCP_MAX_BLOCKS = 32,
    DCP_NAME_MAX = 241, /* NameOfStation is at most 240 octets */
};

typedef struct DcpService {
    uint8_t id;
    const char *name;
    OpClass cls;
} DcpService;

static const DcpService dcp_services[] = {
    {DCP_SVC_GET, "get", OP_READ},
    {DCP_SVC_SET, "set", OP_CONFIG},
    {DCP_SVC_IDENTIFY, "identify", OP_DISCOVERY},
    {DCP_SVC_HELLO, "hello", OP_DISCOVERY},
};

typedef struct DcpHeader {
    uint16_t frame_id;
    uint8_t service;
    uint8_t type;
    uint16_t data_len;
} DcpHeader;

typedef struct DcpInfo {
    char name[DCP_NAME_MAX];
    char vendor_value[FACT_VALUE_MAX];
    char ip[16];
    uint16_t vendor_id;
    uint16_t device_id;
    bool has_device_id;
    bool is_all_selector;
    const char *control; /* a control suboption of a set: "signal", "factory-reset" */
    bool is_reset;       /* the set resets the device to its factory state */
} DcpInfo;

static const DcpService *dcp_service_lookup(uint8_t id)
{
    for (size_t i = 0; i < sizeof(dcp_services) / sizeof(dcp_services[0]); i++) {
        if (dcp_services[i].id == id)
            return &dcp_services[i];
    }
    return NULL;
}

static bool dcp_is_frame_id(uint16_t frame_id)
{
    return frame_id >= DCP_FRAME_HELLO && frame_id <= DCP_FRAME_IDENT_RSP;
}

static bool dcp_is_type(uint8_t type)
{
    return type == DCP_TYPE_REQUEST || type == DCP_TYPE_RESPONSE_OK ||
           type == DCP_TYPE_RESPONSE_UNSUPPORTED;
}

static void dcp_read_header(Cursor *c, DcpHeader *h)
{
    h->frame_id = cursor_be16(c);
    h->service = cursor_u8(c);
    h->type = cursor_u8(c);
    cursor_skip(c, 6); /* Xid, ResponseDelay/reserved */
    h->data_len = cursor_be16(c);
}

static bool dcp_header_valid(const DcpHeader *h)
{
    return dcp_is_frame_id(h->frame_id) && dcp_service_lookup(h->service) && dcp_is_type(h->type);
}

static DissectResult dcp_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    int hi = cursor_peek(c, 0);
    int lo = cursor_peek(c, 1);
    if (hi < 0 || lo < 0)
        return DISSECT_NEED_MORE;
    if (!dcp_is_frame_id((uint16_t)((hi << 8) | lo)))
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < DCP_HDR_LEN)
        return DISSECT_NEED_MORE;
    DcpHeader h;
    dcp_read_header(c, &h);
    return dcp_header_valid(&h) ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* Blocks of identify responses, hellos and set requests carry 2 bytes of
 * BlockInfo/BlockQualifier before the data; identify filters do not. */
static bool dcp_has_block_info(const DcpHeader *h)
{
    return h->type != DCP_TYPE_REQUEST || h->service == DCP_SVC_SET || h->service == DCP_SVC_HELLO;
}

static void dcp_block(uint8_t option, uint8_t sub, Cursor *b, DcpInfo *info)
{
    if (option == DCP_OPT_DEVICE && sub == DCP_SUB_DEV_NAME) {
        cursor_str(b, cursor_left(b), info->name, sizeof(info->name));
    } else if (option == DCP_OPT_DEVICE && sub == DCP_SUB_DEV_VENDOR) {
        cursor_str(b, cursor_left(b), info->vendor_value, sizeof(info->vendor_value));
    } else if (option == DCP_OPT_DEVICE && sub == DCP_SUB_DEV_ID) {
        info->vendor_id = cursor_be16(b);
        info->device_id = cursor_be16(b);
        info->has_device_id = cursor_ok(b);
    } else if (option == DCP_OPT_IP && sub == DCP_SUB_IP_PARAM) {
        uint8_t a[4];
        if (cursor_copy(b, a, sizeof(a)))
            snprintf(info->ip, sizeof(info->ip), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else if (option == DCP_OPT_ALL && sub == DCP_OPT_ALL) {
        info->is_all_selector = true;
    } else if (option == DCP_OPT_CONTROL && sub == DCP_SUB_CTRL_SIGNAL) {
        info->control = "signal"; /* flash the device's LED */
    } else if (option == DCP_OPT_CONTROL &&
               (sub == DCP_SUB_CTRL_FACTORY_RESET || sub == DCP_SUB_CTRL_RESET_TO_FACTORY)) {
        info->control = sub == DCP_SUB_CTRL_FACTORY_RESET ? "factory-reset" : "reset-to-factory";
        info->is_reset = true;
    }
}

/* Walks the blocks of the DCP data; a broken block fails *data. */
static void dcp_blocks(Cursor *data, const DcpHeader *h, DcpInfo *info)
{
    bool has_info = dcp_has_block_info(h);
    for (unsigned i = 0; i < DCP_MAX_BLOCKS && cursor_left(data) > 0; i++) {
        uint8_t option = cursor_u8(data);
        uint8_t sub = cursor_u8(data);
        uint16_t len = cursor_be16(data);
        Cursor b;
        if (!cursor_take(data, len, &b))
            return;
        if (has_info && !cursor_skip(&b, 2)) {
            cursor_set_bad(data); /* block too short for its BlockInfo */
            return;
        }
        dcp_block(option, sub, &b, info);
        if (!cursor_ok(&b)) {
            cursor_set_bad(data);
            return;
        }
        if ((len & 1) && cursor_left(data) > 0)
            cursor_skip(data, 1); /* blocks are padded to even length */
    }
}

static void dcp_detail(const DcpInfo *info, char *detail, size_t detailsz)
{
    int n = 0;
    detail[0] = '\0';
    if (info->is_all_selector)
        n = snprintf(detail, detailsz, "all");
    if (info->name[0] && n >= 0 && (size_t)n < detailsz)
        n += snprintf(detail + n, detailsz - (size_t)n, "%sname=%.40s", n ? " " : "", info->name);
    if (info->ip[0] && n >= 0 && (size_t)n < detailsz)
        n += snprintf(detail + n, detailsz - (size_t)n, "%sip=%s", n ? " " : "", info->ip);
    if (info->has_device_id && n >= 0 && (size_t)n < detailsz)
        n += snprintf(detail + n, detailsz - (size_t)n, "%sdevice=%04x:%04x", n ? " " : "",
                      info->vendor_id, info->device_id);
    if (info->control && n >= 0 && (size_t)n < detailsz)
        snprintf(detail + n, detailsz - (size_t)n, "%scontrol=%s", n ? " " : "", info->control);
}

static void dcp_identity(DissectCtx *ctx, const DcpHeader *h, const DcpInfo *info)
{
    bool is_announce = h->type == DCP_TYPE_RESPONSE_OK || h->service == DCP_SVC_HELLO;
    bool is_set = h->service == DCP_SVC_SET && h->type == DCP_TYPE_REQUEST;
    if (is_set && info->name[0])
        dissect_attr(ctx, SIDE_DST, ATTR_DEVICE_NAME, info->name, FACT_CONF_MEDIUM);
    if (!is_announce)
        return;
    if (info->name[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_DEVICE_NAME, info->name, FACT_CONF_HIGH);
    if (info->vendor_value[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, info->vendor_value, FACT_CONF_HIGH);
    if (info->has_device_id) {
        char vendor[FACT_VALUE_MAX];
        vendor_id_text(VENDORS_PROFINET, info->vendor_id, vendor, sizeof(vendor));
        dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, vendor, FACT_CONF_HIGH);
    }
}

static DissectResult dcp_dissect(Cursor *c, DissectCtx *ctx)
{
    DcpHeader h;
    DcpInfo info;
    Cursor data;
    memset(&info, 0, sizeof(info));
    dcp_read_header(c, &h);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    /* RT frames share the ethertype and the MAC pair: not an anomaly. */
    if (!dcp_is_frame_id(h.frame_id))
        return DISSECT_NOT_MINE;
    const DcpService *svc = dcp_service_lookup(h.service);
    if (!dcp_is_type(h.type)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!svc) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    if (!cursor_take(c, h.data_len, &data)) /* Ethernet padding may follow */
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (h.service != DCP_SVC_GET || h.type != DCP_TYPE_REQUEST)
        dcp_blocks(&data, &h, &info);
    if (!cursor_ok(&data))
        return dissect_fail(ctx, &data, ANOM_LEN_MISMATCH);

    bool is_response = h.type != DCP_TYPE_REQUEST;
    char detail[FACT_DETAIL_MAX];
    dcp_detail(&info, detail, sizeof(detail));
    /* A set that resets the device to factory state wipes its name and
     * IP: it is a control operation, not a configuration change. */
    OpClass cls = info.is_reset ? OP_CONTROL : svc->cls;
    dissect_op(ctx, svc->id, svc->name, cls, is_response,
               h.type == DCP_TYPE_RESPONSE_OK || !is_response ? 0 : h.type, detail);
    dcp_identity(ctx, &h, &info);
    if (h.service != DCP_SVC_HELLO)
        ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_profinet_dcp = {
    .name = "profinet-dcp",
    .transports = PT_ETHER,
    .ethertypes = {0x8892},
    .probe = dcp_probe,
    .dissect = dcp_dissect,
};
