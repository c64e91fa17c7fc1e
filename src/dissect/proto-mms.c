/*
 * proto-mms.c - ISO 9506 MMS over the ISO session/presentation layers,
 * carried in COTP DT (IEC 61850 client/server, ICCP/TASE.2).
 *
 * Recognises the session SPDU that starts a DT payload: CONNECT and ACCEPT
 * carry the MMS initiate request/response (session ops; the ACSE and
 * presentation negotiation inside is not decoded), GIVE-TOKENS + DATA
 * TRANSFER carry a presentation fully-encoded-data PPDU whose single
 * ASN.1 value is one MMS PDU.  Some stacks put the MMS PDU straight into
 * the DT; that is accepted too.  From the MMS PDU it reads the PDU type,
 * the invoke id and the confirmed-service tag (request and response), the
 * unconfirmed service, and the Identify response's vendor, model and
 * revision (attributes of the server).  Deliberately not parsed: variable
 * names, data values, ACSE authentication, session parameters.
 *
 * References: ISO 9506-2:2003 (MMS protocol), section 7 (MMSpdu) and the
 * ASN.1 of ConfirmedServiceRequest; ITU-T X.225 (1995) section 8.3 (SPDU
 * codes); ITU-T X.226 (1994) section 8.4 (fully-encoded-data); X.690 BER.
 *
 *  DT payload: | 01 00 | 01 00 | 61 len | 30 len | 02 01 ctx | a0 len | MMS PDU
 *               GIVE-TOK  DATA   PPDU    PDV-list  pres-ctx    single-ASN1
 *  MMS PDU:    | a0 len | 02 len invokeID | [service tag] ... (confirmed request)
 *
 * Op codes: the confirmed-service tag (read 4, write 5, getNameList 1,
 * identify 2, ...); PDUs without one use 256 + the MMSpdu tag
 * (264 initiate, 267 conclude, each for request and response;
 * 258 confirmed-Error, 259 unconfirmed, 260 reject).
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    SPDU_DATA = 0x01, /* DATA TRANSFER, and GIVE-TOKENS: same code */
    SPDU_CONNECT = 0x0d,
    SPDU_ACCEPT = 0x0e,
    SPDU_REFUSE = 0x0c,
    SPDU_FINISH = 0x09,
    SPDU_DISCONNECT = 0x0a,
    SPDU_ABORT = 0x19,
    PPDU_FULLY_ENCODED = 0x61,
    BER_SEQUENCE = 0x30,
    BER_INTEGER = 0x02,
    MMS_CONFIRMED_REQUEST = 0,
    MMS_CONFIRMED_RESPONSE = 1,
    MMS_CONFIRMED_ERROR = 2,
    MMS_UNCONFIRMED = 3,
    MMS_REJECT = 4,
    MMS_INITIATE_REQUEST = 8,
    MMS_INITIATE_RESPONSE = 9,
    MMS_INITIATE_ERROR = 10,
    MMS_CONCLUDE_REQUEST = 11,
    MMS_CONCLUDE_RESPONSE = 12,
    MMS_CONCLUDE_ERROR = 13,
    MMS_PDU_CODE_BASE = 256,
    MMS_SVC_IDENTIFY = 2,
    MMS_ID_VALUE_MAX = 64,
};

typedef struct MmsTok {
    uint16_t code;
    const char *name;
    OpClass cls;
} MmsTok;

