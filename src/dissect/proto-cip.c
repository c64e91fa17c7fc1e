/*
 * proto-cip.c - CIP explicit messages (Message Router request/response),
 * carried in EtherNet/IP CPF data items.
 *
 * Parses the service code (bit 0x80 = response), the request path's class,
 * instance and ANSI symbolic (tag name) segments, and a response's general
 * status.  Class-specific service codes are named by the request path's
 * class where they collide (0x4e Forward_Close on the Connection Manager,
 * Read_Modify_Write elsewhere; 0x52 Unconnected_Send on the Connection
 * Manager, Read_Tag_Fragmented elsewhere).  Unconnected_Send and
 * Multiple_Service_Packet are counted, and so are the requests (and
 * replies) embedded in them, bounded in depth and number.  Replies have
 * no path, so 0xce is named Forward_Close and 0xd2 Read_Tag_Fragmented.
 * Request details name the object class (Identity, Connection Manager,
 * Symbol, ...).  A Get_Attribute_All reply from the Identity object (the
 * flow's last request asked class 1, or the data has exactly its layout)
 * gives vendor (ODVA list, data/vendors/cip.tsv), product name, revision,
 * serial, device type and product code, as ENIP ListIdentity does.
 * Deliberately not parsed: attribute values, tag data, Forward_Open
 * connection parameters, PCCC inside Execute_PCCC, the route path of
 * Unconnected_Send.
 *
 * Reference: ODVA, The CIP Networks Library Vol. 1, Common Industrial
 * Protocol, Edition 3.x: 2-4 (Message Router request/response format),
 * appendix A (service codes), appendix C-1 (EPATH segments); 3-5.6
 * (Connection Manager services); Rockwell "Logix5000 Data Access"
 * 1756-PM020 (Read/Write Tag services 0x4c-0x53).
 *
 *  request:  | service | path size (words) | path (EPATH) | data ...
 *  response: | service|0x80 | reserved | general status |
 *            | additional status size (words) | additional status | data
 *  EPATH:    20 cc (class) | 21 00 cccc | 24 ii (instance) | 25 00 iiii |
 *            30 aa (attribute) | 91 len "symbol" [pad]
 */
#include <stdio.h>
#include <string.h>

#include "cip-device.h"
#include "dissect.h"
#include "otscope/vendors.h"
#include "textbuf-fmt.h"

enum {
    CIP_RESPONSE_BIT = 0x80,
    CIP_SVC_MULTIPLE = 0x0a,
    CIP_SVC_FWD_CLOSE_OR_RMW = 0x4e,
    CIP_SVC_UNCONN_SEND_OR_RTF = 0x52,
    CIP_CLASS_CONNECTION_MANAGER = 0x06,
    CIP_CLASS_NONE = 0xffffffff,
    CIP_MAX_DEPTH = 2,         /* Unconnected_Send / MSP nesting examined */
    CIP_MSP_MAX_SERVICES = 28, /* embedded services counted per packet: the fact array holds 32 */
    CIP_PATH_MAX_SEGMENTS = 16,
    CIP_TAG_MAX = 40,
    CIP_SVC_GET_ATTRIBUTE_ALL = 0x01,
    CIP_CLASS_IDENTITY = 0x01,
    CIP_IDENTITY_FIXED_LEN = 15, /* vendor .. serial, then the name's length byte */
    CIP_IDENTITY_NAME_MAX = 64,
};

/* Per flow: the last top-level request, so that a Get_Attribute_All reply
 * (which names no class) can be read as the Identity object when that is
 * what was asked. */
typedef struct CipState {
    uint32_t last_class;
    uint8_t last_service;
    bool has_request;
} CipState;

typedef struct CipTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} CipTok;

/* Common services (Vol. 1 appendix A-3) and the class-specific ones seen
 * on EtherNet/IP (Connection Manager, Logix tag services, PCCC). */
