/*
 * proto-opcua.c - OPC UA Connection Protocol and UA Secure Conversation
 * over TCP (opc.tcp, "UA Binary").
 *
 * Frames the stream by the 8-byte message header (type, chunk type,
 * message size).  Connection messages: HEL (endpoint URL in the detail),
 * ACK, ERR (status and reason), RHE.  Their code is the 24-bit ASCII value
 * of the type (HEL = 4736332), as UA has no numeric code for them.
 * Secure channel: OPN reports the security policy URI in the detail (the
 * "...#None" policy means no signing or encryption); CLO closes it.  MSG
 * chunks whose body is in the clear (policy None, or mode Sign) start
 * with the binary encoding NodeId of the service: requests become ops coded
 * by the request NodeId (631 Read, 673 Write, 527 Browse, 461
 * CreateSession, ...); responses use the same code with the ServiceResult
 * (upper 16 bits of the StatusCode) as status; ServiceFault (397) is a
 * failed response.  A body whose NodeId is not a known service is taken as
 * encrypted and counted as op "encrypted message".  Continuation chunks of
 * a multi-chunk message (same request ID after a 'C' chunk) are skipped.
 * Not parsed: service parameters (node ids, values), certificates, the
 * OPN security mode, abort chunks, OPC UA over HTTPS/WebSockets/PubSub.
 *
 * Reference: OPC 10000-6 (OPC UA Part 6: Mappings) v1.04, clause 7.1
 * (OPC UA Connection Protocol: HEL/ACK/ERR/RHE), 6.7 (Secure Conversation:
 * message chunk, security headers); OPC 10000-4 (Services) for service
 * names; NodeIds from the NodeSet "Opc.Ua.NodeSet2.xml" (_Encoding_
 * DefaultBinary).
 *
 *   0               1               2               3
 *  +---------------+---------------+---------------+---------------+
 *  |  message type (3 ASCII: HEL ACK ERR RHE OPN MSG CLO) | chunk  |
 *  +---------------+---------------+---------------+---------------+
 *  |  message size (UInt32 LE, whole chunk)                        |
 *  +---------------------------------------------------------------+
 *  OPN/MSG/CLO: SecureChannelId (4) | OPN: policy URI (String),
 *  certificate (ByteString), thumbprint (ByteString) | MSG/CLO: TokenId (4)
 *  | SequenceNumber (4) | RequestId (4) | body: service NodeId ...
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    UA_HDR_LEN = 8,
    UA_MAX_CHUNK = 1 << 24, /* larger chunks are not negotiated in practice */
    UA_HEL_FIXED = 20,      /* version, buffer sizes, max message, max chunks */
    UA_NODEID_TWO_BYTE = 0x00,
    UA_NODEID_FOUR_BYTE = 0x01,
    UA_NODEID_NUMERIC = 0x02,
    UA_SERVICE_FAULT = 397,
    UA_OPEN_CHANNEL_REQ = 446,
    UA_OPEN_CHANNEL_RSP = 449,
    UA_CLOSE_CHANNEL_REQ = 452,
    UA_RESPONSE_OFFSET = 3, /* response encoding id = request id + 3 */
    UA_CODE_ENCRYPTED = 0,
    UA_URL_MAX = 256,
};

typedef enum UaType {
    UA_HEL,
    UA_ACK,
    UA_ERR,
    UA_RHE,
    UA_OPN,
    UA_MSG,
    UA_CLO,
    UA_TYPE_COUNT,
} UaType;

typedef struct UaTypeDesc {
    char tag[4];
    const char *name;
    bool is_response;
} UaTypeDesc;

static const UaTypeDesc ua_types[UA_TYPE_COUNT] = {
    [UA_HEL] = {"HEL", "Hello", false},
    [UA_ACK] = {"ACK", "Acknowledge", true},
    [UA_ERR] = {"ERR", "Error", true},
    [UA_RHE] = {"RHE", "ReverseHello", false},
    [UA_OPN] = {"OPN", "OpenSecureChannel", false},
    [UA_MSG] = {"MSG", "Message", false},
    [UA_CLO] = {"CLO", "CloseSecureChannel", false},
};

