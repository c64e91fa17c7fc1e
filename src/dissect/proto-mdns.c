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
 * becomes the sender's host name.  The service types of a response's
 * PTR/SRV/TXT records ("_ipp._tcp" from "Office._ipp._tcp.local") are the
 * services the responder offers, a class clue for its role (a printer
 * announces _ipp); a query's known answers are the querier's cache and
 * say nothing of it.  The message format is read by dns-wire.c, shared
 * with LLMNR.
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
#include "dns-wire.h"

enum {
    MDNS_HEADER_LEN = 12,
    MDNS_MIN_QUESTION_LEN = 5,
    MDNS_MIN_RECORD_LEN = 11,
    MDNS_MAX_QUESTIONS = 64, /* service browsers batch many questions */
    MDNS_MAX_RECORDS = 512,
    MDNS_NAME_MAX = 256,
    MDNS_QR = 0x8000,
    MDNS_TYPE_A = 1,
    MDNS_TYPE_AAAA = 28,
    MDNS_TYPE_PTR = 12,
    MDNS_TYPE_TXT = 16,
    MDNS_TYPE_SRV = 33,
    MDNS_MAX_SERVICES = 8, /* distinct service types kept per message */
    MDNS_SERVICE_MAX = 64, /* "_" + a 15-character service name + "._tcp", with room */
    MDNS_PORT = 5353,
};

static const char mdns_local_suffix[] = ".local";

/* Opcode 0 (RFC 6762 section 18.3), something in it, counts fit the bytes. */
static bool header_is_sane(const DnsWireHeader *h, size_t body_len)
{
    if (((h->flags >> 11) & 0xf) != 0)
        return false;
    if (h->qdcount > MDNS_MAX_QUESTIONS || h->qdcount + dnswire_record_count(h) == 0)
        return false;
    return (size_t)h->qdcount * MDNS_MIN_QUESTION_LEN +
               dnswire_record_count(h) * MDNS_MIN_RECORD_LEN <=
           body_len;
}

static void strip_local(char *name)
{
    size_t n = strlen(name);
    size_t suffix = sizeof mdns_local_suffix - 1;
    if (n > suffix && strcmp(name + n - suffix, mdns_local_suffix) == 0)
        name[n - suffix] = '\0';
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
typedef struct MdnsInfo {
    char first_name[MDNS_NAME_MAX];
    uint16_t first_type;
    char host[MDNS_NAME_MAX]; /* owner of the first A/AAAA answer */
    char services[MDNS_MAX_SERVICES][MDNS_SERVICE_MAX];
    size_t n_services;
} MdnsInfo;

/* The service type of a DNS-SD record name: the "_name._tcp" or
 * "_name._udp" label pair (RFC 6763 section 7) nearest the end, so that
 * "_printer._sub._http._tcp.local" gives "_http._tcp" and an instance
 * name with dots in it does not matter.  The meta-query name
 * _services._dns-sd._udp lists types rather than offering one. */
static bool service_type_of(const char *name, char *out, size_t outsz)
{
    const char *proto = NULL;
    for (const char *p = name; (p = strchr(p, '.')) != NULL; p++) {
        if ((strncmp(p, "._tcp", 5) == 0 || strncmp(p, "._udp", 5) == 0) &&
            (p[5] == '\0' || p[5] == '.'))
            proto = p;
    }
    if (!proto || strstr(name, "_services._dns-sd._udp") != NULL)
        return false;
    const char *start = proto;
    while (start > name && start[-1] != '.')
        start--;
    size_t len = (size_t)(proto + 5 - start);
    if (start[0] != '_' || proto - start < 2 || len >= outsz)
        return false;
    memcpy(out, start, len);
    out[len] = '\0';
    return true;
}

static void note_service(MdnsInfo *info, const char *name, uint16_t type)
{
    if (type != MDNS_TYPE_PTR && type != MDNS_TYPE_SRV && type != MDNS_TYPE_TXT)
        return;
    char svc[MDNS_SERVICE_MAX];
    if (info->n_services >= MDNS_MAX_SERVICES || !service_type_of(name, svc, sizeof svc))
        return;
    for (size_t i = 0; i < info->n_services; i++) {
        if (strcmp(info->services[i], svc) == 0)
            return;
    }
    memcpy(info->services[info->n_services++], svc, sizeof svc);
}

static void walk_records(Cursor *c, const Cursor *msg, const DnsWireHeader *h, MdnsInfo *info)
{
    for (size_t i = 0; i < dnswire_record_count(h) && i < MDNS_MAX_RECORDS; i++) {
        char name[MDNS_NAME_MAX];
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
        if (is_answer && !info->host[0] && (type == MDNS_TYPE_A || type == MDNS_TYPE_AAAA))
            memcpy(info->host, name, sizeof name);
        bool is_authority = !is_answer && i < (size_t)h->ancount + h->nscount;
        if ((h->flags & MDNS_QR) && !is_authority)
            note_service(info, name, type);
    }
}

static DissectResult mdns_dissect(Cursor *c, DissectCtx *ctx)
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

    MdnsInfo info;
    memset(&info, 0, sizeof info);
    for (unsigned i = 0; i < h.qdcount; i++) {
        char name[MDNS_NAME_MAX];
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

    bool is_response = (h.flags & MDNS_QR) != 0;
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    char detail[FACT_DETAIL_MAX];
    dnswire_format_name_type(detail, sizeof detail, info.first_name, info.first_type);
    dissect_op(ctx, 0, "query", OP_DISCOVERY, is_response, (int32_t)(h.flags & 0xf), detail);
    if (is_response && info.host[0]) {
        strip_local(info.host);
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info.host, FACT_CONF_HIGH);
    }
    for (size_t i = 0; i < info.n_services; i++)
        dissect_attr(ctx, SIDE_SRC, ATTR_SERVICE, info.services[i], FACT_CONF_HIGH);
    return DISSECT_OK;
}

const ProtoDesc proto_mdns = {
    .name = "mdns",
    .transports = PT_UDP,
    .ports = {5353},
    .probe = mdns_probe,
    .dissect = mdns_dissect,
};