static const CipTok cip_services[] = {
    {0x01, "Get_Attribute_All", OP_READ},
    {0x02, "Set_Attribute_All", OP_WRITE},
    {0x03, "Get_Attribute_List", OP_READ},
    {0x04, "Set_Attribute_List", OP_WRITE},
    {0x05, "Reset", OP_CONTROL},
    {0x06, "Start", OP_CONTROL},
    {0x07, "Stop", OP_CONTROL},
    {0x08, "Create", OP_CONFIG},
    {0x09, "Delete", OP_CONFIG},
    {0x0a, "Multiple_Service_Packet", OP_OTHER},
    {0x0d, "Apply_Attributes", OP_CONFIG},
    {0x0e, "Get_Attribute_Single", OP_READ},
    {0x10, "Set_Attribute_Single", OP_WRITE},
    {0x11, "Find_Next_Object_Instance", OP_READ},
    {0x14, "Error_Response", OP_OTHER},
    {0x15, "Restore", OP_CONFIG},
    {0x16, "Save", OP_CONFIG},
    {0x17, "No_Operation", OP_OTHER},
    {0x18, "Get_Member", OP_READ},
    {0x19, "Set_Member", OP_WRITE},
    {0x1a, "Insert_Member", OP_WRITE},
    {0x1b, "Remove_Member", OP_WRITE},
    {0x1c, "GroupSync", OP_OTHER},
    {0x4b, "Execute_PCCC", OP_OTHER},
    {0x4c, "Read_Tag", OP_READ},
    {0x4d, "Write_Tag", OP_WRITE},
    {0x4e, "Forward_Close", OP_SESSION},
    {0x52, "Read_Tag_Fragmented", OP_READ},
    {0x53, "Write_Tag_Fragmented", OP_WRITE},
    {0x54, "Forward_Open", OP_SESSION},
    {0x55, "Get_Instance_Attribute_List", OP_READ},
    {0x56, "Get_Connection_Data", OP_READ},
    {0x57, "Search_Connection_Data", OP_READ},
    {0x5a, "Get_Connection_Owner", OP_READ},
    {0x5b, "Large_Forward_Open", OP_SESSION},
};

/* Object classes named in op details (Vol. 1 chapter 5, Vol. 2 chapter 5,
 * 1756-PM020 for the Logix symbol and template objects). */
static const struct {
    uint16_t id;
    const char *name;
} cip_classes[] = {
    {0x01, "Identity"},
    {0x02, "Message Router"},
    {0x04, "Assembly"},
    {0x05, "Connection"},
    {0x06, "Connection Manager"},
    {0x07, "Register"},
    {0x0f, "Parameter"},
    {0x37, "File"},
    {0x43, "Time Sync"},
    {0x47, "DLR"},
    {0x48, "QoS"},
    {0x67, "PCCC"},
    {0x6b, "Symbol"},
    {0x6c, "Template"},
    {0xf4, "Port"},
    {0xf5, "TCP/IP Interface"},
    {0xf6, "Ethernet Link"},
};

static const char *class_name(uint32_t id)
{
    for (size_t i = 0; i < sizeof(cip_classes) / sizeof(cip_classes[0]); i++)
        if (cip_classes[i].id == id)
            return cip_classes[i].name;
    return NULL;
}

static const CipTok cip_read_modify_write = {0x4e, "Read_Modify_Write", OP_WRITE};
static const CipTok cip_unconnected_send = {0x52, "Unconnected_Send", OP_OTHER};
static const CipTok cip_unknown = {0, "Vendor_Specific", OP_OTHER};

