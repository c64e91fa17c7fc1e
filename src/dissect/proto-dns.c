/*
 * proto-dns.c - Domain Name System over UDP and TCP (port 53).
 *
 * Checks the header (opcode, section counts against the bytes present),
 * decodes the first question's name (compression pointers followed, bounded)
 * and walks every resource record once so that a message whose counts
 * contradict its length is reported.  A query becomes one operation with
 * the queried name and type in its detail; a response carries the RCODE as
 * status.  Resource record data is deliberately not interpreted: asset
 * names learnt from answers are the model's business, and EDNS, DNSSEC and
 * zone transfers are only counted as records.  mDNS and LLMNR share the
 * wire format but have their own files.
 *
 * References: RFC 1035 sections 4.1 (message format), 4.1.4 (compression)
 * and 4.2.2 (TCP length prefix); RFC 6895 section 2 (opcodes, RCODEs).
 *
 *   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |            (TCP only) message length            |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      ID                         |
 *   |QR|  Opcode   |AA|TC|RD|RA| Z|AD|CD|   RCODE    |
 *   |                   QDCOUNT                       |
 *   |                   ANCOUNT                       |
 *   |                   NSCOUNT                       |
 *   |                   ARCOUNT                       |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   | questions: QNAME QTYPE QCLASS; records: NAME TYPE CLASS TTL RDLENGTH RDATA
 */
#include <string.h>

#include "dissect.h"
#include "dns-wire.h"

enum {
    DNS_MIN_QUESTION_LEN = 5, /* root name + type + class */
    DNS_MIN_RECORD_LEN = 11,  /* root name + type, class, ttl, rdlength */
    DNS_MAX_QUESTIONS = 16,   /* real queries carry one; a few resolvers send more */
    DNS_MAX_RECORDS = 512,    /* records walked per message */
    DNS_NAME_MAX = 256,
    DNS_OPCODE_MAX = 6,
    DNS_TCP_MIN_LEN = DNSWIRE_HEADER_LEN,
    DNS_PORT = 53,
    MDNS_PORT = 5353,
    LLMNR_PORT = 5355,
};

typedef struct DnsTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} DnsTok;

/* RFC 6895 section 2.2; opcode 3 is unassigned. */
static const DnsTok dns_opcodes[] = {
    {0, "query", OP_READ},   {1, "inverse query", OP_READ}, {2, "status", OP_DIAGNOSTIC},
    {4, "notify", OP_OTHER}, {5, "update", OP_WRITE},       {6, "dso", OP_SESSION},
};

static unsigned header_opcode(const DnsWireHeader *h)
{
    return (h->flags >> 11) & 0xf;
}

/* Opcode known, question count bounded, and the counts fit the bytes. */
static bool header_is_sane(const DnsWireHeader *h, size_t body_len)
{
    if (header_opcode(h) > DNS_OPCODE_MAX || header_opcode(h) == 3)
        return false;
    if (h->qdcount > DNS_MAX_QUESTIONS)
        return false;
    return (size_t)h->qdcount * DNS_MIN_QUESTION_LEN +
               dnswire_record_count(h) * DNS_MIN_RECORD_LEN <=
           body_len;
}

static void skip_question(Cursor *c, const Cursor *msg)
{
    dnswire_read_name(c, msg, NULL, 0);
    cursor_skip(c, 4);
}

static void skip_record(Cursor *c, const Cursor *msg)
{
    dnswire_read_name(c, msg, NULL, 0);
    cursor_skip(c, 8); /* type class ttl */
    uint16_t rdlength = cursor_be16(c);
    cursor_skip(c, rdlength);
}

static void format_question(char *dst, size_t dstsz, const char *qname, uint16_t qtype)
{
    dnswire_format_name_type(dst, dstsz, qname[0] ? qname : ".", qtype);
}

/* ---- framing and probe ------------------------------------------------- */

static bool is_tcp(const DissectCtx *ctx)
{
    return ctx->pkt->transport == TP_TCP;
}

static size_t dns_pdu_len(Cursor *c)
{
    uint16_t len = cursor_be16(c);
    if (!cursor_ok(c))
        return 0;
    if (len < DNS_TCP_MIN_LEN)
        return PDU_LEN_BAD;
    return (size_t)len + 2;
}

static bool has_port(const DissectCtx *ctx, uint16_t port)
{
    return ctx->pkt->sport == port || ctx->pkt->dport == port;
}

