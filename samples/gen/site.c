/*
 * site.c - the before/after scenario (site.h): one Modbus/TCP cell,
 * "line 2" on 10.10.2.0/24, captured for 8 minutes on 2024-03-05 from
 * 09:00:00Z ("before", the known-good baseline) and again a week later
 * on 2024-03-12 ("after").
 *
 *   host      IP           MAC                vendor (OUI)         what
 *   plc-a     10.10.2.10   00:80:f4:12:0a:10  Schneider (Telem.)   M340, FC43/14 identity
 *   plc-b     10.10.2.20   00:80:f4:12:0a:20  Schneider (Telem.)   Modbus server
 *   hmi-02    10.10.2.50   00:14:22:12:0a:50  Dell                 polls plc-a 1 s, plc-b 2 s
 *   eng-ws02  10.10.2.60   3c:d9:2b:12:0a:60  HP                   reads plc-a's identity at 30 s
 *   hist-02   10.10.2.70   00:00:a8:12:0a:70  Stratus              polls plc-a 10 s
 *   laptop    10.10.2.120  00:1b:21:12:0a:78  Intel                after only
 *
 * Both captures: HMI polling (FC3 registers 0-9 of plc-a every second,
 * FC3 registers 100-103 of plc-b every 2 s), the historian's FC4 0-7
 * from plc-a, the engineering station's Read Device Identification of
 * plc-a at 30 s.  What changed in "after":
 *   - plc-a answers firmware v2.90 instead of v2.80 (an update);
 *   - the HMI stops polling plc-b at 180 s (FIN; the loop never resumes);
 *   - the HMI writes plc-a's registers 20-21 (FC16) at 240 s, a function
 *     that pair never used;
 *   - a laptop appears at 300 s, reads plc-a and writes register 5 (FC6)
 *     and registers 20-23 (FC16): a new Modbus write path;
 *   - the historian polls every 2 s instead of every 10 s.
 * The expected findings, diff and ledger reconciliation are the files of
 * tests/baseline/site/.  Deterministic like the plant: each recipe has
 * its own random stream seeded from its name; IP ids are numbered per
 * sender in capture order at the end.
 */
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen-buf.h"
#include "gen-frame.h"
#include "gen-modbus.h"
#include "gen-pcap.h"
#include "gen-rng.h"
#include "gen-sched.h"

#define SITE_BEFORE_EPOCH_S 1709629200ull /* 2024-03-05T09:00:00Z */
#define SITE_WEEK_S (7ull * 24 * 3600)
#define SITE_DURATION_S 480u
#define SITE_SEED 0x5173b3f0a2024ull

enum {
    SITE_UNIT = 1,
    SITE_REG_COUNT = 10,
    SITE_PLC_B_REG = 100,
    SITE_PLC_B_REG_COUNT = 4,
    SITE_HIST_REG_COUNT = 8,
    SITE_PAYLOAD_MAX = 300,
    SITE_HMI_STOP_S = 180,
    SITE_HMI_WRITE_S = 240,
    SITE_LAPTOP_AT_S = 300,
    SITE_IDENTITY_AT_S = 30,
};

typedef enum SiteHost {
    SITE_PLC_A,
    SITE_PLC_B,
    SITE_HMI,
    SITE_ENG,
    SITE_HIST,
    SITE_LAPTOP,
    SITE_HOST_COUNT
} SiteHost;

typedef struct SiteHostDesc {
    uint8_t mac[MAC_LEN];
    uint32_t ip;
    uint8_t ttl;
    uint16_t ephemeral_lo;
} SiteHostDesc;

