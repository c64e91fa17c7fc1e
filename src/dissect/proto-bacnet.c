/*
 * proto-bacnet.c - BACnet/IP (BVLC + NPDU + APDU) and BACnet over 802.2 LLC.
 *
 * Parses the BVLC header of BACnet/IP (type 0x81, function, length that
 * must equal the datagram), the NPDU (version 1, control bits, optional
 * DNET/SNET addresses, hop count, network-layer messages) and the first
 * level of the APDU: PDU type, invoke ID, segmentation fields and service
 * choice.  Every confirmed and unconfirmed request becomes an operation
 * whose code is the BACnet service choice; Simple/Complex ACKs are
 * successful responses; Error, Reject and Abort are failed responses whose
 * service comes from the PDU (Error) or from the request with the same
 * invoke ID seen earlier in the flow (Reject/Abort).  Status of a failed
 * response: 0x10000 | class << 8 | code (Error), 0x20000 | reason
 * (Reject), 0x30000 | reason (Abort): never 0, still readable.  I-Am gives
 * the device instance, vendor ID and max APDU (detail) and the vendor
 * attribute, named from the ASHRAE list in data/vendors/bacnet.tsv
 * ("Name (N)", or "vendor-id N" when unlisted); Who-Is its instance
 * range; read/writeProperty the object and property.  BACnet over Ethernet (LLC DSAP 0x82) carries the same
 * NPDU and is parsed from it.  Not parsed: property values, segment
 * reassembly, BVLL management payloads (BDT/FDT), MS/TP, BACnet/SC, the
 * contents of network-layer messages.
 *
 * Reference: ANSI/ASHRAE Standard 135-2020, clause 6.2 (NPDU), 20.1 (APDU
 * encoding), 21 (ASN.1 service choices), 20.2 (tag encoding), Annex J
 * (BACnet/IP, BVLL), clause 7 (ISO 8802-2 LLC, DSAP 0x82).
 *
 *   BVLC:  0x81 | function | length (2, whole datagram) | [orig addr 6]
 *   NPDU:  version (1) | control | [DNET 2, DLEN 1, DADR] [SNET 2, SLEN 1,
 *          SADR] [hop count 1 if DNET] | [msg type (+vendor 2)] | APDU
 *   APDU:  type<<4|flags | (confirmed: max seg/apdu) | invoke ID |
 *          [seq, window if SEG] | service choice | service data ...
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "otscope/vendors.h"

enum {
    BVLC_TYPE_BIP = 0x81,
    BVLC_HDR_LEN = 4,
    BVLC_FN_MAX = 0x0c,
    BVLC_FN_FORWARDED_NPDU = 0x04,
    BVLC_FN_DIST_BROADCAST = 0x09,
    BVLC_FN_ORIGINAL_UNICAST = 0x0a,
    BVLC_FN_ORIGINAL_BROADCAST = 0x0b,
    BVLC_FORWARD_ADDR_LEN = 6,
    BACNET_LLC_DSAP = 0x82,
    NPDU_VERSION = 1,
    NPDU_CTRL_NETMSG = 0x80,
    NPDU_CTRL_DNET = 0x20,
    NPDU_CTRL_SNET = 0x08,
    NPDU_NETMSG_VENDOR_FIRST = 0x80,
    APDU_CONFIRMED = 0,
    APDU_UNCONFIRMED = 1,
    APDU_SIMPLE_ACK = 2,
    APDU_COMPLEX_ACK = 3,
    APDU_SEGMENT_ACK = 4,
    APDU_ERROR = 5,
    APDU_REJECT = 6,
    APDU_ABORT = 7,
    APDU_FLAG_SEG = 0x08,
    SVC_READ_PROPERTY = 12,
    SVC_WRITE_PROPERTY = 15,
    SVC_ATOMIC_READ_FILE = 6,
    SVC_ATOMIC_WRITE_FILE = 7,
    SVC_DEVICE_COMM_CONTROL = 17,
    SVC_REINITIALIZE_DEVICE = 20,
    SVC_I_AM = 0,
    SVC_WHO_IS = 8,
    SVC_UNKNOWN = 256, /* Reject/Abort whose request was not seen */
    STATUS_ERROR = 0x10000,
    STATUS_REJECT = 0x20000,
    STATUS_ABORT = 0x30000,
    TAG_APP_UNSIGNED = 2,
    TAG_APP_ENUMERATED = 9,
    TAG_APP_OBJECT_ID = 12,
};

