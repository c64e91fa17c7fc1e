/*
 * bench.c - "otsgen bench": a large, OT-heavy synthetic capture, streamed.
 *
 * HOSTS hosts share one /16 (10.20.0.0): host 0 is the gateway and
 * DNS/NTP server, a fifth are PLCs (Modbus/TCP, S7comm or EtherNet/IP by
 * index), the rest are HMI/SCADA clients that each hold a few long-lived
 * TCP sessions to PLCs. Each event advances one session by one packet
 * (handshake once, protocol setup once, then request/response forever) or
 * emits one UDP/ARP exchange, so packets interleave like a busy plant
 * network while the flow count stays in the thousands.
 *
 * Packet mix: ~50 % Modbus, ~20 % S7comm, ~15 % EtherNet/IP/CIP, ~15 %
 * DNS, ARP and NTP. Frames are built straight into the pcap writer's
 * buffer: no allocation per packet, memory fixed by HOSTS alone. The same
 * arguments always give the same bytes. It is a load generator, not a
 * realism exercise: values are random and nothing ever closes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#endif

#include "bench.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen-buf.h"
#include "gen-dns.h"
#include "gen-enip.h"
#include "gen-frame.h"
#include "gen-modbus.h"
#include "gen-pcap.h"
#include "gen-rng.h"
#include "gen-s7comm.h"

#define BENCH_START_EPOCH_S 1709625600ull /* 2024-03-05T08:00:00Z, like the plant */
#define BENCH_DEFAULT_PACKETS 1000000ull
#define BENCH_DEFAULT_HOSTS 2000u
#define BENCH_DEFAULT_SEED 0xbe0c4ull
#define BENCH_MIN_HOSTS 8u
#define BENCH_MAX_HOSTS 60000u /* 250 per /24 inside one /16 */
#define BENCH_SESSIONS_PER_CLIENT 4u
/* Mean gap 100 us: 10 k packets/s of capture time, a busy plant backbone.
 * Flow memory is bounded by new-flow rate x idle timeout, so the rate (not
 * the packet count) sets the flow table's steady size. */
#define BENCH_MAX_GAP_NS 200000u
#define BENCH_WRITE_BUF_LEN (8u << 20)

typedef enum BenchProto { BP_MODBUS, BP_S7COMM, BP_ENIP, BP_COUNT } BenchProto;

/* Session life: handshake, per-protocol setup exchanges, then request/response. */
typedef enum SessState {
    ST_SYN,
    ST_SYNACK,
    ST_ACK,
    ST_SETUP1_REQ, /* S7: COTP CR/CC; ENIP: RegisterSession */
    ST_SETUP1_RSP,
    ST_SETUP2_REQ, /* S7: Setup Communication */
    ST_SETUP2_RSP,
    ST_REQ,
    ST_RSP,
} SessState;

typedef struct BenchSession {
    TcpConn conn;
    uint8_t proto;
    uint8_t state;
    uint8_t fc;     /* Modbus function of the pending request */
    uint8_t qty;    /* registers/bytes asked for by the pending request */
    uint16_t txn;   /* Modbus transaction id / S7 PDU reference */
    uint16_t start; /* first register or byte of the pending request */
    uint32_t enip_session;
    uint32_t enip_context;
    uint32_t client_host; /* index into hosts */
    uint32_t server_host;
} BenchSession;

typedef struct BenchArgs {
    uint64_t packet_count;
    uint32_t host_count;
    uint64_t seed;
    const char *out_path;
} BenchArgs;

typedef struct Bench {
    Rng rng;
    PcapWriter w;
    uint64_t t_ns;
    uint64_t written;
    Endpoint *hosts;
    uint32_t host_count;
    uint32_t plc_count; /* hosts 1..plc_count are PLCs */
    BenchSession *sessions;
    uint32_t session_count;
    uint32_t *by_proto[BP_COUNT]; /* session indices per protocol */
    uint32_t by_proto_count[BP_COUNT];
} Bench;

/* Event weights per mille; UDP events emit two packets, hence the half weight. */
static const uint16_t event_weights[BP_COUNT + 1] = { 538, 215, 161, 86 };

static const uint8_t oui_by_proto[BP_COUNT][3] = {
    { 0x00, 0x80, 0xf4 }, /* Schneider (Telemecanique) */
    { 0x00, 0x1b, 0x1b }, /* Siemens */
    { 0x00, 0x00, 0xbc }, /* Rockwell */
};
static const uint8_t oui_clients[2][3] = { { 0x00, 0x14, 0x22 }, { 0x3c, 0xd9, 0x2b } };
static const uint8_t oui_gateway[3] = { 0x00, 0x1a, 0xa1 };
static const uint8_t syn_opts_client[] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
                                           0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };
