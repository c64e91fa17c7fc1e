/*
 * packet.h - the decoded view of one captured frame.
 *
 * decode/ fills a Packet on the stack of the ingest loop; dissect/ reads it
 * and adds the conversation verdict; model/ reads both.  Nothing here owns
 * memory: the Cursors borrow libpcap's buffer (or the IP reassembly buffer)
 * until the next frame is read.
 *
 * Addresses: IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so that one 16-byte
 * type serves both families; ip_ver says which one the wire carried.
 */
#ifndef OTS_OTSCOPE_PACKET_H
#define OTS_OTSCOPE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otscope/cursor.h"

typedef struct MacAddr {
    uint8_t b[6];
} MacAddr;

typedef struct IpAddr {
    uint8_t b[16];
} IpAddr;

/* Transport of a conversation; the names are contract strings (comms.transport). */
#define OTS_TRANSPORT_LIST(X)                                                                      \
    X(NONE, "none")                                                                                \
    X(ETHER, "ether")                                                                              \
    X(TCP, "tcp")                                                                                  \
    X(UDP, "udp")                                                                                  \
    X(ICMP, "icmp")                                                                                \
    X(ICMPV6, "icmpv6")                                                                            \
    X(IP, "ip")

typedef enum Transport {
#define X(id, str) TP_##id,
    OTS_TRANSPORT_LIST(X)
#undef X
        TP_COUNT
} Transport;

/* Why decode gave up on a frame; the names appear in the end-of-run summary. */
#define OTS_SKIP_LIST(X)                                                                           \
    X(NONE, "none")                                                                                \
    X(LINKTYPE, "unsupported link type")                                                           \
    X(TRUNCATED, "truncated headers")                                                              \
    X(MALFORMED, "malformed headers")                                                              \
    X(FRAGMENT, "IP fragment held for reassembly")                                                 \
    X(FRAG_DROPPED, "IP fragments not reassembled")

typedef enum SkipReason {
#define X(id, str) SKIP_##id,
    OTS_SKIP_LIST(X)
#undef X
        SKIP_COUNT
} SkipReason;

typedef struct ArpInfo {
    uint16_t op; /* 1 request, 2 reply */
    MacAddr sha, tha;
    IpAddr spa, tpa;
} ArpInfo;

/* An IPv6 Neighbor Discovery message's address claim (decode-nd.c). */
typedef struct NdClaim {
    bool is_claim;
    IpAddr addr;   /* the address the message claims */
    MacAddr owner; /* the MAC that claims it */
} NdClaim;

/* What a packet's payload carries when it is a tunnel (decode-tunnel.c). */
typedef enum TunnelKind {
    TUN_NONE,
    TUN_IPIP,  /* IPv4 or IPv6 in IPv4 or IPv6: IP protocols 4 and 41 */
    TUN_GRE,   /* IP protocol 47 */
    TUN_VXLAN, /* UDP 4789 */
    TUN_GTPU,  /* UDP 2152, G-PDU */
} TunnelKind;

enum { OTS_TUNNEL_MAX_DEPTH = 4 }; /* tunnels inside tunnels decoded at most this deep */

typedef struct Packet {
    /* capture */
    uint64_t pkt_no;   /* 1-based frame number in its file (Wireshark's numbering) */
    int64_t ts_ns;     /* capture time, nanoseconds since the epoch */
    uint32_t caplen;   /* bytes captured */
    uint32_t wirelen;  /* bytes on the wire */
    uint32_t file_idx; /* which input of this run */

    /* link layer */
    bool has_src_mac; /* SLL has a source address but no destination */
    bool has_dst_mac;
    MacAddr src_mac;
    MacAddr dst_mac;
    uint8_t n_vlan;     /* 802.1Q / QinQ tags seen */
    uint16_t vlan;      /* innermost VLAN id, 0 when untagged */
    uint16_t vlan_outer;
    uint16_t ethertype; /* after VLAN tags; 0 for 802.3/LLC frames */
    uint8_t llc_dsap;   /* 802.3/LLC frames */
    uint32_t snap_oui;  /* 802.3/LLC/SNAP frames */
    uint16_t snap_pid;
    bool is_arp;
    ArpInfo arp;

    /* network layer */
    uint8_t ip_ver; /* 0 (none), 4 or 6 */
    IpAddr src_ip;
    IpAddr dst_ip;
    uint8_t ttl; /* TTL or hop limit */
    uint8_t ip_proto;
    uint8_t ip_opt_len; /* IPv4 options bytes */
    bool ip_df;         /* IPv4 don't-fragment */
    uint16_t ip_id;     /* IPv4 identification */
    uint8_t ip_ecn;     /* ECN bits of the TOS / traffic class */
    bool is_reassembled; /* built from IPv4/IPv6 fragments */

    /* transport layer */
    Transport transport;
    uint16_t sport;
    uint16_t dport;
    uint8_t tcp_flags;
    uint32_t tcp_seq;
    uint32_t tcp_ack;
    uint16_t tcp_win;
    uint16_t tcp_urg_ptr;
    Cursor tcp_opts;
    uint8_t icmp_type;
    uint8_t icmp_code;
    NdClaim nd; /* ICMPv6 RS/RA/NS/NA: who owns which address */

    /* L4 payload for TCP/UDP, the message for ICMP, the L2 payload for
     * TP_ETHER frames, the IP payload for TP_IP. */
    Cursor payload;
    uint32_t payload_wire_len; /* L4 payload bytes on the wire: >= captured when clipped */

    /* tunnel: this packet carries another, which decoder_tunnel() decodes
     * into a Packet of its own (the traffic); this one stays the tunnel's */
    uint8_t tunnel;            /* TunnelKind; TUN_NONE when it carries none */
    uint8_t tunnel_depth;      /* tunnels around this packet: 0 for the frame itself */
    uint16_t tunnel_ethertype; /* what the inner bytes are: IPv4, IPv6, Ethernet (0x6558) */
    Cursor tunnel_inner;       /* the inner packet's bytes */
    uint32_t tunnel_inner_wire_len;
} Packet;

enum {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_URG = 0x20,
};

/* Contract names of a transport and a skip reason (static strings). */
const char *transport_name(Transport tp);
const char *skip_reason_name(SkipReason why);

/* Address helpers (util/addr.c).  Text forms: IPv4 dotted quad, IPv6 per
 * RFC 5952, MAC lower-case colon-separated.  buf must hold
 * OTS_ADDR_STRLEN bytes; the function returns buf. */
enum { OTS_ADDR_STRLEN = 48 };
void ipaddr_from_v4(IpAddr *ip, uint32_t host_order_v4);
bool ipaddr_is_v4(const IpAddr *ip);
uint32_t ipaddr_v4(const IpAddr *ip); /* host order; only for ipaddr_is_v4() */
bool ipaddr_is_zero(const IpAddr *ip);
bool ipaddr_is_multicast(const IpAddr *ip);
bool ipaddr_is_broadcast_v4(const IpAddr *ip); /* 255.255.255.255 only */
bool ipaddr_is_private(const IpAddr *ip);      /* RFC 1918, link-local, ULA, loopback, CGN */
bool ipaddr_parse(const char *s, IpAddr *ip);
char *ipaddr_str(const IpAddr *ip, char *buf);
bool macaddr_is_group(const MacAddr *mac); /* multicast or broadcast */
bool macaddr_is_zero(const MacAddr *mac);
char *macaddr_str(const MacAddr *mac, char *buf);
bool macaddr_parse(const char *s, MacAddr *mac);

#endif /* OTS_OTSCOPE_PACKET_H */
