/*
 * proto-rdp.c - Remote Desktop Protocol connection sequence (TCP 3389).
 *
 * Frames the three PDU kinds an RDP stream carries: TPKT (X.224 and MCS),
 * TLS records once TLS or CredSSP is negotiated, and fast-path PDUs.  The
 * X.224 Connection Request gives the client's user name (the mstshash
 * cookie) and the requested security protocols; the Connection Confirm the
 * selected protocol or the negotiation failure code.  The probe requires
 * the cookie or the RDP negotiation structure, so that TPKT/COTP
 * connection requests of S7comm or MMS (TSAP parameters) are not taken.
 * MCS, GCC conference data (client name, build), the TLS contents and
 * fast-path updates are deliberately not opened.
 *
 * References: [MS-RDPBCGR] 2.2.1.1 (Client X.224 Connection Request,
 * RDP_NEG_REQ), 2.2.1.2 (Server X.224 Connection Confirm, RDP_NEG_RSP,
 * RDP_NEG_FAILURE), 2.2.9.1.2 (fast-path header); RFC 1006 section 6
 * (TPKT); ITU-T X.224 section 13.3 (CR TPDU).
 *
 *   TPKT:  | 03 | 00 | length (2, whole PDU) |
 *   X.224: | LI (1) | CR e0 / CC d0 | dst-ref (2) | src-ref (2) | class (1) |
 *          | "Cookie: mstshash=USER\r\n" | RDP_NEG: type (1) flags (1) len 8 (2 LE) protocols (4
 * LE) |
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    TPKT_VERSION = 3,
    TPKT_HEADER_LEN = 4,
    X224_FIXED_LEN = 7, /* LI ... class option */
    X224_CR = 0xe0,
    X224_CC = 0xd0,
    X224_TPDU_MASK = 0xf0,
    RDP_NEG_LEN = 8,
    RDP_NEG_REQ = 1,
    RDP_NEG_RSP = 2,
    RDP_NEG_FAILURE = 3,
    COTP_PARAM_TPDU_SIZE = 0xc0, /* S7comm/MMS connection requests carry parameters */
    COTP_PARAM_SRC_TSAP = 0xc1,
    COTP_PARAM_DST_TSAP = 0xc2,
    TLS_FIRST_TYPE = 0x14,
    TLS_LAST_TYPE = 0x17,
    TLS_HEADER_LEN = 5,
    FASTPATH_ACTION_MASK = 0x3,
    RDP_USER_MAX = 64,
};

static const char cookie_prefix[] = "Cookie: mstshash=";
static const char token_prefix[] = "Cookie: msts=";

static const struct {
    uint32_t bit;
    const char *name;
} rdp_protocols[] = {
    {0x1, "tls"}, {0x2, "credssp"}, {0x4, "rdstls"}, {0x8, "credssp-ex"}, {0x10, "rdsaad"},
};

/* ---- framing ----------------------------------------------------------- */

static size_t rdp_pdu_len(Cursor *c)
{
    uint8_t first = cursor_u8(c);
    uint8_t second = cursor_u8(c);
    if (!cursor_ok(c))
        return 0;
    if (first == TPKT_VERSION) {
        uint16_t len = cursor_be16(c);
        if (!cursor_ok(c))
            return 0;
        return second == 0 && len >= TPKT_HEADER_LEN + 3 ? len : PDU_LEN_BAD;
    }
    if (first >= TLS_FIRST_TYPE && first <= TLS_LAST_TYPE && second == 3) {
        cursor_u8(c);
        uint16_t len = cursor_be16(c);
        return cursor_ok(c) ? TLS_HEADER_LEN + (size_t)len : 0;
    }
    if ((first & FASTPATH_ACTION_MASK) == 0) {
        /* fast-path: length in one byte, or two when the top bit is set */
        size_t len = second;
        if (second & 0x80) {
            uint8_t low = cursor_u8(c);
            if (!cursor_ok(c))
                return 0;
            len = ((size_t)(second & 0x7f) << 8) | low;
        }
        return len >= 2 ? len : PDU_LEN_BAD;
    }
    return PDU_LEN_BAD;
}

/* ---- connection request / confirm -------------------------------------- */

typedef struct X224Info {
    uint8_t tpdu;
    char user[RDP_USER_MAX];
    bool has_neg;
    uint8_t neg_type;
    uint32_t neg_value; /* protocols, or the failure code */
    bool has_cotp_params;
} X224Info;