static const uint8_t syn_opts_plc[] = { 0x02, 0x04, 0x05, 0xb4 };

static BenchProto plc_proto(uint32_t host)
{
    uint32_t slot = host % 17; /* 10:4:3 keeps the packet mix near 50:20:15 */
    return slot < 10 ? BP_MODBUS : slot < 14 ? BP_S7COMM : BP_ENIP;
}

static void init_host(Bench *b, uint32_t i)
{
    Endpoint *ep = &b->hosts[i];
    const uint8_t *oui = i == 0              ? oui_gateway
                         : i <= b->plc_count ? oui_by_proto[plc_proto(i)]
                                             : oui_clients[i & 1];
    memcpy(ep->mac, oui, 3);
    ep->mac[3] = (uint8_t)(i >> 16);
    ep->mac[4] = (uint8_t)(i >> 8);
    ep->mac[5] = (uint8_t)i;
    ep->ip = ipv4(10, 20, i / 250, i % 250 + 1);
    ep->ttl = i == 0 ? 255 : i <= b->plc_count ? 64 : 128;
    ep->is_df = i > b->plc_count;
    ep->ip_id = rng_u16(&b->rng);
}

static bool bench_init(Bench *b, const BenchArgs *a)
{
    memset(b, 0, sizeof *b);
    rng_seed(&b->rng, a->seed);
    b->host_count = a->host_count;
    b->plc_count = a->host_count / 5;
    uint32_t client_count = b->host_count - 1 - b->plc_count;
    b->session_count = client_count * BENCH_SESSIONS_PER_CLIENT;
    b->hosts = calloc(b->host_count, sizeof *b->hosts);
    b->sessions = calloc(b->session_count, sizeof *b->sessions);
    for (int p = 0; p < BP_COUNT; p++)
        b->by_proto[p] = calloc(b->session_count, sizeof *b->by_proto[p]);
    if (!b->hosts || !b->sessions || !b->by_proto[0] || !b->by_proto[1] || !b->by_proto[2]) {
        fprintf(stderr, "otsgen: bench: out of memory\n");
        return false;
    }
    for (uint32_t i = 0; i < b->host_count; i++)
        init_host(b, i);

    /* Each client polls BENCH_SESSIONS_PER_CLIENT PLCs spread over the PLC range. */
    uint32_t stride = b->plc_count / BENCH_SESSIONS_PER_CLIENT + 1;
    for (uint32_t c = 0; c < client_count; c++) {
        uint32_t cli = 1 + b->plc_count + c;
        uint32_t base = rng_below(&b->rng, b->plc_count);
        for (uint32_t j = 0; j < BENCH_SESSIONS_PER_CLIENT; j++) {
            uint32_t srv = 1 + (base + j * stride) % b->plc_count;
            uint32_t idx = c * BENCH_SESSIONS_PER_CLIENT + j;
            BenchSession *s = &b->sessions[idx];
            BenchProto p = plc_proto(srv);
            uint16_t port = p == BP_MODBUS ? MODBUS_PORT : p == BP_S7COMM ? S7_PORT : ENIP_PORT;
            uint16_t cli_port = (uint16_t)rng_range(&b->rng, 49152, 65535);
            uint32_t cli_isn = rng_u32(&b->rng); /* one draw per statement: see plant_delay */
            uint32_t srv_isn = rng_u32(&b->rng);
            tcpconn_init(&s->conn, &b->hosts[cli], cli_port, &b->hosts[srv], port, cli_isn,
                         srv_isn);
            s->proto = (uint8_t)p;
            s->txn = rng_u16(&b->rng);
            s->client_host = cli;
            s->server_host = srv;
            b->by_proto[p][b->by_proto_count[p]++] = idx;
        }
    }
    return true;
}

static void bench_free(Bench *b)
{
    free(b->hosts);
    free(b->sessions);
    for (int p = 0; p < BP_COUNT; p++)
        free(b->by_proto[p]);
}

static void advance_time(Bench *b)
{
    b->t_ns += 1 + rng_below(&b->rng, BENCH_MAX_GAP_NS);
}

static void commit(Bench *b, size_t len)
{
    advance_time(b);
    pcapw_commit(&b->w, b->t_ns, len);
    b->written++;
}

