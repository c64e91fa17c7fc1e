/*
 * proto-mdns.c - Multicast DNS (UDP 5353).
 *
 * The DNS message format with mDNS rules: opcode 0, unsolicited responses
 * (announcements) without a question, the top bit of QCLASS/CLASS used as
 * unicast-response / cache-flush flag.  Each message is one "query"
 * operation (discovery) with the first question, or for an announcement
 * the first answer, in its detail.  A response's address records (A/AAAA)
 * name the responder: mDNS responders answer only for records they own
 * (RFC 6762 section 6), so the first such owner name, without ".local",
 * becomes the sender's host name.  Service instances (PTR/SRV/TXT) are
 * deliberately left for the later identity work.  Shares no code with
 * proto-dns.c: a small name reader of its own.
 *
 * References: RFC 6762 sections 6, 18 (message format); RFC 1035 section
 * 4.1 (layout) and 4.1.4 (compression).
 *
 *   +--------+--------+--------+--------+--------+--------+
 *   | ID (0) | flags  | QDCOUNT| ANCOUNT| NSCOUNT| ARCOUNT|   16 bits each
 *   +--------+--------+--------+--------+--------+--------+
 *   | questions (NAME TYPE QU|CLASS), records (NAME TYPE CF|CLASS TTL RDLEN RDATA)
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    MDNS_HEADER_LEN = 12,
    MDNS_MIN_QUESTION_LEN = 5,
    MDNS_MIN_RECORD_LEN = 11,
    MDNS_MAX_QUESTIONS = 64, /* service browsers batch many questions */
    MDNS_MAX_RECORDS = 512,
    MDNS_MAX_LABELS = 128,
    MDNS_MAX_JUMPS = 16,
    MDNS_NAME_MAX = 256,
    MDNS_QR = 0x8000,
    MDNS_TYPE_A = 1,
    MDNS_TYPE_AAAA = 28,
    MDNS_PORT = 5353,
};

static const char mdns_local_suffix[] = ".local";

typedef struct MdnsHeader {
    uint16_t flags;
    uint16_t qdcount;
    uint16_t ancount;
    uint16_t nscount;
    uint16_t arcount;
} MdnsHeader;

static void read_header(Cursor *c, MdnsHeader *h)
{
    cursor_skip(c, 2); /* ID: 0 in multicast messages */
    h->flags = cursor_be16(c);
    h->qdcount = cursor_be16(c);
    h->ancount = cursor_be16(c);
    h->nscount = cursor_be16(c);
    h->arcount = cursor_be16(c);
}

static size_t record_count(const MdnsHeader *h)
{
    return (size_t)h->ancount + h->nscount + h->arcount;
}

/* Opcode 0 (RFC 6762 section 18.3), something in it, counts fit the bytes. */
static bool header_is_sane(const MdnsHeader *h, size_t body_len)
{
    if (((h->flags >> 11) & 0xf) != 0)
        return false;
    if (h->qdcount > MDNS_MAX_QUESTIONS || h->qdcount + record_count(h) == 0)
        return false;
    return (size_t)h->qdcount * MDNS_MIN_QUESTION_LEN + record_count(h) * MDNS_MIN_RECORD_LEN <=
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
    for (int i = 0; i < MDNS_MAX_LABELS; i++) {
        size_t label_start = cursor_offset(src);
        uint8_t len = cursor_u8(src);
        if (!cursor_ok(src))
            break;
        if (len == 0)
            return;
        if ((len & 0xc0) == 0xc0) {
            size_t target = (size_t)((len & 0x3f) << 8) | cursor_u8(src);
            if (!cursor_ok(src) || target >= label_start || target >= lowest_target ||
                ++jumps > MDNS_MAX_JUMPS)
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

static void strip_local(char *name)
{
    size_t n = strlen(name);
    size_t suffix = sizeof mdns_local_suffix - 1;
    if (n > suffix && strcmp(name + n - suffix, mdns_local_suffix) == 0)
        name[n - suffix] = '\0';
}

static const char *type_name(uint16_t type)
{
    switch (type) {
    case MDNS_TYPE_A:
        return "A";
    case MDNS_TYPE_AAAA:
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

static DissectResult mdns_probe(Cursor *c, const DissectCtx *ctx)
{
    /* the wire format is DNS's: only the port tells mDNS apart */
    bool has_port = ctx->pkt->sport == MDNS_PORT || ctx->pkt->dport == MDNS_PORT;
    if (ctx->pkt->transport != TP_UDP || !has_port)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < MDNS_HEADER_LEN)
        return DISSECT_NEED_MORE;
    Cursor msg = *c;
    MdnsHeader h;
    read_header(c, &h);
    if (!header_is_sane(&h, cursor_left(c)))
        return DISSECT_NOT_MINE;
    read_name(c, &msg, NULL, 0);
    if (!cursor_ok(c))
        return cursor_fail(c) == CUR_CAPTRUNC ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* What the walk over the message keeps. */
typedef struct MdnsInfo {
    char first_name[MDNS_NAME_MAX];
    uint16_t first_type;
    char host[MDNS_NAME_MAX]; /* owner of the first A/AAAA answer */
} MdnsInfo;

static void walk_records(Cursor *c, const Cursor *msg, const MdnsHeader *h, MdnsInfo *info)
{
    for (size_t i = 0; i < record_count(h) && i < MDNS_MAX_RECORDS; i++) {
        char name[MDNS_NAME_MAX];
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
        if (is_answer && !info->host[0] && (type == MDNS_TYPE_A || type == MDNS_TYPE_AAAA))
            memcpy(info->host, name, sizeof name);
    }
}

static DissectResult mdns_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_clipped = cursor_is_clipped(c);
    Cursor msg = *c;
    MdnsHeader h;
    read_header(c, &h);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!header_is_sane(&h, cursor_left(c))) {
        if (is_clipped)
            return DISSECT_SHORT;
        dissect_anomaly(ctx, ANOM_BAD_COUNT);
        return DISSECT_MALFORMED;
    }

    MdnsInfo info;
    memset(&info, 0, sizeof info);
    for (unsigned i = 0; i < h.qdcount; i++) {
        char name[MDNS_NAME_MAX];
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

    bool is_response = (h.flags & MDNS_QR) != 0;
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    char detail[FACT_DETAIL_MAX];
    format_name_type(detail, sizeof detail, info.first_name, info.first_type);
    dissect_op(ctx, 0, "query", OP_DISCOVERY, is_response, (int32_t)(h.flags & 0xf), detail);
    if (is_response && info.host[0]) {
        strip_local(info.host);
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info.host, FACT_CONF_HIGH);
    }
    return DISSECT_OK;
}

const ProtoDesc proto_mdns = {
    .name = "mdns",
    .transports = PT_UDP,
    .ports = {5353},
    .probe = mdns_probe,
    .dissect = mdns_dissect,
};
