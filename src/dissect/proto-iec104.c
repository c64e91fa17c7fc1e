/*
 * proto-iec104.c - IEC 60870-5-104 APCI framing and the ASDU header.
 *
 * Parses every APDU: U-frames (STARTDT/STOPDT/TESTFR act/con) become
 * session ops, S-frames an acknowledgement op, I-frames an op named by the
 * ASDU type id with the cause of transmission, common address and first
 * information object address in the detail.  Commands (45-64) are control
 * or write, interrogations and read commands are read, clock sync and
 * parameters config, reset process control; monitoring types are the
 * outstation's reports and counted as responses.  A negative confirm (P/N
 * bit) or an "unknown ..." cause (44-47) is the response status.
 * Deliberately not parsed: information element values and time tags, the
 * sequence numbers' consistency, non-standard field sizes (1-octet COT or
 * common address, 2-octet IOA) and IEC 62351-5 security.
 *
 * References: IEC 60870-5-104:2006 sections 5.1 (APCI), 5.2-5.3 (I/S/U
 * formats); IEC 60870-5-101:2003 section 7.2 (type identification, cause
 * of transmission, ASDU addresses) and 7.3 (type semantics).
 *
 *  +------+--------+----------+----------+----------+----------+
 *  | 0x68 | length | control1 | control2 | control3 | control4 |  APCI
 *  +------+--------+----------+----------+----------+----------+
 *  | type id | SQ|n | T|PN|cause | originator | common addr (le16) |  ASDU
 *  | IOA (le24) | elements ...                                     |
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    APCI_START = 0x68,
    APCI_CTRL_LEN = 4,
    APCI_LEN_MAX = 253,
    ASDU_HDR_LEN = 6, /* type, VSQ, COT(2), common address(2) */
    U_STARTDT_ACT = 0x07,
    U_STARTDT_CON = 0x0b,
    U_STOPDT_ACT = 0x13,
    U_STOPDT_CON = 0x23,
    U_TESTFR_ACT = 0x43,
    U_TESTFR_CON = 0x83,
    FRAME_CODE_BASE = 256, /* S/U frames: 256 + control octet 1 (no type id there) */
    COT_PN_BIT = 0x40,
    COT_CAUSE_MASK = 0x3f,
    COT_ACT = 6,
    COT_ACTCON = 7,
    COT_DEACT = 8,
    COT_DEACTCON = 9,
    COT_ACTTERM = 10,
    COT_UNKNOWN_TYPE = 44,
    COT_UNKNOWN_IOA = 47,
};

typedef struct TypeTok {
    uint8_t type;
    const char *name;
    OpClass cls;
} TypeTok;

/* IEC 60870-5-101 table 8 + 104 additions.  Monitoring types are reports. */
static const TypeTok iec104_types[] = {
    {1, "M_SP_NA_1", OP_READ},         {2, "M_SP_TA_1", OP_READ},
    {3, "M_DP_NA_1", OP_READ},         {4, "M_DP_TA_1", OP_READ},
    {5, "M_ST_NA_1", OP_READ},         {6, "M_ST_TA_1", OP_READ},
    {7, "M_BO_NA_1", OP_READ},         {8, "M_BO_TA_1", OP_READ},
    {9, "M_ME_NA_1", OP_READ},         {10, "M_ME_TA_1", OP_READ},
    {11, "M_ME_NB_1", OP_READ},        {12, "M_ME_TB_1", OP_READ},
    {13, "M_ME_NC_1", OP_READ},        {14, "M_ME_TC_1", OP_READ},
    {15, "M_IT_NA_1", OP_READ},        {16, "M_IT_TA_1", OP_READ},
    {17, "M_EP_TA_1", OP_READ},        {18, "M_EP_TB_1", OP_READ},
    {19, "M_EP_TC_1", OP_READ},        {20, "M_PS_NA_1", OP_READ},
    {21, "M_ME_ND_1", OP_READ},        {30, "M_SP_TB_1", OP_READ},
    {31, "M_DP_TB_1", OP_READ},        {32, "M_ST_TB_1", OP_READ},
    {33, "M_BO_TB_1", OP_READ},        {34, "M_ME_TD_1", OP_READ},
    {35, "M_ME_TE_1", OP_READ},        {36, "M_ME_TF_1", OP_READ},
    {37, "M_IT_TB_1", OP_READ},        {38, "M_EP_TD_1", OP_READ},
    {39, "M_EP_TE_1", OP_READ},        {40, "M_EP_TF_1", OP_READ},
    {45, "C_SC_NA_1", OP_CONTROL},     {46, "C_DC_NA_1", OP_CONTROL},
    {47, "C_RC_NA_1", OP_CONTROL},     {48, "C_SE_NA_1", OP_WRITE},
    {49, "C_SE_NB_1", OP_WRITE},       {50, "C_SE_NC_1", OP_WRITE},
    {51, "C_BO_NA_1", OP_WRITE},       {58, "C_SC_TA_1", OP_CONTROL},
    {59, "C_DC_TA_1", OP_CONTROL},     {60, "C_RC_TA_1", OP_CONTROL},
    {61, "C_SE_TA_1", OP_WRITE},       {62, "C_SE_TB_1", OP_WRITE},
    {63, "C_SE_TC_1", OP_WRITE},       {64, "C_BO_TA_1", OP_WRITE},
    {70, "M_EI_NA_1", OP_DIAGNOSTIC},  {100, "C_IC_NA_1", OP_READ},
    {101, "C_CI_NA_1", OP_READ},       {102, "C_RD_NA_1", OP_READ},
    {103, "C_CS_NA_1", OP_CONFIG},     {104, "C_TS_NA_1", OP_DIAGNOSTIC},
    {105, "C_RP_NA_1", OP_CONTROL},    {106, "C_CD_NA_1", OP_CONFIG},
    {107, "C_TS_TA_1", OP_DIAGNOSTIC}, {110, "P_ME_NA_1", OP_CONFIG},
    {111, "P_ME_NB_1", OP_CONFIG},     {112, "P_ME_NC_1", OP_CONFIG},
    {113, "P_AC_NA_1", OP_CONFIG},     {120, "F_FR_NA_1", OP_READ},
    {121, "F_SR_NA_1", OP_READ},       {122, "F_SC_NA_1", OP_READ},
    {123, "F_LS_NA_1", OP_READ},       {124, "F_AF_NA_1", OP_READ},
    {125, "F_SG_NA_1", OP_READ},       {126, "F_DR_TA_1", OP_READ},
    {127, "F_SC_NB_1", OP_READ},
};

