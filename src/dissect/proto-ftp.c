/*
 * proto-ftp.c - File Transfer Protocol control connection (TCP 21).
 *
 * Line-based: each segment may hold several CRLF-terminated lines.  Client
 * commands become operations (USER and PASS session, RETR read, STOR and
 * DELE write, ...) with the file or directory argument in the detail;
 * server replies become the response of the last command, with the reply
 * code as status when it reports a failure (4xx, 5xx).  The 220 greeting
 * is the server's software banner.  USER names the client's account;
 * PASS is a cleartext credential, reported only as the secret attribute
 * "ftp-password:<password>" of the server it opens, never in a detail.
 * After AUTH TLS is accepted (234) the connection is encrypted and only
 * counted.  Data connections and reply texts other than the greeting are
 * not parsed.
 *
 * References: RFC 959 sections 4.1 (commands), 4.2 (replies), 5.4
 * (sequencing); RFC 4217 section 4 (AUTH TLS); RFC 2389 (FEAT).
 *
 *   command: VERB [SP argument] CR LF          (VERB: 3-4 letters)
 *   reply:   NNN SP text CR LF | NNN "-" text CR LF ... NNN SP text CR LF
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    FTP_LINE_MAX = 512,
    FTP_MAX_LINES = 64,    /* lines handled per segment */
    FTP_CODE_GREETING = 0, /* our codes: FTP verbs have no number */
    FTP_REPLY_READY = 220,
    FTP_REPLY_TLS_OK = 234,
    FTP_REPLY_FAILURE_MIN = 400,
};

typedef struct FtpTok {
    const char *verb;
    OpClass cls;
} FtpTok;

/* RFC 959 4.1 and common extensions; the code of an op is its index + 1. */
static const FtpTok ftp_commands[] = {
    {"USER", OP_SESSION},   {"PASS", OP_SESSION},   {"ACCT", OP_SESSION},   {"QUIT", OP_SESSION},
    {"REIN", OP_SESSION},   {"AUTH", OP_SESSION},   {"CWD", OP_READ},       {"CDUP", OP_READ},
    {"PWD", OP_READ},       {"LIST", OP_READ},      {"NLST", OP_READ},      {"MLSD", OP_READ},
    {"MLST", OP_READ},      {"RETR", OP_READ},      {"SIZE", OP_READ},      {"MDTM", OP_READ},
    {"STAT", OP_READ},      {"STOR", OP_WRITE},     {"STOU", OP_WRITE},     {"APPE", OP_WRITE},
    {"DELE", OP_WRITE},     {"RMD", OP_WRITE},      {"MKD", OP_WRITE},      {"RNFR", OP_WRITE},
    {"RNTO", OP_WRITE},     {"SITE", OP_CONFIG},    {"TYPE", OP_OTHER},     {"MODE", OP_OTHER},
    {"STRU", OP_OTHER},     {"PORT", OP_OTHER},     {"PASV", OP_OTHER},     {"EPRT", OP_OTHER},
    {"EPSV", OP_OTHER},     {"REST", OP_OTHER},     {"ABOR", OP_OTHER},     {"ALLO", OP_OTHER},
    {"SYST", OP_DISCOVERY}, {"FEAT", OP_DISCOVERY}, {"HELP", OP_DISCOVERY}, {"NOOP", OP_DIAGNOSTIC},
    {"OPTS", OP_CONFIG},    {"PBSZ", OP_SESSION},   {"PROT", OP_SESSION},   {"CLNT", OP_OTHER},
};

enum { FTP_COMMAND_COUNT = sizeof ftp_commands / sizeof *ftp_commands };

/* The argument of these commands is a path worth showing. */
static const char *const path_verbs[] = {
    "CWD",  "LIST", "NLST", "MLSD", "MLST", "RETR", "SIZE", "MDTM", "STOR",
    "STOU", "APPE", "DELE", "RMD",  "MKD",  "RNFR", "RNTO", "SITE",
};

typedef struct FtpState {
    int last_command; /* index into ftp_commands + 1; 0 none */
    bool has_greeting;
    bool has_software; /* the greeting's first line was read */
    bool is_tls;       /* AUTH TLS accepted: the rest is encrypted */
    bool is_tls_asked;
} FtpState;

static int find_command(const char *verb)
{
    for (size_t i = 0; i < FTP_COMMAND_COUNT; i++)
        if (strcmp(ftp_commands[i].verb, verb) == 0)
            return (int)i;
    return -1;
}

static bool is_path_verb(const char *verb)
{
    for (size_t i = 0; i < sizeof path_verbs / sizeof *path_verbs; i++)
        if (strcmp(path_verbs[i], verb) == 0)
            return true;
    return false;
}

/* Reads one line without CR LF; false when no LF is left in the window. */
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