/* ConfirmedServiceRequest choice tags, ISO 9506-2 section 7.1.3. */
static const MmsTok mms_services[] = {
    {0, "status", OP_DIAGNOSTIC},
    {1, "getNameList", OP_DISCOVERY},
    {2, "identify", OP_DISCOVERY},
    {3, "rename", OP_CONFIG},
    {4, "read", OP_READ},
    {5, "write", OP_WRITE},
    {6, "getVariableAccessAttributes", OP_READ},
    {7, "defineNamedVariable", OP_CONFIG},
    {8, "defineScatteredAccess", OP_CONFIG},
    {9, "getScatteredAccessAttributes", OP_READ},
    {10, "deleteVariableAccess", OP_CONFIG},
    {11, "defineNamedVariableList", OP_CONFIG},
    {12, "getNamedVariableListAttributes", OP_READ},
    {13, "deleteNamedVariableList", OP_CONFIG},
    {14, "defineNamedType", OP_CONFIG},
    {15, "getNamedTypeAttributes", OP_READ},
    {16, "deleteNamedType", OP_CONFIG},
    {17, "input", OP_READ},
    {18, "output", OP_WRITE},
    {19, "takeControl", OP_OTHER},
    {20, "relinquishControl", OP_OTHER},
    {21, "defineSemaphore", OP_CONFIG},
    {22, "deleteSemaphore", OP_CONFIG},
    {23, "reportSemaphoreStatus", OP_READ},
    {24, "reportPoolSemaphoreStatus", OP_READ},
    {25, "reportSemaphoreEntryStatus", OP_READ},
    {26, "initiateDownloadSequence", OP_PROGRAM},
    {27, "downloadSegment", OP_PROGRAM},
    {28, "terminateDownloadSequence", OP_PROGRAM},
    {29, "initiateUploadSequence", OP_PROGRAM},
    {30, "uploadSegment", OP_PROGRAM},
    {31, "terminateUploadSequence", OP_PROGRAM},
    {32, "requestDomainDownload", OP_PROGRAM},
    {33, "requestDomainUpload", OP_PROGRAM},
    {34, "loadDomainContent", OP_PROGRAM},
    {35, "storeDomainContent", OP_PROGRAM},
    {36, "deleteDomain", OP_PROGRAM},
    {37, "getDomainAttributes", OP_READ},
    {38, "createProgramInvocation", OP_PROGRAM},
    {39, "deleteProgramInvocation", OP_PROGRAM},
    {40, "start", OP_CONTROL},
    {41, "stop", OP_CONTROL},
    {42, "resume", OP_CONTROL},
    {43, "reset", OP_CONTROL},
    {44, "kill", OP_CONTROL},
    {45, "getProgramInvocationAttributes", OP_READ},
    {46, "obtainFile", OP_PROGRAM},
    {47, "defineEventCondition", OP_CONFIG},
    {48, "deleteEventCondition", OP_CONFIG},
    {49, "getEventConditionAttributes", OP_READ},
    {50, "reportEventConditionStatus", OP_READ},
    {51, "alterEventConditionMonitoring", OP_CONFIG},
    {52, "triggerEvent", OP_CONTROL},
    {53, "defineEventAction", OP_CONFIG},
    {54, "deleteEventAction", OP_CONFIG},
    {55, "getEventActionAttributes", OP_READ},
    {56, "reportEventActionStatus", OP_READ},
    {57, "defineEventEnrollment", OP_CONFIG},
    {58, "deleteEventEnrollment", OP_CONFIG},
    {59, "alterEventEnrollment", OP_CONFIG},
    {60, "reportEventEnrollmentStatus", OP_READ},
    {61, "getEventEnrollmentAttributes", OP_READ},
    {62, "acknowledgeEventNotification", OP_OTHER},
    {63, "getAlarmSummary", OP_READ},
    {64, "getAlarmEnrollmentSummary", OP_READ},
    {65, "readJournal", OP_READ},
    {66, "writeJournal", OP_WRITE},
    {67, "initializeJournal", OP_CONFIG},
    {68, "reportJournalStatus", OP_READ},
    {69, "createJournal", OP_CONFIG},
    {70, "deleteJournal", OP_CONFIG},
    {71, "getCapabilityList", OP_DISCOVERY},
    {72, "fileOpen", OP_READ},
    {73, "fileRead", OP_READ},
    {74, "fileClose", OP_READ},
    {75, "fileRename", OP_CONFIG},
    {76, "fileDelete", OP_WRITE},
    {77, "fileDirectory", OP_READ},
};

static const MmsTok mms_unconfirmed[] = {
    {0, "informationReport", OP_READ},
    {1, "unsolicitedStatus", OP_DIAGNOSTIC},
    {2, "eventNotification", OP_OTHER},
};

static const MmsTok *mms_find(const MmsTok *tab, size_t n, uint32_t code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].code == code)
            return &tab[i];
    return NULL;
}

#define MMS_FIND(tab, code) mms_find((tab), sizeof(tab) / sizeof((tab)[0]), (code))

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

/* BER identifier: class/constructed bits in *form, tag number returned.
 * High tag numbers (>= 31) use up to two continuation octets here. */
static uint32_t ber_tag(Cursor *c, uint8_t *form)
{
    uint8_t first = cursor_u8(c);
    *form = first & 0xe0;
    if ((first & 0x1f) != 0x1f)
        return first & 0x1f;
    uint32_t tag = 0;
    for (int i = 0; i < 2; i++) {
        uint8_t b = cursor_u8(c);
        tag = tag << 7 | (b & 0x7f);
        if (!(b & 0x80))
            return tag;
    }
    cursor_set_bad(c); /* tag numbers above 16383 do not occur in MMS */
    return 0;
}