typedef struct BacnetSvc {
    uint8_t code;
    const char *name;
    OpClass cls;
} BacnetSvc;

static const BacnetSvc confirmed_svcs[] = {
    {0, "acknowledgeAlarm", OP_OTHER},
    {1, "confirmedCOVNotification", OP_OTHER},
    {2, "confirmedEventNotification", OP_OTHER},
    {3, "getAlarmSummary", OP_READ},
    {4, "getEnrollmentSummary", OP_READ},
    {5, "subscribeCOV", OP_READ},
    {6, "atomicReadFile", OP_PROGRAM},
    {7, "atomicWriteFile", OP_PROGRAM},
    {8, "addListElement", OP_WRITE},
    {9, "removeListElement", OP_WRITE},
    {10, "createObject", OP_CONFIG},
    {11, "deleteObject", OP_CONFIG},
    {12, "readProperty", OP_READ},
    {13, "readPropertyConditional", OP_READ},
    {14, "readPropertyMultiple", OP_READ},
    {15, "writeProperty", OP_WRITE},
    {16, "writePropertyMultiple", OP_WRITE},
    {17, "deviceCommunicationControl", OP_CONTROL},
    {18, "confirmedPrivateTransfer", OP_OTHER},
    {19, "confirmedTextMessage", OP_OTHER},
    {20, "reinitializeDevice", OP_CONTROL},
    {21, "vtOpen", OP_SESSION},
    {22, "vtClose", OP_SESSION},
    {23, "vtData", OP_SESSION},
    {24, "authenticate", OP_SESSION},
    {25, "requestKey", OP_SESSION},
    {26, "readRange", OP_READ},
    {27, "lifeSafetyOperation", OP_CONTROL},
    {28, "subscribeCOVProperty", OP_READ},
    {29, "getEventInformation", OP_READ},
    {30, "subscribeCOVPropertyMultiple", OP_READ},
    {31, "confirmedCOVNotificationMultiple", OP_OTHER},
    {32, "confirmedAuditNotification", OP_OTHER},
    {33, "auditLogQuery", OP_READ},
};

static const BacnetSvc unconfirmed_svcs[] = {
    {0, "i-Am", OP_DISCOVERY},
    {1, "i-Have", OP_DISCOVERY},
    {2, "unconfirmedCOVNotification", OP_OTHER},
    {3, "unconfirmedEventNotification", OP_OTHER},
    {4, "unconfirmedPrivateTransfer", OP_OTHER},
    {5, "unconfirmedTextMessage", OP_OTHER},
    {6, "timeSynchronization", OP_CONFIG},
    {7, "who-Has", OP_DISCOVERY},
    {8, "who-Is", OP_DISCOVERY},
    {9, "utcTimeSynchronization", OP_CONFIG},
    {10, "writeGroup", OP_WRITE},
    {11, "unconfirmedCOVNotificationMultiple", OP_OTHER},
    {12, "unconfirmedAuditNotification", OP_OTHER},
    {13, "who-Am-I", OP_DISCOVERY},
    {14, "you-Are", OP_CONFIG},
};

static const BacnetSvc svc_unknown_reject = {0, "reject", OP_OTHER};
static const BacnetSvc svc_unknown_abort = {0, "abort", OP_OTHER};

/* Per flow: the services of the last few confirmed requests by invoke ID,
 * so that a Reject or Abort (which do not repeat it) can be named.  A
 * client keeps few requests outstanding; a small ring keeps every flow's
 * state small (it is allocated for every flow of every protocol). */
enum { BACNET_PENDING = 8 };
typedef struct BacnetState {
    uint8_t invoke_id[BACNET_PENDING];
    uint8_t service[BACNET_PENDING];
    uint8_t n_used;
    uint8_t next; /* ring slot to overwrite */
} BacnetState;

typedef struct Apdu {
    uint8_t type;
    uint8_t invoke_id;
    uint8_t service;
    uint8_t reason;     /* Reject/Abort */
    uint32_t err_class; /* Error */
    uint32_t err_code;
    bool is_later_segment; /* segment 1.. of a segmented message: counted at segment 0 */
    char detail[FACT_DETAIL_MAX];
} Apdu;