static DissectResult dns_probe(Cursor *c, const DissectCtx *ctx)
{
    /* mDNS and LLMNR are wire-identical: their ports pick their dissectors */
    if (!has_port(ctx, DNS_PORT) && (has_port(ctx, MDNS_PORT) || has_port(ctx, LLMNR_PORT)))
        return DISSECT_NOT_MINE;
    size_t msg_len = cursor_left(c);
    if (is_tcp(ctx)) {
        msg_len = cursor_be16(c);
        if (!cursor_ok(c))
            return DISSECT_NEED_MORE;
        if (msg_len < DNS_TCP_MIN_LEN)
            return DISSECT_NOT_MINE;
    }
    /* over TCP the first segment may hold only part of the declared message */
    bool is_partial = cursor_left(c) < msg_len || cursor_is_clipped(c);
    if (cursor_left(c) < DNSWIRE_HEADER_LEN)
        return DISSECT_NEED_MORE;
    Cursor msg = *c;
    DnsWireHeader h;
    dnswire_read_header(c, &h);
    /* a query without a question is not something we can tell apart from noise */
    if (h.qdcount == 0 || !header_is_sane(&h, msg_len - DNSWIRE_HEADER_LEN))
        return DISSECT_NOT_MINE;
    skip_question(c, &msg);
    if (!cursor_ok(c))
        return is_partial ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* ---- dissect ----------------------------------------------------------- */

/* In a window the capture clipped, a broken name or count may be an
 * artefact of the cut: report truncation, never an anomaly. */
static DissectResult fail(DissectCtx *ctx, const Cursor *c, bool is_clipped, Anomaly anom)
{
    return is_clipped ? DISSECT_SHORT : dissect_fail(ctx, c, anom);
}

static DissectResult dns_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_clipped = cursor_is_clipped(c);
    if (is_tcp(ctx)) {
        uint16_t len = cursor_be16(c);
        Cursor body;
        cursor_take(c, len, &body);
        if (!cursor_ok(c))
            return fail(ctx, c, is_clipped, ANOM_LEN_MISMATCH);
        *c = body;
    }
    Cursor msg = *c;
    DnsWireHeader h;
    dnswire_read_header(c, &h);
    if (!cursor_ok(c))
        return fail(ctx, c, is_clipped, ANOM_BAD_HEADER);
    if (!header_is_sane(&h, cursor_left(c))) {
        if (is_clipped)
            return DISSECT_SHORT; /* the counts may well fit the wire length */
        dissect_anomaly(ctx, ANOM_BAD_COUNT);
        return DISSECT_MALFORMED;
    }

    char qname[DNS_NAME_MAX];
    qname[0] = '\0';
    uint16_t qtype = 0;
    if (h.qdcount > 0) {
        dnswire_read_name(c, &msg, qname, sizeof qname);
        qtype = cursor_be16(c);
        cursor_skip(c, 2);
    }
    for (unsigned i = 1; i < h.qdcount; i++)
        skip_question(c, &msg);
    size_t records = dnswire_record_count(&h);
    for (size_t i = 0; i < records && i < DNS_MAX_RECORDS; i++)
        skip_record(c, &msg);
    if (!cursor_ok(c))
        return fail(ctx, c, is_clipped, ANOM_LEN_MISMATCH);

    bool is_response = (h.flags & DNSWIRE_QR) != 0;
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    unsigned opcode = header_opcode(&h);
    const DnsTok *tok = NULL;
    for (size_t i = 0; i < sizeof dns_opcodes / sizeof *dns_opcodes; i++)
        if (dns_opcodes[i].code == opcode)
            tok = &dns_opcodes[i];
    char detail[FACT_DETAIL_MAX];
    detail[0] = '\0';
    if (h.qdcount > 0)
        format_question(detail, sizeof detail, qname, qtype);
    int32_t rcode = is_response ? (int32_t)(h.flags & 0xf) : 0;
    /* header_is_sane() admitted only listed opcodes */
    if (tok)
        dissect_op(ctx, tok->code, tok->name, tok->cls, is_response, rcode, detail);
    return DISSECT_OK;
}

const ProtoDesc proto_dns = {
    .name = "dns",
    .transports = PT_UDP | PT_TCP,
    .ports = {53},
    .probe = dns_probe,
    .pdu_len = dns_pdu_len,
    .dissect = dns_dissect,
};
