/*
 * plant.c - the "plant" sample: host table, shared helpers, recipe list.
 *
 * See plant.h for the structure and README.md for the host table in prose.
 * This file owns the generation order: run every recipe (each with its own
 * random stream), sort by time, renumber IPv4 ids per sender in time order
 * (recipes run one after another, so build-time ids would jump back and
 * forth), then write the file.
 */
#include "plant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen-pcap.h"
#include "plant-itid.h"
#include "plant-ot2.h"
#include "plant-ot3.h"

/* Windows 10: MSS, NOP, WS 8, NOP, NOP, SACK permitted. */
static const uint8_t syn_opts_windows[] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
                                            0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };
/* Linux without timestamps: MSS, NOP, NOP, SACK permitted, NOP, WS 7. */
static const uint8_t syn_opts_linux[] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01,
                                          0x04, 0x02, 0x01, 0x03, 0x03, 0x07 };
/* Small embedded stacks (PLCs, switches): MSS only. */
static const uint8_t syn_opts_embedded[] = { 0x02, 0x04, 0x05, 0xb4 };

static const TcpProfile tcp_windows = {
    .syn_opts = syn_opts_windows,
    .syn_opts_len = sizeof syn_opts_windows,
    .syn_window = 64240,
    .window = 1026,
    .has_wscale = true,
    .ephemeral_lo = 49152,
    .ephemeral_hi = 65535,
};
static const TcpProfile tcp_linux = {
    .syn_opts = syn_opts_linux,
    .syn_opts_len = sizeof syn_opts_linux,
    .syn_window = 64240,
    .window = 502,
    .has_wscale = true,
    .ephemeral_lo = 32768,
    .ephemeral_hi = 60999,
};
static const TcpProfile tcp_embedded = {
    .syn_opts = syn_opts_embedded,
    .syn_opts_len = sizeof syn_opts_embedded,
    .syn_window = 8192,
    .window = 8192,
    .has_wscale = false,
    .ephemeral_lo = 1024,
    .ephemeral_hi = 5000,
};

const HostDesc plant_hosts[HOST_COUNT] = {
    [HOST_ROUTER] = {
        .name = "ot-gw-01",
        .vendor = "Cisco",
        .role = "router, DHCP server, DNS forwarder",
        .mac = { 0x00, 0x1a, 0xa1, 0x3c, 0x5e, 0x01 },
        .ip = 0x0a0a0101, /* 10.10.1.1 */
        .ttl = 255,
        .tcp = &tcp_embedded,
    },
    [HOST_SWITCH] = {
        .name = "ot-sw-01",
        .vendor = "Cisco",
        .role = "switch (Catalyst 2960), LLDP",
        .mac = { 0x00, 0x1e, 0xbd, 0x4a, 0x7c, 0x80 },
        .ip = 0x0a0a0102, /* 10.10.1.2 */
        .ttl = 255,
        .tcp = &tcp_embedded,
    },
    [HOST_PLC_A] = {
        .name = "plc-a",
        .vendor = "Schneider Electric",
        .role = "PLC Modicon M340, Modbus/TCP server",
        .mac = { 0x00, 0x80, 0xf4, 0x0a, 0x1b, 0x2c },
        .ip = 0x0a0a010a, /* 10.10.1.10 */
        .ttl = 64,
        .tcp = &tcp_embedded,
    },
    [HOST_PLC_B] = {
        .name = "plc-b",
        .vendor = "Siemens",
        .role = "PLC S7-300 (CPU 315-2 PN/DP), S7comm server",
        .mac = { 0x00, 0x1b, 0x1b, 0x6b, 0x3a, 0x11 },
        .ip = 0x0a0a0114, /* 10.10.1.20 */
        .ttl = 30,
        .tcp = &tcp_embedded,
    },
    [HOST_PLC_C] = {
        .name = "plc-c",
        .vendor = "Rockwell Automation",
        .role = "PLC ControlLogix 1756-L71, EtherNet/IP",
        .mac = { 0x00, 0x00, 0xbc, 0x5d, 0x2e, 0x7f },
        .ip = 0x0a0a011e, /* 10.10.1.30 */
        .ttl = 64,
        .tcp = &tcp_embedded,
    },
    [HOST_HMI] = {
        .name = "HMI-01",
        .vendor = "Dell",
        .role = "HMI (Windows 10), polls all PLCs",
        .mac = { 0x00, 0x14, 0x22, 0x8e, 0x41, 0xa3 },
        .ip = 0x0a0a0132, /* 10.10.1.50 */
        .ttl = 128,
        .tcp = &tcp_windows,
    },
    [HOST_ENG_WS] = {
        .name = "ENG-WS01",
        .vendor = "HP",
        .role = "engineering workstation (Windows 10, DHCP)",
        .mac = { 0x3c, 0xd9, 0x2b, 0x71, 0x05, 0xe4 },
        .ip = 0x0a0a013c, /* 10.10.1.60 */
        .ttl = 128,
        .tcp = &tcp_windows,
    },
    [HOST_HISTORIAN] = {
        .name = "HIST-01",
        .vendor = "Stratus Technologies",
        .role = "historian (Windows XP)",
        .mac = { 0x00, 0x00, 0xa8, 0x2f, 0x93, 0xc6 },
        .ip = 0x0a0a0146, /* 10.10.1.70 */
        .ttl = 128,
        .tcp = &tcp_windows,
    },
    [HOST_REMOTE_ACCESS] = {
        .name = "ewon-ras",
        .vendor = "HMS Industrial Networks",
        .role = "vendor remote-access gateway (eWON)",
        .mac = { 0x00, 0x03, 0x27, 0x1c, 0x44, 0xd2 },
        .ip = 0x0a0a0150, /* 10.10.1.80 */
        .ttl = 64,
        .tcp = &tcp_linux,
    },
    [HOST_SCANNER] = {
        .name = "contractor-laptop",
        .vendor = "Intel",
        .role = "contractor laptop running a port scan",
        .mac = { 0x00, 0x1b, 0x21, 0xe6, 0x0f, 0x55 },
        .ip = 0x0a0a0163, /* 10.10.1.99 */
        .ttl = 64,
        .has_random_ip_id = true,
        .tcp = &tcp_linux,
    },
    [HOST_IT_SQL] = {
        .name = "sqlsrv01",
        .vendor = "(behind router)",
        .role = "IT SQL server for historian data",
        .ip = 0xc0a80a14, /* 192.168.10.20 */
        .ttl = 128,
        .is_remote = true,
        .tcp = &tcp_windows,
        .rtt_us = 900,
    },
    [HOST_VENDOR_CLOUD] = {
        .name = "update.vendor-cloud.example.com",
        .vendor = "(internet)",
        .role = "vendor cloud service",
        .ip = 0xcb007132, /* 203.0.113.50 */
        .ttl = 64,
        .is_remote = true,
        .tcp = &tcp_linux,
        .rtt_us = 31000,
    },
};