typedef struct UaService {
    uint16_t request_id;
    const char *name;
    OpClass cls;
} UaService;

static const UaService ua_services[] = {
    {422, "FindServers", OP_DISCOVERY},
    {428, "GetEndpoints", OP_DISCOVERY},
    {437, "RegisterServer", OP_CONFIG},
    {446, "OpenSecureChannel", OP_SESSION},
    {452, "CloseSecureChannel", OP_SESSION},
    {461, "CreateSession", OP_SESSION},
    {467, "ActivateSession", OP_SESSION},
    {473, "CloseSession", OP_SESSION},
    {479, "Cancel", OP_SESSION},
    {488, "AddNodes", OP_CONFIG},
    {494, "AddReferences", OP_CONFIG},
    {500, "DeleteNodes", OP_CONFIG},
    {506, "DeleteReferences", OP_CONFIG},
    {527, "Browse", OP_READ},
    {533, "BrowseNext", OP_READ},
    {554, "TranslateBrowsePathsToNodeIds", OP_READ},
    {560, "RegisterNodes", OP_READ},
    {566, "UnregisterNodes", OP_READ},
    {615, "QueryFirst", OP_READ},
    {621, "QueryNext", OP_READ},
    {631, "Read", OP_READ},
    {664, "HistoryRead", OP_READ},
    {673, "Write", OP_WRITE},
    {700, "HistoryUpdate", OP_WRITE},
    {712, "Call", OP_CONTROL}, /* methods operate the server: start, stop, ... */
    {751, "CreateMonitoredItems", OP_READ},
    {763, "ModifyMonitoredItems", OP_READ},
    {769, "SetMonitoringMode", OP_READ},
    {775, "SetTriggering", OP_READ},
    {781, "DeleteMonitoredItems", OP_READ},
    {787, "CreateSubscription", OP_READ},
    {793, "ModifySubscription", OP_READ},
    {799, "SetPublishingMode", OP_READ},
    {826, "Publish", OP_READ},
    {832, "Republish", OP_READ},
    {841, "TransferSubscriptions", OP_SESSION},
    {847, "DeleteSubscriptions", OP_READ},
};

/* Per flow and direction: a multi-chunk message in progress. */
typedef struct UaState {
    uint32_t chunk_request_id[2];
    bool is_in_chunks[2];
} UaState;

static int ua_type_lookup(Cursor *c)
{
    char tag[4] = {0};
    if (!cursor_copy(c, tag, 3))
        return -1;
    for (int i = 0; i < UA_TYPE_COUNT; i++) {
        if (memcmp(tag, ua_types[i].tag, 3) == 0)
            return i;
    }
    return -1;
}

static bool ua_chunk_ok(int type, uint8_t chunk)
{
    if (type == UA_MSG)
        return chunk == 'F' || chunk == 'C' || chunk == 'A';
    return chunk == 'F';
}

/* The message header; -1 when it is not OPC UA. */
static int ua_header(Cursor *c, uint8_t *chunk, uint32_t *size)
{
    int type = ua_type_lookup(c);
    *chunk = cursor_u8(c);
    *size = cursor_le32(c);
    if (!cursor_ok(c) || type < 0 || !ua_chunk_ok(type, *chunk) || *size < UA_HDR_LEN ||
        *size > UA_MAX_CHUNK)
        return -1;
    return type;
}

static size_t ua_pdu_len(Cursor *c)
{
    uint8_t chunk;
    uint32_t size;
    if (cursor_left(c) < UA_HDR_LEN)
        return 0;
    return ua_header(c, &chunk, &size) < 0 ? PDU_LEN_BAD : size;
}

