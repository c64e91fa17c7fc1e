/*
 * proto-snmp.c - SNMP v1, v2c and v3 over UDP (161 agent, 162 traps).
 *
 * Decodes the BER message envelope: version, community (v1/v2c) or the v3
 * global data and USM user name, then the PDU type as the operation, with
 * the error status of responses and the first variable binding's OID in
 * the detail.  The community string is a credential: it is reported only
 * as a secret attribute ("snmp-community:<community>") of the agent that
 * accepts it (the receiver of a request, the sender of a response), never
 * in a detail.  In responses, sysDescr.0, sysObjectID.0 and sysName.0
 * values describe the responder, and the enterprise number in sysObjectID
 * names its vendor (data/vendors/pen.tsv).  Encrypted v3 PDUs are counted, not
 * opened; other MIB values, v1 trap fields and v3 authentication are
 * deliberately not interpreted.
 *
 * References: RFC 3416 section 3 (PDUs), RFC 1157 section 4 (v1 message),
 * RFC 3412 section 6 (v3 message), RFC 3414 section 2.4 (USM parameters),
 * ITU-T X.690 (BER) section 8.1.
 *
 *   SEQUENCE {                                 30 len
 *     version       INTEGER (0 v1, 1 v2c, 3 v3)  02 01 vv
 *     v1/v2c: community OCTET STRING            04 len ...
 *             PDU [0..8] IMPLICIT SEQUENCE {    a0..a8 len
 *               request-id, error-status, error-index INTEGER,
 *               varbinds SEQUENCE OF SEQUENCE { name OID, value } }
 *     v3:     msgGlobalData SEQUENCE, msgSecurityParameters OCTET STRING
 *             (USM SEQUENCE: engineID, boots, time, userName, ...),
 *             ScopedPDU SEQUENCE { engineID, contextName, PDU } | OCTET STRING
 *   }
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "otscope/vendors.h"

enum {
    BER_INTEGER = 0x02,
    BER_OCTET_STRING = 0x04,
    BER_OID = 0x06,
    BER_SEQUENCE = 0x30,
    BER_CONTEXT_PDU = 0xa0, /* [0] .. [8] constructed */
    BER_MAX_LEN_BYTES = 4,
    SNMP_V1 = 0,
    SNMP_V2C = 1,
    SNMP_V3 = 3,
    SNMP_PDU_MAX = 8,
    SNMP_PDU_RESPONSE = 2,
    SNMP_PDU_TRAP_V1 = 4,
    SNMP_PDU_REPORT = 8,
    SNMP_PDU_ENCRYPTED = 255, /* our code for a v3 PDU we cannot read */
    SNMP_MAX_VARBINDS = 64,
    SNMP_MAX_OID_ARCS = 32,
    SNMP_OID_TEXT_MAX = 48,
    SNMP_COMMUNITY_MAX = 64,
};

typedef struct SnmpTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} SnmpTok;

/* RFC 3416 section 3 PDU tags; responses keep the class of the request kind. */
static const SnmpTok snmp_pdus[] = {
    {0, "get", OP_READ},     {1, "getnext", OP_READ}, {2, "response", OP_READ},
    {3, "set", OP_WRITE},    {4, "trap", OP_OTHER},   {5, "getbulk", OP_READ},
    {6, "inform", OP_OTHER}, {7, "trap", OP_OTHER},   {8, "report", OP_OTHER},
};

static const SnmpTok snmp_encrypted = {SNMP_PDU_ENCRYPTED, "encrypted pdu", OP_OTHER};

static const char *const version_names[] = {"v1", "v2c", "v2u", "v3"};

/* MIB-2 system group objects that identify the responder. */
static const struct {
    const char *oid;
    AttrKind key;
} system_objects[] = {
    {"1.3.6.1.2.1.1.1.0", ATTR_DESCRIPTION}, /* sysDescr */
    {"1.3.6.1.2.1.1.2.0", ATTR_MODEL},       /* sysObjectID */
    {"1.3.6.1.2.1.1.5.0", ATTR_HOSTNAME},    /* sysName */
};
enum { SYS_OBJECT_ID = 1 }; /* its index above */

/* ---- BER --------------------------------------------------------------- */

