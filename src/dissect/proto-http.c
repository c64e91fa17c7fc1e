/*
 * proto-http.c - HTTP/1.x over TCP (80, 8080 and any port).
 *
 * A segment that starts a message is parsed: the request line (method,
 * target, version) or the status line, then the header block.  A request
 * is an operation named by its method (GET/HEAD read; POST, PUT, DELETE,
 * PATCH write; others other) with host and target in the detail; a
 * response is the response of the last request, the status code as status
 * when it is an error (>= 400).  User-Agent is the client's software,
 * Server the server's; HTTP Basic credentials give the client's user and
 * the secret "http-basic:<user>:<password>" of the server they open, never
 * a detail; the <title> of an HTML page in the same segment is the
 * server's web_title (device web pages often name the model there).  Bodies, chunked
 * encoding, pipelined requests after the first, HTTP/2 and WebSocket
 * frames are deliberately not parsed; segments that continue a body are
 * counted.
 *
 * References: RFC 9112 sections 3 (request line), 4 (status line), 5
 * (fields); RFC 9110 sections 9.3 (methods) and 11.6.2 (Authorization);
 * RFC 7617 section 2 (Basic).
 *
 *   METHOD SP request-target SP HTTP/1.x CRLF      HTTP/1.x SP NNN SP reason CRLF
 *   Field-Name: value CRLF ...                      Field-Name: value CRLF ...
 *   CRLF  [body]                                     CRLF  [body]
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    HTTP_LINE_MAX = 1024, /* longer lines are cut when copied */
    HTTP_MAX_HEADERS = 64,
    HTTP_STATUS_ERROR_MIN = 400,
    HTTP_TITLE_SEARCH_MAX = 4096,
    HTTP_MAX_TAG_TRIES = 64,
    HTTP_CRED_MAX = 96,
};

typedef struct HttpTok {
    const char *method;
    OpClass cls;
} HttpTok;

/* RFC 9110 9.3 plus WebDAV; the code of an op is its index + 1. */
static const HttpTok http_methods[] = {
    {"GET", OP_READ},         {"HEAD", OP_READ},     {"POST", OP_WRITE},    {"PUT", OP_WRITE},
    {"DELETE", OP_WRITE},     {"PATCH", OP_WRITE},   {"OPTIONS", OP_OTHER}, {"CONNECT", OP_OTHER},
    {"TRACE", OP_DIAGNOSTIC}, {"PROPFIND", OP_READ}, {"MKCOL", OP_WRITE},   {"MOVE", OP_WRITE},
    {"COPY", OP_WRITE},
};

enum { HTTP_METHOD_COUNT = sizeof http_methods / sizeof *http_methods };

static const char http_version_prefix[] = "HTTP/1.";
static const char title_open[] = "<title>";

typedef struct HttpState {
    int last_method; /* index into http_methods + 1; 0 none */
} HttpState;

/* Index of the method that starts the window ("GET "), or -1.
 * *is_partial: the window is a prefix of "METHOD ". */
static int starting_method(const Cursor *c, bool *is_partial)
{
    *is_partial = false;
    size_t left = cursor_left(c);
    for (size_t i = 0; i < HTTP_METHOD_COUNT; i++) {
        size_t n = strlen(http_methods[i].method);
        if (left > n) {
            if (cursor_starts_with(c, http_methods[i].method, n) && cursor_peek(c, n) == ' ')
                return (int)i;
        } else if (cursor_starts_with(c, http_methods[i].method, left)) {
            *is_partial = true;
        }
    }
    return -1;
}

static bool starts_response(const Cursor *c, bool *is_partial)
{
    size_t n = sizeof http_version_prefix - 1;
    *is_partial = cursor_left(c) < n && cursor_starts_with(c, http_version_prefix, cursor_left(c));
    return cursor_starts_with(c, http_version_prefix, n);
}

static DissectResult http_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    bool is_partial_method;
    bool is_partial_response;
    if (starting_method(c, &is_partial_method) >= 0 || starts_response(c, &is_partial_response))
        return DISSECT_OK;
    return is_partial_method || is_partial_response ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
}

