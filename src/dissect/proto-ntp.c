/*
 * proto-ntp.c - Network Time Protocol (UDP 123).
 *
 * Checks the first octet (leap indicator, version 1..4, mode) and, per
 * mode, the layout: the 48-byte time packet (optional extension fields or
 * MAC in multiples of 4 bytes, stratum at most 16, poll at most 17), the
 * mode 6 control message and the mode 7 private (ntpdc) message.  The
 * mode is the operation; time packets carry version and stratum in the
 * detail, control and private messages their opcode / request code (a
 * mode 7 request code 42 is the monlist query used for amplification).
 * Timestamps, Autokey and NTS extension contents are not interpreted.
 *
 * References: RFC 5905 section 7.3 (packet header); RFC 1305 appendix B
 * (mode 6 control messages); ntpd ntp_request.h (mode 7, implementation
 * specific and undocumented elsewhere).
 *
 *   0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |
 *   |                 Root Delay / Root Dispersion / Reference ID    |
 *   |     Reference / Origin / Receive / Transmit Timestamp (8 each) |
 *   |     [extension fields] [key id + digest]                       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   mode 6: |LI|VN|6|R|E|M|Opcode|Sequence|Status|AssocID|Offset|Count|data
 *   mode 7: |R|M|VN|7|A|Seq|Implementation|ReqCode|Err|Nitems|MBZ|Size|data
 */
#include "dissect.h"
#include "otscope/textbuf.h"

enum {
    NTP_PACKET_LEN = 48,
    NTP_CONTROL_HEADER_LEN = 12,
    NTP_PRIVATE_HEADER_LEN = 8,
    NTP_MAX_STRATUM = 16, /* 16 = unsynchronised */
    NTP_MAX_POLL = 17,    /* log2 seconds (RFC 5905 7.3) */
    NTP_MODE_SYMMETRIC_ACTIVE = 1,
    NTP_MODE_SYMMETRIC_PASSIVE = 2,
    NTP_MODE_CLIENT = 3,
    NTP_MODE_SERVER = 4,
    NTP_MODE_BROADCAST = 5,
    NTP_MODE_CONTROL = 6,
    NTP_MODE_PRIVATE = 7,
    NTP_CONTROL_OPCODE_MAX = 31,
    NTP_PRIVATE_IMPL_MAX = 3, /* 0 universal, 2 xntpd old, 3 xntpd */
    NTP_PRIVATE_REQ_MAX = 63,
    NTP_RESPONSE_BIT = 0x80, /* R in octet 1 (mode 6) / octet 0 (mode 7) */
};

static const struct {
    uint8_t mode;
    const char *name;
    OpClass cls;
} ntp_modes[] = {
    {0, "reserved", OP_OTHER},
    {1, "symmetric active", OP_OTHER},
    {2, "symmetric passive", OP_OTHER},
    {3, "client", OP_OTHER},
    {4, "server", OP_OTHER},
    {5, "broadcast", OP_OTHER},
    {6, "control", OP_DIAGNOSTIC},
    {7, "private", OP_DIAGNOSTIC},
};

static unsigned first_version(int first)
{
    return ((unsigned)first >> 3) & 7;
}

static unsigned first_mode(int first)
{
    return (unsigned)first & 7;
}

/* Layout check of a whole datagram; shared by probe and dissect. */
static bool layout_is_valid(Cursor *c)
{
    size_t len = cursor_left(c);
    uint8_t first = cursor_u8(c);
    unsigned version = first_version(first);
    unsigned mode = first_mode(first);
    if (version < 1 || version > 4 || mode == 0)
        return false;
    if (mode == NTP_MODE_CONTROL) {
        uint8_t opcode = cursor_u8(c) & 0x1f;
        cursor_skip(c, 8);
        uint16_t count = cursor_be16(c);
        return cursor_ok(c) && opcode != 0 && opcode <= NTP_CONTROL_OPCODE_MAX &&
               count <= cursor_left(c);
    }
    if (mode == NTP_MODE_PRIVATE) {
        cursor_u8(c);
        uint8_t implementation = cursor_u8(c);
        uint8_t request = cursor_u8(c);
        cursor_skip(c, 4);
        return cursor_ok(c) && implementation <= NTP_PRIVATE_IMPL_MAX &&
               request <= NTP_PRIVATE_REQ_MAX;
    }
    uint8_t stratum = cursor_u8(c);
    uint8_t poll = cursor_u8(c);
    /* extensions and MACs come in 32-bit words */
    return len >= NTP_PACKET_LEN && (len - NTP_PACKET_LEN) % 4 == 0 && stratum <= NTP_MAX_STRATUM &&
           poll <= NTP_MAX_POLL;
}

static size_t min_len(unsigned mode)
{
    if (mode == NTP_MODE_CONTROL)
        return NTP_CONTROL_HEADER_LEN;
    if (mode == NTP_MODE_PRIVATE)
        return NTP_PRIVATE_HEADER_LEN;
    return NTP_PACKET_LEN;
}

static DissectResult ntp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_UDP)
        return DISSECT_NOT_MINE;
    int first = cursor_peek(c, 0);
    if (first < 0)
        return DISSECT_NEED_MORE;
    if (cursor_left(c) < min_len(first_mode(first)))
        return cursor_is_clipped(c) ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    return layout_is_valid(c) ? DISSECT_OK : DISSECT_NOT_MINE;
}

static DissectResult ntp_dissect(Cursor *c, DissectCtx *ctx)
{
    if (cursor_is_clipped(c))
        return DISSECT_SHORT; /* a layout check needs the whole datagram */
    Cursor peek = *c;
    uint8_t first = cursor_u8(&peek);
    uint8_t second = cursor_u8(&peek);
    cursor_u8(&peek);
    uint8_t fourth = cursor_u8(&peek);
    if (!cursor_ok(&peek))
        return dissect_fail(ctx, &peek, ANOM_BAD_HEADER);
    if (!layout_is_valid(c)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    unsigned mode = first_mode(first);
    unsigned version = first_version(first);
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    textbuf_char(&b, 'v');
    textbuf_uint(&b, version);
    bool is_response;
    if (mode == NTP_MODE_CONTROL) {
        is_response = (second & NTP_RESPONSE_BIT) != 0;
        textbuf_field(&b, "opcode", second & 0x1f);
    } else if (mode == NTP_MODE_PRIVATE) {
        is_response = (first & NTP_RESPONSE_BIT) != 0;
        textbuf_field(&b, "request", fourth);
    } else if (mode == NTP_MODE_CLIENT) {
        is_response = false; /* a client's stratum means nothing */
    } else {
        is_response = mode == NTP_MODE_SERVER || mode == NTP_MODE_SYMMETRIC_PASSIVE;
        textbuf_field(&b, "stratum", second);
    }
    if (mode != NTP_MODE_BROADCAST && mode != NTP_MODE_SYMMETRIC_ACTIVE)
        ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, mode, ntp_modes[mode].name, ntp_modes[mode].cls, is_response, 0, detail);
    return DISSECT_OK;
}

const ProtoDesc proto_ntp = {
    .name = "ntp",
    .transports = PT_UDP,
    .ports = {123},
    .probe = ntp_probe,
    .dissect = ntp_dissect,
};