static const BacnetSvc *svc_lookup(bool is_confirmed, unsigned code)
{
    const BacnetSvc *table = is_confirmed ? confirmed_svcs : unconfirmed_svcs;
    size_t n = is_confirmed ? sizeof(confirmed_svcs) / sizeof(confirmed_svcs[0])
                            : sizeof(unconfirmed_svcs) / sizeof(unconfirmed_svcs[0]);
    return code < n ? &table[code] : NULL;
}

static bool bacnet_is_llc(const DissectCtx *ctx)
{
    return ctx->pkt->transport == TP_ETHER;
}

/* BVLC header; *npdu gets the NPDU when the function carries one. */
static bool bvlc_header(Cursor *c, Cursor *npdu, bool *has_npdu, bool *is_bad)
{
    *is_bad = false;
    *has_npdu = false;
    uint8_t type = cursor_u8(c);
    uint8_t function = cursor_u8(c);
    uint16_t len = cursor_be16(c);
    if (!cursor_ok(c))
        return false;
    if (type != BVLC_TYPE_BIP || function > BVLC_FN_MAX || len < BVLC_HDR_LEN) {
        *is_bad = true;
        return false;
    }
    Cursor body;
    if (!cursor_take(c, len - BVLC_HDR_LEN, &body))
        return false;
    if (cursor_left(c) != 0) {
        *is_bad = true; /* BVLC length must cover the whole datagram */
        return false;
    }
    if (function == BVLC_FN_FORWARDED_NPDU)
        cursor_skip(&body, BVLC_FORWARD_ADDR_LEN);
    *has_npdu = function == BVLC_FN_FORWARDED_NPDU || function == BVLC_FN_DIST_BROADCAST ||
                function == BVLC_FN_ORIGINAL_UNICAST || function == BVLC_FN_ORIGINAL_BROADCAST;
    *npdu = body;
    return cursor_ok(&body);
}

