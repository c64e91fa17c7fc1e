/*
 * proto-cotp.c - RFC 1006 TPKT + ISO 8073 COTP, the carrier on TCP 102.
 *
 * Parses the TPKT header and the COTP fixed part of every TPDU.  Connection
 * management (CR, CC, DR, DC, ER) becomes session ops with the references
 * and TSAPs in the detail.  The user data of a complete DT TPDU (EOT set,
 * not the tail of a fragmented TSDU) is handed to the carried protocol its
 * first byte names: 0x32 S7comm, 0x72 S7comm-plus, an ISO session SPDU
 * (MMS over session/presentation) or a bare MMS PDU tag otherwise.  Deliberately not done:
 * reassembly of DT fragments (the core never buffers for a dissector, so
 * fragmented TSDUs are skipped), classes 2-4 flow control (AK/RJ/ED are
 * only named), checksums, and the variable part beyond the TSAPs.
 *
 * References: RFC 1006 (1987) section 6, TPKT; ITU-T X.224 (11/1995) /
 * ISO/IEC 8073:1997 section 13, TPDU structure (13.3 CR, 13.4 CC, 13.5 DR,
 * 13.7 DT, 13.12 ER).
 *
 *  TPKT                               COTP fixed part (DT, class 0)
 *  +--------+--------+--------+--------+--------+--------+--------+
 *  | vers=3 | rsvd=0 |  length (all)   |   LI   |  0xF0  |EOT|TPDU-NR
 *  +--------+--------+--------+--------+--------+--------+--------+
 *  CR/CC: LI | type/credit | dst-ref(2) | src-ref(2) | class | params
 *  params: code(1) len(1) value; 0xC1 calling TSAP, 0xC2 called TSAP
 */
#include <string.h>

#include "dissect.h"
#include "textbuf-fmt.h"

enum {
    TPKT_HDR_LEN = 4,
    TPKT_VERSION = 3,
    TPKT_LEN_MIN = 7, /* TPKT + the shortest COTP (DT class 0: LI, type, NR) */
    COTP_CR = 0xe0,
    COTP_CC = 0xd0,
    COTP_DR = 0x80,
    COTP_DC = 0xc0,
    COTP_DT = 0xf0,
    COTP_ED = 0x10,
    COTP_AK = 0x60,
    COTP_EA = 0x20,
    COTP_RJ = 0x50,
    COTP_ER = 0x70,
    COTP_EOT = 0x80,
    COTP_CONN_LI_MIN = 6, /* type, dst-ref, src-ref, class */
    COTP_PARAM_TSAP_CALLING = 0xc1,
    COTP_PARAM_TSAP_CALLED = 0xc2,
    COTP_MAX_PARAMS = 16,
    TSAP_SHOW_MAX = 8, /* TSAP bytes shown in a detail */
    S7COMM_PROTO_ID = 0x32,
    S7COMM_PLUS_PROTO_ID = 0x72,
    SES_DATA_TRANSFER = 0x01, /* also GIVE-TOKENS, same code (X.225 table 7) */
    SES_FINISH = 0x09,
    SES_DISCONNECT = 0x0a,
    SES_REFUSE = 0x0c,
    SES_CONNECT = 0x0d,
    SES_ACCEPT = 0x0e,
    SES_ABORT = 0x19,
};

typedef struct TpduTok {
    uint8_t type;
    const char *name;
    OpClass cls;
} TpduTok;

static const TpduTok cotp_tpdus[] = {
    {COTP_CR, "Connection Request", OP_SESSION},
    {COTP_CC, "Connection Confirm", OP_SESSION},
    {COTP_DR, "Disconnect Request", OP_SESSION},
    {COTP_DC, "Disconnect Confirm", OP_SESSION},
    {COTP_DT, "Data", OP_OTHER},
    {COTP_ED, "Expedited Data", OP_OTHER},
    {COTP_AK, "Data Acknowledgement", OP_OTHER},
    {COTP_EA, "Expedited Data Acknowledgement", OP_OTHER},
    {COTP_RJ, "Reject", OP_OTHER},
    {COTP_ER, "TPDU Error", OP_OTHER},
};

/* Per flow and direction: a DT without EOT carrying data was seen, so the
 * next DT is the middle or tail of a TSDU we do not reassemble. */
typedef struct CotpState {
    bool in_tsdu[2];
} CotpState;

static const TpduTok *tpdu_find(uint8_t type)
{
    for (size_t i = 0; i < sizeof(cotp_tpdus) / sizeof(cotp_tpdus[0]); i++)
        if (cotp_tpdus[i].type == type)
            return &cotp_tpdus[i];
    return NULL;
}

/* CR/CC/DR/DC carry the type in the high nibble (low nibble: credit). */
static uint8_t tpdu_type(uint8_t byte)
{
    return byte & 0xf0;
}