/* ---- lines and fields -------------------------------------------------- */

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

static char ascii_upper(char ch)
{
    return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

/* Value of "Name: value" when the line's field is name (case-insensitive). */
static const char *field_value(const char *line, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (ascii_upper(line[i]) != ascii_upper(name[i]))
            return NULL;
    if (line[n] != ':')
        return NULL;
    const char *v = line + n + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    return v;
}

/* RFC 4648 base64 into dst (NUL-terminated, capped); false on a bad digit. */
static bool base64_decode(const char *src, char *dst, size_t dstsz)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    size_t out = 0;
    for (const char *p = src; *p && *p != '=' && *p != ' '; p++) {
        const char *hit = strchr(alphabet, *p);
        if (hit == NULL)
            return false;
        acc = (acc << 6) | (uint32_t)(hit - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char ch = (char)((acc >> bits) & 0xff);
            if (out + 1 < dstsz)
                dst[out++] = (ch >= 0x20 && ch < 0x7f) ? ch : '.';
        }
    }
    dst[out] = '\0';
    return true;
}

/* ---- message ----------------------------------------------------------- */

typedef struct HttpMsg {
    bool is_response;
    bool is_complete; /* the empty line ending the header block was seen */
    int method;       /* index into http_methods (request) */
    int status;       /* response */
    char target[FACT_DETAIL_MAX];
    char host[FACT_DETAIL_MAX];
    char software[FACT_VALUE_MAX];
    char basic[HTTP_CRED_MAX]; /* decoded "user:password" */
    char title[FACT_VALUE_MAX];
} HttpMsg;

static void read_fields(Cursor *c, HttpMsg *m)
{
    char line[HTTP_LINE_MAX];
    for (int i = 0; i < HTTP_MAX_HEADERS && read_line(c, line, sizeof line); i++) {
        if (line[0] == '\0') {
            m->is_complete = true;
            return;
        }
        const char *v;
        if ((v = field_value(line, "Host")) != NULL)
            snprintf(m->host, sizeof m->host, "%s", v);
        else if ((v = field_value(line, m->is_response ? "Server" : "User-Agent")) != NULL)
            snprintf(m->software, sizeof m->software, "%s", v);
        else if (!m->is_response && (v = field_value(line, "Authorization")) != NULL &&
                 strncmp(v, "Basic ", 6) == 0 && !base64_decode(v + 6, m->basic, sizeof m->basic))
            m->basic[0] = '\0';
    }
}

/* The text between <title> and the next '<', when the segment holds both. */
static void find_title(Cursor *body, char *dst, size_t dstsz)
{
    for (int i = 0; i < HTTP_MAX_TAG_TRIES; i++) {
        long at = cursor_find(body, '<', HTTP_TITLE_SEARCH_MAX);
        if (at < 0)
            return;
        cursor_skip(body, (size_t)at);
        char tag[sizeof title_open];
        Cursor peek = *body;
        if (cursor_left(&peek) < sizeof title_open - 1)
            return;
        cursor_str(&peek, sizeof title_open - 1, tag, sizeof tag);
        bool is_title = true;
        for (size_t k = 0; k < sizeof title_open - 1; k++)
            if (ascii_upper(tag[k]) != ascii_upper(title_open[k]))
                is_title = false;
        if (!is_title) {
            cursor_skip(body, 1);
            continue;
        }
        long end = cursor_find(&peek, '<', HTTP_TITLE_SEARCH_MAX);
        if (end > 0)
            cursor_str(&peek, (size_t)end, dst, dstsz);
        return;
    }
}

typedef enum StartLine {
    START_LINE_OPEN, /* no line end yet */
    START_LINE_OK,
    START_LINE_BAD,
} StartLine;