/* BER definite length (short form or 1-3 length octets). */
static size_t ber_len(Cursor *c)
{
    uint8_t first = cursor_u8(c);
    if (!(first & 0x80))
        return first;
    uint8_t n = first & 0x7f;
    if (n == 0 || n > 3) {
        cursor_set_bad(c); /* indefinite form is not used by MMS stacks */
        return 0;
    }
    size_t len = 0;
    for (uint8_t i = 0; i < n; i++)
        len = len << 8 | cursor_u8(c);
    return len;
}

/* Reads one TLV header and takes its value as a child window. */
static uint32_t ber_take(Cursor *c, uint8_t *form, Cursor *value)
{
    uint32_t tag = ber_tag(c, form);
    size_t len = ber_len(c);
    cursor_take(c, len, value);
    return tag;
}

static uint32_t ber_uint(Cursor *value)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4 && cursor_left(value) > 0; i++)
        v = v << 8 | cursor_u8(value);
    return v;
}

typedef struct MmsIdentity {
    char vendor[MMS_ID_VALUE_MAX];
    char model[MMS_ID_VALUE_MAX];
    char revision[MMS_ID_VALUE_MAX];
} MmsIdentity;

/* Identify-Response: [0] vendorName, [1] modelName, [2] revision. */
static void identify_response(Cursor *body, MmsIdentity *id)
{
    for (int i = 0; i < 3 && cursor_left(body) > 0; i++) {
        uint8_t form;
        Cursor val;
        uint32_t tag = ber_take(body, &form, &val);
        char *dst = tag == 0 ? id->vendor : tag == 1 ? id->model : tag == 2 ? id->revision : NULL;
        if (dst)
            cursor_str(&val, cursor_left(&val), dst, MMS_ID_VALUE_MAX);
    }
}

static void emit_identity(DissectCtx *ctx, const MmsIdentity *id)
{
    if (id->vendor[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, id->vendor, FACT_CONF_HIGH);
    if (id->model[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, id->model, FACT_CONF_HIGH);
    if (id->revision[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_FIRMWARE, id->revision, FACT_CONF_HIGH);
}

/* confirmed-RequestPDU / confirmed-ResponsePDU: invokeID, then the
 * service tag.  (A request's optional listOfModifier is not used by the
 * stacks seen; it would read as an unknown service.) */
static DissectResult mms_confirmed(DissectCtx *ctx, Cursor *pdu, bool is_response)
{
    uint8_t form;
    Cursor val;
    uint32_t tag = ber_take(pdu, &form, &val);
    uint32_t invoke = ber_uint(&val);
    if (cursor_ok(pdu) && (tag != BER_INTEGER || form != 0))
        return malformed(ctx, ANOM_BAD_HEADER);
    Cursor body;
    uint32_t service = ber_take(pdu, &form, &body);
    MmsIdentity id;
    memset(&id, 0, sizeof id);
    if (is_response && service == MMS_SVC_IDENTIFY && cursor_ok(pdu))
        identify_response(&body, &id);
    if (!cursor_ok(pdu) || !cursor_ok(&body))
        return dissect_fail(ctx, cursor_ok(pdu) ? &body : pdu, ANOM_LEN_MISMATCH);
    const MmsTok *tok = MMS_FIND(mms_services, service);
    if (!tok || (form & 0xc0) != 0x80)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "invoke=%u", invoke);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, service, tok->name, tok->cls, is_response, 0, detail);
    emit_identity(ctx, &id);
    return DISSECT_OK;
}

/* initiate and conclude: one code for request and response, as the
 * confirmed services have. */
static DissectResult session_op(DissectCtx *ctx, uint32_t pdu_tag, const char *name,
                                bool is_response, bool is_error)
{
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, MMS_PDU_CODE_BASE + pdu_tag, name, OP_SESSION, is_response, is_error ? 1 : 0,
               NULL);
    return DISSECT_OK;
}