/* "NNN " or "NNN-" with a first digit 1..5: the reply code, else -1. */
static int reply_code(const char *line, bool *is_last)
{
    if (line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' ||
        line[2] > '9' || (line[3] != ' ' && line[3] != '-' && line[3] != '\0'))
        return -1;
    *is_last = line[3] != '-';
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* Upper-case verb of 3-4 letters followed by SP or end: its length, else 0. */
static size_t command_verb(const char *line, char *verb)
{
    size_t n = 0;
    while (n < 4 && line[n] >= 'A' && line[n] <= 'Z') {
        verb[n] = line[n];
        n++;
    }
    verb[n] = '\0';
    if (n < 3 || (line[n] != ' ' && line[n] != '\0'))
        return 0;
    return n;
}

/* ---- probe ------------------------------------------------------------- */

/* The server's greeting, or a client command from the table.  Mail
 * servers greet with 220 too: their banners name the protocol. */
static DissectResult ftp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    char line[FTP_LINE_MAX];
    Cursor peek = *c;
    if (!read_line(&peek, line, sizeof line)) {
        bool is_long = cursor_left(c) >= FTP_LINE_MAX;
        return is_long ? DISSECT_NOT_MINE : DISSECT_NEED_MORE;
    }
    bool is_last;
    if (reply_code(line, &is_last) == FTP_REPLY_READY)
        return strstr(line, "SMTP") || strstr(line, "POP") || strstr(line, "IMAP")
                   ? DISSECT_NOT_MINE
                   : DISSECT_OK;
    char verb[5];
    if (command_verb(line, verb) && find_command(verb) >= 0 && ctx->is_from_client)
        return DISSECT_OK;
    return DISSECT_NOT_MINE;
}

/* ---- dissect ----------------------------------------------------------- */

static void client_line(DissectCtx *ctx, FtpState *st, const char *line)
{
    char verb[5];
    size_t n = command_verb(line, verb);
    int idx = n ? find_command(verb) : -1;
    if (idx < 0)
        return; /* unknown or lower-case commands are not reported */
    const char *arg = line[n] == ' ' ? line + n + 1 : "";
    const FtpTok *t = &ftp_commands[idx];
    char detail[FACT_DETAIL_MAX] = "";
    if (is_path_verb(verb))
        snprintf(detail, sizeof detail, "%.63s", arg);
    st->last_command = idx + 1;
    st->is_tls_asked = strcmp(verb, "AUTH") == 0;
    ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, (uint32_t)idx + 1, t->verb, t->cls, false, 0, detail);
    if (strcmp(verb, "USER") == 0 && arg[0]) {
        dissect_attr(ctx, SIDE_SRC, ATTR_USER, arg, FACT_CONF_HIGH);
    } else if (strcmp(verb, "PASS") == 0) {
        char secret[FACT_VALUE_MAX];
        snprintf(secret, sizeof secret, "ftp-password:%s", arg);
        dissect_attr(ctx, SIDE_DST, ATTR_SECRET, secret, FACT_CONF_HIGH);
    }
}

static void server_line(DissectCtx *ctx, FtpState *st, const char *line)
{
    bool is_last;
    int code = reply_code(line, &is_last);
    if (code < 0 || !is_last)
        return; /* continuation lines of a multi-line reply */
    int32_t status = code >= FTP_REPLY_FAILURE_MIN ? code : 0;
    ctx->dir_hint = DIR_RESPONSE;
    if (code == FTP_REPLY_TLS_OK && st->is_tls_asked)
        st->is_tls = true;
    if (!st->has_greeting && st->last_command == 0) {
        st->has_greeting = true;
        dissect_op(ctx, FTP_CODE_GREETING, "greeting", OP_SESSION, true, status, NULL);
        return;
    }
    if (st->last_command == 0)
        return;
    const FtpTok *t = &ftp_commands[st->last_command - 1];
    dissect_op(ctx, (uint32_t)st->last_command, t->verb, t->cls, true, status, NULL);
}

/* The greeting's first line names the server software, often with a version. */
static void greeting_software(DissectCtx *ctx, FtpState *st, const char *line)
{
    bool is_last;
    if (st->has_software || st->last_command != 0 || reply_code(line, &is_last) != FTP_REPLY_READY)
        return;
    st->has_software = true;
    const char *text = line[3] ? line + 4 : "";
    if (text[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, text, FACT_CONF_MEDIUM);
}

static DissectResult ftp_dissect(Cursor *c, DissectCtx *ctx)
{
    FtpState *st = ctx->state;
    if (st->is_tls)
        return DISSECT_OK;
    char line[FTP_LINE_MAX];
    for (int i = 0; i < FTP_MAX_LINES && read_line(c, line, sizeof line); i++) {
        if (ctx->is_from_client) {
            client_line(ctx, st, line);
        } else {
            greeting_software(ctx, st, line);
            server_line(ctx, st, line);
        }
        if (st->is_tls)
            return DISSECT_OK;
    }
    /* a line without its LF: the rest is in the next segment or was cut */
    if (cursor_left(c) > 0 || cursor_is_clipped(c))
        return DISSECT_SHORT;
    return DISSECT_OK;
}

const ProtoDesc proto_ftp = {
    .name = "ftp",
    .transports = PT_TCP,
    .ports = {21},
    .probe = ftp_probe,
    .dissect = ftp_dissect,
    .state_size = sizeof(FtpState),
};
