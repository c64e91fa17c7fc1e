/*
 * proto-vnc.c - VNC / Remote Framebuffer protocol handshake (TCP 5900).
 *
 * Follows the opening of an RFB session: the ProtocolVersion banner of
 * each side ("RFB 003.008\n") and the server's security offer - the list
 * of security types (3.7 and later) or the single type chosen by a 3.3
 * server.  Both are "handshake" operations; the offer's detail says
 * "security=none" when the server lets clients in without authentication
 * (type 1), else names the first type.  Framebuffer messages after the
 * handshake are counted, not parsed; VNC authentication challenges and
 * the failure reason text are deliberately left alone.
 *
 * References: RFC 6143 sections 7.1.1 (ProtocolVersion), 7.1.2
 * (Security), 7.2 (security types); RFB 3.3 (RealVNC, 1998) section 5.1.2
 * for the 3.3 form of the security message.
 *
 *   ProtocolVersion: "RFB " major (3 digits) "." minor (3 digits) "\n"    12 bytes
 *   Security (>=3.7): number-of-types (1) | types (n x 1)   [0 types: reason-length (4) reason]
 *   Security (3.3):   security-type (4, 0 = failure)
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    RFB_BANNER_LEN = 12,
    RFB_SECURITY_INVALID = 0,
    RFB_SECURITY_NONE = 1,
    RFB_MINOR_WITH_LIST = 7, /* 3.7 and later send a list of types */
    RFB_MAX_TYPES = 32,
    RFB_CODE_HANDSHAKE = 0, /* our code: RFB handshake steps have no number */
    RFB_STATUS_FAILED = 1,
};

static const char rfb_prefix[] = "RFB ";

static const struct {
    uint8_t type;
    const char *name;
} security_types[] = {
    {1, "none"}, {2, "vnc"},       {5, "ra2"},   {6, "ra2ne"}, {16, "tight"},    {17, "ultra"},
    {18, "tls"}, {19, "vencrypt"}, {20, "sasl"}, {22, "xvp"},  {30, "apple-dh"}, {113, "mslogon"},
};

typedef struct VncState {
    bool has_server_banner;
    bool has_security;
    unsigned server_minor;
} VncState;

static const char *security_name(uint8_t type)
{
    for (size_t i = 0; i < sizeof security_types / sizeof *security_types; i++)
        if (security_types[i].type == type)
            return security_types[i].name;
    return "other";
}

/* "RFB 003.008\n": true with the version numbers; needs all 12 bytes. */
static bool read_banner(Cursor *c, unsigned *major, unsigned *minor)
{
    char text[RFB_BANNER_LEN + 1];
    if (cursor_left(c) < RFB_BANNER_LEN || !cursor_starts_with(c, rfb_prefix, 4))
        return false;
    Cursor peek = *c;
    cursor_str(&peek, RFB_BANNER_LEN, text, sizeof text);
    /* cursor_str shows the final LF as '.'; the digits are checked one by one */
    for (size_t i = 4; i < 11; i++) {
        bool want_dot = i == 7;
        if (want_dot ? text[i] != '.' : (text[i] < '0' || text[i] > '9'))
            return false;
    }
    *major = (unsigned)((text[4] - '0') * 100 + (text[5] - '0') * 10 + (text[6] - '0'));
    *minor = (unsigned)((text[8] - '0') * 100 + (text[9] - '0') * 10 + (text[10] - '0'));
    cursor_skip(c, RFB_BANNER_LEN);
    return true;
}

static DissectResult vnc_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < RFB_BANNER_LEN) {
        size_t n = cursor_left(c) < 4 ? cursor_left(c) : 4;
        return cursor_starts_with(c, rfb_prefix, n) ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    }
    Cursor peek = *c;
    cursor_skip(&peek, RFB_BANNER_LEN - 1);
    unsigned major;
    unsigned minor;
    bool is_banner = cursor_u8(&peek) == '\n' && read_banner(c, &major, &minor);
    return is_banner ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* The server's security message; false when the bytes do not hold it all. */
static bool read_security(Cursor *c, unsigned minor, char *detail, size_t detailsz, bool *is_failed)
{
    uint8_t types[RFB_MAX_TYPES];
    size_t n_types = 0;
    if (minor >= RFB_MINOR_WITH_LIST) {
        uint8_t count = cursor_u8(c);
        if (count > RFB_MAX_TYPES || !cursor_copy(c, types, count))
            return false;
        n_types = count;
    } else {
        uint32_t type = cursor_be32(c);
        if (!cursor_ok(c) || type > 0xff)
            return false;
        types[0] = (uint8_t)type;
        n_types = type == RFB_SECURITY_INVALID ? 0 : 1;
    }
    *is_failed = n_types == 0;
    if (*is_failed) {
        snprintf(detail, detailsz, "security=failed");
        return true;
    }
    bool has_none = memchr(types, RFB_SECURITY_NONE, n_types) != NULL;
    size_t out = (size_t)snprintf(
        detail, detailsz, "security=%s types=", has_none ? "none" : security_name(types[0]));
    for (size_t i = 0; i < n_types && out < detailsz; i++) {
        int w = snprintf(detail + out, detailsz - out, "%s%u", i ? "," : "", (unsigned)types[i]);
        if (w < 0)
            break;
        out += (size_t)w;
    }
    return true;
}

static DissectResult vnc_dissect(Cursor *c, DissectCtx *ctx)
{
    VncState *st = ctx->state;
    bool is_server = !ctx->is_from_client;
    unsigned major;
    unsigned minor;
    if (cursor_starts_with(c, rfb_prefix, 4)) {
        if (!read_banner(c, &major, &minor)) {
            if (cursor_left(c) < RFB_BANNER_LEN || cursor_is_clipped(c))
                return DISSECT_SHORT;
            dissect_anomaly(ctx, ANOM_BAD_HEADER);
            return DISSECT_MALFORMED;
        }
        char detail[FACT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "version=%u.%u", major, minor);
        dissect_op(ctx, RFB_CODE_HANDSHAKE, "handshake", OP_SESSION, is_server, 0, detail);
        if (is_server) {
            st->has_server_banner = true;
            st->server_minor = minor;
        }
        if (cursor_left(c) == 0)
            return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
    }
    if (!is_server || !st->has_server_banner || st->has_security)
        return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
    char detail[FACT_DETAIL_MAX];
    bool is_failed = false;
    if (!read_security(c, st->server_minor, detail, sizeof detail, &is_failed)) {
        if (cursor_is_clipped(c))
            return DISSECT_SHORT;
        dissect_anomaly(ctx, ANOM_BAD_COUNT);
        return DISSECT_MALFORMED;
    }
    st->has_security = true;
    ctx->dir_hint = DIR_RESPONSE; /* only the server offers security types */
    dissect_op(ctx, RFB_CODE_HANDSHAKE, "handshake", OP_SESSION, true,
               is_failed ? RFB_STATUS_FAILED : 0, detail);
    return DISSECT_OK;
}

const ProtoDesc proto_vnc = {
    .name = "vnc",
    .transports = PT_TCP,
    .ports = {5900, 5901},
    .probe = vnc_probe,
    .dissect = vnc_dissect,
    .state_size = sizeof(VncState),
};