/* One TLV: the tag, and its value as a child window.  Definite lengths
 * only (X.690 8.1.3): SNMP never uses the indefinite form. */
static uint8_t ber_take(Cursor *c, Cursor *value)
{
    uint8_t tag = cursor_u8(c);
    uint8_t first = cursor_u8(c);
    size_t len = first;
    if (first & 0x80) {
        size_t n_bytes = first & 0x7f;
        if (n_bytes == 0 || n_bytes > BER_MAX_LEN_BYTES)
            cursor_set_bad(c);
        len = 0;
        for (size_t i = 0; i < n_bytes && cursor_ok(c); i++)
            len = (len << 8) | cursor_u8(c);
    }
    if ((tag & 0x1f) == 0x1f)
        cursor_set_bad(c); /* multi-byte tags do not occur in SNMP */
    cursor_take(c, len, value);
    return tag;
}

/* Expects a TLV with the given tag; fails the cursor otherwise. */
static void ber_expect(Cursor *c, uint8_t want, Cursor *value)
{
    if (ber_take(c, value) != want)
        cursor_set_bad(c);
}

static int32_t ber_int(Cursor *c)
{
    Cursor v;
    ber_expect(c, BER_INTEGER, &v);
    size_t n = cursor_left(&v);
    if (!cursor_ok(c) || n == 0 || n > 5) {
        cursor_set_bad(c);
        return 0;
    }
    int32_t value = (cursor_peek(&v, 0) & 0x80) ? -1 : 0;
    while (cursor_left(&v) > 0)
        value = (int32_t)(((uint32_t)value << 8) | cursor_u8(&v));
    return value;
}

/* Dotted text of an OID value window (X.690 8.19). */
static void oid_text(Cursor *v, char *dst, size_t dstsz)
{
    size_t out = 0;
    dst[0] = '\0';
    uint32_t arc = 0;
    int arcs = 0;
    while (cursor_left(v) > 0 && arcs < SNMP_MAX_OID_ARCS) {
        uint8_t b = cursor_u8(v);
        arc = (arc << 7) | (b & 0x7f);
        if (b & 0x80)
            continue;
        int n;
        if (arcs == 0) {
            unsigned first = arc < 80 ? arc / 40 : 2;
            n = snprintf(dst + out, dstsz - out, "%u.%u", first, (unsigned)(arc - first * 40));
        } else {
            n = snprintf(dst + out, dstsz - out, ".%u", (unsigned)arc);
        }
        if (n < 0 || (size_t)n >= dstsz - out) {
            dst[out] = '\0';
            return;
        }
        out += (size_t)n;
        arc = 0;
        arcs++;
    }
}

/* ---- message ----------------------------------------------------------- */

/* What one message says, collected before any fact is emitted. */
typedef struct SnmpMsg {
    int32_t version;
    char community[SNMP_COMMUNITY_MAX];
    char user[SNMP_COMMUNITY_MAX];
    const SnmpTok *pdu;
    int32_t error_status;
    char first_oid[SNMP_OID_TEXT_MAX];
    char sys_values[3][FACT_VALUE_MAX]; /* indexed like system_objects */
} SnmpMsg;

static void read_varbind(Cursor *list, SnmpMsg *m, bool is_first)
{
    Cursor vb;
    ber_expect(list, BER_SEQUENCE, &vb);
    Cursor name;
    ber_expect(&vb, BER_OID, &name);
    char oid[SNMP_OID_TEXT_MAX];
    oid_text(&name, oid, sizeof oid);
    Cursor value;
    uint8_t value_tag = ber_take(&vb, &value);
    if (!cursor_ok(&vb))
        cursor_set_bad(list);
    if (!cursor_ok(list))
        return;
    if (is_first)
        memcpy(m->first_oid, oid, sizeof oid);
    for (size_t i = 0; i < sizeof system_objects / sizeof *system_objects; i++) {
        if (strcmp(oid, system_objects[i].oid) != 0)
            continue;
        if (value_tag == BER_OCTET_STRING)
            cursor_str(&value, cursor_left(&value), m->sys_values[i], sizeof m->sys_values[i]);
        else if (value_tag == BER_OID)
            oid_text(&value, m->sys_values[i], sizeof m->sys_values[i]);
    }
}