static const SiteHostDesc site_hosts[SITE_HOST_COUNT] = {
    [SITE_PLC_A] = { { 0x00, 0x80, 0xf4, 0x12, 0x0a, 0x10 }, 0x0a0a020a, 64, 1024 },
    [SITE_PLC_B] = { { 0x00, 0x80, 0xf4, 0x12, 0x0a, 0x20 }, 0x0a0a0214, 64, 1024 },
    [SITE_HMI] = { { 0x00, 0x14, 0x22, 0x12, 0x0a, 0x50 }, 0x0a0a0232, 128, 49152 },
    [SITE_ENG] = { { 0x3c, 0xd9, 0x2b, 0x12, 0x0a, 0x60 }, 0x0a0a023c, 128, 49152 },
    [SITE_HIST] = { { 0x00, 0x00, 0xa8, 0x12, 0x0a, 0x70 }, 0x0a0a0246, 128, 49152 },
    [SITE_LAPTOP] = { { 0x00, 0x1b, 0x21, 0x12, 0x0a, 0x78 }, 0x0a0a0278, 64, 32768 },
};

/* MSS only: enough for a handshake the dissectors and tshark accept. */
static const uint8_t syn_opts[] = { 0x02, 0x04, 0x05, 0xb4 };

typedef struct Site {
    Sched sched;
    Endpoint ep[SITE_HOST_COUNT];
    uint8_t frame[FRAME_MAX_LEN];
    bool is_after;
} Site;

static uint64_t ms_ns(uint64_t ms)
{
    return ms * 1000000ull;
}

static uint64_t sec_ns(uint64_t s)
{
    return s * 1000000000ull;
}

/* A random delay in [lo_us, hi_us] microseconds plus sub-microsecond noise
 * (two statements: argument evaluation order is unspecified). */
static uint64_t delay(Rng *rng, uint64_t lo_us, uint64_t hi_us)
{
    uint64_t whole_us = rng_range(rng, lo_us, hi_us);
    uint64_t extra_ns = rng_below(rng, 1000);
    return whole_us * 1000ull + extra_ns;
}

static void emit(Site *s, uint64_t t, size_t len)
{
    if (t < sec_ns(SITE_DURATION_S))
        sched_add(&s->sched, t, s->frame, len);
}

static void check_buf(const Buf *b)
{
    if (!buf_ok(b)) {
        fprintf(stderr, "otsgen: internal error: site payload overflows its buffer\n");
        abort();
    }
}

static uint64_t arp_resolve(Site *s, Rng *rng, uint64_t t, SiteHost asker, SiteHost target)
{
    const Endpoint *a = &s->ep[asker];
    const Endpoint *tg = &s->ep[target];
    emit(s, t, frame_arp(s->frame, ARP_OP_REQUEST, MAC_BROADCAST, a->mac, a->ip, MAC_ZERO, tg->ip));
    t += delay(rng, 80, 900);
    emit(s, t, frame_arp(s->frame, ARP_OP_REPLY, a->mac, tg->mac, tg->ip, a->mac, a->ip));
    return t;
}

static uint64_t tcp_open(Site *s, Rng *rng, TcpConn *c, SiteHost cli, SiteHost srv, uint64_t t)
{
    uint16_t lo = site_hosts[cli].ephemeral_lo;
    uint16_t port = (uint16_t)rng_range(rng, lo, lo + 8000u);
    uint32_t cli_isn = rng_u32(rng);
    uint32_t srv_isn = rng_u32(rng);
    tcpconn_init(c, &s->ep[cli], port, &s->ep[srv], MODBUS_PORT, cli_isn, srv_isn);
    c->cli_win = 64240;
    c->srv_win = 8192;
    emit(s, t,
         tcpconn_segment(c, TCP_FROM_CLI, TCPF_SYN, syn_opts, sizeof syn_opts, NULL, 0, s->frame));
    t += delay(rng, 150, 1200);
    emit(s, t,
         tcpconn_segment(c, TCP_FROM_SRV, TCPF_SYN | TCPF_ACK, syn_opts, sizeof syn_opts, NULL, 0,
                         s->frame));
    t += delay(rng, 60, 400);
    emit(s, t, tcpconn_segment(c, TCP_FROM_CLI, TCPF_ACK, NULL, 0, NULL, 0, s->frame));
    return t;
}

/* Request at t, response after 1-6 ms; returns the response's time. */
static uint64_t exchange(Site *s, Rng *rng, TcpConn *c, uint64_t t, const Buf *req, const Buf *rsp)
{
    check_buf(req);
    check_buf(rsp);
    emit(s, t, tcpconn_data(c, TCP_FROM_CLI, req->p, req->len, s->frame));
    t += delay(rng, 1000, 6000);
    emit(s, t, tcpconn_data(c, TCP_FROM_SRV, rsp->p, rsp->len, s->frame));
    return t;
}