static const PlantRecipe plant_recipes[] = {
    { "lldp-switch", recipe_lldp_switch },
    { "dhcp-eng-ws", recipe_dhcp_eng_ws },
    { "arp-refresh", recipe_arp_refresh },
    { "dns-background", recipe_dns_background },
    { "hmi-modbus", recipe_hmi_modbus },
    { "hmi-s7comm", recipe_hmi_s7comm },
    { "hmi-enip", recipe_hmi_enip },
    { "hmi-list-identity", recipe_hmi_list_identity },
    { "eng-modbus-writes", recipe_eng_modbus_writes },
    { "eng-s7-program", recipe_eng_s7_program },
    { "historian", recipe_historian },
    { "remote-access-tls", recipe_remote_access_tls },
    { "scanner", recipe_scanner },
    { "eng-telnet-switch", recipe_eng_telnet_switch },
    { "hmi-smb1-historian", recipe_hmi_smb1_historian },
    { "scanner-arp-spoof", recipe_scanner_arp_spoof },
    { "ot2-cell", recipe_ot2_cell },
    { "ot3-serial", recipe_ot3_serial },
    { "it-identity", recipe_it_identity },
};

uint64_t plant_delay(Rng *rng, uint64_t lo_us, uint64_t hi_us)
{
    /*
     * Two statements on purpose: operands of + (like function arguments)
     * are evaluated in an unspecified order, and gcc and clang differ.
     */
    uint64_t whole_us = rng_range(rng, lo_us, hi_us);
    uint64_t extra_ns = rng_below(rng, 1000);
    return us_ns(whole_us) + extra_ns;
}

bool plant_in_capture(uint64_t t)
{
    return t < sec_ns(PLANT_DURATION_S) - ms_ns(500);
}

void plant_emit(Plant *p, uint64_t t, size_t frame_len)
{
    sched_add(&p->sched, t, p->frame, frame_len);
}

void plant_check_buf(const Buf *b, const char *what)
{
    if (!buf_ok(b)) {
        fprintf(stderr, "otsgen: internal error: %s payload overflows its buffer\n", what);
        abort();
    }
}

static HostId arp_target(HostId target)
{
    return plant_hosts[target].is_remote ? HOST_ROUTER : target;
}

