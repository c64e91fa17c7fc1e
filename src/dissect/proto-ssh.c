/*
 * proto-ssh.c - Secure Shell version exchange (TCP 22 or any port).
 *
 * Reads the identification string each side sends first,
 * "SSH-protoversion-softwareversion [comments]", and reports it as a
 * "banner" operation with the protocol version in the detail ("1.5" is
 * SSHv1, "1.99" a server that still accepts it) and the software (with
 * its comments) as the sender's software.  Everything after the banners
 * is encrypted or key exchange: segments are counted, not parsed (no
 * pdu_len: the binary packet length is not needed for that).  Lines a
 * server may send before its banner are skipped.
 *
 * References: RFC 4253 section 4.2 (protocol version exchange), section 6
 * (binary packet protocol, not parsed); RFC 4253 section 5 (SSH 1.99).
 *
 *   "SSH-" protoversion "-" softwareversion [ SP comments ] CR LF   (<= 255 bytes)
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    SSH_BANNER_MAX = 255,     /* RFC 4253 4.2, CR LF included */
    SSH_PRE_BANNER_LINES = 8, /* lines a server may send before its banner */
    SSH_CODE_BANNER = 0,      /* our code: the exchange has no number */
};

static const char ssh_prefix[] = "SSH-";

static DissectResult ssh_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    size_t n = sizeof ssh_prefix - 1;
    if (cursor_left(c) < n + 1)
        return cursor_starts_with(c, ssh_prefix, cursor_left(c)) ? DISSECT_NEED_MORE
                                                                 : DISSECT_NOT_MINE;
    int version_digit = cursor_peek(c, n);
    bool is_banner =
        cursor_starts_with(c, ssh_prefix, n) && version_digit >= '1' && version_digit <= '2';
    return is_banner ? DISSECT_OK : DISSECT_NOT_MINE;
}

typedef struct Banner {
    char version[16];
    char software[FACT_VALUE_MAX];
} Banner;

/* Splits "SSH-2.0-OpenSSH_9.6 Ubuntu" (without CR LF) into its parts. */
static bool parse_banner(const char *line, Banner *b)
{
    const char *p = line + sizeof ssh_prefix - 1;
    const char *dash = strchr(p, '-');
    if (dash == NULL || dash == p || (size_t)(dash - p) >= sizeof b->version)
        return false;
    memcpy(b->version, p, (size_t)(dash - p));
    b->version[dash - p] = '\0';
    snprintf(b->software, sizeof b->software, "%s", dash + 1);
    return b->software[0] != '\0';
}

static DissectResult ssh_dissect(Cursor *c, DissectCtx *ctx)
{
    for (int i = 0; i < SSH_PRE_BANNER_LINES; i++) {
        if (!cursor_starts_with(c, ssh_prefix, sizeof ssh_prefix - 1)) {
            /* a binary packet or a pre-banner line: only banners matter */
            long lf = cursor_find(c, '\n', SSH_BANNER_MAX);
            if (lf < 0)
                break;
            cursor_skip(c, (size_t)lf + 1);
            continue;
        }
        long lf = cursor_find(c, '\n', SSH_BANNER_MAX);
        /* the banner's end is in a later segment, or was cut by the capture */
        if (lf < 0)
            return cursor_left(c) < SSH_BANNER_MAX ? DISSECT_SHORT : DISSECT_OK;
        size_t text_len = (size_t)lf;
        if (text_len > 0 && cursor_peek(c, text_len - 1) == '\r')
            text_len--;
        char line[SSH_BANNER_MAX + 1];
        cursor_str(c, text_len, line, sizeof line);
        Banner b;
        memset(&b, 0, sizeof b);
        if (!parse_banner(line, &b)) {
            dissect_anomaly(ctx, ANOM_BAD_HEADER);
            return DISSECT_MALFORMED;
        }
        char detail[FACT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "version=%s", b.version);
        dissect_op(ctx, SSH_CODE_BANNER, "banner", OP_SESSION, !ctx->is_from_client, 0, detail);
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, b.software, FACT_CONF_HIGH);
        return DISSECT_OK;
    }
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_ssh = {
    .name = "ssh",
    .transports = PT_TCP,
    .ports = {22},
    .probe = ssh_probe,
    .dissect = ssh_dissect,
};