static DissectResult ua_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    uint8_t chunk;
    uint32_t size;
    if (cursor_left(c) < UA_HDR_LEN)
        return DISSECT_NEED_MORE;
    int type = ua_header(c, &chunk, &size);
    if (type < 0)
        return DISSECT_NOT_MINE;
    /* A conversation starts with HEL/ACK (or RHE); mid-stream captures
     * start anywhere, so any valid header with a sane size is accepted. */
    if (type == UA_HEL && size < UA_HDR_LEN + UA_HEL_FIXED + 4)
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* A UA String (Int32 length, -1 = null) copied as text. */
static void ua_string(Cursor *c, char *dst, size_t dstsz)
{
    int32_t len = (int32_t)cursor_le32(c);
    dst[0] = '\0';
    if (len <= 0)
        return;
    if ((size_t)len > cursor_left(c)) {
        cursor_set_short(c);
        return;
    }
    cursor_str(c, (size_t)len, dst, dstsz);
}

static void ua_skip_bytestring(Cursor *c)
{
    int32_t len = (int32_t)cursor_le32(c);
    if (len > 0)
        cursor_skip(c, (size_t)len);
}

/* The numeric id of a namespace-0 NodeId, or -1 for anything else. */
static long ua_nodeid_ns0(Cursor *c)
{
    uint8_t enc = cursor_u8(c);
    if (enc == UA_NODEID_TWO_BYTE)
        return cursor_u8(c);
    if (enc == UA_NODEID_FOUR_BYTE)
        return cursor_u8(c) == 0 ? (long)cursor_le16(c) : -1;
    if (enc == UA_NODEID_NUMERIC)
        return cursor_le16(c) == 0 ? (long)cursor_le32(c) : -1;
    return -1;
}

static const UaService *ua_service_lookup(long id, bool *is_response)
{
    for (size_t i = 0; i < sizeof(ua_services) / sizeof(ua_services[0]); i++) {
        if (ua_services[i].request_id == id) {
            *is_response = false;
            return &ua_services[i];
        }
        if (ua_services[i].request_id + UA_RESPONSE_OFFSET == id) {
            *is_response = true;
            return &ua_services[i];
        }
    }
    return NULL;
}

static void ua_set_dir(DissectCtx *ctx, bool is_response)
{
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
}

static DissectResult ua_hello(Cursor *body, DissectCtx *ctx, int type)
{
    char url[UA_URL_MAX];
    url[0] = '\0';
    if (type == UA_RHE)
        ua_string(body, url, sizeof(url)); /* server URI first, then endpoint */
    else
        cursor_skip(body, UA_HEL_FIXED);
    ua_string(body, url, sizeof(url));
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    uint32_t code = ((uint32_t)'H' << 16) | ('E' << 8) | 'L';
    if (type == UA_RHE)
        code = ((uint32_t)'R' << 16) | ('H' << 8) | 'E';
    dissect_op(ctx, code, ua_types[type].name, OP_SESSION, false, 0, url);
    /* ReverseHello comes from the server, which then waits for a HEL. */
    ua_set_dir(ctx, type == UA_RHE);
    return DISSECT_OK;
}

static DissectResult ua_ack_err(Cursor *body, DissectCtx *ctx, int type)
{
    char reason[FACT_DETAIL_MAX];
    uint32_t status = 0;
    reason[0] = '\0';
    if (type == UA_ERR) {
        status = cursor_le32(body);
        ua_string(body, reason, sizeof(reason));
    } else {
        cursor_skip(body, UA_HEL_FIXED);
    }
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    uint32_t code = type == UA_ERR ? ((uint32_t)'E' << 16) | ('R' << 8) | 'R'
                                   : ((uint32_t)'A' << 16) | ('C' << 8) | 'K';
    dissect_op(ctx, code, ua_types[type].name, OP_SESSION, true, (int32_t)(status >> 16), reason);
    ua_set_dir(ctx, true);
    return DISSECT_OK;
}

