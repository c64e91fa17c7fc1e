/*
 * proto-llmnr.c - Link-Local Multicast Name Resolution (UDP 5355).
 *
 * The DNS message format with LLMNR rules: opcode 0 and exactly one
 * question (RFC 4795 section 2.1.1).  Each message is one "query"
 * operation (read, as a DNS lookup is) with the question in its detail;
 * responses carry the RCODE as status.  Only a host that owns the name
 * answers (section 2.1), so the owner name of the first A/AAAA answer of a
 * response becomes the sender's host name.  The C (conflict) and T
 * (tentative) flags and TCP LLMNR are deliberately not handled.  The
 * message format is read by dns-wire.c, shared with the other DNS-shaped
 * protocol.
 *
 * References: RFC 4795 sections 2.1, 2.1.1; RFC 1035 sections 4.1 and
 * 4.1.4 (compression).
 *
 *   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      ID                         |
 *   |QR|   Opcode  | C|TC| T| Z| Z| Z| Z|   RCODE    |
 *   |        QDCOUNT (1)    |        ANCOUNT          |
 *   |        NSCOUNT        |        ARCOUNT          |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   | question: NAME TYPE CLASS; records: NAME TYPE CLASS TTL RDLEN RDATA
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "dns-wire.h"

enum {
    LLMNR_HEADER_LEN = 12,
    LLMNR_MIN_QUESTION_LEN = 5,
    LLMNR_MIN_RECORD_LEN = 11,
    LLMNR_MAX_RECORDS = 512,
    LLMNR_NAME_MAX = 256,
    LLMNR_QR = 0x8000,
    LLMNR_TYPE_A = 1,
    LLMNR_TYPE_AAAA = 28,
    LLMNR_PORT = 5355,
};

/* Opcode 0, one question (RFC 4795 section 2.1.1), counts fit the bytes. */
static bool header_is_sane(const DnsWireHeader *h, size_t body_len)
{
    if (((h->flags >> 11) & 0xf) != 0)
        return false;
    if (h->qdcount != 1)
        return false;
    return (size_t)h->qdcount * LLMNR_MIN_QUESTION_LEN +
               dnswire_record_count(h) * LLMNR_MIN_RECORD_LEN <=
           body_len;
}

static DissectResult llmnr_probe(Cursor *c, const DissectCtx *ctx)
{
    /* the wire format is DNS's: only the port tells LLMNR apart */
    bool has_port = ctx->pkt->sport == LLMNR_PORT || ctx->pkt->dport == LLMNR_PORT;
    if (ctx->pkt->transport != TP_UDP || !has_port)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < LLMNR_HEADER_LEN)
        return DISSECT_NEED_MORE;
    Cursor msg = *c;
    DnsWireHeader h;
    dnswire_read_header(c, &h);
    if (!header_is_sane(&h, cursor_left(c)))
        return DISSECT_NOT_MINE;
    dnswire_read_name(c, &msg, NULL, 0);
    if (!cursor_ok(c))
        return cursor_fail(c) == CUR_CAPTRUNC ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* What the walk over the message keeps. */
typedef struct LlmnrInfo {
    char first_name[LLMNR_NAME_MAX];
    uint16_t first_type;
    char host[LLMNR_NAME_MAX]; /* owner of the first A/AAAA answer */
} LlmnrInfo;

static void walk_records(Cursor *c, const Cursor *msg, const DnsWireHeader *h, LlmnrInfo *info)
{
    for (size_t i = 0; i < dnswire_record_count(h) && i < LLMNR_MAX_RECORDS; i++) {
        char name[LLMNR_NAME_MAX];
        dnswire_read_name(c, msg, name, sizeof name);
        uint16_t type = cursor_be16(c);
        cursor_skip(c, 6); /* class ttl */
        uint16_t rdlength = cursor_be16(c);
        cursor_skip(c, rdlength);
        if (!cursor_ok(c))
            return;
        if (!info->first_name[0]) {
            memcpy(info->first_name, name, sizeof name);
            info->first_type = type;
        }
        bool is_answer = i < h->ancount;
        if (is_answer && !info->host[0] && (type == LLMNR_TYPE_A || type == LLMNR_TYPE_AAAA))
            memcpy(info->host, name, sizeof name);
    }
}

static DissectResult llmnr_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_clipped = cursor_is_clipped(c);
    Cursor msg = *c;
    DnsWireHeader h;
    dnswire_read_header(c, &h);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!header_is_sane(&h, cursor_left(c))) {
        if (is_clipped)
            return DISSECT_SHORT;
        dissect_anomaly(ctx, ANOM_BAD_COUNT);
        return DISSECT_MALFORMED;
    }

    LlmnrInfo info;
    memset(&info, 0, sizeof info);
    for (unsigned i = 0; i < h.qdcount; i++) {
        char name[LLMNR_NAME_MAX];
        dnswire_read_name(c, &msg, name, sizeof name);
        uint16_t type = cursor_be16(c);
        cursor_skip(c, 2);
        if (i == 0 && cursor_ok(c)) {
            memcpy(info.first_name, name, sizeof name);
            info.first_type = type;
        }
    }
    walk_records(c, &msg, &h, &info);
    if (!cursor_ok(c))
        return is_clipped ? DISSECT_SHORT : dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    bool is_response = (h.flags & LLMNR_QR) != 0;
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    char detail[FACT_DETAIL_MAX];
    dnswire_format_name_type(detail, sizeof detail, info.first_name, info.first_type);
    dissect_op(ctx, 0, "query", OP_READ, is_response, (int32_t)(h.flags & 0xf), detail);
    if (is_response && info.host[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info.host, FACT_CONF_HIGH);
    return DISSECT_OK;
}

const ProtoDesc proto_llmnr = {
    .name = "llmnr",
    .transports = PT_UDP,
    .ports = {5355},
    .probe = llmnr_probe,
    .dissect = llmnr_dissect,
};