static void fill_regs(Rng *rng, uint16_t *regs, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint64_t r = rng_next(rng);
        for (size_t k = 0; k < 4 && i + k < n; k++)
            regs[i + k] = (uint16_t)(r >> (16 * k)) & 0x0fff;
    }
}

/* Request or response payload for a session in steady state. */
static void modbus_payload(Bench *b, BenchSession *s, bool is_req, Buf *pl)
{
    uint16_t regs[64];
    if (is_req) {
        s->txn++;
        s->fc =
            rng_below(&b->rng, 4) == 0 ? MODBUS_FC_READ_INPUT_REGS : MODBUS_FC_READ_HOLDING_REGS;
        s->qty = (uint8_t)(4 + rng_below(&b->rng, 29));
        s->start = (uint16_t)(rng_below(&b->rng, 40) * 10);
        modbus_read_req(pl, s->txn, 1, s->fc, s->start, s->qty);
    } else {
        fill_regs(&b->rng, regs, s->qty);
        modbus_read_regs_rsp(pl, s->txn, 1, s->fc, regs, s->qty);
    }
}

static void s7_payload(Bench *b, BenchSession *s, SessState st, Buf *pl)
{
    uint8_t values[64];
    S7Item item = { S7_AREA_DB, (uint16_t)(1 + s->start % 20), s->start, s->qty };
    switch (st) {
    case ST_SETUP1_REQ:
        cotp_connect_request(pl, (uint16_t)(1 + (s->txn & 0x7fff)), 0x0200, 0x0102,
                             COTP_TPDU_SIZE_1024);
        break;
    case ST_SETUP1_RSP:
        cotp_connect_confirm(pl, (uint16_t)(1 + (s->txn & 0x7fff)), 0x4401, 0x0200, 0x0102,
                             COTP_TPDU_SIZE_1024);
        break;
    case ST_SETUP2_REQ:
        s7_setup_comm(pl, S7_ROSCTR_JOB, s->txn, 1, 480);
        break;
    case ST_SETUP2_RSP:
        s7_setup_comm(pl, S7_ROSCTR_ACK_DATA, s->txn, 1, 240);
        break;
    case ST_REQ:
        s->txn++;
        s->start = (uint16_t)(rng_below(&b->rng, 64) * 4);
        s->qty = (uint8_t)(4 + 2 * rng_below(&b->rng, 15));
        item.db = (uint16_t)(1 + s->start % 20);
        item.byte_addr = s->start;
        item.byte_count = s->qty;
        s7_read_var_job(pl, s->txn, &item, 1);
        break;
    default:
        rng_fill(&b->rng, values, s->qty);
        s7_read_var_ack(pl, s->txn, &item, 1, values);
        break;
    }
}

static void enip_payload(Bench *b, BenchSession *s, SessState st, Buf *pl)
{
    static const char *const tags[] = { "Tank1_Level", "Line1_Speed", "Pump3_Amps", "Valve7_Pos" };
    switch (st) {
    case ST_SETUP1_REQ:
        enip_register_session_req(pl, s->enip_context);
        break;
    case ST_SETUP1_RSP:
        s->enip_session = rng_u32(&b->rng) | 1u;
        enip_register_session_rsp(pl, s->enip_session, s->enip_context);
        break;
    case ST_REQ:
        s->enip_context++;
        s->qty = (uint8_t)rng_below(&b->rng, 4);
        enip_read_tag_req(pl, s->enip_session, s->enip_context, tags[s->qty]);
        break;
    default:
        enip_read_tag_real_rsp(pl, s->enip_session, s->enip_context,
                               0x42000000u | (rng_u32(&b->rng) >> 12));
        break;
    }
}

static SessState next_state(const BenchSession *s)
{
    switch ((SessState)s->state) {
    case ST_SYN:
        return ST_SYNACK;
    case ST_SYNACK:
        return ST_ACK;
    case ST_ACK:
        return s->proto == BP_MODBUS ? ST_REQ : ST_SETUP1_REQ;
    case ST_SETUP1_REQ:
        return ST_SETUP1_RSP;
    case ST_SETUP1_RSP:
        return s->proto == BP_S7COMM ? ST_SETUP2_REQ : ST_REQ;
    case ST_SETUP2_REQ:
        return ST_SETUP2_RSP;
    case ST_SETUP2_RSP:
    case ST_RSP:
        return ST_REQ;
    case ST_REQ:
        return ST_RSP;
    }
    return ST_REQ;
}

