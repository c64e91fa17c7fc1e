/*
 * gen-frame.h - Ethernet/ARP/IPv4/UDP/TCP frame builder for otsgen.
 *
 * Builds complete Ethernet II frames with correct IPv4 header checksums,
 * UDP and TCP checksums (RFC 768, RFC 793 pseudo-header) and the 60-byte
 * minimum frame padding, and keeps TCP sequence and acknowledgement numbers
 * consistent across a connection (TcpConn). It knows nothing about
 * application protocols: recipes build payloads with gen-buf.h and hand
 * them in. No IP options, no fragmentation, no VLAN tags, no IPv6 yet.
 *
 * Output buffers must hold FRAME_MAX_LEN bytes. Payloads may already sit at
 * their final offset in the output buffer (FRAME_UDP_PAYLOAD_OFF,
 * FRAME_TCP_PAYLOAD_OFF) - then nothing is copied.
 */
#ifndef OTS_GEN_FRAME_H
#define OTS_GEN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_LEN 6
#define FRAME_MAX_LEN 1514
#define FRAME_MIN_LEN 60 /* Ethernet minimum without FCS: shorter frames are padded */
#define ETH_HDR_LEN 14
#define IPV4_HDR_LEN 20
#define UDP_HDR_LEN 8
#define TCP_HDR_LEN 20
#define TCP_OPTS_MAX_LEN 40
#define FRAME_UDP_PAYLOAD_OFF (ETH_HDR_LEN + IPV4_HDR_LEN + UDP_HDR_LEN)
#define FRAME_TCP_PAYLOAD_OFF (ETH_HDR_LEN + IPV4_HDR_LEN + TCP_HDR_LEN) /* no options */
#define FRAME_UDP_PAYLOAD_MAX (FRAME_MAX_LEN - FRAME_UDP_PAYLOAD_OFF)
#define FRAME_TCP_PAYLOAD_MAX (FRAME_MAX_LEN - FRAME_TCP_PAYLOAD_OFF)

enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_ARP = 0x0806,
    ETHERTYPE_LLDP = 0x88cc,
};

enum {
    IPPROTO_NUM_TCP = 6,
    IPPROTO_NUM_UDP = 17,
};

enum {
    ARP_OP_REQUEST = 1,
    ARP_OP_REPLY = 2,
};

enum {
    TCPF_FIN = 0x01,
    TCPF_SYN = 0x02,
    TCPF_RST = 0x04,
    TCPF_PSH = 0x08,
    TCPF_ACK = 0x10,
};

extern const uint8_t MAC_BROADCAST[MAC_LEN];
extern const uint8_t MAC_ZERO[MAC_LEN];

/* Build an IPv4 address in host order from its four dotted parts. */
static inline uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return ((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | (uint32_t)d;
}

/*
 * One host as it appears on the captured segment. For a host behind a
 * router, mac is the router's and ttl is already decremented: that is what
 * a SPAN port sees.
 */
typedef struct Endpoint {
    uint8_t mac[MAC_LEN];
    uint32_t ip;    /* host byte order */
    uint8_t ttl;    /* IPv4 TTL of packets from this host, as seen here */
    bool is_df;     /* sets Don't Fragment on TCP (Windows and Linux do) */
    uint16_t ip_id; /* next IPv4 identification; incremented per packet sent */
} Endpoint;

/* Explicit addressing of one IPv4 packet, for broadcasts and unconfigured senders (DHCP). */
typedef struct FrameAddr {
    const uint8_t *src_mac;
    const uint8_t *dst_mac;
    uint32_t src_ip;
    uint32_t dst_ip;
    uint8_t ttl;
    bool is_df;
    uint16_t ip_id;
} FrameAddr;

/* Fill a for a packet from src to dst; takes the next IP id from src. */
void frame_addr_between(FrameAddr *a, Endpoint *src, const Endpoint *dst);

/* Pad to the Ethernet minimum with zero bytes; returns the new length. */
size_t frame_pad(uint8_t *out, size_t len);

/* ARP for IPv4 over Ethernet (RFC 826); returns the padded frame length. */
size_t frame_arp(uint8_t *out, uint16_t op, const uint8_t eth_dst[MAC_LEN],
                 const uint8_t sha[MAC_LEN], uint32_t spa, const uint8_t tha[MAC_LEN],
                 uint32_t tpa);

/* Ethernet frame with an arbitrary ethertype and payload (LLDP and the like). */
size_t frame_l2(uint8_t *out, const uint8_t dst[MAC_LEN], const uint8_t src[MAC_LEN],
                uint16_t ethertype, const uint8_t *payload, size_t payload_len);

/* UDP datagram; payload may be NULL when already in place. Returns the frame length. */
size_t frame_udp(uint8_t *out, const FrameAddr *a, uint16_t sport, uint16_t dport,
                 const uint8_t *payload, size_t payload_len);

/* The fields of one TCP segment; the addresses come from a FrameAddr. */
typedef struct TcpSeg {
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    uint16_t window;
    const uint8_t *opts; /* whole 32-bit words, NOP-padded by the caller */
    size_t opts_len;
} TcpSeg;

/* TCP segment; payload may be NULL when already in place. Returns the frame length. */
size_t frame_tcp(uint8_t *out, const FrameAddr *a, const TcpSeg *s, const uint8_t *payload,
                 size_t payload_len);

/*
 * A TCP connection between two endpoints. Each side's next sequence number
 * advances with what it sends; every segment with ACK acknowledges all the
 * other side has sent. There is no loss, reordering or retransmission:
 * the capture shows a clean exchange unless a recipe builds otherwise.
 */
typedef struct TcpConn {
    Endpoint *cli;
    Endpoint *srv;
    uint16_t cli_port;
    uint16_t srv_port;
    uint32_t cli_seq; /* next sequence number the client will send */
    uint32_t srv_seq;
    uint16_t cli_win; /* advertised window field, already scaled */
    uint16_t srv_win;
} TcpConn;

typedef enum TcpSide {
    TCP_FROM_CLI,
    TCP_FROM_SRV,
} TcpSide;

void tcpconn_init(TcpConn *c, Endpoint *cli, uint16_t cli_port, Endpoint *srv, uint16_t srv_port,
                  uint32_t cli_isn, uint32_t srv_isn);

/*
 * One segment from one side with the given flags and optional options and
 * payload. The sequence number advances by the payload length, plus one
 * for SYN or FIN. The acknowledgement field is filled when ACK is set.
 */
size_t tcpconn_segment(TcpConn *c, TcpSide from, uint8_t flags, const uint8_t *opts,
                       size_t opts_len, const uint8_t *payload, size_t payload_len, uint8_t *out);

/* PSH/ACK data segment from one side. */
size_t tcpconn_data(TcpConn *c, TcpSide from, const uint8_t *payload, size_t payload_len,
                    uint8_t *out);

/* Internet checksum (RFC 1071) of a byte run, folded and complemented. */
uint16_t inet_checksum(const uint8_t *p, size_t n);

#endif /* OTS_GEN_FRAME_H */