/* OPN: asymmetric security header, then (policy None) the service. */
static DissectResult ua_open(Cursor *body, DissectCtx *ctx)
{
    char policy[UA_URL_MAX];
    cursor_skip(body, 4); /* SecureChannelId */
    ua_string(body, policy, sizeof(policy));
    ua_skip_bytestring(body); /* sender certificate */
    ua_skip_bytestring(body); /* receiver thumbprint */
    cursor_skip(body, 8);     /* sequence number, request id */
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);

    /* The body is readable only without encryption; else the direction
     * the core knows decides. */
    Cursor probe = *body;
    long id = ua_nodeid_ns0(&probe);
    bool is_response = !ctx->is_from_client;
    if (cursor_ok(&probe) && (id == UA_OPEN_CHANNEL_REQ || id == UA_OPEN_CHANNEL_RSP))
        is_response = id == UA_OPEN_CHANNEL_RSP;
    dissect_op(ctx, UA_OPEN_CHANNEL_REQ, ua_types[UA_OPN].name, OP_SESSION, is_response, 0, policy);
    ua_set_dir(ctx, is_response);
    return DISSECT_OK;
}

/* ResponseHeader: Timestamp, RequestHandle, then the ServiceResult. */
static int32_t ua_service_result(Cursor *c)
{
    cursor_skip(c, 12);
    uint32_t status = cursor_le32(c);
    return cursor_ok(c) ? (int32_t)(status >> 16) : 0;
}

static bool ua_is_continuation(DissectCtx *ctx, uint8_t chunk, uint32_t request_id)
{
    UaState *st = ctx->state;
    if (!st)
        return false;
    int dir = ctx->is_from_client ? 0 : 1;
    bool is_cont = st->is_in_chunks[dir] && st->chunk_request_id[dir] == request_id;
    st->is_in_chunks[dir] = chunk == 'C';
    st->chunk_request_id[dir] = request_id;
    return is_cont;
}

/* MSG and CLO: symmetric security header, sequence header, service. */
static DissectResult ua_message(Cursor *body, DissectCtx *ctx, int type, uint8_t chunk)
{
    cursor_skip(body, 12); /* SecureChannelId, TokenId, SequenceNumber */
    uint32_t request_id = cursor_le32(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    if (chunk == 'A' || ua_is_continuation(ctx, chunk, request_id))
        return DISSECT_OK; /* abort or the tail of a multi-chunk message */

    Cursor probe = *body;
    long id = ua_nodeid_ns0(&probe);
    bool is_response = false;
    const UaService *svc = cursor_ok(&probe) ? ua_service_lookup(id, &is_response) : NULL;
    if (cursor_ok(&probe) && id == UA_SERVICE_FAULT) {
        int32_t status = ua_service_result(&probe);
        dissect_op(ctx, UA_SERVICE_FAULT, "ServiceFault", OP_OTHER, true, status, NULL);
        ua_set_dir(ctx, true);
        return DISSECT_OK;
    }
    if (!svc) {
        if (type == UA_CLO) { /* an encrypted CLO still closes the channel */
            svc = ua_service_lookup(UA_CLOSE_CHANNEL_REQ, &is_response);
        } else {
            dissect_op(ctx, UA_CODE_ENCRYPTED, "encrypted message", OP_OTHER, false, 0, NULL);
            return DISSECT_OK;
        }
    }
    int32_t status = is_response ? ua_service_result(&probe) : 0;
    dissect_op(ctx, svc->request_id, svc->name, svc->cls, is_response, status, NULL);
    ua_set_dir(ctx, is_response);
    return DISSECT_OK;
}

static DissectResult ua_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t chunk;
    uint32_t size;
    int type = ua_header(c, &chunk, &size);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (type < 0) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    Cursor body;
    if (!cursor_take(c, size - UA_HDR_LEN, &body))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    switch (type) {
    case UA_HEL:
    case UA_RHE:
        return ua_hello(&body, ctx, type);
    case UA_ACK:
    case UA_ERR:
        return ua_ack_err(&body, ctx, type);
    case UA_OPN:
        return ua_open(&body, ctx);
    default:
        return ua_message(&body, ctx, type, chunk);
    }
}

const ProtoDesc proto_opcua = {
    .name = "opcua",
    .transports = PT_TCP,
    .ports = {4840, 4843},
    .probe = ua_probe,
    .pdu_len = ua_pdu_len,
    .dissect = ua_dissect,
    .state_size = sizeof(UaState),
};
