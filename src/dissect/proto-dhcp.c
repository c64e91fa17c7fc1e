/*
 * proto-dhcp.c - DHCP for IPv4 (BOOTP framing) and DHCPv6.
 *
 * Parses the BOOTP fixed header, requires the DHCP magic cookie, walks the
 * options once and reports the DHCP message type (option 53) as an
 * operation.  Client messages reveal the client's identity: host name
 * (option 12), client FQDN (option 81) and vendor class (option 60);
 * the Parameter Request List (option 55) is the client's DHCP fingerprint
 * ("dhcp-prl:1,15,3,..."), and when data/dhcp-fingerprints.tsv knows it,
 * the OS family whose DHCP client asks that way (medium confidence: a
 * fingerprint names a client implementation, not a version).
 * DHCPv6 (UDP 546/547) is parsed to its message type, with the Client FQDN
 * (option 39) and Vendor Class (option 16) of client messages.  Relay
 * messages are reported as such; the relayed inner message is not opened
 * (its sender is not the packet's sender), and a DHCPv4 client message
 * gives its identity only when its sender is that client (no giaddr, the
 * frame's source MAC is chaddr).  Lease parameters, option
 * overload (52) and relay agent sub-options are deliberately not parsed.
 *
 * References: RFC 2131 (DHCP) section 2 and 3, RFC 2132 (options) sections
 * 3.14, 9.6, 9.13; RFC 4702 (client FQDN) section 2; RFC 8415 (DHCPv6)
 * sections 7.3, 8, 9 and 21.
 *
 * DHCPv4 (RFC 2131 figure 1):
 *   0                   1                   2                   3
 *   +---------------+---------------+---------------+---------------+
 *   |  op (1/2)     |  htype        |  hlen (6)     |  hops         |
 *   +---------------+---------------+---------------+---------------+
 *   |                            xid (4)                            |
 *   |  secs (2)                     |  flags (2)                    |
 *   |  ciaddr (4) yiaddr (4) siaddr (4) giaddr (4)                  |
 *   |  chaddr (16)  sname (64)  file (128)                          |
 *   |  magic cookie 0x63825363                                      |
 *   |  options: code (1) len (1) value ... 255                      |
 *   +---------------------------------------------------------------+
 *
 * DHCPv6 client/server message (RFC 8415 section 8):
 *   +---------------+-----------------------------------------------+
 *   |  msg-type     |  transaction-id (3)                           |
 *   +---------------+-----------------------------------------------+
 *   |  options: option-code (2) option-len (2) value ...            |
 *   +---------------------------------------------------------------+
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "otscope/dhcpfp.h"

enum {
    BOOTP_FIXED_LEN = 236, /* op .. file, before the magic cookie */
    BOOTP_CHADDR_LEN = 16,
    BOOTP_SNAME_FILE_LEN = 64 + 128,
    BOOTP_OP_REQUEST = 1,
    BOOTP_OP_REPLY = 2,
    DHCP_MAGIC = 0x63825363,
    DHCP_MAX_OPTIONS = 255, /* more options than this cannot fit a sane datagram */
    DHCP_OPT_PAD = 0,
    DHCP_OPT_HOSTNAME = 12,
    DHCP_OPT_REQUESTED_IP = 50,
    DHCP_OPT_MSG_TYPE = 53,
    DHCP_OPT_PARAM_LIST = 55,
    DHCP_OPT_VENDOR_CLASS = 60,
    DHCP_OPT_FQDN = 81,
    DHCP_OPT_END = 255,
    DHCP_FQDN_FLAG_E = 0x04, /* name is in DNS wire encoding */
    DHCP_NAK = 6,
    DHCPV6_PORT_CLIENT = 546,
    DHCPV6_PORT_SERVER = 547,
    DHCPV6_RECONFIGURE = 10, /* server-initiated */
    DHCPV6_RELAY_FORW = 12,
    DHCPV6_RELAY_REPL = 13,
    DHCPV6_OPT_VENDOR_CLASS = 16,
    DHCPV6_OPT_FQDN = 39,
    DNS_MAX_LABELS = 64, /* a 255-byte name has at most 127 labels; we keep 64 */
    DHCP_NAME_MAX = FACT_VALUE_MAX,
};