/* A PDU ([0]..[8]): request-id, error-status, error-index, varbinds.  The
 * v1 Trap-PDU has another layout; only its tag is used. */
static void read_pdu(Cursor *c, SnmpMsg *m)
{
    Cursor pdu;
    uint8_t tag = ber_take(c, &pdu);
    if (!cursor_ok(c))
        return;
    if (tag < BER_CONTEXT_PDU || tag > BER_CONTEXT_PDU + SNMP_PDU_MAX) {
        cursor_set_bad(c);
        return;
    }
    m->pdu = &snmp_pdus[tag - BER_CONTEXT_PDU];
    if (m->pdu->code == SNMP_PDU_TRAP_V1)
        return;
    ber_int(&pdu); /* request-id */
    m->error_status = ber_int(&pdu);
    ber_int(&pdu); /* error-index */
    Cursor list;
    ber_expect(&pdu, BER_SEQUENCE, &list);
    for (int i = 0; i < SNMP_MAX_VARBINDS && cursor_ok(&list) && cursor_left(&list) > 0; i++)
        read_varbind(&list, m, i == 0);
    if (!cursor_ok(&pdu) || !cursor_ok(&list))
        cursor_set_bad(c);
}

/* v3 (RFC 3412 section 6): global data, USM parameters, scoped PDU. */
static void read_v3(Cursor *c, SnmpMsg *m)
{
    Cursor global;
    ber_expect(c, BER_SEQUENCE, &global);
    Cursor security;
    ber_expect(c, BER_OCTET_STRING, &security);
    Cursor usm;
    ber_expect(&security, BER_SEQUENCE, &usm);
    Cursor skipped;
    ber_take(&usm, &skipped); /* authoritative engine id */
    ber_int(&usm);            /* engine boots */
    ber_int(&usm);            /* engine time */
    Cursor user;
    ber_expect(&usm, BER_OCTET_STRING, &user);
    cursor_str(&user, cursor_left(&user), m->user, sizeof m->user);
    if (!cursor_ok(&security) || !cursor_ok(&usm))
        cursor_set_bad(c);
    if (cursor_peek(c, 0) == BER_OCTET_STRING) {
        ber_take(c, &skipped); /* encryptedPDU */
        m->pdu = &snmp_encrypted;
        return;
    }
    Cursor scoped;
    ber_expect(c, BER_SEQUENCE, &scoped);
    ber_expect(&scoped, BER_OCTET_STRING, &skipped); /* contextEngineID */
    ber_expect(&scoped, BER_OCTET_STRING, &skipped); /* contextName */
    read_pdu(&scoped, m);
    if (!cursor_ok(&scoped))
        cursor_set_bad(c);
}

static void read_message(Cursor *c, SnmpMsg *m)
{
    Cursor msg;
    ber_expect(c, BER_SEQUENCE, &msg);
    m->version = ber_int(&msg);
    if (m->version == SNMP_V1 || m->version == SNMP_V2C) {
        Cursor community;
        ber_expect(&msg, BER_OCTET_STRING, &community);
        cursor_str(&community, cursor_left(&community), m->community, sizeof m->community);
        read_pdu(&msg, m);
    } else if (m->version == SNMP_V3) {
        read_v3(&msg, m);
    } else {
        cursor_set_bad(&msg);
    }
    if (!cursor_ok(&msg))
        cursor_set_bad(c);
}

/* ---- probe and dissect ------------------------------------------------- */

static DissectResult snmp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_UDP)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < 7)
        return DISSECT_NEED_MORE;
    Cursor msg;
    ber_expect(c, BER_SEQUENCE, &msg);
    if (cursor_fail(c) == CUR_CAPTRUNC)
        return DISSECT_NEED_MORE;
    /* the message fills the datagram */
    if (!cursor_ok(c) || cursor_left(c) != 0)
        return DISSECT_NOT_MINE;
    int32_t version = ber_int(&msg);
    if (!cursor_ok(&msg) || (version != SNMP_V1 && version != SNMP_V2C && version != SNMP_V3))
        return DISSECT_NOT_MINE;
    int next = cursor_peek(&msg, 0);
    bool is_v3 = version == SNMP_V3;
    return next == (is_v3 ? BER_SEQUENCE : BER_OCTET_STRING) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static bool is_from_agent(const SnmpTok *pdu)
{
    return pdu->code == SNMP_PDU_RESPONSE || pdu->code == SNMP_PDU_REPORT;
}