static uint64_t tcp_close(Site *s, Rng *rng, TcpConn *c, uint64_t t)
{
    emit(s, t, tcpconn_segment(c, TCP_FROM_CLI, TCPF_FIN | TCPF_ACK, NULL, 0, NULL, 0, s->frame));
    t += delay(rng, 200, 2000);
    emit(s, t, tcpconn_segment(c, TCP_FROM_SRV, TCPF_FIN | TCPF_ACK, NULL, 0, NULL, 0, s->frame));
    t += delay(rng, 60, 400);
    emit(s, t, tcpconn_segment(c, TCP_FROM_CLI, TCPF_ACK, NULL, 0, NULL, 0, s->frame));
    return t;
}

/* One FC3/FC4 read of count registers from start; values drift slowly. */
static uint64_t read_regs(Site *s, Rng *rng, TcpConn *c, uint64_t t, uint16_t tid, uint8_t fc,
                          uint16_t start, size_t count)
{
    uint8_t req_mem[SITE_PAYLOAD_MAX];
    uint8_t rsp_mem[SITE_PAYLOAD_MAX];
    uint16_t regs[SITE_REG_COUNT];
    Buf req;
    Buf rsp;
    for (size_t i = 0; i < count && i < SITE_REG_COUNT; i++) {
        uint16_t noise = (uint16_t)rng_below(rng, 8);
        regs[i] = (uint16_t)(1000 + start + 10 * i + noise);
    }
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_read_req(&req, tid, SITE_UNIT, fc, start, (uint16_t)count);
    modbus_read_regs_rsp(&rsp, tid, SITE_UNIT, fc, regs, count);
    return exchange(s, rng, c, t, &req, &rsp);
}

