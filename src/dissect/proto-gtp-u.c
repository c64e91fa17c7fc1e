/*
 * proto-gtp-u.c - GTP-U (3GPP TS 29.281, UDP 2152): the tunnel's own
 * conversation.
 *
 * The decoder (decode/decode-tunnel.c) opens the IP packet a G-PDU
 * carries and analyzes it as traffic of its own; this file names the
 * outer conversation and records one operation per message: echo request
 * and response (path supervision, diagnostic), error indication
 * (diagnostic), end marker (session: the tunnel is handed over),
 * supported extension headers notification, tunnel status and the G-PDU
 * itself (other), with the TEID as detail.  Version 1 with the PT flag is
 * required (GTP' and GTPv2-C are other protocols) and the declared
 * length must be the datagram's.  Not parsed: the optional fields, the
 * extension headers and the information elements of echo and error
 * messages.
 *
 *  |Ver=1|PT|*|E|S|PN| Message type (1) | Length (2) | TEID (4) |
 *  [Sequence number (2) N-PDU number (1) Next extension type (1)] if E, S or PN
 *  Length counts what follows the first 8 bytes.
 */
#include <stdio.h>

#include "dissect.h"

enum {
    GTPU_PORT = 2152,
    GTPU_HDR_LEN = 8,
    GTPU_VERSION_1 = 1,
    GTPU_PT = 0x10,
    GTPU_SPARE = 0x08,
};

typedef struct GtpuMessage {
    uint8_t type;
    const char *name;
    OpClass cls;
    DirHint dir;
} GtpuMessage;

/* TS 29.281 table 6.1-1: the messages GTP-U sends. */
static const GtpuMessage gtpu_messages[] = {
    {1, "echo request", OP_DIAGNOSTIC, DIR_REQUEST},
    {2, "echo response", OP_DIAGNOSTIC, DIR_RESPONSE},
    {26, "error indication", OP_DIAGNOSTIC, DIR_UNKNOWN},
    {31, "supported extension headers notification", OP_OTHER, DIR_UNKNOWN},
    {253, "tunnel status", OP_OTHER, DIR_UNKNOWN},
    {254, "end marker", OP_SESSION, DIR_UNKNOWN},
    {255, "G-PDU", OP_OTHER, DIR_UNKNOWN},
};

typedef struct GtpuHeader {
    uint8_t flags;
    uint8_t type;
    uint16_t length;
    uint32_t teid;
} GtpuHeader;

static const GtpuMessage *gtpu_message(uint8_t type)
{
    for (size_t i = 0; i < sizeof gtpu_messages / sizeof gtpu_messages[0]; i++) {
        if (gtpu_messages[i].type == type)
            return &gtpu_messages[i];
    }
    return NULL;
}

static bool gtpu_read(Cursor *c, GtpuHeader *h)
{
    h->flags = cursor_u8(c);
    h->type = cursor_u8(c);
    h->length = cursor_be16(c);
    h->teid = cursor_be32(c);
    return cursor_ok(c);
}

static bool gtpu_flags_ok(uint8_t flags)
{
    return (flags >> 5) == GTPU_VERSION_1 && (flags & GTPU_PT) && !(flags & GTPU_SPARE);
}

/* The declared length against what the datagram holds after the header:
 * equal, or longer only where the capture cut it. */
static bool gtpu_length_ok(const Cursor *c, uint16_t length)
{
    size_t left = cursor_left(c);
    return length == left || (length > left && cursor_is_clipped(c));
}

static DissectResult gtpu_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    if (cursor_left(c) < GTPU_HDR_LEN)
        return DISSECT_NEED_MORE;
    GtpuHeader h;
    gtpu_read(c, &h);
    bool is_gtpu = gtpu_flags_ok(h.flags) && gtpu_message(h.type) && gtpu_length_ok(c, h.length);
    return is_gtpu ? DISSECT_OK : DISSECT_NOT_MINE;
}

static DissectResult gtpu_dissect(Cursor *c, DissectCtx *ctx)
{
    GtpuHeader h;
    if (!gtpu_read(c, &h))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!gtpu_flags_ok(h.flags)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!gtpu_length_ok(c, h.length)) {
        dissect_anomaly(ctx, ANOM_LEN_MISMATCH);
        return DISSECT_MALFORMED;
    }
    const GtpuMessage *m = gtpu_message(h.type);
    if (!m) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    char detail[24];
    snprintf(detail, sizeof detail, "teid=0x%08x", (unsigned)h.teid);
    ctx->dir_hint = m->dir;
    dissect_op(ctx, m->type, m->name, m->cls, m->dir == DIR_RESPONSE, 0, detail);
    return DISSECT_OK;
}

const ProtoDesc proto_gtp_u = {
    .name = "gtp-u",
    .transports = PT_UDP,
    .ports = {GTPU_PORT},
    .probe = gtpu_probe,
    .dissect = gtpu_dissect,
};