/* The vendor an agent's sysObjectID names: its first arc under
 * enterprises (1.3.6.1.4.1.N) is the maker's IANA enterprise number
 * (RFC 3418 sysObjectID: "the vendor's authoritative identification").
 * Medium confidence: an OEM's device may carry its supplier's number.
 * Unknown numbers give nothing: the sysObjectID itself is kept as model. */
static void emit_enterprise(DissectCtx *ctx, const char *sys_object_id)
{
    static const char enterprises[] = "1.3.6.1.4.1.";
    if (strncmp(sys_object_id, enterprises, sizeof enterprises - 1) != 0)
        return;
    const char *arc = sys_object_id + sizeof enterprises - 1;
    uint32_t pen = 0;
    size_t n = 0;
    for (; arc[n] >= '0' && arc[n] <= '9' && n < 10; n++)
        pen = pen * 10 + (uint32_t)(arc[n] - '0');
    if (n == 0 || n == 10 || (arc[n] != '.' && arc[n] != '\0') || !vendor_id_name(VENDORS_PEN, pen))
        return;
    char vendor[VENDOR_TEXT_MAX];
    snprintf(vendor, sizeof vendor, "%s (enterprise %u)", vendor_id_name(VENDORS_PEN, pen),
             (unsigned)pen);
    dissect_attr(ctx, SIDE_SRC, ATTR_VENDOR, vendor, FACT_CONF_MEDIUM);
}

static void emit_identity(DissectCtx *ctx, const SnmpMsg *m, bool is_response)
{
    /* an encrypted PDU hides its kind: the flow's direction has to do */
    if (m->pdu->code == SNMP_PDU_ENCRYPTED)
        is_response = !ctx->is_from_client;
    /* the community opens the agent: the receiver of requests and traps'
     * manager alike, the sender of responses */
    FactSide agent = is_response ? SIDE_SRC : SIDE_DST;
    if (m->version != SNMP_V3) {
        char secret[FACT_VALUE_MAX];
        snprintf(secret, sizeof secret, "snmp-community:%s", m->community);
        dissect_attr(ctx, agent, ATTR_SECRET, secret, FACT_CONF_HIGH);
    }
    if (m->user[0])
        dissect_attr(ctx, is_response ? SIDE_DST : SIDE_SRC, ATTR_USER, m->user, FACT_CONF_HIGH);
    if (!is_response)
        return;
    for (size_t i = 0; i < sizeof system_objects / sizeof *system_objects; i++)
        if (m->sys_values[i][0])
            dissect_attr(ctx, SIDE_SRC, system_objects[i].key, m->sys_values[i], FACT_CONF_HIGH);
    emit_enterprise(ctx, m->sys_values[SYS_OBJECT_ID]);
}

static DissectResult snmp_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_clipped = cursor_is_clipped(c);
    SnmpMsg m;
    memset(&m, 0, sizeof m);
    read_message(c, &m);
    if (!cursor_ok(c) || m.pdu == NULL)
        return is_clipped ? DISSECT_SHORT : dissect_fail(ctx, c, ANOM_BAD_HEADER);

    bool is_response = is_from_agent(m.pdu);
    if (m.pdu->code != SNMP_PDU_ENCRYPTED)
        ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    char detail[FACT_DETAIL_MAX];
    const char *version = version_names[m.version];
    if (m.first_oid[0])
        snprintf(detail, sizeof detail, "%s %s", version, m.first_oid);
    else
        snprintf(detail, sizeof detail, "%s", version);
    dissect_op(ctx, m.pdu->code, m.pdu->name, m.pdu->cls, is_response,
               is_response ? m.error_status : 0, detail);
    emit_identity(ctx, &m, is_response);
    return DISSECT_OK;
}

const ProtoDesc proto_snmp = {
    .name = "snmp",
    .transports = PT_UDP,
    .ports = {161, 162},
    .probe = snmp_probe,
    .dissect = snmp_dissect,
};
