/*
 * plant-scan.c - plant recipe for the contractor laptop that plugs in late
 * and scans the segment the way "nmap -sS -p 22,80,102,502,44818
 * 10.10.1.1-40" followed by "nmap -sn 10.10.1.100-120" does: ARP host
 * discovery, then TCP SYN probes from one raw-socket source port. Closed
 * ports answer RST/ACK; open ports answer SYN/ACK and the laptop's own
 * kernel, which knows nothing of the probe, resets them.
 */
#include "plant.h"

#include <stdbool.h>

enum {
    SCAN_SWEEP_FIRST = 1,
    SCAN_SWEEP_LAST = 40,
    ARP_SWEEP_FIRST = 100,
    ARP_SWEEP_LAST = 120,
    NMAP_WINDOW = 1024,
};

static const uint16_t scan_ports[] = { 22, 80, 102, 502, 44818 };

/* Which plant hosts answer in the swept range, and which probed ports they have open. */
typedef struct ScanTarget {
    HostId host;
    uint16_t open_ports[3];
} ScanTarget;

/* clang-format off */
static const ScanTarget scan_targets[] = {
    { HOST_ROUTER, { 22 } },
    { HOST_SWITCH, { 22, 80 } },
    { HOST_PLC_A, { 80, 502 } },
    { HOST_PLC_B, { 102 } },
    { HOST_PLC_C, { 80, 44818 } },
};
/* clang-format on */

static const uint8_t nmap_syn_opts[] = { 0x02, 0x04, 0x05, 0xb4 }; /* MSS 1460 only */

static const ScanTarget *target_at(uint32_t ip)
{
    for (size_t i = 0; i < sizeof scan_targets / sizeof scan_targets[0]; i++) {
        if (plant_hosts[scan_targets[i].host].ip == ip)
            return &scan_targets[i];
    }
    return NULL;
}

static bool is_open(const ScanTarget *st, uint16_t port)
{
    for (size_t i = 0; i < sizeof st->open_ports / sizeof st->open_ports[0]; i++) {
        if (st->open_ports[i] == port)
            return true;
    }
    return false;
}

static void arp_probe(Plant *p, uint64_t t, uint32_t target_ip)
{
    const Endpoint *me = &p->ep[HOST_SCANNER];
    size_t len =
        frame_arp(p->frame, ARP_OP_REQUEST, MAC_BROADCAST, me->mac, me->ip, MAC_ZERO, target_ip);
    plant_emit(p, t, len);
}

static void arp_answer(Plant *p, uint64_t t, HostId host)
{
    const Endpoint *me = &p->ep[HOST_SCANNER];
    const Endpoint *h = &p->ep[host];
    size_t len = frame_arp(p->frame, ARP_OP_REPLY, me->mac, h->mac, h->ip, me->mac, me->ip);
    plant_emit(p, t, len);
}

/* One ARP pass over [first, last]; unanswered addresses get one retry. Returns the end time. */
static uint64_t arp_sweep(Plant *p, Rng *rng, uint64_t t, unsigned first, unsigned last)
{
    uint32_t net = p->ep[HOST_SCANNER].ip & 0xffffff00u;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned host = first; host <= last; host++) {
            const ScanTarget *st = target_at(net | host);
            if (pass == 1 && st != NULL)
                continue; /* answered the first time */
            t += plant_delay(rng, 150, 700);
            arp_probe(p, t, net | host);
            if (st != NULL && pass == 0)
                arp_answer(p, t + plant_delay(rng, 60, 500), st->host);
        }
        t += plant_delay(rng, 150000, 250000); /* nmap's wait before retransmitting */
    }
    return t;
}

/* Segment from the scanner's raw socket: random IP id and TTL, as nmap sets them. */
static void raw_segment(Plant *p, Rng *rng, uint64_t t, HostId dst, uint16_t sport, uint16_t dport,
                        uint32_t seq, uint8_t flags)
{
    const Endpoint *me = &p->ep[HOST_SCANNER];
    /* Separate statements: the order of random draws must not depend on the compiler. */
    uint8_t ttl = (uint8_t)rng_range(rng, 37, 59);
    uint16_t ip_id = rng_u16(rng);
    FrameAddr a = {
        .src_mac = me->mac,
        .dst_mac = p->ep[dst].mac,
        .src_ip = me->ip,
        .dst_ip = p->ep[dst].ip,
        .ttl = ttl,
        .is_df = false,
        .ip_id = ip_id,
    };
    bool is_syn = flags & TCPF_SYN;
    TcpSeg s = {
        .sport = sport,
        .dport = dport,
        .seq = seq,
        .ack = 0,
        .flags = flags,
        .window = is_syn ? NMAP_WINDOW : 0,
        .opts = is_syn ? nmap_syn_opts : NULL,
        .opts_len = is_syn ? sizeof nmap_syn_opts : 0,
    };
    plant_emit(p, t, frame_tcp(p->frame, &a, &s, NULL, 0));
}