static DissectResult bacnet_probe(Cursor *c, const DissectCtx *ctx)
{
    if (bacnet_is_llc(ctx)) {
        if (ctx->pkt->llc_dsap != BACNET_LLC_DSAP)
            return DISSECT_NOT_MINE;
        int version = cursor_peek(c, 0);
        if (version < 0)
            return DISSECT_NEED_MORE;
        return version == NPDU_VERSION ? DISSECT_OK : DISSECT_NOT_MINE;
    }
    if (cursor_left(c) < BVLC_HDR_LEN)
        return DISSECT_NEED_MORE;
    Cursor npdu;
    bool has_npdu;
    bool is_bad;
    if (!bvlc_header(c, &npdu, &has_npdu, &is_bad))
        return DISSECT_NOT_MINE; /* a UDP datagram is whole: a short one is not BACnet */
    if (!has_npdu)
        return DISSECT_OK;
    return cursor_peek(&npdu, 0) == NPDU_VERSION ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* NPDU header up to the APDU.  Returns false on a failed cursor; sets
 * *is_netmsg for network-layer messages (no APDU). */
static bool npdu_header(Cursor *c, bool *is_netmsg)
{
    uint8_t version = cursor_u8(c);
    uint8_t control = cursor_u8(c);
    if (cursor_ok(c) && version != NPDU_VERSION) {
        cursor_set_bad(c);
        return false;
    }
    if (control & NPDU_CTRL_DNET) {
        cursor_skip(c, 2);
        cursor_skip(c, cursor_u8(c));
    }
    if (control & NPDU_CTRL_SNET) {
        cursor_skip(c, 2);
        cursor_skip(c, cursor_u8(c));
    }
    if (control & NPDU_CTRL_DNET)
        cursor_skip(c, 1); /* hop count */
    *is_netmsg = (control & NPDU_CTRL_NETMSG) != 0;
    if (*is_netmsg && cursor_u8(c) >= NPDU_NETMSG_VENDOR_FIRST)
        cursor_skip(c, 2);
    return cursor_ok(c);
}

/* An application-tagged unsigned/enumerated/object id of 1..4 bytes. */
static bool app_uint(Cursor *c, uint8_t tag_number, uint32_t *out)
{
    uint8_t tag = cursor_u8(c);
    uint8_t len = tag & 0x07;
    if (!cursor_ok(c) || (tag >> 4) != tag_number || (tag & 0x08) || len < 1 || len > 4)
        return false;
    uint32_t x = 0;
    for (uint8_t i = 0; i < len; i++)
        x = (x << 8) | cursor_u8(c);
    *out = x;
    return cursor_ok(c);
}

/* A context-tagged unsigned of 1..4 bytes with the given tag number. */
static bool ctx_uint(Cursor *c, uint8_t tag_number, uint32_t *out)
{
    int tag = cursor_peek(c, 0);
    uint8_t len = (uint8_t)(tag & 0x07);
    if (tag < 0 || (tag >> 4) != tag_number || !(tag & 0x08) || len < 1 || len > 4)
        return false;
    cursor_skip(c, 1);
    uint32_t x = 0;
    for (uint8_t i = 0; i < len; i++)
        x = (x << 8) | cursor_u8(c);
    *out = x;
    return cursor_ok(c);
}

static void i_am_detail(Cursor *c, Apdu *a, char *vendor, size_t vendorsz)
{
    uint32_t object_id;
    uint32_t max_apdu;
    uint32_t segmentation;
    uint32_t vendor_id;
    if (app_uint(c, TAG_APP_OBJECT_ID, &object_id) && app_uint(c, TAG_APP_UNSIGNED, &max_apdu) &&
        app_uint(c, TAG_APP_ENUMERATED, &segmentation) &&
        app_uint(c, TAG_APP_UNSIGNED, &vendor_id)) {
        snprintf(a->detail, sizeof(a->detail), "device=%u vendor=%u max-apdu=%u",
                 object_id & 0x3fffff, vendor_id, max_apdu);
        vendor_id_text(VENDORS_BACNET, vendor_id, vendor, vendorsz);
    }
}

static void who_is_detail(Cursor *c, Apdu *a)
{
    uint32_t low;
    uint32_t high;
    if (ctx_uint(c, 0, &low) && ctx_uint(c, 1, &high))
        snprintf(a->detail, sizeof(a->detail), "range=%u-%u", low, high);
}

/* BACnetObjectType (clause 21), the standard types up to 63. */
static const char *const object_types[] = {
    "analog-input", "analog-output", "analog-value", "binary-input", "binary-output",
    "binary-value", "calendar", "command", "device", "event-enrollment", "file", "group", "loop",
    "multi-state-input", "multi-state-output", "notification-class", "program", "schedule",
    "averaging", "multi-state-value", "trend-log", "life-safety-point", "life-safety-zone",
    "accumulator", "pulse-converter", "event-log", "global-group", "trend-log-multiple",
    "load-control", "structured-view", "access-door", "timer", "access-credential",
    "access-point", "access-rights", "access-user", "access-zone", "credential-data-input",
    "network-security", "bitstring-value", "characterstring-value", "date-pattern-value",
    "date-value", "datetime-pattern-value", "datetime-value", "integer-value",
    "large-analog-value", "octetstring-value", "positive-integer-value", "time-pattern-value",
    "time-value", "notification-forwarder", "alert-enrollment", "channel", "lighting-output",
    "binary-lighting-output", "network-port", "elevator-group", "escalator", "lift", "staging",
    "audit-log", "audit-reporter", "color",
};

/* "analog-output:3", or "type-N:3" for proprietary and newer types. */
static void object_text(uint32_t object_id, char *out, size_t outsz)
{
    uint32_t type = object_id >> 22;
    if (type < sizeof(object_types) / sizeof(object_types[0]))
        snprintf(out, outsz, "%s:%u", object_types[type], object_id & 0x3fffff);
    else
        snprintf(out, outsz, "type-%u:%u", type, object_id & 0x3fffff);
}

/* readProperty/writeProperty: [0] object identifier, [1] property id. */
static void property_detail(Cursor *c, Apdu *a)
{
    uint32_t object_id;
    uint32_t property;
    if (ctx_uint(c, 0, &object_id) && ctx_uint(c, 1, &property)) {
        char object[40];
        object_text(object_id, object, sizeof(object));
        snprintf(a->detail, sizeof(a->detail), "object=%s property=%u", object, property);
    }
}

/* reinitializeDevice: [0] reinitializedStateOfDevice, [1] password
 * (optional; its presence is noted, never its value). */
static void reinitialize_detail(Cursor *c, Apdu *a)
{
    static const char *const states[] = {
        "coldstart", "warmstart", "start-backup", "end-backup",
        "start-restore", "end-restore", "abort-restore", "activate-changes",
    };
    uint32_t state;
    if (!ctx_uint(c, 0, &state))
        return;
    int tag = cursor_peek(c, 0);
    bool has_password = tag >= 0 && (tag & 0xf8) == 0x18; /* context tag 1 */
    const char *name = state < sizeof(states) / sizeof(states[0]) ? states[state] : "other";
    snprintf(a->detail, sizeof(a->detail), "state=%s%s", name,
             has_password ? " password=yes" : "");
}

/* deviceCommunicationControl: [0] time duration (optional), [1]
 * enable-disable. */
static void dcc_detail(Cursor *c, Apdu *a)
{
    static const char *const modes[] = {"enable", "disable", "disable-initiation"};
    uint32_t minutes = 0;
    bool has_duration = ctx_uint(c, 0, &minutes);
    uint32_t mode;
    if (!ctx_uint(c, 1, &mode))
        return;
    const char *name = mode < sizeof(modes) / sizeof(modes[0]) ? modes[mode] : "other";
    if (has_duration)
        snprintf(a->detail, sizeof(a->detail), "%s minutes=%u", name, minutes);
    else
        snprintf(a->detail, sizeof(a->detail), "%s", name);
}

/* atomicReadFile/atomicWriteFile: the file object identifier first. */
static void file_detail(Cursor *c, Apdu *a)
{
    uint32_t object_id;
    if (app_uint(c, TAG_APP_OBJECT_ID, &object_id)) {
        char object[40];
        object_text(object_id, object, sizeof(object));
        snprintf(a->detail, sizeof(a->detail), "object=%s", object);
    }
}

/* Detail of a confirmed request's service data, where it is cheap. */
static void confirmed_detail(Cursor *c, Apdu *a)
{
    switch (a->service) {
    case SVC_READ_PROPERTY:
    case SVC_WRITE_PROPERTY:
        property_detail(c, a);
        break;
    case SVC_REINITIALIZE_DEVICE:
        reinitialize_detail(c, a);
        break;
    case SVC_DEVICE_COMM_CONTROL:
        dcc_detail(c, a);
        break;
    case SVC_ATOMIC_READ_FILE:
    case SVC_ATOMIC_WRITE_FILE:
        file_detail(c, a);
        break;
    default:
        break;
    }
}

/* Error PDU: error class and code, application-tagged enumerations (an
 * error of a complex service may wrap them in context tag [0]). */
static void error_body(Cursor *c, Apdu *a)
{
    if (cursor_peek(c, 0) == 0x0e)
        cursor_skip(c, 1);
    if (app_uint(c, TAG_APP_ENUMERATED, &a->err_class) &&
        app_uint(c, TAG_APP_ENUMERATED, &a->err_code))
        snprintf(a->detail, sizeof(a->detail), "error class=%u code=%u", a->err_class, a->err_code);
}

/* The fixed part of an APDU; service data detail where it is cheap. */
static bool apdu_read(Cursor *c, Apdu *a, char *vendor, size_t vendorsz)
{
    uint8_t first = cursor_u8(c);
    a->type = first >> 4;
    switch (a->type) {
    case APDU_CONFIRMED:
        cursor_skip(c, 1); /* max segments, max APDU */
        a->invoke_id = cursor_u8(c);
        if (first & APDU_FLAG_SEG) {
            a->is_later_segment = cursor_u8(c) != 0; /* sequence number */
            cursor_skip(c, 1);                       /* proposed window size */
        }
        a->service = cursor_u8(c);
        if (cursor_ok(c) && (first & APDU_FLAG_SEG) == 0)
            confirmed_detail(c, a);
        break;
    case APDU_UNCONFIRMED:
        a->service = cursor_u8(c);
        if (cursor_ok(c) && a->service == SVC_I_AM)
            i_am_detail(c, a, vendor, vendorsz);
        else if (cursor_ok(c) && a->service == SVC_WHO_IS)
            who_is_detail(c, a);
        break;
    case APDU_SIMPLE_ACK:
        a->invoke_id = cursor_u8(c);
        a->service = cursor_u8(c);
        break;
    case APDU_COMPLEX_ACK:
        a->invoke_id = cursor_u8(c);
        if (first & APDU_FLAG_SEG) {
            a->is_later_segment = cursor_u8(c) != 0;
            cursor_skip(c, 1);
        }
        a->service = cursor_u8(c);
        break;
    case APDU_SEGMENT_ACK:
        cursor_skip(c, 3);
        break;
    case APDU_ERROR:
        a->invoke_id = cursor_u8(c);
        a->service = cursor_u8(c);
        if (cursor_ok(c))
            error_body(c, a);
        break;
    case APDU_REJECT:
    case APDU_ABORT:
        a->invoke_id = cursor_u8(c);
        a->reason = cursor_u8(c);
        break;
    default:
        return false; /* types 8..15 are reserved */
    }
    return true;
}

/* The ring slot remembering invoke_id, or -1. */
static int state_find(const BacnetState *st, uint8_t invoke_id)
{
    for (int i = 0; st && i < st->n_used; i++) {
        if (st->invoke_id[i] == invoke_id)
            return i;
    }
    return -1;
}

static void state_remember(BacnetState *st, uint8_t invoke_id, uint8_t service)
{
    if (!st)
        return;
    int slot = state_find(st, invoke_id);
    if (slot < 0) {
        slot = st->next;
        st->next = (uint8_t)((st->next + 1) % BACNET_PENDING);
        if (st->n_used < BACNET_PENDING)
            st->n_used++;
    }
    st->invoke_id[slot] = invoke_id;
    st->service[slot] = service;
}

/* Emits the operation of a parsed APDU; false for an unknown service. */
static bool apdu_emit(DissectCtx *ctx, Apdu *a)
{
    BacnetState *st = ctx->state;
    const BacnetSvc *svc = NULL;
    int32_t status = 0;
    bool is_response = a->type != APDU_CONFIRMED && a->type != APDU_UNCONFIRMED;

    if (a->type == APDU_SEGMENT_ACK || a->is_later_segment)
        return true; /* flow control, or the rest of a message counted at its first segment */
    if (a->type == APDU_REJECT || a->type == APDU_ABORT) {
        status = (a->type == APDU_REJECT ? STATUS_REJECT : STATUS_ABORT) | a->reason;
        snprintf(a->detail, sizeof(a->detail), "%s reason=%u",
                 a->type == APDU_REJECT ? "reject" : "abort", a->reason);
        int slot = state_find(st, a->invoke_id);
        if (slot >= 0)
            svc = svc_lookup(true, st->service[slot]);
        if (!svc) {
            svc = a->type == APDU_REJECT ? &svc_unknown_reject : &svc_unknown_abort;
            dissect_op(ctx, SVC_UNKNOWN, svc->name, svc->cls, true, status, a->detail);
            ctx->dir_hint = DIR_RESPONSE;
            return true;
        }
    } else {
        svc = svc_lookup(a->type != APDU_UNCONFIRMED, a->service);
        if (!svc)
            return false;
        if (a->type == APDU_ERROR)
            status = STATUS_ERROR | (int32_t)((a->err_class & 0xff) << 8) |
                     (int32_t)(a->err_code & 0xff);
    }
    dissect_op(ctx, svc->code, svc->name, svc->cls, is_response, status, a->detail);
    if (a->type == APDU_CONFIRMED) {
        state_remember(st, a->invoke_id, a->service);
        ctx->dir_hint = DIR_REQUEST;
    } else if (is_response) {
        ctx->dir_hint = DIR_RESPONSE;
    }
    return true;
}

static DissectResult bacnet_dissect(Cursor *c, DissectCtx *ctx)
{
    Cursor npdu;
    bool has_npdu = true;
    bool is_bad = false;
    if (bacnet_is_llc(ctx)) {
        npdu = cursor_rest(c);
    } else if (!bvlc_header(c, &npdu, &has_npdu, &is_bad)) {
        if (!is_bad)
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!has_npdu) /* BVLL management (BDT, FDT, result): no operation */
        return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;

    bool is_netmsg;
    if (!npdu_header(&npdu, &is_netmsg))
        return dissect_fail(ctx, &npdu, ANOM_BAD_HEADER);
    if (is_netmsg)
        return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;

    Apdu a;
    char vendor[FACT_VALUE_MAX] = "";
    memset(&a, 0, sizeof(a));
    bool is_type_ok = apdu_read(&npdu, &a, vendor, sizeof(vendor));
    if (!cursor_ok(&npdu))
        return dissect_fail(ctx, &npdu, ANOM_LEN_MISMATCH);
    if (!is_type_ok) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!apdu_emit(ctx, &a)) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    if (vendor[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, vendor, FACT_CONF_HIGH);
    return cursor_is_clipped(c) || cursor_is_clipped(&npdu) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_bacnet = {
    .name = "bacnet",
    .transports = PT_UDP | PT_ETHER,
    .ports = {47808},
    .probe = bacnet_probe,
    .dissect = bacnet_dissect,
    .state_size = sizeof(BacnetState),
};
