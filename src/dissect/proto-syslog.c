/*
 * proto-syslog.c - syslog messages over UDP (514).
 *
 * Requires the "<PRI>" prefix (PRI 0..191, no leading zeros) and reads the
 * header that follows it: RFC 5424 ("1 TIMESTAMP HOSTNAME APP-NAME ...")
 * or BSD/RFC 3164 ("Mmm dd hh:mm:ss HOSTNAME TAG: ...").  Each datagram
 * is one "message" operation with facility and severity in its detail;
 * the HOSTNAME field, when the sender filled it, is the sender's host
 * name.  Structured data and the free text are deliberately not parsed,
 * and syslog over TCP (RFC 6587 octet counting) is not handled.
 *
 * References: RFC 5424 section 6 (syslog message format, PRI in 6.2.1);
 * RFC 3164 section 4.1 (BSD syslog packet format).
 *
 *   <PRI>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - msg    (RFC 5424)
 *   <PRI>Oct 11 22:14:15 mymachine su: msg                                   (RFC 3164)
 *   PRI = facility * 8 + severity, 1..3 digits
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    SYSLOG_PRI_MAX = 191,
    SYSLOG_PRI_DIGITS_MAX = 3,
    SYSLOG_HEADER_MAX = 256,           /* the header fields fit here; the rest is free text */
    SYSLOG_TOKEN_MAX = FACT_VALUE_MAX, /* HOSTNAME may have 255 characters; we keep 127 */
    SYSLOG_BSD_STAMP_LEN = 15,         /* "Mmm dd hh:mm:ss" */
    SYSLOG_CODE_MESSAGE = 0,           /* our code: syslog has one kind of message */
};

static const char *const facility_names[] = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7",
};

static const char *const severity_names[] = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

static const char *const month_names[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Reads "<PRI>"; returns the PRI or -1 when the bytes are not one.
 * *is_partial says the bytes ran out before the closing '>'. */
static int read_pri(Cursor *c, bool *is_partial)
{
    *is_partial = false;
    int first = cursor_peek(c, 0);
    if (first < 0) {
        *is_partial = true;
        return -1;
    }
    if (first != '<')
        return -1;
    int pri = 0;
    size_t digits = 0;
    for (size_t i = 1; i <= SYSLOG_PRI_DIGITS_MAX + 1; i++) {
        int ch = cursor_peek(c, i);
        if (ch < 0) {
            *is_partial = true;
            return -1;
        }
        if (ch == '>')
            break;
        if (ch < '0' || ch > '9' || digits == SYSLOG_PRI_DIGITS_MAX)
            return -1;
        /* "<0>" is fine, "<01>" is not (RFC 5424 6.2.1) */
        if (digits == 1 && pri == 0)
            return -1;
        pri = pri * 10 + (ch - '0');
        digits++;
    }
    if (digits == 0 || pri > SYSLOG_PRI_MAX)
        return -1;
    cursor_skip(c, digits + 2);
    return pri;
}

static DissectResult syslog_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_UDP)
        return DISSECT_NOT_MINE;
    bool is_partial;
    if (read_pri(c, &is_partial) < 0)
        return is_partial ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    int next = cursor_peek(c, 0);
    if (next < 0)
        return DISSECT_NEED_MORE;
    return next >= 0x20 && next < 0x7f ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* Splits the next space-delimited token off *s into dst. */
static void next_token(const char **s, char *dst, size_t dstsz)
{
    const char *p = *s;
    size_t n = 0;
    while (*p && *p != ' ') {
        if (n + 1 < dstsz)
            dst[n++] = *p;
        p++;
    }
    dst[n] = '\0';
    while (*p == ' ')
        p++;
    *s = p;
}

static bool is_bsd_timestamp(const char *s)
{
    if (strlen(s) < SYSLOG_BSD_STAMP_LEN || s[3] != ' ' || s[6] != ' ' || s[9] != ':')
        return false;
    for (size_t i = 0; i < sizeof month_names / sizeof *month_names; i++)
        if (strncmp(s, month_names[i], 3) == 0)
            return true;
    return false;
}

/* A 3164 HOSTNAME: not the TAG ("su:", "sshd[42]:") that devices send in
 * its place when they leave the host name out. */
static bool looks_like_hostname(const char *token, const char *after)
{
    if (!token[0] || strchr(token, '[') || strchr(token, ':'))
        return false;
    return after[0] != '\0';
}

/* The HOSTNAME field of the header text after PRI, or "". */
static void header_hostname(const char *header, char *dst, size_t dstsz)
{
    char token[SYSLOG_TOKEN_MAX];
    dst[0] = '\0';
    if (header[0] >= '1' && header[0] <= '9' && header[1] == ' ') {
        const char *s = header + 2;
        next_token(&s, token, sizeof token); /* TIMESTAMP */
        next_token(&s, token, sizeof token);
        if (strcmp(token, "-") != 0)
            snprintf(dst, dstsz, "%s", token);
        return;
    }
    if (!is_bsd_timestamp(header))
        return;
    const char *s = header + SYSLOG_BSD_STAMP_LEN;
    while (*s == ' ')
        s++;
    next_token(&s, token, sizeof token);
    if (looks_like_hostname(token, s))
        snprintf(dst, dstsz, "%s", token);
}

static DissectResult syslog_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_partial;
    int pri = read_pri(c, &is_partial);
    if (pri < 0) {
        if (is_partial || cursor_is_clipped(c))
            return DISSECT_SHORT;
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    size_t header_len = cursor_left(c) < SYSLOG_HEADER_MAX ? cursor_left(c) : SYSLOG_HEADER_MAX;
    /* a header the capture cut may have lost part of its host name */
    if (cursor_is_clipped(c) && header_len < SYSLOG_HEADER_MAX)
        return DISSECT_SHORT;
    char header[SYSLOG_HEADER_MAX + 1];
    cursor_str(c, header_len, header, sizeof header);
    char hostname[FACT_VALUE_MAX];
    header_hostname(header, hostname, sizeof hostname);

    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "facility=%s severity=%s", facility_names[pri / 8],
             severity_names[pri % 8]);
    ctx->dir_hint = DIR_REQUEST; /* syslog flows one way, from the originator */
    dissect_op(ctx, SYSLOG_CODE_MESSAGE, "message", OP_OTHER, false, 0, detail);
    if (hostname[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, hostname, FACT_CONF_HIGH);
    return DISSECT_OK;
}

const ProtoDesc proto_syslog = {
    .name = "syslog",
    .transports = PT_UDP,
    .ports = {514},
    .probe = syslog_probe,
    .dissect = syslog_dissect,
};