/* The first bytes of DT user data name one of the carried protocols. */
static bool dt_payload_is_known(int b0, int b1)
{
    if (b0 == S7COMM_PROTO_ID)
        return b1 >= 1 && b1 <= 7; /* ROSCTR */
    if (b0 == S7COMM_PLUS_PROTO_ID)
        return b1 >= 1 && b1 <= 3; /* protocol version; 0xfe keep-alive also seen */
    if ((b0 >= 0xa0 && b0 <= 0xa4) || (b0 >= 0xa8 && b0 <= 0xaa) || b0 == 0x8b || b0 == 0x8c)
        return b1 >= 0; /* an MMS PDU without session/presentation (seen in the wild) */
    switch (b0) {
    case SES_DATA_TRANSFER:
        return b1 == 0; /* GIVE-TOKENS with LI 0, then DT */
    case SES_CONNECT:
    case SES_ACCEPT:
    case SES_REFUSE:
    case SES_FINISH:
    case SES_DISCONNECT:
    case SES_ABORT:
        return b1 >= 0; /* the SPDU length octet follows; any value */
    default:
        return false;
    }
}

static DissectResult cotp_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    int vers = cursor_peek(c, 0);
    int rsvd = cursor_peek(c, 1);
    if ((vers >= 0 && vers != TPKT_VERSION) || rsvd > 0)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) >= TPKT_HDR_LEN &&
        (((size_t)cursor_peek(c, 2) << 8) | (size_t)cursor_peek(c, 3)) < TPKT_LEN_MIN)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < TPKT_LEN_MIN)
        return DISSECT_NEED_MORE;
    size_t len = ((size_t)cursor_peek(c, 2) << 8) | (size_t)cursor_peek(c, 3);
    size_t li = (size_t)cursor_peek(c, 4);
    uint8_t type = tpdu_type((uint8_t)cursor_peek(c, 5));
    if (len < TPKT_LEN_MIN || li < 2 || li + 1 > len - TPKT_HDR_LEN || !tpdu_find(type))
        return DISSECT_NOT_MINE;
    if (type == COTP_DT) {
        if (li != 2 && li != 4)
            return DISSECT_NOT_MINE;
        size_t data_off = TPKT_HDR_LEN + 1 + li;
        if (len == data_off)
            return DISSECT_NEED_MORE; /* an empty DT fragment tells nothing */
        if (cursor_left(c) < data_off + 2)
            return DISSECT_NEED_MORE;
        if (dt_payload_is_known(cursor_peek(c, data_off), cursor_peek(c, data_off + 1)))
            return DISSECT_OK;
        /* A capture that starts inside a fragmented TSDU shows a fragment
         * first; only a complete TSDU (EOT) with unknown data rules us out. */
        return (cursor_peek(c, data_off - 1) & COTP_EOT) ? DISSECT_NOT_MINE : DISSECT_NEED_MORE;
    }
    if (type == COTP_CR || type == COTP_CC) {
        if (li < COTP_CONN_LI_MIN)
            return DISSECT_NOT_MINE;
        if (li == COTP_CONN_LI_MIN)
            return DISSECT_OK;
        /* ISO parameters have codes >= 0x80; RDP's X.224 CR carries a
         * cookie or RDP_NEG_REQ here instead. */
        int param = cursor_peek(c, TPKT_HDR_LEN + 1 + COTP_CONN_LI_MIN);
        if (param < 0)
            return DISSECT_NEED_MORE;
        return param >= 0x80 ? DISSECT_OK : DISSECT_NOT_MINE;
    }
    return DISSECT_OK;
}

static size_t cotp_pdu_len(Cursor *c)
{
    if (cursor_left(c) < TPKT_HDR_LEN)
        return 0;
    uint8_t vers = cursor_u8(c);
    uint8_t rsvd = cursor_u8(c);
    uint16_t len = cursor_be16(c);
    if (vers != TPKT_VERSION || rsvd != 0 || len < TPKT_LEN_MIN)
        return PDU_LEN_BAD;
    return len;
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

/* A TSAP as hex, capped: S7 uses 2 bytes, S7comm-plus 16-byte names. */
static void tsap_hex(Cursor *val, char *out, size_t outsz)
{
    size_t n = cursor_left(val);
    TextBuf b = textbuf(out, outsz);
    for (size_t i = 0; i < n && i < TSAP_SHOW_MAX && b.len + 3 <= outsz; i++)
        textbuf_hex_fixed(&b, cursor_u8(val), 2);
}

/* CR/CC/DR/DC: references and, for CR/CC, the TSAP parameters. */
static DissectResult cotp_connection(DissectCtx *ctx, Cursor *hdr, const TpduTok *tok)
{
    uint16_t dst_ref = cursor_be16(hdr);
    uint16_t src_ref = cursor_be16(hdr);
    uint8_t class_or_reason = 0;
    if (tok->type != COTP_DC)
        class_or_reason = cursor_u8(hdr);
    char calling[2 * TSAP_SHOW_MAX + 1] = "";
    char called[2 * TSAP_SHOW_MAX + 1] = "";
    for (size_t i = 0; i < COTP_MAX_PARAMS && cursor_left(hdr) > 0; i++) {
        uint8_t code = cursor_u8(hdr);
        uint8_t len = cursor_u8(hdr);
        Cursor val;
        if (!cursor_take(hdr, len, &val))
            break;
        if (code == COTP_PARAM_TSAP_CALLING)
            tsap_hex(&val, calling, sizeof calling);
        else if (code == COTP_PARAM_TSAP_CALLED)
            tsap_hex(&val, called, sizeof called);
    }
    if (!cursor_ok(hdr))
        return dissect_fail(ctx, hdr, ANOM_LEN_MISMATCH);

    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    bool is_response = tok->type == COTP_CC || tok->type == COTP_DC;
    if (tok->type == COTP_CR || tok->type == COTP_CC) {
        textbuf_str(&b, "src-ref=0x");
        textbuf_hex_fixed(&b, src_ref, 4);
        textbuf_str(&b, " tsap=");
        textbuf_str(&b, calling);
        textbuf_str(&b, "->");
        textbuf_str(&b, called);
    } else {
        textbuf_str(&b, "dst-ref=0x");
        textbuf_hex_fixed(&b, dst_ref, 4);
        if (tok->type == COTP_DR)
            textbuf_field(&b, "reason", class_or_reason);
    }
    if (tok->type == COTP_CR)
        ctx->dir_hint = DIR_REQUEST;
    else if (tok->type == COTP_CC)
        ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, tok->type, tok->name, tok->cls, is_response, 0, detail);
    return DISSECT_OK;
}

