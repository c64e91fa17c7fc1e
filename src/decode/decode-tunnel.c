/*
 * decode-tunnel.c - packets that carry packets.
 *
 *   IP in IP (RFC 2003, RFC 4213): IP protocol 4 (IPv4) or 41 (IPv6) inside
 *     IPv4 or IPv6; no header of its own.
 *   GRE (RFC 2784, keys and sequence numbers RFC 2890), IP protocol 47:
 *     |C|R|K|S|s|Recur|A|Flags|Ver| Protocol Type (2) |
 *     [Checksum (2) Reserved1 (2)] if C, [Key (4)] if K, [Sequence (4)] if S
 *     Protocol type IPv4, IPv6 or transparent Ethernet bridging (0x6558).
 *   VXLAN (RFC 7348), UDP destination port 4789, Ethernet inside:
 *     |R|R|R|R|I|R|R|R| Reserved (3) | VNI (3) | Reserved (1) |
 *     with the P flag (0x04) of VXLAN-GPE, the third reserved byte is the
 *     next protocol: 1 IPv4, 2 IPv6, 3 Ethernet (scapy sets it so).
 *   GTP-U (3GPP TS 29.281), UDP destination port 2152, G-PDU (type 255):
 *     |Ver=1|PT=1|*|E|S|PN| Type (1) | Length (2) | TEID (4) |
 *     [Sequence (2) N-PDU (1) Next extension type (1)] if E, S or PN;
 *     extension headers: Length (1, in 4-byte units) ... Next type (1).
 *     An IPv4 or IPv6 packet (by its version nibble) inside.
 *
 * decode_transport() offers each packet here (tunnel_detect).  When the
 * tunnel header is structurally valid, the packet records where its inner
 * packet starts (pkt->tunnel_*) and stays the tunnel's own packet: its
 * endpoints keep their conversation.  decoder_tunnel() then decodes the
 * inner packet as a packet of its own: the traffic that hosts, flows and
 * protocols come from.  Detection stops at OTS_TUNNEL_MAX_DEPTH, so a
 * capture of tunnels in tunnels costs at most a few decodes per frame.  A
 * GRE header with routing (RFC 1701), version 1 (PPTP) or another payload,
 * a VXLAN header without its I flag (or GPE with NSH, MPLS...) and other
 * GTP messages are left as they are: the packet stays the tunnel's only.
 */
#include "config.h"

#include "decode.h"

#include <string.h>

enum {
    IPPROTO_IPIP_ = 4,
    IPPROTO_IPV6_ = 41,
    IPPROTO_GRE_ = 47,
    ETH_TYPE_IPV4_ = 0x0800,
    ETH_TYPE_IPV6_ = 0x86dd,
    ETH_TYPE_TEB = 0x6558, /* transparent Ethernet bridging */
    UDP_PORT_VXLAN = 4789,
    UDP_PORT_GTPU = 2152,

    GRE_CHECKSUM = 0x8000,
    GRE_KEY = 0x2000,
    GRE_SEQUENCE = 0x1000,
    /* routing, strict route, recursion, ack, flags, version: all zero in
     * the RFC 2784/2890 header */
    GRE_MUST_BE_ZERO = 0x4ff8 | 0x0007,

    VXLAN_FLAG_I = 0x08,   /* the VNI is valid: required */
    VXLAN_FLAG_GPE = 0x04, /* VXLAN-GPE: byte 3 names what is inside */

    GTP_VERSION_1 = 1,
    GTP_FLAG_PT = 0x10, /* GTP, not GTP' */
    GTP_FLAG_E = 0x04,
    GTP_FLAGS_OPTIONAL = 0x07, /* E, S or PN: the 4 optional bytes follow */
    GTP_G_PDU = 255,
    GTP_MAX_EXT_HEADERS = 8, /* more is an evasion attempt, not a core network */
};

static uint32_t less(uint32_t wire_len, size_t header_len)
{
    return wire_len > header_len ? wire_len - (uint32_t)header_len : 0;
}

/* Records the inner packet: rest of body, wire length minus what was read. */
static void carry(Packet *pkt, TunnelKind kind, uint16_t ethertype, Cursor *body,
                  uint32_t wire_len)
{
    pkt->tunnel = (uint8_t)kind;
    pkt->tunnel_ethertype = ethertype;
    pkt->tunnel_inner_wire_len = less(wire_len, cursor_offset(body));
    pkt->tunnel_inner = cursor_rest(body);
}

/* The inner IP version from its first nibble; 0 when neither. */
static uint16_t ip_ethertype(const Cursor *c)
{
    int first = cursor_peek(c, 0);
    if (first >= 0 && (first >> 4) == 4)
        return ETH_TYPE_IPV4_;
    if (first >= 0 && (first >> 4) == 6)
        return ETH_TYPE_IPV6_;
    return 0;
}

static void detect_ipip(Packet *pkt, uint16_t ethertype)
{
    Cursor body = pkt->payload;
    if (ip_ethertype(&body) == ethertype)
        carry(pkt, TUN_IPIP, ethertype, &body, pkt->payload_wire_len);
}