static DissectResult mms_pdu(DissectCtx *ctx, Cursor *c)
{
    uint8_t form;
    Cursor pdu;
    uint32_t type = ber_take(c, &form, &pdu);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if ((form & 0xc0) != 0x80)
        return malformed(ctx, ANOM_BAD_HEADER); /* MMSpdu alternatives are context tags */
    switch (type) {
    case MMS_CONFIRMED_REQUEST:
        return mms_confirmed(ctx, &pdu, false);
    case MMS_CONFIRMED_RESPONSE:
        return mms_confirmed(ctx, &pdu, true);
    case MMS_UNCONFIRMED: {
        Cursor body;
        uint32_t service = ber_take(&pdu, &form, &body);
        if (!cursor_ok(&pdu))
            return dissect_fail(ctx, &pdu, ANOM_LEN_MISMATCH);
        const MmsTok *tok = MMS_FIND(mms_unconfirmed, service);
        if (!tok)
            return malformed(ctx, ANOM_BAD_FUNCTION);
        dissect_op(ctx, MMS_PDU_CODE_BASE + type, tok->name, tok->cls, true, 0, NULL);
        return DISSECT_OK;
    }
    case MMS_CONFIRMED_ERROR:
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, MMS_PDU_CODE_BASE + type, "confirmed-Error", OP_OTHER, true, 1, NULL);
        return DISSECT_OK;
    case MMS_REJECT:
        dissect_op(ctx, MMS_PDU_CODE_BASE + type, "reject", OP_OTHER, true, 1, NULL);
        return DISSECT_OK;
    case MMS_INITIATE_REQUEST:
    case MMS_INITIATE_RESPONSE:
    case MMS_INITIATE_ERROR:
        return session_op(ctx, MMS_INITIATE_REQUEST, "initiate", type != MMS_INITIATE_REQUEST,
                          type == MMS_INITIATE_ERROR);
    case MMS_CONCLUDE_REQUEST:
    case MMS_CONCLUDE_RESPONSE:
    case MMS_CONCLUDE_ERROR:
        return session_op(ctx, MMS_CONCLUDE_REQUEST, "conclude", type != MMS_CONCLUDE_REQUEST,
                          type == MMS_CONCLUDE_ERROR);
    default:
        return DISSECT_OK; /* cancel PDUs: nothing to name */
    }
}

/* fully-encoded-data: [APPLICATION 1] { SEQUENCE { ctx-id INTEGER,
 * [0] single-ASN1-type } } -> the MMS PDU window. */
static bool presentation_user_data(Cursor *c, Cursor *mms)
{
    uint8_t form;
    Cursor ppdu;
    Cursor pdv;
    Cursor ctx_id;
    uint32_t t1 = ber_take(c, &form, &ppdu);
    bool ok = cursor_ok(c) && form == 0x60 && t1 == 1;
    uint32_t t2 = ber_take(&ppdu, &form, &pdv);
    ok = ok && cursor_ok(&ppdu) && form == 0x20 && t2 == 0x10;
    uint32_t t3 = ber_take(&pdv, &form, &ctx_id);
    ok = ok && cursor_ok(&pdv) && form == 0 && t3 == BER_INTEGER;
    uint32_t t4 = ber_take(&pdv, &form, mms);
    ok = ok && cursor_ok(&pdv) && form == 0xa0 && t4 == 0;
    return ok;
}

static bool is_mms_pdu_tag(int b)
{
    return (b >= 0xa0 && b <= 0xa4) || (b >= 0xa8 && b <= 0xaa) || b == 0x8b || b == 0x8c;
}

static DissectResult mms_dissect(Cursor *c, DissectCtx *ctx)
{
    int spdu = cursor_peek(c, 0);
    if (spdu < 0) {
        cursor_set_short(c);
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    }
    if (is_mms_pdu_tag(spdu))
        return mms_pdu(ctx, c); /* MMS PDU straight in the DT */
    if (spdu == SPDU_CONNECT || spdu == SPDU_ACCEPT) {
        cursor_u8(c);
        size_t len = cursor_u8(c);
        if (len == 0xff)
            len = cursor_be16(c);
        Cursor body;
        if (!cursor_take(c, len, &body))
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        /* CONNECT/ACCEPT carry the initiate request/response inside ACSE. */
        return session_op(ctx, MMS_INITIATE_REQUEST, "initiate", spdu == SPDU_ACCEPT, false);
    }
    if (spdu != SPDU_DATA)
        return DISSECT_OK; /* FINISH/DISCONNECT/REFUSE/ABORT: session teardown, unnamed */
    /* GIVE-TOKENS (01 00) then DATA TRANSFER (01 00): both without parameters. */
    uint8_t give = cursor_u8(c);
    uint8_t give_len = cursor_u8(c);
    uint8_t data = cursor_u8(c);
    uint8_t data_len = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (give != SPDU_DATA || give_len != 0 || data != SPDU_DATA || data_len != 0)
        return DISSECT_NOT_MINE;
    int ppdu = cursor_peek(c, 0);
    if (ppdu < 0) {
        cursor_set_short(c);
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    }
    if (ppdu != PPDU_FULLY_ENCODED)
        return DISSECT_NOT_MINE;
    Cursor mms;
    if (!presentation_user_data(c, &mms)) {
        if (!cursor_ok(c))
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        return malformed(ctx, ANOM_BAD_HEADER);
    }
    return mms_pdu(ctx, &mms);
}

const ProtoDesc proto_mms = {
    .name = "mms",
    .transports = PT_TCP,
    .ports = {102},
    .dissect = mms_dissect,
    .flags = PROTO_CARRIED,
};