uint64_t plant_arp_resolve(Plant *p, Rng *rng, uint64_t t, HostId asker, HostId target,
                           bool is_unicast)
{
    const Endpoint *a = &p->ep[asker];
    const Endpoint *tg = &p->ep[arp_target(target)];
    size_t len = frame_arp(p->frame, ARP_OP_REQUEST, is_unicast ? tg->mac : MAC_BROADCAST, a->mac,
                           a->ip, MAC_ZERO, tg->ip);
    plant_emit(p, t, len);
    t += plant_delay(rng, 80, 900);
    len = frame_arp(p->frame, ARP_OP_REPLY, a->mac, tg->mac, tg->ip, a->mac, a->ip);
    plant_emit(p, t, len);
    return t;
}

void plant_udp(Plant *p, uint64_t t, HostId src, HostId dst, uint16_t sport, uint16_t dport,
               const Buf *payload)
{
    plant_check_buf(payload, "udp");
    if (plant_hosts[src].is_remote && plant_hosts[dst].is_remote)
        return; /* never crosses this segment */
    FrameAddr a;
    frame_addr_between(&a, &p->ep[src], &p->ep[dst]);
    size_t len = frame_udp(p->frame, &a, sport, dport, payload->p, payload->len);
    plant_emit(p, t, len);
}

uint16_t plant_ephemeral_port(Rng *rng, HostId host)
{
    const TcpProfile *tp = plant_hosts[host].tcp;
    return (uint16_t)rng_range(rng, tp->ephemeral_lo, tp->ephemeral_hi);
}

void plant_tcp_conn(Plant *p, Rng *rng, TcpConn *c, HostId cli, HostId srv, uint16_t srv_port)
{
    uint16_t cli_port = plant_ephemeral_port(rng, cli);
    uint32_t cli_isn = rng_u32(rng);
    uint32_t srv_isn = rng_u32(rng);
    tcpconn_init(c, &p->ep[cli], cli_port, &p->ep[srv], srv_port, cli_isn, srv_isn);
}

static const TcpProfile *profile_of(const Plant *p, const Endpoint *ep)
{
    return plant_hosts[ep - p->ep].tcp;
}

/* Time for an answer from the far side of c: its RTT when remote, else [lan_lo_us, lan_hi_us]. */
static uint64_t round_trip(const Plant *p, Rng *rng, const TcpConn *c, uint64_t lan_lo_us,
                           uint64_t lan_hi_us)
{
    uint32_t rtt_us = plant_hosts[c->srv - p->ep].rtt_us;
    if (rtt_us == 0)
        return plant_delay(rng, lan_lo_us, lan_hi_us);
    return plant_delay(rng, rtt_us, rtt_us + rtt_us / 5);
}

uint64_t plant_tcp_open(Plant *p, Rng *rng, TcpConn *c, uint64_t t)
{
    const TcpProfile *cp = profile_of(p, c->cli);
    const TcpProfile *sp = profile_of(p, c->srv);
    c->cli_win = cp->syn_window;
    c->srv_win = sp->syn_window;
    size_t len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_SYN, cp->syn_opts, cp->syn_opts_len, NULL, 0,
                                 p->frame);
    plant_emit(p, t, len);
    t += round_trip(p, rng, c, 150, 1500);
    /* A server answers only the options it supports; embedded stacks send MSS alone. */
    bool is_scaled = cp->has_wscale && sp->has_wscale;
    const uint8_t *sa_opts = is_scaled ? sp->syn_opts : syn_opts_embedded;
    size_t sa_opts_len = is_scaled ? sp->syn_opts_len : sizeof syn_opts_embedded;
    len = tcpconn_segment(c, TCP_FROM_SRV, TCPF_SYN | TCPF_ACK, sa_opts, sa_opts_len, NULL, 0,
                          p->frame);
    plant_emit(p, t, len);
    t += plant_delay(rng, 60, 400);
    c->cli_win = is_scaled ? cp->window : cp->syn_window;
    c->srv_win = is_scaled ? sp->window : sp->syn_window;
    len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_ACK, NULL, 0, NULL, 0, p->frame);
    plant_emit(p, t, len);
    return t;
}

void plant_tcp_send(Plant *p, TcpConn *c, TcpSide from, uint64_t t, const Buf *payload)
{
    plant_check_buf(payload, "tcp");
    size_t len = tcpconn_data(c, from, payload->p, payload->len, p->frame);
    plant_emit(p, t, len);
}

uint64_t plant_tcp_exchange(Plant *p, Rng *rng, TcpConn *c, uint64_t t, const Buf *req,
                            const Buf *rsp, uint64_t lo_us, uint64_t hi_us)
{
    plant_tcp_send(p, c, TCP_FROM_CLI, t, req);
    t += plant_delay(rng, lo_us, hi_us);
    plant_tcp_send(p, c, TCP_FROM_SRV, t, rsp);
    return t;
}