static void detect_gre(Packet *pkt)
{
    Cursor body = pkt->payload;
    uint16_t flags = cursor_be16(&body);
    uint16_t ethertype = cursor_be16(&body);
    if (!cursor_ok(&body) || (flags & GRE_MUST_BE_ZERO))
        return;
    if (ethertype != ETH_TYPE_IPV4_ && ethertype != ETH_TYPE_IPV6_ && ethertype != ETH_TYPE_TEB)
        return;
    size_t optional = ((flags & GRE_CHECKSUM) ? 4 : 0) + ((flags & GRE_KEY) ? 4 : 0) +
                      ((flags & GRE_SEQUENCE) ? 4 : 0);
    if (!cursor_skip(&body, optional))
        return;
    carry(pkt, TUN_GRE, ethertype, &body, pkt->payload_wire_len);
}

/* The inner packet's type from a VXLAN-GPE next-protocol value; 0 when
 * it is none that otscope decodes (NSH, MPLS, ...). */
static uint16_t vxlan_gpe_ethertype(uint8_t next_protocol)
{
    switch (next_protocol) {
    case 1:
        return ETH_TYPE_IPV4_;
    case 2:
        return ETH_TYPE_IPV6_;
    case 3:
        return ETH_TYPE_TEB;
    default:
        return 0;
    }
}

static void detect_vxlan(Packet *pkt)
{
    Cursor body = pkt->payload;
    uint8_t flags = cursor_u8(&body);
    cursor_skip(&body, 2);
    uint8_t next_protocol = cursor_u8(&body);
    cursor_skip(&body, 4); /* VNI, reserved */
    if (!cursor_ok(&body) || !(flags & VXLAN_FLAG_I))
        return;
    uint16_t ethertype = (flags & VXLAN_FLAG_GPE) ? vxlan_gpe_ethertype(next_protocol) : ETH_TYPE_TEB;
    if (ethertype)
        carry(pkt, TUN_VXLAN, ethertype, &body, pkt->payload_wire_len);
}

/* Walks the extension header chain; false when it is malformed. */
static bool skip_gtp_extensions(Cursor *c, uint8_t next)
{
    for (int n = 0; next != 0; n++) {
        uint8_t units = cursor_u8(c);
        if (!cursor_ok(c) || units == 0 || n == GTP_MAX_EXT_HEADERS)
            return false;
        /* the length counts itself and the next-type byte */
        cursor_skip(c, (size_t)units * 4 - 2);
        next = cursor_u8(c);
        if (!cursor_ok(c))
            return false;
    }
    return true;
}

static void detect_gtpu(Packet *pkt)
{
    Cursor c = pkt->payload;
    uint8_t flags = cursor_u8(&c);
    uint8_t type = cursor_u8(&c);
    uint16_t length = cursor_be16(&c);
    cursor_skip(&c, 4); /* TEID */
    if (!cursor_ok(&c) || (flags >> 5) != GTP_VERSION_1 || !(flags & GTP_FLAG_PT) ||
        type != GTP_G_PDU)
        return;
    Cursor body;
    if (!cursor_take_declared(&c, length, &body))
        return;
    if (flags & GTP_FLAGS_OPTIONAL) {
        cursor_skip(&body, 3); /* sequence number, N-PDU number */
        uint8_t next = cursor_u8(&body);
        if (!cursor_ok(&body) || ((flags & GTP_FLAG_E) && !skip_gtp_extensions(&body, next)))
            return;
    }
    uint16_t ethertype = ip_ethertype(&body);
    if (ethertype)
        carry(pkt, TUN_GTPU, ethertype, &body, length);
}

void tunnel_detect(Packet *pkt)
{
    if (pkt->tunnel_depth >= OTS_TUNNEL_MAX_DEPTH)
        return;
    if (pkt->transport == TP_IP) {
        if (pkt->ip_proto == IPPROTO_IPIP_)
            detect_ipip(pkt, ETH_TYPE_IPV4_);
        else if (pkt->ip_proto == IPPROTO_IPV6_)
            detect_ipip(pkt, ETH_TYPE_IPV6_);
        else if (pkt->ip_proto == IPPROTO_GRE_)
            detect_gre(pkt);
    } else if (pkt->transport == TP_UDP) {
        if (pkt->dport == UDP_PORT_VXLAN)
            detect_vxlan(pkt);
        else if (pkt->dport == UDP_PORT_GTPU)
            detect_gtpu(pkt);
    }
}

SkipReason decoder_tunnel(Decoder *d, const Packet *outer, Packet *inner)
{
    memset(inner, 0, sizeof *inner);
    inner->pkt_no = outer->pkt_no;
    inner->ts_ns = outer->ts_ns;
    inner->file_idx = outer->file_idx;
    inner->caplen = (uint32_t)cursor_len(&outer->tunnel_inner);
    inner->wirelen = outer->tunnel_inner_wire_len;
    inner->tunnel_depth = (uint8_t)(outer->tunnel_depth + 1);
    inner->transport = TP_NONE;
    inner->payload = cursor_empty();
    Cursor c = outer->tunnel_inner;
    switch (outer->tunnel_ethertype) {
    case ETH_TYPE_IPV4_:
        return decode_ipv4(d, &c, inner);
    case ETH_TYPE_IPV6_:
        return decode_ipv6(d, &c, inner);
    case ETH_TYPE_TEB:
        return decode_ethernet(d, &c, inner);
    default:
        return SKIP_MALFORMED; /* outer carries nothing: a caller's mistake */
    }
}