/* The target's answer to a SYN on port, and the laptop kernel's reset for a SYN/ACK. */
static void probe_answer(Plant *p, Rng *rng, uint64_t t, const ScanTarget *st, uint16_t sport,
                         uint16_t port, uint32_t seq)
{
    Endpoint *target = &p->ep[st->host];
    Endpoint *me = &p->ep[HOST_SCANNER];
    bool is_port_open = is_open(st, port);
    TcpConn c;
    tcpconn_init(&c, me, sport, target, port, seq + 1, is_port_open ? rng_u32(rng) : 0);
    c.srv_win = is_port_open ? plant_hosts[st->host].tcp->syn_window : 0;
    uint8_t flags = is_port_open ? (TCPF_SYN | TCPF_ACK) : (TCPF_RST | TCPF_ACK);
    const uint8_t *opts = is_port_open ? nmap_syn_opts : NULL;
    size_t len = tcpconn_segment(&c, TCP_FROM_SRV, flags, opts, opts ? sizeof nmap_syn_opts : 0,
                                 NULL, 0, p->frame);
    plant_emit(p, t, len);
    if (!is_port_open)
        return;

    /* Linux resets with IP id 0, DF and its normal TTL. */
    Endpoint kernel = *me;
    kernel.ip_id = 0;
    kernel.is_df = true;
    c.cli = &kernel;
    c.cli_win = 0;
    t += plant_delay(rng, 20, 120);
    len = tcpconn_segment(&c, TCP_FROM_CLI, TCPF_RST, NULL, 0, NULL, 0, p->frame);
    plant_emit(p, t, len);
}

static uint64_t syn_scan(Plant *p, Rng *rng, uint64_t t)
{
    uint16_t sport = (uint16_t)rng_range(rng, 40000, 65000);
    size_t n_targets = sizeof scan_targets / sizeof scan_targets[0];
    size_t n_ports = sizeof scan_ports / sizeof scan_ports[0];
    for (size_t ti = 0; ti < n_targets; ti++) {
        const ScanTarget *st = &scan_targets[ti];
        uint16_t order[sizeof scan_ports / sizeof scan_ports[0]];
        for (size_t i = 0; i < n_ports; i++)
            order[i] = scan_ports[i];
        for (size_t i = n_ports - 1; i > 0; i--) { /* nmap randomises the port order */
            size_t j = rng_below(rng, (uint32_t)(i + 1));
            uint16_t tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (size_t i = 0; i < n_ports; i++) {
            uint32_t seq = rng_u32(rng);
            t += plant_delay(rng, 80, 400);
            raw_segment(p, rng, t, st->host, sport, order[i], seq, TCPF_SYN);
            probe_answer(p, rng, t + plant_delay(rng, 100, 900), st, sport, order[i], seq);
        }
    }
    return t;
}

void recipe_scanner(Plant *p, Rng *rng)
{
    const Endpoint *me = &p->ep[HOST_SCANNER];
    uint64_t t = sec_ns(PLANT_SCAN_AT_S) - sec_ns(9) + plant_delay(rng, 0, 500000);

    /* Link up: the laptop announces its static address. */
    size_t len =
        frame_arp(p->frame, ARP_OP_REQUEST, MAC_BROADCAST, me->mac, me->ip, MAC_ZERO, me->ip);
    plant_emit(p, t, len);

    t = sec_ns(PLANT_SCAN_AT_S) + plant_delay(rng, 0, 300000);
    t = arp_sweep(p, rng, t, SCAN_SWEEP_FIRST, SCAN_SWEEP_LAST);
    t = syn_scan(p, rng, t + plant_delay(rng, 20000, 80000));
    arp_sweep(p, rng, t + sec_ns(14), ARP_SWEEP_FIRST, ARP_SWEEP_LAST);
}