/* Emit the next packet of session s. */
static void session_step(Bench *b, BenchSession *s)
{
    uint8_t *out = pcapw_reserve(&b->w, FRAME_MAX_LEN);
    SessState st = (SessState)s->state;
    size_t len;
    TcpConn *c = &s->conn;

    if (st == ST_SYN) {
        len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_SYN, syn_opts_client, sizeof syn_opts_client,
                              NULL, 0, out);
    } else if (st == ST_SYNACK) {
        len = tcpconn_segment(c, TCP_FROM_SRV, TCPF_SYN | TCPF_ACK, syn_opts_plc,
                              sizeof syn_opts_plc, NULL, 0, out);
    } else if (st == ST_ACK) {
        len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_ACK, NULL, 0, NULL, 0, out);
    } else {
        bool is_req = st == ST_REQ || st == ST_SETUP1_REQ || st == ST_SETUP2_REQ;
        Buf pl;
        buf_init(&pl, out + FRAME_TCP_PAYLOAD_OFF, FRAME_TCP_PAYLOAD_MAX);
        if (s->proto == BP_MODBUS)
            modbus_payload(b, s, is_req, &pl);
        else if (s->proto == BP_S7COMM)
            s7_payload(b, s, st, &pl);
        else
            enip_payload(b, s, st, &pl);
        len = tcpconn_data(c, is_req ? TCP_FROM_CLI : TCP_FROM_SRV, pl.p, pl.len, out);
    }
    s->state = (uint8_t)next_state(s);
    commit(b, len);
}

static uint32_t random_client(Bench *b)
{
    return 1 + b->plc_count + rng_below(&b->rng, b->host_count - 1 - b->plc_count);
}

/* UDP request from client to the gateway's service and its answer. */
static void udp_pair(Bench *b, uint32_t cli, uint16_t dport, const Buf *req, const Buf *rsp)
{
    Endpoint *c = &b->hosts[cli];
    Endpoint *gw = &b->hosts[0];
    uint16_t sport = (uint16_t)rng_range(&b->rng, 49152, 65535);
    FrameAddr a;
    uint8_t *out = pcapw_reserve(&b->w, FRAME_MAX_LEN);
    frame_addr_between(&a, c, gw);
    commit(b, frame_udp(out, &a, sport, dport, req->p, req->len));
    out = pcapw_reserve(&b->w, FRAME_MAX_LEN);
    frame_addr_between(&a, gw, c);
    commit(b, frame_udp(out, &a, dport, sport, rsp->p, rsp->len));
}

static void dns_event(Bench *b)
{
    uint8_t q_mem[256];
    uint8_t r_mem[256];
    char name[64];
    Buf q;
    Buf r;
    DnsMsg m;
    uint32_t target = 1 + rng_below(&b->rng, b->plc_count);
    uint16_t id = rng_u16(&b->rng);
    snprintf(name, sizeof name, "plc-%05" PRIu32 ".bench.internal", target);
    buf_init(&q, q_mem, sizeof q_mem);
    dns_begin(&m, &q, id, DNS_FLAGS_QUERY);
    dns_question(&m, name, DNS_TYPE_A);
    dns_end(&m);
    buf_init(&r, r_mem, sizeof r_mem);
    dns_begin(&m, &r, id, DNS_FLAGS_RESPONSE);
    dns_question(&m, name, DNS_TYPE_A);
    dns_answer_a(&m, name, 3600, b->hosts[target].ip);
    dns_end(&m);
    udp_pair(b, random_client(b), DNS_PORT, &q, &r);
}

static void ntp_event(Bench *b)
{
    uint8_t req_mem[48] = { 0x23 };        /* LI 0, version 4, mode 3 (client) */
    uint8_t rsp_mem[48] = { 0x24, 2, 6 };  /* mode 4 (server), stratum 2, poll 6 */
    rng_fill(&b->rng, req_mem + 40, 8);    /* transmit timestamp */
    memcpy(rsp_mem + 24, req_mem + 40, 8); /* origin = client's transmit */
    rng_fill(&b->rng, rsp_mem + 32, 16);
    Buf req = { req_mem, sizeof req_mem, sizeof req_mem, false };
    Buf rsp = { rsp_mem, sizeof rsp_mem, sizeof rsp_mem, false };
    udp_pair(b, random_client(b), 123, &req, &rsp);
}

/* A client resolving one of its own peers (a PLC it polls, or the
 * gateway one time in five), as ARP caches expire on a real segment. */
