/*
 * proto-telnet.c - Telnet (TCP 23): option negotiation at the start of a
 * session.
 *
 * The probe needs the structure Telnet opens with: an IAC command
 * sequence (IAC DO/DONT/WILL/WONT with a registered option, or IAC SB ...
 * IAC SE).  That is weak structure - a few bytes - so telnet is probed
 * last.  The first negotiation seen from each side is one "session"
 * operation whose detail lists the options named; a server segment that
 * shows a login or password prompt is noted in the detail too.  Terminal
 * data, the user name and password typed (echoed byte by byte, not
 * reassembled here) and option sub-negotiation contents are deliberately
 * not parsed.
 *
 * References: RFC 854 (protocol, command codes); RFC 855 (option
 * negotiation); IANA "Telnet Options" registry (option numbers).
 *
 *   IAC (255) DO (253) | DONT (254) | WILL (251) | WONT (252)  option (1)
 *   IAC (255) SB (250) option (1) parameters ... IAC (255) SE (240)
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    TELNET_IAC = 255,
    TELNET_DONT = 254,
    TELNET_DO = 253,
    TELNET_WONT = 252,
    TELNET_WILL = 251,
    TELNET_SB = 250,
    TELNET_SE = 240,
    TELNET_LAST_COMMON_OPTION = 49, /* IANA registry: 0..49, then 138..140, 255 */
    TELNET_OPTION_EXTENDED = 255,
    TELNET_MAX_SEQUENCES = 64,  /* IAC sequences walked per segment */
    TELNET_SB_MAX_ESCAPES = 64, /* IAC IAC escapes inside one sub-negotiation */
    TELNET_PROMPT_SEARCH = 512,
    TELNET_CODE_SESSION = 0, /* our code: negotiation is not a request kind */
};

typedef struct TelnetState {
    bool has_client_negotiation;
    bool has_server_negotiation;
    bool has_prompt;
} TelnetState;

static bool option_is_registered(int opt)
{
    return (opt >= 0 && opt <= TELNET_LAST_COMMON_OPTION) || (opt >= 138 && opt <= 140) ||
           opt == TELNET_OPTION_EXTENDED;
}

static bool is_negotiation_verb(int cmd)
{
    return cmd == TELNET_DO || cmd == TELNET_DONT || cmd == TELNET_WILL || cmd == TELNET_WONT;
}

/* Skips one IAC sequence at c (IAC already checked); returns the option
 * named, or -1 for a command without one.  Fails c on a broken sequence. */
static int skip_sequence(Cursor *c)
{
    cursor_u8(c);
    uint8_t cmd = cursor_u8(c);
    if (is_negotiation_verb(cmd))
        return cursor_u8(c);
    if (cmd != TELNET_SB)
        return -1; /* two-byte commands: NOP, GA, AYT, IAC IAC (escaped 255) ... */
    uint8_t opt = cursor_u8(c);
    /* parameters run to IAC SE; IAC IAC inside them is an escaped 255 */
    for (size_t i = 0; i < TELNET_SB_MAX_ESCAPES; i++) {
        long at = cursor_find(c, TELNET_IAC, cursor_left(c));
        if (at < 0) {
            cursor_set_short(c); /* runs past the segment */
            return -1;
        }
        cursor_skip(c, (size_t)at + 1);
        uint8_t next = cursor_u8(c);
        if (next == TELNET_SE)
            return opt;
    }
    cursor_set_bad(c);
    return -1;
}

static DissectResult telnet_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    int first = cursor_peek(c, 0);
    int cmd = cursor_peek(c, 1);
    int opt = cursor_peek(c, 2);
    if (first < 0)
        return DISSECT_NEED_MORE;
    if (first != TELNET_IAC)
        return DISSECT_NOT_MINE;
    if (cmd < 0 || opt < 0)
        return DISSECT_NEED_MORE;
    if (is_negotiation_verb(cmd))
        return option_is_registered(opt) ? DISSECT_OK : DISSECT_NOT_MINE;
    if (cmd != TELNET_SB || !option_is_registered(opt))
        return DISSECT_NOT_MINE;
    Cursor sb = *c;
    skip_sequence(&sb);
    if (cursor_fail(&sb) == CUR_CAPTRUNC)
        return DISSECT_NEED_MORE;
    return cursor_ok(&sb) ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* Appends ",N" (or "options=N") to detail while it fits. */
static void add_option(char *detail, size_t detailsz, int opt)
{
    size_t len = strlen(detail);
    if (len + 5 >= detailsz)
        return;
    snprintf(detail + len, detailsz - len, "%s%d", len ? "," : "options=", opt);
}

/* "login:" or "Password:" in the text of a server segment. */
static bool has_prompt(const Cursor *c)
{
    char text[TELNET_PROMPT_SEARCH + 1];
    Cursor copy = *c;
    size_t n = cursor_left(&copy);
    if (n > TELNET_PROMPT_SEARCH)
        n = TELNET_PROMPT_SEARCH;
    cursor_str(&copy, n, text, sizeof text);
    return strstr(text, "login:") || strstr(text, "Login:") || strstr(text, "Username:") ||
           strstr(text, "Password:") || strstr(text, "password:");
}

static DissectResult telnet_dissect(Cursor *c, DissectCtx *ctx)
{
    TelnetState *st = ctx->state;
    bool is_clipped = cursor_is_clipped(c);
    bool is_server = !ctx->is_from_client;
    bool *has_negotiation = is_server ? &st->has_server_negotiation : &st->has_client_negotiation;
    char detail[FACT_DETAIL_MAX] = "";
    bool has_sequence = false;
    bool is_prompt = is_server && !st->has_prompt && has_prompt(c);
    for (int i = 0; i < TELNET_MAX_SEQUENCES && cursor_left(c) > 0; i++) {
        long at = cursor_find(c, TELNET_IAC, cursor_left(c));
        if (at < 0)
            break;
        cursor_skip(c, (size_t)at);
        int opt = skip_sequence(c);
        if (!cursor_ok(c))
            break;
        has_sequence = true;
        if (opt >= 0)
            add_option(detail, sizeof detail, opt);
    }
    /* a sequence split across segments, or cut by the capture */
    if (!cursor_ok(c) || is_clipped)
        return DISSECT_SHORT;
    if (has_sequence && !*has_negotiation) {
        *has_negotiation = true;
        dissect_op(ctx, TELNET_CODE_SESSION, "session", OP_SESSION, is_server, 0, detail);
    }
    if (is_prompt) {
        st->has_prompt = true;
        dissect_op(ctx, TELNET_CODE_SESSION, "session", OP_SESSION, true, 0, "login prompt");
    }
    return DISSECT_OK;
}

const ProtoDesc proto_telnet = {
    .name = "telnet",
    .transports = PT_TCP,
    .ports = {23},
    .probe = telnet_probe,
    .dissect = telnet_dissect,
    .state_size = sizeof(TelnetState),
};