static StartLine read_start_line(Cursor *c, HttpMsg *m)
{
    char line[HTTP_LINE_MAX];
    bool is_partial;
    m->method = starting_method(c, &is_partial);
    m->is_response = m->method < 0;
    if (!read_line(c, line, sizeof line))
        return START_LINE_OPEN;
    if (m->is_response)
        return sscanf(line, "HTTP/1.%*d %3d", &m->status) == 1 ? START_LINE_OK : START_LINE_BAD;
    const char *target = line + strlen(http_methods[m->method].method) + 1;
    const char *space = strchr(target, ' ');
    size_t n = space ? (size_t)(space - target) : strlen(target);
    snprintf(m->target, sizeof m->target, "%.*s", (int)(n < 63 ? n : 63), target);
    bool has_version = space != NULL && strncmp(space + 1, http_version_prefix, 7) == 0;
    return has_version ? START_LINE_OK : START_LINE_BAD;
}

static void emit_request(DissectCtx *ctx, HttpState *st, const HttpMsg *m)
{
    char joined[2 * FACT_DETAIL_MAX];
    snprintf(joined, sizeof joined, "%s%s", m->host, m->target);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%.63s", joined);
    st->last_method = m->method + 1;
    ctx->dir_hint = DIR_REQUEST;
    const HttpTok *t = &http_methods[m->method];
    dissect_op(ctx, (uint32_t)m->method + 1, t->method, t->cls, false, 0, detail);
    if (m->software[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, m->software, FACT_CONF_HIGH);
    const char *colon = strchr(m->basic, ':');
    if (colon != NULL) {
        char user[HTTP_CRED_MAX];
        snprintf(user, sizeof user, "%.*s", (int)(colon - m->basic), m->basic);
        char secret[FACT_VALUE_MAX];
        snprintf(secret, sizeof secret, "http-basic:%s", m->basic);
        if (user[0])
            dissect_attr(ctx, SIDE_SRC, ATTR_USER, user, FACT_CONF_HIGH);
        dissect_attr(ctx, SIDE_DST, ATTR_SECRET, secret, FACT_CONF_HIGH);
    }
}

static void emit_response(DissectCtx *ctx, const HttpState *st, const HttpMsg *m)
{
    ctx->dir_hint = DIR_RESPONSE;
    int32_t status = m->status >= HTTP_STATUS_ERROR_MIN ? m->status : 0;
    if (st->last_method > 0) {
        const HttpTok *t = &http_methods[st->last_method - 1];
        dissect_op(ctx, (uint32_t)st->last_method, t->method, t->cls, true, status, NULL);
    }
    if (m->software[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, m->software, FACT_CONF_HIGH);
    if (m->title[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_WEB_TITLE, m->title, FACT_CONF_MEDIUM);
}

static DissectResult http_dissect(Cursor *c, DissectCtx *ctx)
{
    HttpState *st = ctx->state;
    bool is_clipped = cursor_is_clipped(c);
    bool is_partial;
    bool starts_message = starting_method(c, &is_partial) >= 0 || starts_response(c, &is_partial);
    if (!starts_message)
        return is_clipped ? DISSECT_SHORT : DISSECT_OK; /* body continuation: counted */
    HttpMsg m;
    memset(&m, 0, sizeof m);
    StartLine start = read_start_line(c, &m);
    if (start == START_LINE_OPEN || (start == START_LINE_BAD && is_clipped))
        return DISSECT_SHORT; /* the start line runs on in the next segment */
    if (start == START_LINE_BAD) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    read_fields(c, &m);
    /* a clipped header block may have lost fields: say nothing */
    if (is_clipped && !m.is_complete)
        return DISSECT_SHORT;
    if (m.is_response && m.is_complete)
        find_title(c, m.title, sizeof m.title);
    if (m.is_response)
        emit_response(ctx, st, &m);
    else
        emit_request(ctx, st, &m);
    return is_clipped ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_http = {
    .name = "http",
    .transports = PT_TCP,
    .ports = {80, 8080, 8000, 8081},
    .probe = http_probe,
    .dissect = http_dissect,
    .state_size = sizeof(HttpState),
};
