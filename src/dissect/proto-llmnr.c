/*
 * proto-llmnr.c - Link-Local Multicast Name Resolution (UDP 5355).
 *
 * The DNS message format with LLMNR rules: opcode 0 and exactly one
 * question (RFC 4795 section 2.1.1).  Each message is one "query"
 * operation (read, as a DNS lookup is) with the question in its detail;
 * responses carry the RCODE as status.  Only a host that owns the name
 * answers (section 2.1), so the owner name of the first A/AAAA answer of a
 * response becomes the sender's host name.  The C (conflict) and T
 * (tentative) flags and TCP LLMNR are deliberately not handled.  Shares no
 * code with proto-dns.c: a small name reader of its own.
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

enum {
    LLMNR_HEADER_LEN = 12,
    LLMNR_MIN_QUESTION_LEN = 5,
    LLMNR_MIN_RECORD_LEN = 11,
    LLMNR_MAX_RECORDS = 512,
    LLMNR_MAX_LABELS = 128,
    LLMNR_MAX_JUMPS = 16,
    LLMNR_NAME_MAX = 256,
    LLMNR_QR = 0x8000,
    LLMNR_TYPE_A = 1,
    LLMNR_TYPE_AAAA = 28,
    LLMNR_PORT = 5355,
};

typedef struct LlmnrHeader {
    uint16_t flags;
    uint16_t qdcount;
    uint16_t ancount;
    uint16_t nscount;
    uint16_t arcount;
} LlmnrHeader;

static void read_header(Cursor *c, LlmnrHeader *h)
{
    cursor_skip(c, 2); /* ID */
    h->flags = cursor_be16(c);
    h->qdcount = cursor_be16(c);
    h->ancount = cursor_be16(c);
    h->nscount = cursor_be16(c);
    h->arcount = cursor_be16(c);
}

static size_t record_count(const LlmnrHeader *h)
{
    return (size_t)h->ancount + h->nscount + h->arcount;
}

/* Opcode 0, one question (RFC 4795 section 2.1.1), counts fit the bytes. */
static bool header_is_sane(const LlmnrHeader *h, size_t body_len)
{
    if (((h->flags >> 11) & 0xf) != 0)
        return false;
    if (h->qdcount != 1)
        return false;
    return (size_t)h->qdcount * LLMNR_MIN_QUESTION_LEN + record_count(h) * LLMNR_MIN_RECORD_LEN <=
           body_len;
}

/* Name at c into dst (may be NULL); msg spans the message for pointers,
 * which must go backwards.  Fails c on a bad name. */
static void read_name(Cursor *c, const Cursor *msg, char *dst, size_t dstsz)
{
    Cursor at = *c;
    Cursor *src = c;
    size_t out = 0;
    size_t lowest_target = cursor_offset(c);
    int jumps = 0;
    if (dst)
        dst[0] = '\0';
    for (int i = 0; i < LLMNR_MAX_LABELS; i++) {
        size_t label_start = cursor_offset(src);
        uint8_t len = cursor_u8(src);
        if (!cursor_ok(src))
            break;
        if (len == 0)
            return;
        if ((len & 0xc0) == 0xc0) {
            size_t target = (size_t)((len & 0x3f) << 8) | cursor_u8(src);
            if (!cursor_ok(src) || target >= label_start || target >= lowest_target ||
                ++jumps > LLMNR_MAX_JUMPS)
                break;
            lowest_target = target;
            at = *msg;
            cursor_skip(&at, target);
            src = &at;
            continue;
        }
        if (len > 63)
            break;
        char label[64];
        size_t n = cursor_str(src, len, label, sizeof label);
        if (!cursor_ok(src))
            break;
        if (dst && out + n + 2 <= dstsz) {
            if (out > 0)
                dst[out++] = '.';
            memcpy(dst + out, label, n);
            out += n;
            dst[out] = '\0';
        }
    }
    if (cursor_ok(c))
        cursor_set_bad(c);
}

static const char *type_name(uint16_t type)
{
    switch (type) {
    case LLMNR_TYPE_A:
        return "A";
    case LLMNR_TYPE_AAAA:
        return "AAAA";
    case 12:
        return "PTR";
    case 16:
        return "TXT";
    case 33:
        return "SRV";
    case 255:
        return "ANY";
    default:
        return NULL;
    }
}

static void format_name_type(char *dst, size_t dstsz, const char *name, uint16_t type)
{
    const char *tname = type_name(type);
    if (tname)
        snprintf(dst, dstsz, "%s %s", tname, name);
    else
        snprintf(dst, dstsz, "TYPE%u %s", (unsigned)type, name);
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
    LlmnrHeader h;
    read_header(c, &h);
    if (!header_is_sane(&h, cursor_left(c)))
        return DISSECT_NOT_MINE;
    read_name(c, &msg, NULL, 0);
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

static void walk_records(Cursor *c, const Cursor *msg, const LlmnrHeader *h, LlmnrInfo *info)
{
    for (size_t i = 0; i < record_count(h) && i < LLMNR_MAX_RECORDS; i++) {
        char name[LLMNR_NAME_MAX];
        read_name(c, msg, name, sizeof name);
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
    LlmnrHeader h;
    read_header(c, &h);
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
        read_name(c, &msg, name, sizeof name);
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
    format_name_type(detail, sizeof detail, info.first_name, info.first_type);
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