/* Chooses the carried protocol from the first user-data bytes. */
static ProtoId dt_child(const Cursor *data)
{
    int b0 = cursor_peek(data, 0);
    int b1 = cursor_peek(data, 1);
    if (!dt_payload_is_known(b0, b1))
        return PROTO_NONE;
    if (b0 == S7COMM_PROTO_ID)
        return PROTO_ID(s7comm);
    if (b0 == S7COMM_PLUS_PROTO_ID)
        return PROTO_ID(s7comm_plus);
    return PROTO_ID(mms);
}

static DissectResult cotp_data(DissectCtx *ctx, Cursor *hdr, Cursor *data, uint8_t li)
{
    if (li == 4)
        cursor_skip(hdr, 2); /* classes 2-4: dst-ref */
    uint8_t nr_eot = cursor_u8(hdr);
    if (!cursor_ok(hdr))
        return dissect_fail(ctx, hdr, ANOM_LEN_MISMATCH);
    CotpState *st = ctx->state;
    size_t dir = ctx->is_from_client ? 0 : 1;
    bool was_in_tsdu = st && st->in_tsdu[dir];
    if (!(nr_eot & COTP_EOT)) {
        if (st && cursor_left(data) > 0)
            st->in_tsdu[dir] = true;
        return DISSECT_OK;
    }
    if (st)
        st->in_tsdu[dir] = false;
    if (was_in_tsdu)
        return DISSECT_OK; /* tail of a TSDU whose head we did not keep */
    ProtoId child = dt_child(data);
    if (child == PROTO_NONE)
        return DISSECT_OK;
    DissectResult res = dissect_child(ctx, child, data);
    if (res == DISSECT_SHORT || res == DISSECT_MALFORMED)
        return res;
    return DISSECT_OK;
}

static DissectResult cotp_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t vers = cursor_u8(c);
    uint8_t rsvd = cursor_u8(c);
    uint16_t len = cursor_be16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (vers != TPKT_VERSION || rsvd != 0)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (len < TPKT_LEN_MIN)
        return malformed(ctx, ANOM_LEN_MISMATCH);
    Cursor tpdu;
    if (!cursor_take(c, (size_t)len - TPKT_HDR_LEN, &tpdu))
        return dissect_fail(ctx, &tpdu, ANOM_LEN_MISMATCH);
    uint8_t li = cursor_u8(&tpdu);
    Cursor hdr;
    if (!cursor_take(&tpdu, li, &hdr))
        return dissect_fail(ctx, &tpdu, ANOM_LEN_MISMATCH);
    uint8_t type = tpdu_type(cursor_u8(&hdr));
    if (!cursor_ok(&hdr))
        return dissect_fail(ctx, &hdr, ANOM_LEN_MISMATCH);
    const TpduTok *tok = tpdu_find(type);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    switch (type) {
    case COTP_DT:
        if (li != 2 && li != 4)
            return malformed(ctx, ANOM_BAD_HEADER);
        return cotp_data(ctx, &hdr, &tpdu, li);
    case COTP_CR:
    case COTP_CC:
    case COTP_DR:
    case COTP_DC:
        if (li < COTP_CONN_LI_MIN - (type == COTP_DC ? 1 : 0))
            return malformed(ctx, ANOM_BAD_HEADER);
        return cotp_connection(ctx, &hdr, tok);
    default:
        dissect_op(ctx, type, tok->name, tok->cls, type == COTP_ER, 0, NULL);
        return DISSECT_OK;
    }
}

const ProtoDesc proto_cotp = {
    .name = "cotp",
    .transports = PT_TCP,
    .ports = {102},
    .probe = cotp_probe,
    .pdu_len = cotp_pdu_len,
    .dissect = cotp_dissect,
    .state_size = sizeof(CotpState),
    .flags = PROTO_CARRIER,
};
