/*
 * gen-frame.c - Ethernet/ARP/IPv4/UDP/TCP frame builder; see gen-frame.h.
 *
 * References: RFC 826 (ARP), RFC 791 (IPv4), RFC 768 (UDP), RFC 9293 (TCP),
 * RFC 1071 (checksum).
 *
 *   Ethernet II   | dst mac 6 | src mac 6 | ethertype 2 |
 *   IPv4          | 45 | tos | total len | id | flags+frag | ttl | proto | csum | src | dst |
 *   UDP           | sport | dport | len | csum |
 *   TCP           | sport | dport | seq | ack | off+flags | win | csum | urg | opts |
 *
 * Everything is written byte by byte in network order, so the output does
 * not depend on host endianness or alignment.
 */
#include "gen-frame.h"

#include <string.h>

const uint8_t MAC_BROADCAST[MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t MAC_ZERO[MAC_LEN] = { 0 };

static void put_be16(uint8_t *at, uint32_t v)
{
    at[0] = (uint8_t)(v >> 8);
    at[1] = (uint8_t)v;
}

static void put_be32(uint8_t *at, uint32_t v)
{
    at[0] = (uint8_t)(v >> 24);
    at[1] = (uint8_t)(v >> 16);
    at[2] = (uint8_t)(v >> 8);
    at[3] = (uint8_t)v;
}

static uint32_t sum_words(const uint8_t *p, size_t n, uint32_t acc)
{
    while (n > 1) {
        acc += ((uint32_t)p[0] << 8) | p[1];
        p += 2;
        n -= 2;
    }
    if (n == 1)
        acc += (uint32_t)p[0] << 8;
    return acc;
}

static uint16_t fold_complement(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffffu) + (acc >> 16);
    return (uint16_t)~acc;
}

uint16_t inet_checksum(const uint8_t *p, size_t n)
{
    return fold_complement(sum_words(p, n, 0));
}

void frame_addr_between(FrameAddr *a, Endpoint *src, const Endpoint *dst)
{
    a->src_mac = src->mac;
    a->dst_mac = dst->mac;
    a->src_ip = src->ip;
    a->dst_ip = dst->ip;
    a->ttl = src->ttl;
    a->is_df = src->is_df;
    a->ip_id = src->ip_id++;
}

size_t frame_pad(uint8_t *out, size_t len)
{
    if (len >= FRAME_MIN_LEN)
        return len;
    memset(out + len, 0, FRAME_MIN_LEN - len);
    return FRAME_MIN_LEN;
}

static void put_eth(uint8_t *out, const uint8_t dst[MAC_LEN], const uint8_t src[MAC_LEN],
                    uint16_t ethertype)
{
    memcpy(out, dst, MAC_LEN);
    memcpy(out + MAC_LEN, src, MAC_LEN);
    put_be16(out + 12, ethertype);
}

size_t frame_arp(uint8_t *out, uint16_t op, const uint8_t eth_dst[MAC_LEN],
                 const uint8_t sha[MAC_LEN], uint32_t spa, const uint8_t tha[MAC_LEN], uint32_t tpa)
{
    put_eth(out, eth_dst, sha, ETHERTYPE_ARP);
    uint8_t *arp = out + ETH_HDR_LEN;
    put_be16(arp, 1); /* hardware: Ethernet */
    put_be16(arp + 2, ETHERTYPE_IPV4);
    arp[4] = MAC_LEN;
    arp[5] = 4;
    put_be16(arp + 6, op);
    memcpy(arp + 8, sha, MAC_LEN);
    put_be32(arp + 14, spa);
    memcpy(arp + 18, tha, MAC_LEN);
    put_be32(arp + 24, tpa);
    return frame_pad(out, ETH_HDR_LEN + 28);
}

size_t frame_l2(uint8_t *out, const uint8_t dst[MAC_LEN], const uint8_t src[MAC_LEN],
                uint16_t ethertype, const uint8_t *payload, size_t payload_len)
{
    put_eth(out, dst, src, ethertype);
    memmove(out + ETH_HDR_LEN, payload, payload_len);
    return frame_pad(out, ETH_HDR_LEN + payload_len);
}

/* Ethernet + IPv4 header in front of an l4_len-byte transport segment. */
static void put_eth_ipv4(uint8_t *out, const FrameAddr *a, uint8_t proto, size_t l4_len,
                         bool set_df)
{
    put_eth(out, a->dst_mac, a->src_mac, ETHERTYPE_IPV4);
    uint8_t *ip = out + ETH_HDR_LEN;
    ip[0] = 0x45;
    ip[1] = 0;
    put_be16(ip + 2, (uint32_t)(IPV4_HDR_LEN + l4_len));
    put_be16(ip + 4, a->ip_id);
    put_be16(ip + 6, set_df ? 0x4000 : 0);
    ip[8] = a->ttl;
    ip[9] = proto;
    put_be16(ip + 10, 0);
    put_be32(ip + 12, a->src_ip);
    put_be32(ip + 16, a->dst_ip);
    put_be16(ip + 10, inet_checksum(ip, IPV4_HDR_LEN));
}