/* The variable part of a CR/CC: cookie line, then RDP_NEG at the end. */
static void read_variable_part(Cursor *v, X224Info *info)
{
    int first = cursor_peek(v, 0);
    if (first == COTP_PARAM_TPDU_SIZE || first == COTP_PARAM_SRC_TSAP ||
        first == COTP_PARAM_DST_TSAP) {
        info->has_cotp_params = true;
        return;
    }
    if (cursor_starts_with(v, cookie_prefix, sizeof cookie_prefix - 1) ||
        cursor_starts_with(v, token_prefix, sizeof token_prefix - 1)) {
        long lf = cursor_find(v, '\n', cursor_left(v));
        if (lf < 0) {
            cursor_set_bad(v);
            return;
        }
        bool is_user = cursor_starts_with(v, cookie_prefix, sizeof cookie_prefix - 1);
        size_t skip = is_user ? sizeof cookie_prefix - 1 : (size_t)lf + 1;
        cursor_skip(v, skip);
        if (is_user) {
            size_t name_len = (size_t)lf - skip;
            if (name_len > 0 && cursor_peek(v, name_len - 1) == '\r')
                name_len--;
            cursor_str(v, name_len, info->user, sizeof info->user);
            cursor_skip(v, (size_t)lf + 1 - skip - name_len);
        }
    }
    if (cursor_left(v) == RDP_NEG_LEN) {
        info->neg_type = cursor_u8(v);
        cursor_u8(v); /* flags */
        uint16_t len = cursor_le16(v);
        info->neg_value = cursor_le32(v);
        info->has_neg = cursor_ok(v) && len == RDP_NEG_LEN && info->neg_type >= RDP_NEG_REQ &&
                        info->neg_type <= RDP_NEG_FAILURE;
    }
}

static void read_x224(Cursor *c, X224Info *info)
{
    cursor_skip(c, TPKT_HEADER_LEN);
    uint8_t li = cursor_u8(c);
    Cursor tpdu;
    cursor_take(c, li, &tpdu);
    info->tpdu = cursor_u8(&tpdu) & X224_TPDU_MASK;
    cursor_skip(&tpdu, X224_FIXED_LEN - 2);
    if (!cursor_ok(&tpdu)) {
        cursor_set_bad(c);
        return;
    }
    if (info->tpdu != X224_CR && info->tpdu != X224_CC)
        return;
    /* some clients put the negotiation after the LI-counted part */
    Cursor variable = cursor_rest(&tpdu);
    if (cursor_left(&variable) == 0 && cursor_left(c) == RDP_NEG_LEN)
        variable = cursor_rest(c);
    read_variable_part(&variable, info);
    if (!cursor_ok(&variable))
        cursor_set_bad(c);
}

static DissectResult rdp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    int first = cursor_peek(c, 0);
    if (first < 0)
        return DISSECT_NEED_MORE;
    if (first != TPKT_VERSION)
        return DISSECT_NOT_MINE;
    Cursor header = *c;
    size_t len = rdp_pdu_len(&header);
    if (len == 0)
        return DISSECT_NEED_MORE;
    if (len == PDU_LEN_BAD)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < len)
        return DISSECT_NEED_MORE;
    Cursor pdu;
    cursor_take(c, len, &pdu);
    X224Info info;
    memset(&info, 0, sizeof info);
    read_x224(&pdu, &info);
    bool is_connect = info.tpdu == X224_CR || info.tpdu == X224_CC;
    bool is_rdp =
        cursor_ok(&pdu) && is_connect && !info.has_cotp_params && (info.user[0] || info.has_neg);
    return is_rdp ? DISSECT_OK : DISSECT_NOT_MINE;
}

static void format_protocols(char *dst, size_t dstsz, const char *key, uint32_t protocols)
{
    size_t out = (size_t)snprintf(dst, dstsz, "%s=", key);
    if (protocols == 0) {
        snprintf(dst + out, dstsz - out, "rdp");
        return;
    }
    for (size_t i = 0; i < sizeof rdp_protocols / sizeof *rdp_protocols && out < dstsz; i++) {
        if (!(protocols & rdp_protocols[i].bit))
            continue;
        int n = snprintf(dst + out, dstsz - out, "%s%s", dst[out - 1] == '=' ? "" : "|",
                         rdp_protocols[i].name);
        if (n < 0)
            return;
        out += (size_t)n;
    }
}

static DissectResult rdp_dissect(Cursor *c, DissectCtx *ctx)
{
    if (cursor_peek(c, 0) != TPKT_VERSION)
        return DISSECT_OK; /* TLS record or fast-path PDU: counted */
    X224Info info;
    memset(&info, 0, sizeof info);
    read_x224(c, &info);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (info.has_cotp_params)
        return DISSECT_OK; /* an ISO transport connection of another protocol */
    char detail[FACT_DETAIL_MAX] = "";
    if (info.tpdu == X224_CR) {
        if (info.has_neg && info.neg_type == RDP_NEG_REQ)
            format_protocols(detail, sizeof detail, "requested", info.neg_value);
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, X224_CR, "connection request", OP_SESSION, false, 0, detail);
        if (info.user[0])
            dissect_attr(ctx, SIDE_SRC, ATTR_USER, info.user, FACT_CONF_HIGH);
    } else if (info.tpdu == X224_CC) {
        int32_t status = 0;
        if (info.has_neg && info.neg_type == RDP_NEG_RSP)
            format_protocols(detail, sizeof detail, "selected", info.neg_value);
        else if (info.has_neg && info.neg_type == RDP_NEG_FAILURE)
            status = (int32_t)info.neg_value;
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, X224_CR, "connection request", OP_SESSION, true, status, detail);
    }
    return DISSECT_OK;
}

const ProtoDesc proto_rdp = {
    .name = "rdp",
    .transports = PT_TCP,
    .ports = {3389},
    .probe = rdp_probe,
    .pdu_len = rdp_pdu_len,
    .dissect = rdp_dissect,
};