static const TypeTok iec104_uframes[] = {
    {U_STARTDT_ACT, "STARTDT act", OP_SESSION}, {U_STARTDT_CON, "STARTDT con", OP_SESSION},
    {U_STOPDT_ACT, "STOPDT act", OP_SESSION},   {U_STOPDT_CON, "STOPDT con", OP_SESSION},
    {U_TESTFR_ACT, "TESTFR act", OP_SESSION},   {U_TESTFR_CON, "TESTFR con", OP_SESSION},
};

/* Cause of transmission names (101 section 7.2.3), for the detail. */
static const char *cot_name(uint8_t cause)
{
    static const char *const names[] = {
        "0",      "per",   "back",     "spont",   "init",   "req",    "act",
        "actcon", "deact", "deactcon", "actterm", "retrem", "retloc", "file",
    };
    if (cause < sizeof(names) / sizeof(names[0]))
        return names[cause];
    if (cause == 20)
        return "inrogen";
    if (cause > 20 && cause <= 36)
        return "inro";
    if (cause == 37)
        return "reqcogen";
    if (cause > 37 && cause <= 41)
        return "reqco";
    if (cause >= COT_UNKNOWN_TYPE && cause <= COT_UNKNOWN_IOA)
        return "unknown";
    return "other";
}

static const TypeTok *tok_find(const TypeTok *tab, size_t n, uint8_t code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].type == code)
            return &tab[i];
    return NULL;
}

#define TOK_FIND(tab, code) tok_find((tab), sizeof(tab) / sizeof((tab)[0]), (code))

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

static bool is_monitoring(uint8_t type)
{
    return type < 45 || type == 70;
}

/* Structure of one APDU starting at offset 0 of c, from peeked bytes. */
static DissectResult apdu_shape(const Cursor *c)
{
    int start = cursor_peek(c, 0);
    int len = cursor_peek(c, 1);
    int cf1 = cursor_peek(c, 2);
    if (start >= 0 && start != APCI_START)
        return DISSECT_NOT_MINE;
    if (len >= 0 && (len < APCI_CTRL_LEN || len > APCI_LEN_MAX))
        return DISSECT_NOT_MINE;
    if (cf1 >= 0 && (cf1 & 0x01) && len != APCI_CTRL_LEN)
        return DISSECT_NOT_MINE; /* S and U frames carry no ASDU */
    if (cursor_left(c) < 2 + APCI_CTRL_LEN + (len > APCI_CTRL_LEN ? 3 : 0))
        return DISSECT_NEED_MORE;
    if ((cf1 & 0x01) == 0) { /* I-frame: needs an ASDU with a known type */
        if (len < APCI_CTRL_LEN + ASDU_HDR_LEN + 3)
            return DISSECT_NOT_MINE;
        int type = cursor_peek(c, 6);
        int cot = cursor_peek(c, 8);
        return TOK_FIND(iec104_types, (uint8_t)type) && (cot & COT_CAUSE_MASK) != 0
                   ? DISSECT_OK
                   : DISSECT_NOT_MINE;
    }
    if (len != APCI_CTRL_LEN || cursor_peek(c, 3) != 0)
        return DISSECT_NOT_MINE;
    if ((cf1 & 0x03) == 0x01)
        return cf1 == 0x01 ? DISSECT_OK : DISSECT_NOT_MINE;
    bool zeros = cursor_peek(c, 4) == 0 && cursor_peek(c, 5) == 0;
    return TOK_FIND(iec104_uframes, (uint8_t)cf1) && zeros ? DISSECT_OK : DISSECT_NOT_MINE;
}