#define DHCP_PRL_PREFIX "dhcp-prl:"

typedef struct DhcpTok {
    uint8_t code;
    const char *name;
    OpClass cls;
    bool is_response; /* sent by the server in reply to a client */
} DhcpTok;

/* RFC 2132 section 9.6, RFC 3203, RFC 4388, RFC 6926. */
static const DhcpTok dhcp_msg_types[] = {
    {1, "DISCOVER", OP_DISCOVERY, false},
    {2, "OFFER", OP_DISCOVERY, true},
    {3, "REQUEST", OP_CONFIG, false},
    {4, "DECLINE", OP_CONFIG, false},
    {5, "ACK", OP_CONFIG, true},
    {6, "NAK", OP_CONFIG, true},
    {7, "RELEASE", OP_CONFIG, false},
    {8, "INFORM", OP_CONFIG, false},
    {9, "FORCERENEW", OP_CONFIG, false},
    {10, "LEASEQUERY", OP_DISCOVERY, false},
    {11, "LEASEUNASSIGNED", OP_DISCOVERY, true},
    {12, "LEASEUNKNOWN", OP_DISCOVERY, true},
    {13, "LEASEACTIVE", OP_DISCOVERY, true},
    {14, "BULKLEASEQUERY", OP_DISCOVERY, false},
    {15, "LEASEQUERYDONE", OP_DISCOVERY, true},
    {16, "ACTIVELEASEQUERY", OP_DISCOVERY, false},
    {17, "LEASEQUERYSTATUS", OP_DISCOVERY, true},
    {18, "TLS", OP_SESSION, false},
};

/* RFC 8415 section 7.3, RFC 5007. */
static const DhcpTok dhcpv6_msg_types[] = {
    {1, "SOLICIT", OP_DISCOVERY, false},
    {2, "ADVERTISE", OP_DISCOVERY, true},
    {3, "REQUEST", OP_CONFIG, false},
    {4, "CONFIRM", OP_CONFIG, false},
    {5, "RENEW", OP_CONFIG, false},
    {6, "REBIND", OP_CONFIG, false},
    {7, "REPLY", OP_CONFIG, true},
    {8, "RELEASE", OP_CONFIG, false},
    {9, "DECLINE", OP_CONFIG, false},
    {10, "RECONFIGURE", OP_CONFIG, false},
    {11, "INFORMATION-REQUEST", OP_CONFIG, false},
    {12, "RELAY-FORW", OP_OTHER, false},
    {13, "RELAY-REPL", OP_OTHER, true},
    {14, "LEASEQUERY", OP_DISCOVERY, false},
    {15, "LEASEQUERY-REPLY", OP_DISCOVERY, true},
};

static const DhcpTok *find_tok(const DhcpTok *tab, size_t n, unsigned code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].code == code)
            return &tab[i];
    return NULL;
}

/* What one pass over the options found. */
typedef struct DhcpInfo {
    int msg_type; /* -1: no option 53 (plain BOOTP) */
    bool has_end;
    bool has_requested_ip;
    uint32_t requested_ip;
    char hostname[DHCP_NAME_MAX];
    char fqdn[DHCP_NAME_MAX];
    char vendor_class[DHCP_NAME_MAX];
    /* option 55 as "1,15,3,..."; "" when absent or too long for the attribute */
    char prl[FACT_VALUE_MAX - sizeof DHCP_PRL_PREFIX + 1];
} DhcpInfo;

/* DNS wire-format name without compression (RFC 1035 3.1) into dst as
 * dotted text.  Fails the cursor on a compression pointer. */
static void read_wire_name(Cursor *c, char *dst, size_t dstsz)
{
    size_t out = 0;
    dst[0] = '\0';
    for (int i = 0; i < DNS_MAX_LABELS && cursor_left(c) > 0; i++) {
        uint8_t label_len = cursor_u8(c);
        if (label_len == 0)
            return;
        if (label_len > 63) {
            cursor_set_bad(c); /* pointers and extended labels have no place here */
            return;
        }
        char label[64];
        size_t n = cursor_str(c, label_len, label, sizeof label);
        if (!cursor_ok(c))
            return;
        if (out + n + 2 <= dstsz) {
            if (out > 0)
                dst[out++] = '.';
            memcpy(dst + out, label, n);
            out += n;
            dst[out] = '\0';
        }
    }
}