/* Sum of the RFC 793 pseudo-header, to seed a transport checksum. */
static uint32_t pseudo_header_sum(const FrameAddr *a, uint8_t proto, size_t l4_len)
{
    return (a->src_ip >> 16) + (a->src_ip & 0xffffu) + (a->dst_ip >> 16) + (a->dst_ip & 0xffffu)
           + proto + (uint32_t)l4_len;
}

static void place_payload(uint8_t *dst, const uint8_t *payload, size_t payload_len)
{
    if (payload != NULL && payload != dst && payload_len > 0)
        memmove(dst, payload, payload_len);
}

size_t frame_udp(uint8_t *out, const FrameAddr *a, uint16_t sport, uint16_t dport,
                 const uint8_t *payload, size_t payload_len)
{
    uint8_t *udp = out + ETH_HDR_LEN + IPV4_HDR_LEN;
    place_payload(udp + UDP_HDR_LEN, payload, payload_len);
    size_t l4_len = UDP_HDR_LEN + payload_len;
    put_be16(udp, sport);
    put_be16(udp + 2, dport);
    put_be16(udp + 4, (uint32_t)l4_len);
    put_be16(udp + 6, 0);
    uint16_t csum =
        fold_complement(sum_words(udp, l4_len, pseudo_header_sum(a, IPPROTO_NUM_UDP, l4_len)));
    put_be16(udp + 6, csum == 0 ? 0xffff : csum); /* 0 would mean "no checksum" */
    put_eth_ipv4(out, a, IPPROTO_NUM_UDP, l4_len, false);
    return frame_pad(out, ETH_HDR_LEN + IPV4_HDR_LEN + l4_len);
}

size_t frame_tcp(uint8_t *out, const FrameAddr *a, const TcpSeg *s, const uint8_t *payload,
                 size_t payload_len)
{
    uint8_t *tcp = out + ETH_HDR_LEN + IPV4_HDR_LEN;
    size_t hdr_len = TCP_HDR_LEN + s->opts_len;
    place_payload(tcp + hdr_len, payload, payload_len);
    size_t l4_len = hdr_len + payload_len;
    put_be16(tcp, s->sport);
    put_be16(tcp + 2, s->dport);
    put_be32(tcp + 4, s->seq);
    put_be32(tcp + 8, s->ack);
    tcp[12] = (uint8_t)((hdr_len / 4) << 4);
    tcp[13] = s->flags;
    put_be16(tcp + 14, s->window);
    put_be16(tcp + 16, 0);
    put_be16(tcp + 18, 0);
    if (s->opts_len > 0)
        memcpy(tcp + TCP_HDR_LEN, s->opts, s->opts_len);
    uint16_t csum =
        fold_complement(sum_words(tcp, l4_len, pseudo_header_sum(a, IPPROTO_NUM_TCP, l4_len)));
    put_be16(tcp + 16, csum);
    put_eth_ipv4(out, a, IPPROTO_NUM_TCP, l4_len, a->is_df);
    return frame_pad(out, ETH_HDR_LEN + IPV4_HDR_LEN + l4_len);
}

void tcpconn_init(TcpConn *c, Endpoint *cli, uint16_t cli_port, Endpoint *srv, uint16_t srv_port,
                  uint32_t cli_isn, uint32_t srv_isn)
{
    c->cli = cli;
    c->srv = srv;
    c->cli_port = cli_port;
    c->srv_port = srv_port;
    c->cli_seq = cli_isn;
    c->srv_seq = srv_isn;
    c->cli_win = 64240;
    c->srv_win = 8192;
}

size_t tcpconn_segment(TcpConn *c, TcpSide from, uint8_t flags, const uint8_t *opts,
                       size_t opts_len, const uint8_t *payload, size_t payload_len, uint8_t *out)
{
    bool is_cli = from == TCP_FROM_CLI;
    Endpoint *src = is_cli ? c->cli : c->srv;
    const Endpoint *dst = is_cli ? c->srv : c->cli;
    uint32_t *own_seq = is_cli ? &c->cli_seq : &c->srv_seq;
    uint32_t peer_seq = is_cli ? c->srv_seq : c->cli_seq;

    FrameAddr a;
    frame_addr_between(&a, src, dst);
    TcpSeg s = {
        .sport = is_cli ? c->cli_port : c->srv_port,
        .dport = is_cli ? c->srv_port : c->cli_port,
        .seq = *own_seq,
        .ack = (flags & TCPF_ACK) ? peer_seq : 0,
        .flags = flags,
        .window = is_cli ? c->cli_win : c->srv_win,
        .opts = opts,
        .opts_len = opts_len,
    };
    size_t len = frame_tcp(out, &a, &s, payload, payload_len);
    *own_seq += (uint32_t)payload_len + ((flags & (TCPF_SYN | TCPF_FIN)) ? 1u : 0u);
    return len;
}

size_t tcpconn_data(TcpConn *c, TcpSide from, const uint8_t *payload, size_t payload_len,
                    uint8_t *out)
{
    return tcpconn_segment(c, from, TCPF_PSH | TCPF_ACK, NULL, 0, payload, payload_len, out);
}