static uint64_t write_regs(Site *s, Rng *rng, TcpConn *c, uint64_t t, uint16_t tid,
                           uint16_t start, const uint16_t *regs, size_t count)
{
    uint8_t req_mem[SITE_PAYLOAD_MAX];
    uint8_t rsp_mem[SITE_PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_write_multi_regs_req(&req, tid, SITE_UNIT, start, regs, count);
    modbus_write_multi_regs_rsp(&rsp, tid, SITE_UNIT, start, (uint16_t)count);
    return exchange(s, rng, c, t, &req, &rsp);
}

/* A client polling one server every period_ms from start_ms until
 * stop_s (closing the connection then) or the end of the capture. */
static void poll_loop(Site *s, Rng *rng, SiteHost cli, SiteHost srv, uint64_t start_ms,
                      uint64_t period_ms, uint8_t fc, uint16_t reg, size_t count, uint64_t stop_s)
{
    TcpConn c;
    uint64_t t = arp_resolve(s, rng, ms_ns(start_ms), cli, srv);
    t = tcp_open(s, rng, &c, cli, srv, t + delay(rng, 100, 400));
    uint16_t tid = 0;
    uint64_t tick = t + ms_ns(period_ms / 2);
    for (; tick < sec_ns(stop_s) && tick < sec_ns(SITE_DURATION_S) - ms_ns(50);
         tick += ms_ns(period_ms)) {
        uint64_t at = tick + delay(rng, 0, 3000); /* timer jitter */
        t = read_regs(s, rng, &c, at, ++tid, fc, reg, count);
    }
    if (stop_s < SITE_DURATION_S)
        tcp_close(s, rng, &c, t + delay(rng, 300000, 900000));
}

static void recipe_hmi_plc_a(Site *s, Rng *rng)
{
    poll_loop(s, rng, SITE_HMI, SITE_PLC_A, 500, 1000, MODBUS_FC_READ_HOLDING_REGS, 0,
              SITE_REG_COUNT, SITE_DURATION_S);
}

static void recipe_hmi_plc_b(Site *s, Rng *rng)
{
    poll_loop(s, rng, SITE_HMI, SITE_PLC_B, 800, 2000, MODBUS_FC_READ_HOLDING_REGS, SITE_PLC_B_REG,
              SITE_PLC_B_REG_COUNT, s->is_after ? SITE_HMI_STOP_S : SITE_DURATION_S);
}

static void recipe_historian(Site *s, Rng *rng)
{
    poll_loop(s, rng, SITE_HIST, SITE_PLC_A, 1500, s->is_after ? 2000 : 10000,
              MODBUS_FC_READ_INPUT_REGS, 0, SITE_HIST_REG_COUNT, SITE_DURATION_S);
}

/* The engineering station checks plc-a's identity (and reads it once). */
static void recipe_eng_identity(Site *s, Rng *rng)
{
    static const char *const before[] = { "Schneider Electric", "BMX P34 2020", "v2.80" };
    static const char *const after[] = { "Schneider Electric", "BMX P34 2020", "v2.90" };
    uint8_t req_mem[SITE_PAYLOAD_MAX];
    uint8_t rsp_mem[SITE_PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    TcpConn c;
    uint64_t t = arp_resolve(s, rng, sec_ns(SITE_IDENTITY_AT_S), SITE_ENG, SITE_PLC_A);
    t = tcp_open(s, rng, &c, SITE_ENG, SITE_PLC_A, t + delay(rng, 100, 400));
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_devid_req(&req, 1, SITE_UNIT, 0x01, 0x00);
    modbus_devid_rsp(&rsp, 1, SITE_UNIT, 0x01, 0x81, s->is_after ? after : before, 3);
    t = exchange(s, rng, &c, t + delay(rng, 5000, 20000), &req, &rsp);
    t = read_regs(s, rng, &c, t + delay(rng, 300000, 900000), 2, MODBUS_FC_READ_HOLDING_REGS, 0,
                  SITE_REG_COUNT);
    tcp_close(s, rng, &c, t + delay(rng, 500000, 1500000));
}

/* After: the HMI writes two setpoints of plc-a on its polling connection's
 * neighbour (a second connection, as HMI write buttons often open). */
static void recipe_hmi_write(Site *s, Rng *rng)
{
    static const uint16_t setpoints[] = { 1450, 30 };
    if (!s->is_after)
        return;
    TcpConn c;
    uint64_t t = tcp_open(s, rng, &c, SITE_HMI, SITE_PLC_A, sec_ns(SITE_HMI_WRITE_S));
    t = write_regs(s, rng, &c, t + delay(rng, 2000, 8000), 1, 20, setpoints, 2);
    tcp_close(s, rng, &c, t + delay(rng, 200000, 600000));
}

/* After: a laptop nobody listed reads plc-a, then writes it. */
static void recipe_laptop(Site *s, Rng *rng)
{
    static const uint16_t recipe[] = { 1500, 1450, 30, 1 };
    uint8_t req_mem[SITE_PAYLOAD_MAX];
    Buf req;
    if (!s->is_after)
        return;
    TcpConn c;
    uint64_t t = arp_resolve(s, rng, sec_ns(SITE_LAPTOP_AT_S), SITE_LAPTOP, SITE_PLC_A);
    t = tcp_open(s, rng, &c, SITE_LAPTOP, SITE_PLC_A, t + delay(rng, 100, 400));
    t = read_regs(s, rng, &c, t + delay(rng, 200000, 600000), 1, MODBUS_FC_READ_HOLDING_REGS, 0,
                  SITE_REG_COUNT);
    buf_init(&req, req_mem, sizeof req_mem);
    modbus_write_single_reg(&req, 2, SITE_UNIT, 5, 1500);
    t = exchange(s, rng, &c, t + delay(rng, 1000000, 3000000), &req, &req); /* echoed */
    t = write_regs(s, rng, &c, t + delay(rng, 1000000, 3000000), 3, 20, recipe, 4);
    tcp_close(s, rng, &c, t + delay(rng, 500000, 1500000));
}

typedef struct SiteRecipe {
    const char *name;
    void (*run)(Site *s, Rng *rng);
} SiteRecipe;

static const SiteRecipe site_recipes[] = {
    { "hmi-plc-a", recipe_hmi_plc_a },   { "hmi-plc-b", recipe_hmi_plc_b },
    { "historian", recipe_historian },   { "eng-identity", recipe_eng_identity },
    { "hmi-write", recipe_hmi_write },   { "laptop", recipe_laptop },
};

/* FNV-1a of a recipe's name: its stream does not depend on list order. */
static uint64_t name_hash(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *name; name++) {
        h ^= (uint8_t)*name;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Consecutive IPv4 ids per sender in capture order, checksums redone. */
static void renumber_ip_ids(Site *s, Rng *rng)
{
    uint16_t next_id[SITE_HOST_COUNT];
    for (size_t i = 0; i < SITE_HOST_COUNT; i++)
        next_id[i] = rng_u16(rng);
    for (size_t i = 0; i < s->sched.ent_count; i++) {
        size_t len;
        uint8_t *f = sched_frame(&s->sched, i, &len);
        if (len < ETH_HDR_LEN + IPV4_HDR_LEN || f[12] != 0x08 || f[13] != 0x00)
            continue;
        uint8_t *ip = f + ETH_HDR_LEN;
        uint32_t src =
            ((uint32_t)ip[12] << 24) | ((uint32_t)ip[13] << 16) | ((uint32_t)ip[14] << 8) | ip[15];
        for (size_t h = 0; h < SITE_HOST_COUNT; h++) {
            if (site_hosts[h].ip != src)
                continue;
            uint16_t id = next_id[h]++;
            ip[4] = (uint8_t)(id >> 8);
            ip[5] = (uint8_t)id;
            ip[10] = 0;
            ip[11] = 0;
            uint16_t csum = inet_checksum(ip, IPV4_HDR_LEN);
            ip[10] = (uint8_t)(csum >> 8);
            ip[11] = (uint8_t)csum;
        }
    }
}

bool site_generate(const char *path, bool is_after)
{
    static Site site;
    Site *s = &site;
    memset(s, 0, sizeof *s);
    s->is_after = is_after;
    sched_init(&s->sched);
    for (size_t i = 0; i < SITE_HOST_COUNT; i++) {
        memcpy(s->ep[i].mac, site_hosts[i].mac, MAC_LEN);
        s->ep[i].ip = site_hosts[i].ip;
        s->ep[i].ttl = site_hosts[i].ttl;
        s->ep[i].is_df = site_hosts[i].ttl == 128;
    }
    for (size_t i = 0; i < sizeof site_recipes / sizeof site_recipes[0]; i++) {
        Rng rng;
        rng_seed(&rng, SITE_SEED ^ name_hash(site_recipes[i].name) ^ (is_after ? 0xaf7e5ull : 0));
        site_recipes[i].run(s, &rng);
    }
    sched_sort(&s->sched);
    Rng id_rng;
    rng_seed(&id_rng, SITE_SEED ^ (is_after ? 2u : 1u));
    renumber_ip_ids(s, &id_rng);

    PcapWriter w;
    bool is_ok = pcapw_open(&w, path, 1u << 20);
    if (!is_ok) {
        fprintf(stderr, "otsgen: %s\n", w.err_msg);
    } else {
        uint64_t base_s = SITE_BEFORE_EPOCH_S + (is_after ? SITE_WEEK_S : 0);
        sched_write(&s->sched, &w, sec_ns(base_s));
        is_ok = pcapw_close(&w);
        if (!is_ok)
            fprintf(stderr, "otsgen: %s: %s\n", path, w.err_msg);
    }
    sched_free(&s->sched);
    return is_ok;
}

int site_main(int argc, char **argv)
{
    const char *before = NULL;
    const char *after = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            before = argv[++i];
        } else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc) {
            after = argv[++i];
        } else {
            fprintf(stderr, "otsgen: site: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!before && !after) {
        fprintf(stderr, "otsgen: site: -b BEFORE.pcap and/or -a AFTER.pcap is required\n");
        return 2;
    }
    if (before && !site_generate(before, false))
        return 3;
    if (after && !site_generate(after, true))
        return 3;
    return 0;
}