static void read_option_fqdn(Cursor *val, char *dst, size_t dstsz)
{
    uint8_t flags = cursor_u8(val);
    cursor_skip(val, 2); /* RCODE1, RCODE2: deprecated */
    if (flags & DHCP_FQDN_FLAG_E)
        read_wire_name(val, dst, dstsz);
    else
        cursor_str(val, cursor_left(val), dst, dstsz);
}

/* Option 55 as decimal codes joined by ','.  A list too long for the
 * attribute is dropped whole: a cut list would match a wrong fingerprint. */
static void read_param_list(Cursor *val, char *dst, size_t dstsz)
{
    size_t out = 0;
    dst[0] = '\0';
    while (cursor_left(val) > 0) {
        uint8_t code = cursor_u8(val);
        char num[5];
        int n = snprintf(num, sizeof num, out ? ",%u" : "%u", (unsigned)code);
        if (out + (size_t)n + 1 > dstsz) {
            dst[0] = '\0';
            return;
        }
        memcpy(dst + out, num, (size_t)n + 1);
        out += (size_t)n;
    }
}

static void read_v4_options(Cursor *c, DhcpInfo *info)
{
    for (int i = 0; i < DHCP_MAX_OPTIONS && cursor_left(c) > 0; i++) {
        uint8_t code = cursor_u8(c);
        if (code == DHCP_OPT_PAD)
            continue;
        if (code == DHCP_OPT_END) {
            info->has_end = true;
            return;
        }
        uint8_t len = cursor_u8(c);
        Cursor val;
        if (!cursor_take(c, len, &val))
            return;
        switch (code) {
        case DHCP_OPT_MSG_TYPE:
            info->msg_type = cursor_u8(&val);
            break;
        case DHCP_OPT_REQUESTED_IP:
            info->requested_ip = cursor_be32(&val);
            info->has_requested_ip = cursor_ok(&val);
            break;
        case DHCP_OPT_HOSTNAME:
            cursor_str(&val, len, info->hostname, sizeof info->hostname);
            break;
        case DHCP_OPT_VENDOR_CLASS:
            cursor_str(&val, len, info->vendor_class, sizeof info->vendor_class);
            break;
        case DHCP_OPT_FQDN:
            read_option_fqdn(&val, info->fqdn, sizeof info->fqdn);
            break;
        case DHCP_OPT_PARAM_LIST:
            read_param_list(&val, info->prl, sizeof info->prl);
            break;
        default:
            break;
        }
        if (!cursor_ok(&val))
            cursor_set_bad(c); /* option value shorter than its own structure */
    }
}

static void format_ipv4(char *dst, size_t dstsz, const char *key, uint32_t ip)
{
    snprintf(dst, dstsz, "%s=%u.%u.%u.%u", key, (unsigned)(ip >> 24), (unsigned)(ip >> 16) & 0xff,
             (unsigned)(ip >> 8) & 0xff, (unsigned)ip & 0xff);
}