static DissectResult iec104_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    return apdu_shape(c);
}

static size_t iec104_pdu_len(Cursor *c)
{
    if (cursor_left(c) < 2)
        return 0;
    uint8_t start = cursor_u8(c);
    uint8_t len = cursor_u8(c);
    if (start != APCI_START || len < APCI_CTRL_LEN || len > APCI_LEN_MAX)
        return PDU_LEN_BAD;
    return 2 + (size_t)len;
}

static DissectResult iec104_asdu(DissectCtx *ctx, Cursor *asdu)
{
    uint8_t type = cursor_u8(asdu);
    uint8_t vsq = cursor_u8(asdu);
    uint8_t cot = cursor_u8(asdu);
    cursor_u8(asdu); /* originator address */
    uint16_t common = cursor_le16(asdu);
    uint32_t ioa = cursor_le24(asdu);
    if (!cursor_ok(asdu))
        return dissect_fail(ctx, asdu, ANOM_LEN_MISMATCH);
    const TypeTok *tok = TOK_FIND(iec104_types, type);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    uint8_t cause = cot & COT_CAUSE_MASK;
    if (cause == 0)
        return malformed(ctx, ANOM_BAD_HEADER); /* cause 0 is "not used" */
    bool is_response;
    if (is_monitoring(type))
        is_response = true;
    else
        is_response = cause == COT_ACTCON || cause == COT_DEACTCON || cause == COT_ACTTERM ||
                      (cause >= COT_UNKNOWN_TYPE && cause <= COT_UNKNOWN_IOA);
    int32_t status = 0;
    if (cause >= COT_UNKNOWN_TYPE && cause <= COT_UNKNOWN_IOA)
        status = cause;
    else if (cot & COT_PN_BIT)
        status = 1; /* negative confirm */
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "cot=%s%s ca=%u ioa=%u n=%u", cot_name(cause),
             (cot & COT_PN_BIT) ? "-neg" : "", common, ioa, vsq & 0x7f);
    if (is_response)
        ctx->dir_hint = DIR_RESPONSE;
    else if (cause == COT_ACT || cause == COT_DEACT)
        ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, type, tok->name, tok->cls, is_response, status, detail);
    return DISSECT_OK;
}

static DissectResult iec104_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t start = cursor_u8(c);
    uint8_t len = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (start != APCI_START)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (len < APCI_CTRL_LEN || len > APCI_LEN_MAX)
        return malformed(ctx, ANOM_LEN_MISMATCH);
    Cursor apdu;
    if (!cursor_take(c, len, &apdu))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    uint8_t cf1 = cursor_u8(&apdu);
    uint8_t cf2 = cursor_u8(&apdu);
    uint16_t cf34 = cursor_le16(&apdu);
    if (!cursor_ok(&apdu))
        return dissect_fail(ctx, &apdu, ANOM_LEN_MISMATCH);
    if ((cf1 & 0x01) == 0)
        return iec104_asdu(ctx, &apdu);
    if (len != APCI_CTRL_LEN)
        return malformed(ctx, ANOM_LEN_MISMATCH); /* S and U frames carry no ASDU */
    char detail[FACT_DETAIL_MAX];
    if ((cf1 & 0x03) == 0x01) {
        snprintf(detail, sizeof detail, "nr=%u", cf34 >> 1);
        dissect_op(ctx, FRAME_CODE_BASE + 0x01, "S-frame", OP_SESSION, false, 0, detail);
        return DISSECT_OK;
    }
    const TypeTok *u = TOK_FIND(iec104_uframes, cf1);
    if (!u || cf2 != 0 || cf34 != 0)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    bool is_con = cf1 == U_STARTDT_CON || cf1 == U_STOPDT_CON || cf1 == U_TESTFR_CON;
    if (cf1 == U_STARTDT_ACT || cf1 == U_STOPDT_ACT)
        ctx->dir_hint = DIR_REQUEST; /* only the controlling station starts/stops */
    else if (cf1 == U_STARTDT_CON || cf1 == U_STOPDT_CON)
        ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, FRAME_CODE_BASE + cf1, u->name, u->cls, is_con, 0, NULL);
    return DISSECT_OK;
}

const ProtoDesc proto_iec104 = {
    .name = "iec104",
    .transports = PT_TCP,
    .ports = {2404},
    .probe = iec104_probe,
    .pdu_len = iec104_pdu_len,
    .dissect = iec104_dissect,
};
