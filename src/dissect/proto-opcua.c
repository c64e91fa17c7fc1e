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
 * A readable OPN request adds the security mode asked for ("mode=None
 * ...#None": the insecure channel the findings look for); CreateSession
 * requests give the client's application name (software attribute) and
 * the endpoint URL, GetEndpoints the URL asked about and, in the reply,
 * the server's application name and the security modes its endpoints
 * offer.  Not parsed: other service parameters (node ids, values),
 * certificates, abort chunks, OPC UA over HTTPS/WebSockets/PubSub.
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
/* client_port: the UA client's TCP port, learned from the Connection
 * Protocol (HEL comes from the client; RHE and ACK from the server),
 * because with Reverse Connect (Part 6, 7.1.3) the server opens the TCP
 * connection and the TCP orientation is the wrong way round. */
typedef struct UaState {
    uint32_t chunk_request_id[2];
    bool is_in_chunks[2];
    bool has_client_port;
    uint16_t client_port;
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

/* ---- service parameters read where the body is in the clear ------------ */

enum {
    UA_NODEID_GUID_LEN = 16,
    UA_NODEID_STRING = 3,
    UA_NODEID_GUID = 4,
    UA_NODEID_BYTESTRING = 5,
    UA_NODEID_NS_URI_FLAG = 0x80,
    UA_NODEID_SERVER_FLAG = 0x40,
    UA_DIAG_DEPTH_MAX = 4,
    UA_ARRAY_MAX = 16, /* endpoints, URLs, token policies examined per message */
    UA_GET_ENDPOINTS = 428,
    UA_CREATE_SESSION = 461,
    UA_NAME_MAX = 64,
};

static void ua_skip_nodeid(Cursor *c)
{
    uint8_t enc = cursor_u8(c);
    switch (enc & 0x3f) {
    case UA_NODEID_TWO_BYTE:
        cursor_skip(c, 1);
        break;
    case UA_NODEID_FOUR_BYTE:
        cursor_skip(c, 3);
        break;
    case UA_NODEID_NUMERIC:
        cursor_skip(c, 6);
        break;
    case UA_NODEID_STRING:
    case UA_NODEID_BYTESTRING:
        cursor_skip(c, 2);
        ua_skip_bytestring(c);
        break;
    case UA_NODEID_GUID:
        cursor_skip(c, 2 + UA_NODEID_GUID_LEN);
        break;
    default:
        cursor_set_bad(c);
        return;
    }
    if (enc & UA_NODEID_NS_URI_FLAG)
        ua_skip_bytestring(c);
    if (enc & UA_NODEID_SERVER_FLAG)
        cursor_skip(c, 4);
}

/* ExtensionObject: type NodeId, encoding, body (ByteString or XML). */
static void ua_skip_extobj(Cursor *c)
{
    ua_skip_nodeid(c);
    uint8_t enc = cursor_u8(c);
    if (enc & 0x03)
        ua_skip_bytestring(c);
}

/* An array of Strings (Int32 count, -1 = null); count checked against the
 * bytes left (each element is at least its 4-byte length). */
static void ua_skip_string_array(Cursor *c)
{
    int32_t n = (int32_t)cursor_le32(c);
    if (n > 0 && (size_t)n * 4 > cursor_left(c)) {
        cursor_set_bad(c);
        return;
    }
    for (int32_t i = 0; i < n && cursor_ok(c); i++)
        ua_skip_bytestring(c);
}

static void ua_skip_diag(Cursor *c, int depth)
{
    uint8_t mask = cursor_u8(c);
    for (int bit = 0; bit < 4; bit++)
        if (mask & (1 << bit))
            cursor_skip(c, 4); /* symbolic id, namespace uri, localized text, locale */
    if (mask & 0x10)
        ua_skip_bytestring(c); /* additional info */
    if (mask & 0x20)
        cursor_skip(c, 4); /* inner status code */
    if (mask & 0x40) {
        if (depth >= UA_DIAG_DEPTH_MAX)
            cursor_set_bad(c);
        else
            ua_skip_diag(c, depth + 1);
    }
}

/* RequestHeader: authentication token, timestamp, handle, diagnostics,
 * audit entry id, timeout hint, additional header. */
static void ua_skip_request_header(Cursor *c)
{
    ua_skip_nodeid(c);
    cursor_skip(c, 8 + 4 + 4);
    ua_skip_bytestring(c);
    cursor_skip(c, 4);
    ua_skip_extobj(c);
}

/* ResponseHeader: timestamp, handle, result, diagnostics, string table,
 * additional header. */
static void ua_skip_response_header(Cursor *c)
{
    cursor_skip(c, 8 + 4 + 4);
    ua_skip_diag(c, 0);
    ua_skip_string_array(c);
    ua_skip_extobj(c);
}

/* LocalizedText: mask, [locale], [text]. */
static void ua_localized_text(Cursor *c, char *dst, size_t dstsz)
{
    uint8_t mask = cursor_u8(c);
    dst[0] = '\0';
    if (mask & 0x01)
        ua_skip_bytestring(c);
    if (mask & 0x02)
        ua_string(c, dst, dstsz);
}

/* ApplicationDescription: uri, product uri, name, type, gateway uri,
 * discovery profile uri, discovery urls. */
static void ua_app_description(Cursor *c, char *name, size_t namesz)
{
    ua_skip_bytestring(c);
    ua_skip_bytestring(c);
    ua_localized_text(c, name, namesz);
    cursor_skip(c, 4);
    ua_skip_bytestring(c);
    ua_skip_bytestring(c);
    ua_skip_string_array(c);
}

static const char *ua_mode_name(uint32_t mode)
{
    static const char *const names[] = {"Invalid", "None", "Sign", "SignAndEncrypt"};
    return mode < sizeof(names) / sizeof(names[0]) ? names[mode] : "other";
}

/* OpenSecureChannelRequest (policy None: in the clear): the security mode
 * the client asks for. */
static bool ua_open_mode(Cursor *c, uint32_t *mode)
{
    ua_skip_request_header(c);
    cursor_skip(c, 4 + 4); /* client protocol version, request type */
    *mode = cursor_le32(c);
    return cursor_ok(c);
}

/* CreateSessionRequest: the client's application name and the endpoint
 * it connects to. */
static void ua_create_session(DissectCtx *ctx, Cursor *c, char *detail, size_t dsz)
{
    char app[UA_NAME_MAX];
    char url[UA_URL_MAX];
    ua_skip_request_header(c);
    ua_app_description(c, app, sizeof app);
    ua_skip_bytestring(c); /* server uri */
    ua_string(c, url, sizeof url);
    if (!cursor_ok(c))
        return;
    snprintf(detail, dsz, "%.*s", FACT_DETAIL_MAX - 1, url);
    if (app[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, app, FACT_CONF_HIGH);
}

/* GetEndpointsRequest: the endpoint URL asked about. */
static void ua_get_endpoints_request(Cursor *c, char *detail, size_t dsz)
{
    char url[UA_URL_MAX];
    ua_skip_request_header(c);
    ua_string(c, url, sizeof url);
    if (cursor_ok(c))
        snprintf(detail, dsz, "%.*s", FACT_DETAIL_MAX - 1, url);
}

/* UserTokenPolicy: policy id, token type, issued token type, issuer
 * endpoint url, security policy uri. */
static void ua_skip_token_policies(Cursor *c)
{
    int32_t n = (int32_t)cursor_le32(c);
    if (n > 0 && (size_t)n * 20 > cursor_left(c)) {
        cursor_set_bad(c);
        return;
    }
    for (int32_t i = 0; i < n && cursor_ok(c); i++) {
        ua_skip_bytestring(c);
        cursor_skip(c, 4);
        ua_skip_bytestring(c);
        ua_skip_bytestring(c);
        ua_skip_bytestring(c);
    }
}

/* GetEndpointsResponse: the server's application name and the security
 * modes its endpoints offer ("modes=None,SignAndEncrypt"). */
static void ua_get_endpoints_response(DissectCtx *ctx, Cursor *c, char *detail, size_t dsz)
{
    ua_skip_response_header(c);
    int32_t n = (int32_t)cursor_le32(c);
    if (!cursor_ok(c) || n < 0 || n > UA_ARRAY_MAX)
        return;
    char app[UA_NAME_MAX] = "";
    bool has_mode[4] = {false, false, false, false};
    for (int32_t i = 0; i < n && cursor_ok(c); i++) {
        char name[UA_NAME_MAX];
        ua_skip_bytestring(c); /* endpoint url */
        ua_app_description(c, name, sizeof name);
        ua_skip_bytestring(c); /* server certificate */
        uint32_t mode = cursor_le32(c);
        ua_skip_bytestring(c); /* security policy uri */
        ua_skip_token_policies(c);
        ua_skip_bytestring(c); /* transport profile uri */
        cursor_skip(c, 1);     /* security level */
        if (cursor_ok(c) && mode < 4)
            has_mode[mode] = true;
        if (cursor_ok(c) && !app[0])
            snprintf(app, sizeof app, "%s", name);
    }
    if (!cursor_ok(c))
        return;
    int len = snprintf(detail, dsz, "endpoints=%d modes=", n);
    for (uint32_t m = 1; m < 4 && len > 0 && (size_t)len < dsz; m++)
        if (has_mode[m])
            len += snprintf(detail + len, dsz - (size_t)len, "%s%s",
                            detail[len - 1] == '=' ? "" : ",", ua_mode_name(m));
    if (app[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, app, FACT_CONF_HIGH);
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

/* Notes which side is the UA client, as a Connection Protocol message
 * just showed (is_from_ua_client: its sender is). */
static void ua_note_client(DissectCtx *ctx, bool is_from_ua_client)
{
    UaState *st = ctx->state;
    const Packet *pkt = ctx->pkt;
    if (!st || pkt->sport == pkt->dport)
        return;
    st->client_port = is_from_ua_client ? pkt->sport : pkt->dport;
    st->has_client_port = true;
}

/* Whether the sender is the UA client: as the Connection Protocol showed,
 * else as the core's orientation has it (the TCP client). */
static bool ua_is_from_client(const DissectCtx *ctx)
{
    const UaState *st = ctx->state;
    if (st && st->has_client_port)
        return ctx->pkt->sport == st->client_port;
    return ctx->is_from_client;
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
    ua_note_client(ctx, type != UA_RHE);
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
    if (type == UA_ACK)
        ua_note_client(ctx, false); /* ERR may come from either side */
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

    /* The body is readable only without encryption; else the side the
     * Connection Protocol showed (or the core's orientation) decides. */
    Cursor probe = *body;
    long id = ua_nodeid_ns0(&probe);
    bool is_response = !ua_is_from_client(ctx);
    if (cursor_ok(&probe) && (id == UA_OPEN_CHANNEL_REQ || id == UA_OPEN_CHANNEL_RSP))
        is_response = id == UA_OPEN_CHANNEL_RSP;
    /* A readable request names the security mode asked for; the policy
     * URI stays last in the detail (the insecure-protocol rule matches
     * "...#None" at its end). */
    char detail[FACT_DETAIL_MAX];
    uint32_t mode;
    if (cursor_ok(&probe) && id == UA_OPEN_CHANNEL_REQ && ua_open_mode(&probe, &mode))
        snprintf(detail, sizeof detail, "mode=%s %.48s", ua_mode_name(mode), policy);
    else
        snprintf(detail, sizeof detail, "%.63s", policy);
    dissect_op(ctx, UA_OPEN_CHANNEL_REQ, ua_types[UA_OPN].name, OP_SESSION, is_response, 0, detail);
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
    Cursor params = probe;
    int32_t status = is_response ? ua_service_result(&probe) : 0;
    char detail[FACT_DETAIL_MAX] = "";
    if (svc->request_id == UA_CREATE_SESSION && !is_response)
        ua_create_session(ctx, &params, detail, sizeof detail);
    else if (svc->request_id == UA_GET_ENDPOINTS && !is_response)
        ua_get_endpoints_request(&params, detail, sizeof detail);
    else if (svc->request_id == UA_GET_ENDPOINTS && status == 0)
        ua_get_endpoints_response(ctx, &params, detail, sizeof detail);
    dissect_op(ctx, svc->request_id, svc->name, svc->cls, is_response, status, detail);
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