static void emit_client_identity(DissectCtx *ctx, const DhcpInfo *info)
{
    if (info->hostname[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info->hostname, FACT_CONF_HIGH);
    if (info->fqdn[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info->fqdn, FACT_CONF_HIGH);
    if (info->vendor_class[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, info->vendor_class, FACT_CONF_HIGH);
    if (info->prl[0]) {
        char fp[FACT_VALUE_MAX];
        snprintf(fp, sizeof fp, DHCP_PRL_PREFIX "%s", info->prl);
        dissect_attr(ctx, SIDE_SRC, ATTR_FINGERPRINT, fp, FACT_CONF_HIGH);
        const char *os = dhcpfp_os(info->prl);
        if (os)
            dissect_attr(ctx, SIDE_SRC, ATTR_OS, os, FACT_CONF_MEDIUM);
    }
}

static bool is_v6_ports(const DissectCtx *ctx)
{
    uint16_t sport = ctx->pkt->sport;
    uint16_t dport = ctx->pkt->dport;
    return sport == DHCPV6_PORT_CLIENT || sport == DHCPV6_PORT_SERVER ||
           dport == DHCPV6_PORT_CLIENT || dport == DHCPV6_PORT_SERVER;
}

/* ---- DHCPv4 ------------------------------------------------------------ */

static DissectResult dhcp4_probe(Cursor *c)
{
    int op = cursor_peek(c, 0);
    int hlen = cursor_peek(c, 2);
    if (op < 0 || hlen < 0)
        return DISSECT_NEED_MORE;
    if ((op != BOOTP_OP_REQUEST && op != BOOTP_OP_REPLY) || hlen != 6)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < BOOTP_FIXED_LEN + 4)
        return DISSECT_NEED_MORE;
    cursor_skip(c, BOOTP_FIXED_LEN);
    return cursor_be32(c) == DHCP_MAGIC ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* Whether a client message's sender is the client it describes.  A relay
 * agent forwarding it to the server sets giaddr (RFC 2131 section 4.1)
 * and sends from its own addresses; a frame whose source MAC is not the
 * client hardware address comes from something else too (a relay, a
 * test tool).  The identity then belongs to a client this wire does not
 * show, and is not given to the sender (a router would otherwise take a
 * relayed Raspberry Pi's name and OS). */
static bool is_sent_by_client(const DissectCtx *ctx, uint32_t giaddr, const MacAddr *chaddr)
{
    if (giaddr != 0)
        return false;
    const Packet *pkt = ctx->pkt;
    return !pkt->has_src_mac || memcmp(pkt->src_mac.b, chaddr->b, sizeof chaddr->b) == 0;
}

static DissectResult dhcp4_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t op = cursor_u8(c);
    cursor_skip(c, 11); /* htype hlen hops xid secs flags */
    uint32_t ciaddr = cursor_be32(c);
    uint32_t yiaddr = cursor_be32(c);
    cursor_skip(c, 4); /* siaddr */
    uint32_t giaddr = cursor_be32(c);
    MacAddr chaddr;
    cursor_copy(c, chaddr.b, sizeof chaddr.b);
    cursor_skip(c, BOOTP_CHADDR_LEN - sizeof chaddr.b + BOOTP_SNAME_FILE_LEN);
    uint32_t magic = cursor_be32(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if ((op != BOOTP_OP_REQUEST && op != BOOTP_OP_REPLY) || magic != DHCP_MAGIC) {
        if (cursor_is_clipped(c))
            return DISSECT_SHORT; /* judged only on whole datagrams */
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }

    DhcpInfo info;
    memset(&info, 0, sizeof info);
    info.msg_type = -1;
    read_v4_options(c, &info);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    /* options stop short of END only when the capture cut them: what was
     * read may lack the message type, so say nothing */
    if (!info.has_end && cursor_is_clipped(c))
        return DISSECT_SHORT;

    bool is_reply = op == BOOTP_OP_REPLY;
    ctx->dir_hint = is_reply ? DIR_RESPONSE : DIR_REQUEST;

    char detail[FACT_DETAIL_MAX] = "";
    if (is_reply && yiaddr != 0)
        format_ipv4(detail, sizeof detail, "ip", yiaddr);
    else if (!is_reply && info.has_requested_ip)
        format_ipv4(detail, sizeof detail, "ip", info.requested_ip);
    else if (!is_reply && ciaddr != 0)
        format_ipv4(detail, sizeof detail, "ip", ciaddr);

    if (info.msg_type < 0) {
        dissect_op(ctx, 0, is_reply ? "BOOTREPLY" : "BOOTREQUEST", OP_CONFIG, is_reply, 0, detail);
    } else {
        const DhcpTok *t = find_tok(dhcp_msg_types, sizeof dhcp_msg_types / sizeof *dhcp_msg_types,
                                    (unsigned)info.msg_type);
        if (t == NULL) {
            dissect_op(ctx, (uint32_t)info.msg_type, "unknown", OP_OTHER, is_reply, 0, detail);
            dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        } else {
            /* NAK has no error code of its own: status 1 marks the refusal */
            int32_t status = t->code == DHCP_NAK ? 1 : 0;
            dissect_op(ctx, t->code, t->name, t->cls, t->is_response, status, detail);
        }
    }
    if (!is_reply && is_sent_by_client(ctx, giaddr, &chaddr))
        emit_client_identity(ctx, &info);
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

/* ---- DHCPv6 ------------------------------------------------------------ */

static DissectResult dhcp6_probe(Cursor *c)
{
    int type = cursor_peek(c, 0);
    if (type < 0)
        return DISSECT_NEED_MORE;
    if (type == 0 || type > DHCPV6_RELAY_REPL)
        return DISSECT_NOT_MINE;
    /* relay header: type, hop-count, link-address, peer-address */
    size_t header_len = type >= DHCPV6_RELAY_FORW ? 34 : 4;
    if (!cursor_skip(c, header_len))
        return DISSECT_NEED_MORE;
    /* the options must tile the rest of the datagram exactly */
    for (int i = 0; i < DHCP_MAX_OPTIONS && cursor_left(c) > 0; i++) {
        cursor_be16(c);
        uint16_t len = cursor_be16(c);
        if (!cursor_skip(c, len))
            return cursor_is_clipped(c) ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    }
    return cursor_left(c) == 0 ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* First vendor-class-data string of option 16: enterprise (4), then
 * length-prefixed opaque strings. */
static void read_v6_vendor_class(Cursor *val, char *dst, size_t dstsz)
{
    cursor_skip(val, 4);
    uint16_t len = cursor_be16(val);
    cursor_str(val, len, dst, dstsz);
}

static DissectResult dhcp6_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t type = cursor_u8(c);
    size_t header_rest = type >= DHCPV6_RELAY_FORW ? 33 : 3;
    cursor_skip(c, header_rest);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    const DhcpTok *t =
        find_tok(dhcpv6_msg_types, sizeof dhcpv6_msg_types / sizeof *dhcpv6_msg_types, type);
    if (t == NULL) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }

    DhcpInfo info;
    memset(&info, 0, sizeof info);
    for (int i = 0; i < DHCP_MAX_OPTIONS && cursor_left(c) > 0; i++) {
        uint16_t code = cursor_be16(c);
        uint16_t len = cursor_be16(c);
        Cursor val;
        if (!cursor_take(c, len, &val))
            break;
        if (code == DHCPV6_OPT_FQDN) {
            cursor_u8(&val); /* flags */
            read_wire_name(&val, info.fqdn, sizeof info.fqdn);
        } else if (code == DHCPV6_OPT_VENDOR_CLASS) {
            read_v6_vendor_class(&val, info.vendor_class, sizeof info.vendor_class);
        }
        if (!cursor_ok(&val))
            cursor_set_bad(c);
    }
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    ctx->dir_hint = t->is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, t->code, t->name, t->cls, t->is_response, 0, "v6");
    /* relayed identities belong to the relayed client, not to the sender */
    if (!t->is_response && type < DHCPV6_RELAY_FORW && type != DHCPV6_RECONFIGURE)
        emit_client_identity(ctx, &info);
    /* options carry no end marker: a clipped window may have lost some */
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

/* ---- descriptor -------------------------------------------------------- */

/* DHCPv6 and DHCPv4 share nothing on the wire; the ports pick the variant. */
static DissectResult dhcp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_UDP)
        return DISSECT_NOT_MINE;
    return is_v6_ports(ctx) ? dhcp6_probe(c) : dhcp4_probe(c);
}

static DissectResult dhcp_dissect(Cursor *c, DissectCtx *ctx)
{
    return is_v6_ports(ctx) ? dhcp6_dissect(c, ctx) : dhcp4_dissect(c, ctx);
}

const ProtoDesc proto_dhcp = {
    .name = "dhcp",
    .transports = PT_UDP,
    .ports = {67, 68, 546, 547},
    .probe = dhcp_probe,
    .dissect = dhcp_dissect,
};