static const CipTok *cip_find(uint8_t code)
{
    for (size_t i = 0; i < sizeof(cip_services) / sizeof(cip_services[0]); i++)
        if (cip_services[i].code == code)
            return &cip_services[i];
    return NULL;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

typedef struct CipPath {
    uint32_t class_id; /* CIP_CLASS_NONE when the path names no class */
    uint32_t instance;
    bool has_instance;
    char tag[CIP_TAG_MAX];
} CipPath;

/* Walks the EPATH segments we name; others end the walk (the path window
 * bounds it anyway). */
static void parse_path(Cursor *path, CipPath *out)
{
    out->class_id = CIP_CLASS_NONE;
    out->has_instance = false;
    out->tag[0] = '\0';
    for (size_t i = 0; i < CIP_PATH_MAX_SEGMENTS && cursor_left(path) > 0; i++) {
        uint8_t seg = cursor_u8(path);
        switch (seg) {
        case 0x20:
            out->class_id = cursor_u8(path);
            break;
        case 0x21:
            cursor_skip(path, 1);
            out->class_id = cursor_le16(path);
            break;
        case 0x24:
            out->instance = cursor_u8(path);
            out->has_instance = true;
            break;
        case 0x25:
            cursor_skip(path, 1);
            out->instance = cursor_le16(path);
            out->has_instance = true;
            break;
        case 0x28: /* member, 8-bit */
        case 0x2c: /* connection point, 8-bit */
        case 0x30: /* attribute, 8-bit */
            cursor_skip(path, 1);
            break;
        case 0x29:
        case 0x2d:
        case 0x31:
            cursor_skip(path, 3);
            break;
        case 0x91: { /* ANSI extended symbol: length, chars, pad to even */
            uint8_t len = cursor_u8(path);
            if (out->tag[0])
                cursor_skip(path, len); /* keep the first name only */
            else
                cursor_str(path, len, out->tag, sizeof out->tag);
            if (len & 1)
                cursor_skip(path, 1);
            break;
        }
        default:
            return; /* port/network/data segments: nothing we name */
        }
    }
}

static const CipTok *request_tok(uint8_t service, uint32_t class_id)
{
    bool is_cm = class_id == CIP_CLASS_CONNECTION_MANAGER;
    if (service == CIP_SVC_FWD_CLOSE_OR_RMW && !is_cm)
        return &cip_read_modify_write;
    if (service == CIP_SVC_UNCONN_SEND_OR_RTF && is_cm)
        return &cip_unconnected_send;
    const CipTok *tok = cip_find(service);
    return tok ? tok : &cip_unknown;
}

static DissectResult cip_message(DissectCtx *ctx, Cursor *c, int depth);

/* A count or offset beyond the window: malformed, unless the capture
 * clipped the window and the bytes may simply be missing. */
static DissectResult beyond_window(DissectCtx *ctx, Cursor *c, Anomaly anom)
{
    if (cursor_is_clipped(c))
        return DISSECT_SHORT;
    return malformed(ctx, anom);
}

/* Multiple_Service_Packet data: count, offsets (from the count field),
 * then the embedded messages in offset order. */
static DissectResult cip_multiple(DissectCtx *ctx, Cursor *data, int depth)
{
    uint16_t count = cursor_le16(data);
    if (!cursor_ok(data))
        return dissect_fail(ctx, data, ANOM_LEN_MISMATCH);
    if ((size_t)count * 2 > cursor_left(data))
        return beyond_window(ctx, data, ANOM_BAD_COUNT);
    uint16_t offsets[CIP_MSP_MAX_SERVICES + 1];
    size_t n = count < CIP_MSP_MAX_SERVICES ? count : CIP_MSP_MAX_SERVICES;
    for (size_t i = 0; i < count; i++) {
        uint16_t off = cursor_le16(data);
        if (i <= n)
            offsets[i] = off;
    }
    size_t pos = 2 + (size_t)count * 2;
    size_t end = pos + cursor_left(data);
    for (size_t i = 0; i < n; i++) {
        size_t start = offsets[i];
        size_t stop = (i + 1 < count) ? offsets[i + 1] : end;
        if (start < pos || stop < start)
            return malformed(ctx, ANOM_LEN_MISMATCH);
        if (stop > end)
            return beyond_window(ctx, data, ANOM_LEN_MISMATCH);
        Cursor one;
        cursor_skip(data, start - pos);
        cursor_take(data, stop - start, &one);
        pos = stop;
        if (!cursor_ok(data))
            return dissect_fail(ctx, data, ANOM_LEN_MISMATCH);
        DissectResult res = cip_message(ctx, &one, depth + 1);
        if (res != DISSECT_OK)
            return res;
    }
    return DISSECT_OK;
}

/* Unconnected_Send data: priority/tick, timeout ticks, embedded message
 * size, the embedded request (then pad and route path, not read). */
static DissectResult cip_unconnected(DissectCtx *ctx, Cursor *data, int depth)
{
    cursor_skip(data, 2);
    uint16_t size = cursor_le16(data);
    Cursor embedded;
    cursor_take(data, size, &embedded);
    if (!cursor_ok(data))
        return dissect_fail(ctx, data, ANOM_LEN_MISMATCH);
    return cip_message(ctx, &embedded, depth + 1);
}

static DissectResult cip_request(DissectCtx *ctx, Cursor *c, uint8_t service, int depth)
{
    uint8_t words = cursor_u8(c);
    Cursor path;
    cursor_take(c, (size_t)words * 2, &path);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    CipPath p;
    parse_path(&path, &p);
    if (!cursor_ok(&path))
        return malformed(ctx, ANOM_BAD_HEADER);
    const CipTok *tok = request_tok(service, p.class_id);
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    if (p.tag[0]) {
        textbuf_str(&b, "tag=");
        textbuf_str(&b, p.tag);
    } else if (p.class_id != CIP_CLASS_NONE) {
        /* "class=0x%02x(name) instance=%u"; a 16-bit class and the longest
         * name stay well inside the detail */
        const char *cname = class_name(p.class_id);
        textbuf_str(&b, "class=");
        textbuf_0x(&b, p.class_id, 2);
        if (cname) {
            textbuf_char(&b, '(');
            textbuf_str(&b, cname);
            textbuf_char(&b, ')');
        }
        if (p.has_instance)
            textbuf_field(&b, "instance", p.instance);
    }
    CipState *st = ctx->state;
    if (st) {
        /* The innermost request is the one the target answers. */
        st->last_service = service;
        st->last_class = p.class_id;
        st->has_request = true;
    }
    ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, service, tok->name, tok->cls, false, 0, detail);
    if (service == CIP_SVC_MULTIPLE && depth < CIP_MAX_DEPTH)
        return cip_multiple(ctx, c, depth);
    if (tok == &cip_unconnected_send && depth < CIP_MAX_DEPTH)
        return cip_unconnected(ctx, c, depth);
    return DISSECT_OK;
}

