/*
 * proto-ssdp.c - Simple Service Discovery Protocol (UPnP, UDP 1900).
 *
 * HTTP-formatted datagrams: an M-SEARCH request, a NOTIFY announcement or
 * the unicast "HTTP/1.1 200 OK" answer to a search.  The start line gives
 * the operation (discovery); the search target (ST) or notification type
 * (NT) goes in the detail; the SERVER header of announcements and answers
 * (and the USER-AGENT of searches) is the sender's software.  The target
 * of an announcement or an answer is the sender's own (a searcher's is
 * what it looks for): a UPnP device type there ("urn:...:device:Printer:1")
 * is the sender's device type, a class clue for its role.  The device
 * description behind LOCATION is not fetched (no network access) and USN
 * uuids are not kept.
 *
 * References: UPnP Device Architecture 2.0 (2020) section 1 (discovery:
 * 1.3.2 search request, 1.3.3 search response, 1.2.2 ssdp:alive);
 * RFC 7230 section 3 (message syntax).
 *
 *   M-SEARCH * HTTP/1.1\r\n          NOTIFY * HTTP/1.1\r\n         HTTP/1.1 200 OK\r\n
 *   HOST: 239.255.255.250:1900\r\n   NT: upnp:rootdevice\r\n       ST: ...\r\n
 *   MAN: "ssdp:discover"\r\n         NTS: ssdp:alive\r\n           SERVER: OS/1 UPnP/1.0 X/1\r\n
 *   ST: ssdp:all\r\n \r\n            SERVER: ...\r\n \r\n          USN: ...\r\n \r\n
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    SSDP_LINE_MAX = 512, /* longer lines are cut when copied, not rejected */
    SSDP_MAX_LINES = 64,
    SSDP_CODE_SEARCH = 1, /* our codes: SSDP methods have no number */
    SSDP_CODE_NOTIFY = 2,
    SSDP_STATUS_OK = 200,
};

static const char search_line[] = "M-SEARCH * HTTP/1.";
static const char notify_line[] = "NOTIFY * HTTP/1.";
static const char response_line[] = "HTTP/1.";
/* A device type URN: "urn:DOMAIN:device:TYPE:VERSION" (UDA 2.0 1.1.4). */
static const char upnp_device[] = ":device:";

/* Reads one line (without CR LF) into dst.  False when no LF is left. */
static bool read_line(Cursor *c, char *dst, size_t dstsz)
{
    long lf = cursor_find(c, '\n', cursor_left(c));
    if (lf < 0)
        return false;
    size_t text_len = (size_t)lf;
    if (text_len > 0 && cursor_peek(c, text_len - 1) == '\r')
        text_len--;
    cursor_str(c, text_len, dst, dstsz);
    cursor_skip(c, (size_t)lf - text_len + 1);
    return cursor_ok(c);
}

static bool ascii_prefix_eq(const char *s, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char a = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        char b = prefix[i] >= 'a' && prefix[i] <= 'z' ? (char)(prefix[i] - 32) : prefix[i];
        if (a != b)
            return false;
    }
    return true;
}

/* Value of "Name: value" when line's header is name (case-insensitive). */
static const char *header_value(const char *line, const char *name)
{
    size_t n = strlen(name);
    if (strlen(line) <= n || !ascii_prefix_eq(line, name, n) || line[n] != ':')
        return NULL;
    const char *v = line + n + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    return v;
}

typedef enum SsdpKind {
    SSDP_NONE,
    SSDP_SEARCH,
    SSDP_NOTIFY,
    SSDP_RESPONSE,
} SsdpKind;

static SsdpKind start_line_kind(const Cursor *c)
{
    if (cursor_starts_with(c, search_line, sizeof search_line - 1))
        return SSDP_SEARCH;
    if (cursor_starts_with(c, notify_line, sizeof notify_line - 1))
        return SSDP_NOTIFY;
    if (cursor_starts_with(c, response_line, sizeof response_line - 1))
        return SSDP_RESPONSE;
    return SSDP_NONE;
}

/* True while the bytes seen are a prefix of one of the start lines. */
static bool is_start_line_prefix(const Cursor *c)
{
    size_t left = cursor_left(c);
    const char *lines[] = {search_line, notify_line, response_line};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        if (left < strlen(lines[i]) && cursor_starts_with(c, lines[i], left))
            return true;
    return false;
}

static DissectResult ssdp_probe(Cursor *c, const DissectCtx *ctx)
{
    /* HTTP over UDP: on TCP these start lines belong to http */
    if (ctx->pkt->transport != TP_UDP)
        return DISSECT_NOT_MINE;
    if (start_line_kind(c) != SSDP_NONE)
        return DISSECT_OK;
    return is_start_line_prefix(c) ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
}

typedef struct SsdpMsg {
    SsdpKind kind;
    int status;
    bool is_complete; /* the empty line that ends the headers was seen */
    char target[FACT_DETAIL_MAX];
    char software[FACT_VALUE_MAX];
} SsdpMsg;

static void read_message(Cursor *c, SsdpMsg *m)
{
    char line[SSDP_LINE_MAX];
    m->kind = start_line_kind(c);
    if (!read_line(c, line, sizeof line))
        return;
    if (m->kind == SSDP_RESPONSE && sscanf(line, "HTTP/1.%*d %d", &m->status) != 1)
        m->kind = SSDP_NONE;
    for (int i = 0; i < SSDP_MAX_LINES && read_line(c, line, sizeof line); i++) {
        if (line[0] == '\0') {
            m->is_complete = true;
            return;
        }
        const char *v;
        if ((v = header_value(line, "ST")) != NULL || (v = header_value(line, "NT")) != NULL)
            snprintf(m->target, sizeof m->target, "%s", v);
        else if ((v = header_value(line, "SERVER")) != NULL ||
                 (v = header_value(line, "USER-AGENT")) != NULL)
            snprintf(m->software, sizeof m->software, "%s", v);
    }
}

static DissectResult ssdp_dissect(Cursor *c, DissectCtx *ctx)
{
    SsdpMsg m;
    memset(&m, 0, sizeof m);
    read_message(c, &m);
    /* without the closing empty line the capture cut the headers */
    if (!m.is_complete && cursor_is_clipped(c))
        return DISSECT_SHORT;
    if (m.kind == SSDP_NONE) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    switch (m.kind) {
    case SSDP_SEARCH:
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, SSDP_CODE_SEARCH, "M-SEARCH", OP_DISCOVERY, false, 0, m.target);
        break;
    case SSDP_NOTIFY:
        dissect_op(ctx, SSDP_CODE_NOTIFY, "NOTIFY", OP_DISCOVERY, false, 0, m.target);
        break;
    default:
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, SSDP_CODE_SEARCH, "M-SEARCH", OP_DISCOVERY, true,
                   m.status == SSDP_STATUS_OK ? 0 : m.status, m.target);
        break;
    }
    if (m.software[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, m.software, FACT_CONF_HIGH);
    if (m.kind != SSDP_SEARCH && strstr(m.target, upnp_device) != NULL)
        dissect_attr(ctx, SIDE_SRC, ATTR_DEVICE_TYPE, m.target, FACT_CONF_HIGH);
    return DISSECT_OK;
}

const ProtoDesc proto_ssdp = {
    .name = "ssdp",
    .transports = PT_UDP,
    .ports = {1900},
    .probe = ssdp_probe,
    .dissect = ssdp_dissect,
};