uint64_t plant_tcp_close(Plant *p, Rng *rng, TcpConn *c, uint64_t t, TcpSide closer)
{
    TcpSide other = closer == TCP_FROM_CLI ? TCP_FROM_SRV : TCP_FROM_CLI;
    size_t len = tcpconn_segment(c, closer, TCPF_FIN | TCPF_ACK, NULL, 0, NULL, 0, p->frame);
    plant_emit(p, t, len);
    t += round_trip(p, rng, c, 200, 2000);
    len = tcpconn_segment(c, other, TCPF_FIN | TCPF_ACK, NULL, 0, NULL, 0, p->frame);
    plant_emit(p, t, len);
    t += plant_delay(rng, 60, 400);
    len = tcpconn_segment(c, closer, TCPF_ACK, NULL, 0, NULL, 0, p->frame);
    plant_emit(p, t, len);
    return t;
}

/* FNV-1a: seeds a recipe's stream from its name, independent of its place in the list. */
static uint64_t name_hash(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *name; name++) {
        h ^= (uint8_t)*name;
        h *= 0x100000001b3ull;
    }
    return h;
}

static void init_endpoints(Plant *p, Rng *rng)
{
    const HostDesc *router = &plant_hosts[HOST_ROUTER];
    for (size_t i = 0; i < HOST_COUNT; i++) {
        const HostDesc *h = &plant_hosts[i];
        Endpoint *ep = &p->ep[i];
        /* Off-segment hosts are seen with the router's MAC and one hop less TTL. */
        memcpy(ep->mac, h->is_remote ? router->mac : h->mac, MAC_LEN);
        ep->ip = h->ip;
        ep->ttl = (uint8_t)(h->is_remote ? h->ttl - (i == HOST_VENDOR_CLOUD ? 12 : 1) : h->ttl);
        ep->is_df = h->tcp != &tcp_embedded;
        ep->ip_id = rng_u16(rng);
    }
}

static const Endpoint *endpoint_by_ip(const Plant *p, uint32_t ip)
{
    for (size_t i = 0; i < HOST_COUNT; i++) {
        if (p->ep[i].ip == ip)
            return &p->ep[i];
    }
    return NULL;
}

/*
 * Give each sender's IPv4 packets consecutive ids in capture order, as a
 * per-host counter would, then fix the header checksum. Raw-socket senders
 * (the scanner) and unconfigured ones (DHCP from 0.0.0.0) keep theirs.
 */
static void renumber_ip_ids(Plant *p, Rng *rng)
{
    uint16_t next_id[HOST_COUNT];
    for (size_t i = 0; i < HOST_COUNT; i++)
        next_id[i] = rng_u16(rng);
    for (size_t i = 0; i < p->sched.ent_count; i++) {
        size_t len;
        uint8_t *f = sched_frame(&p->sched, i, &len);
        if (len < ETH_HDR_LEN + IPV4_HDR_LEN || f[12] != 0x08 || f[13] != 0x00)
            continue;
        uint8_t *ip = f + ETH_HDR_LEN;
        uint32_t src =
            ((uint32_t)ip[12] << 24) | ((uint32_t)ip[13] << 16) | ((uint32_t)ip[14] << 8) | ip[15];
        const Endpoint *ep = endpoint_by_ip(p, src);
        if (ep == NULL)
            continue;
        size_t host = (size_t)(ep - p->ep);
        if (plant_hosts[host].has_random_ip_id)
            continue;
        uint16_t id = next_id[host]++;
        ip[4] = (uint8_t)(id >> 8);
        ip[5] = (uint8_t)id;
        ip[10] = 0;
        ip[11] = 0;
        uint16_t csum = inet_checksum(ip, IPV4_HDR_LEN);
        ip[10] = (uint8_t)(csum >> 8);
        ip[11] = (uint8_t)csum;
    }
}

bool plant_generate(const char *path)
{
    static Plant plant; /* large scratch; static keeps it off the stack */
    Plant *p = &plant;
    memset(p, 0, sizeof *p);
    sched_init(&p->sched);

    Rng setup_rng;
    rng_seed(&setup_rng, PLANT_SEED);
    init_endpoints(p, &setup_rng);

    for (size_t i = 0; i < sizeof plant_recipes / sizeof plant_recipes[0]; i++) {
        Rng rng;
        rng_seed(&rng, PLANT_SEED ^ name_hash(plant_recipes[i].name));
        plant_recipes[i].run(p, &rng);
    }

    sched_sort(&p->sched);
    renumber_ip_ids(p, &setup_rng);

    PcapWriter w;
    if (!pcapw_open(&w, path, 1u << 20)) {
        fprintf(stderr, "otsgen: %s\n", w.err_msg);
        sched_free(&p->sched);
        return false;
    }
    sched_write(&p->sched, &w, sec_ns(PLANT_START_EPOCH_S));
    bool is_ok = pcapw_close(&w);
    if (!is_ok)
        fprintf(stderr, "otsgen: %s: %s\n", path, w.err_msg);
    sched_free(&p->sched);
    return is_ok;
}