static void arp_event(Bench *b)
{
    const BenchSession *s = &b->sessions[rng_below(&b->rng, b->session_count)];
    const Endpoint *asker = &b->hosts[s->client_host];
    uint32_t peer = rng_below(&b->rng, 5) == 0 ? 0 : s->server_host;
    const Endpoint *target = &b->hosts[peer];
    uint8_t *out = pcapw_reserve(&b->w, FRAME_MAX_LEN);
    commit(b, frame_arp(out, ARP_OP_REQUEST, MAC_BROADCAST, asker->mac, asker->ip, MAC_ZERO,
                        target->ip));
    out = pcapw_reserve(&b->w, FRAME_MAX_LEN);
    commit(b, frame_arp(out, ARP_OP_REPLY, asker->mac, target->mac, target->ip, asker->mac,
                        asker->ip));
}

static void other_event(Bench *b)
{
    uint32_t r = rng_below(&b->rng, 10);
    if (r < 5)
        dns_event(b);
    else if (r < 8)
        arp_event(b);
    else
        ntp_event(b);
}

static BenchProto pick_proto(uint32_t roll)
{
    uint32_t acc = 0;
    for (int p = 0; p < BP_COUNT; p++) {
        acc += event_weights[p];
        if (roll < acc)
            return (BenchProto)p;
    }
    return BP_COUNT;
}

static void bench_run(Bench *b, uint64_t packet_count)
{
    while (b->written < packet_count) {
        BenchProto p = pick_proto(rng_below(&b->rng, 1000));
        if (p == BP_COUNT && packet_count - b->written >= 2) {
            other_event(b);
            continue;
        }
        if (p == BP_COUNT || b->by_proto_count[p] == 0)
            p = BP_MODBUS; /* the last odd packet, or a protocol no PLC got */
        if (b->by_proto_count[p] == 0)
            p = b->by_proto_count[BP_S7COMM] ? BP_S7COMM : BP_ENIP;
        uint32_t idx = b->by_proto[p][rng_below(&b->rng, b->by_proto_count[p])];
        session_step(b, &b->sessions[idx]);
    }
}

static bool parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_args(int argc, char **argv, BenchArgs *a)
{
    uint64_t v;
    *a = (BenchArgs){ BENCH_DEFAULT_PACKETS, BENCH_DEFAULT_HOSTS, BENCH_DEFAULT_SEED, NULL };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (val == NULL) {
            fprintf(stderr, "otsgen: bench: %s needs a value\n", opt);
            return false;
        }
        i++;
        if (strcmp(opt, "-o") == 0) {
            a->out_path = val;
        } else if (strcmp(opt, "-n") == 0 && parse_u64(val, 1, UINT64_MAX / 2, &v)) {
            a->packet_count = v;
        } else if (strcmp(opt, "-H") == 0 && parse_u64(val, BENCH_MIN_HOSTS, BENCH_MAX_HOSTS, &v)) {
            a->host_count = (uint32_t)v;
        } else if (strcmp(opt, "-s") == 0 && parse_u64(val, 0, UINT64_MAX, &v)) {
            a->seed = v;
        } else {
            fprintf(stderr, "otsgen: bench: bad option or value: %s %s (hosts %u..%u)\n", opt, val,
                    BENCH_MIN_HOSTS, BENCH_MAX_HOSTS);
            return false;
        }
    }
    if (a->out_path == NULL) {
        fprintf(stderr, "otsgen: bench: -o FILE is required\n");
        return false;
    }
    return true;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_main(int argc, char **argv)
{
    BenchArgs a;
    if (!parse_args(argc, argv, &a))
        return 2;
    static Bench bench;
    Bench *b = &bench;
    if (!bench_init(b, &a)) {
        bench_free(b);
        return 3;
    }
    if (!pcapw_open(&b->w, a.out_path, BENCH_WRITE_BUF_LEN)) {
        fprintf(stderr, "otsgen: bench: %s\n", b->w.err_msg);
        bench_free(b);
        return 3;
    }
    b->t_ns = BENCH_START_EPOCH_S * 1000000000ull;

    double t0 = now_s();
    bench_run(b, a.packet_count);
    uint64_t bytes = b->w.byte_count;
    bool is_ok = pcapw_close(&b->w);
    double secs = now_s() - t0;
    if (!is_ok) {
        fprintf(stderr, "otsgen: bench: %s: %s\n", a.out_path, b->w.err_msg);
        bench_free(b);
        return 3;
    }
    fprintf(stderr,
            "otsgen: bench: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu32 " hosts, %" PRIu32
            " tcp sessions -> %s in %.3f s (%.0f packets/s)\n",
            b->written, bytes, b->host_count, b->session_count, a.out_path, secs,
            secs > 0 ? (double)b->written / secs : 0.0);
    bench_free(b);
    return 0;
}