/* A Get_Attribute_All reply is the Identity object's when the request
 * asked class 1, or, with no request seen, when its data has exactly the
 * Identity layout: 14 fixed bytes, a SHORT_STRING name ending the data or
 * followed by the 4 bytes of state, configuration consistency and
 * heartbeat. */
static bool is_identity_reply(const DissectCtx *ctx, const Cursor *c)
{
    const CipState *st = ctx->state;
    if (st && st->has_request)
        return st->last_service == CIP_SVC_GET_ATTRIBUTE_ALL &&
               st->last_class == CIP_CLASS_IDENTITY;
    int name_len = cursor_peek(c, CIP_IDENTITY_FIXED_LEN - 1);
    if (name_len < 0)
        return false;
    size_t want = CIP_IDENTITY_FIXED_LEN + (size_t)name_len;
    return cursor_left(c) == want || cursor_left(c) == want + 4;
}

/* Identity object attributes 1-7 (Vol. 1 5A-2.2): vendor, device type,
 * product code, revision, status, serial number, product name.  Facts
 * only when all of them parsed. */
static void identity_reply(DissectCtx *ctx, Cursor *c)
{
    uint16_t vendor_id = cursor_le16(c);
    uint16_t device_type = cursor_le16(c);
    uint16_t product_code = cursor_le16(c);
    uint8_t rev_major = cursor_u8(c);
    uint8_t rev_minor = cursor_u8(c);
    cursor_skip(c, 2); /* status */
    uint32_t serial = cursor_le32(c);
    uint8_t name_len = cursor_u8(c);
    char name[CIP_IDENTITY_NAME_MAX];
    cursor_str(c, name_len, name, sizeof name);
    if (!cursor_ok(c))
        return;
    char buf[FACT_VALUE_MAX];
    vendor_id_text(VENDORS_CIP, vendor_id, buf, sizeof buf);
    dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, buf, FACT_CONF_HIGH);
    if (name[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, name, FACT_CONF_HIGH);
    snprintf(buf, sizeof buf, "%u.%03u", rev_major, rev_minor);
    dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, buf, FACT_CONF_HIGH);
    snprintf(buf, sizeof buf, "0x%08x", serial);
    dissect_attr(ctx, SIDE_SRC, ATTR_SERIAL, buf, FACT_CONF_HIGH);
    snprintf(buf, sizeof buf, "%s (device type %u, product code %u)",
             cip_device_type_name(device_type), device_type, product_code);
    dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, buf, FACT_CONF_HIGH);
}

static DissectResult cip_response(DissectCtx *ctx, Cursor *c, uint8_t service, int depth)
{
    cursor_skip(c, 1); /* reserved */
    uint8_t general = cursor_u8(c);
    uint8_t ext_words = cursor_u8(c);
    uint16_t ext_status = ext_words ? cursor_le16(c) : 0;
    if (ext_words)
        cursor_skip(c, (size_t)ext_words * 2 - 2);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    const CipTok *tok = cip_find(service);
    if (!tok)
        tok = &cip_unknown;
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    if (ext_words) {
        textbuf_str(&b, "ext-status=0x");
        textbuf_hex(&b, ext_status, 4);
    }
    ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, service, tok->name, tok->cls, true, general, detail);
    if (service == CIP_SVC_GET_ATTRIBUTE_ALL && general == 0 && is_identity_reply(ctx, c))
        identity_reply(ctx, c);
    /* A partial-success MSP reply (general status 0x1e) still carries all replies. */
    if (service == CIP_SVC_MULTIPLE && (general == 0 || general == 0x1e) && cursor_left(c) > 0 &&
        depth < CIP_MAX_DEPTH)
        return cip_multiple(ctx, c, depth);
    return DISSECT_OK;
}

static DissectResult cip_message(DissectCtx *ctx, Cursor *c, int depth)
{
    uint8_t code = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    uint8_t service = code & (uint8_t)~CIP_RESPONSE_BIT;
    if (code & CIP_RESPONSE_BIT)
        return cip_response(ctx, c, service, depth);
    return cip_request(ctx, c, service, depth);
}

static DissectResult cip_dissect(Cursor *c, DissectCtx *ctx)
{
    DissectResult res = cip_message(ctx, c, 0);
    /* Request data is not length-checked: a window the capture clipped may
     * hold a partial message even though every field we read was there. */
    if (res == DISSECT_OK && cursor_is_clipped(c))
        return DISSECT_SHORT;
    return res;
}

const ProtoDesc proto_cip = {
    .name = "cip",
    .transports = PT_TCP | PT_UDP,
    .dissect = cip_dissect,
    .state_size = sizeof(CipState),
    .flags = PROTO_CARRIED | PROTO_NO_LABEL,
};
