/*
 * plant-remote.c - plant recipes for traffic that leaves the OT segment:
 * the historian (Modbus reads from PLC A, batches forwarded to an IT SQL
 * server through the router) and the vendor remote-access gateway
 * checking in with its cloud service over TLS.
 *
 * The historian's port-1433 payload is deliberately not TDS: it is an
 * opaque length-prefixed record so no dissector mistakes it for real SQL
 * Server traffic. Making it real TDS is future work.
 */
#include "plant.h"

#include <stdio.h>
#include <string.h>

#include "gen-modbus.h"
#include "gen-tls.h"

enum {
    SQL_PORT = 1433,
    HISTORIAN_PERIOD_S = 10,
    HISTORIAN_TOTALS_START = 100,
    HISTORIAN_TOTALS_COUNT = 20,
    HISTORIAN_INPUTS_COUNT = 8,
    CLOUD_CHECKIN_PERIOD_S = 300,
    PAYLOAD_MAX = 1460,
};

/* ---------- historian ---------- */

static void fill_totals(uint16_t *regs, size_t n, uint32_t tick)
{
    /* Totalisers: slowly rising counters, two registers per 32-bit value. */
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t v = 1000000u * (uint32_t)(i / 2 + 1) + tick * (uint32_t)(17 + 3 * i);
        regs[i] = (uint16_t)(v >> 16);
        regs[i + 1] = (uint16_t)v;
    }
}

static void fill_inputs(Rng *rng, uint16_t *regs, size_t n)
{
    /* Raw 4-20 mA inputs scaled 0..27648, the S7/M340 analog range. */
    for (size_t i = 0; i < n; i++)
        regs[i] = (uint16_t)(9000 + 1500 * i + rng_below(rng, 400));
}

/*
 * One historian batch on the wire: magic "HB", record length, sequence
 * number, value count, then "tag=value;" text. Opaque to any SQL
 * dissector by design.
 */
static void historian_batch(Buf *b, uint32_t seq, const uint16_t *totals, const uint16_t *inputs)
{
    char line[64];
    size_t start = b->len;
    buf_str(b, "HB");
    buf_be16(b, 0); /* record length, patched below */
    buf_be32(b, seq);
    buf_be16(b, HISTORIAN_INPUTS_COUNT + HISTORIAN_TOTALS_COUNT / 2);
    for (size_t i = 0; i < HISTORIAN_INPUTS_COUNT; i++) {
        int n = snprintf(line, sizeof line, "PLC-A.IR%zu=%u;", i, (unsigned)inputs[i]);
        buf_bytes(b, line, (size_t)n);
    }
    for (size_t i = 0; i < HISTORIAN_TOTALS_COUNT; i += 2) {
        uint32_t v = ((uint32_t)totals[i] << 16) | totals[i + 1];
        int n = snprintf(line, sizeof line, "PLC-A.TOT%zu=%u;", i / 2, (unsigned)v);
        buf_bytes(b, line, (size_t)n);
    }
    buf_patch_be16(b, start + 2, (unsigned)(b->len - start));
}

static void historian_ack(Buf *b, uint32_t seq)
{
    buf_str(b, "HA");
    buf_be16(b, 10); /* record length */
    buf_be32(b, seq);
    buf_be16(b, 0); /* status: stored */
}

/* FC3 totals and FC4 inputs from PLC A; returns the time of the last response. */
static uint64_t historian_poll(Plant *p, Rng *rng, TcpConn *c, uint64_t t, uint16_t *tid,
                               uint16_t *totals, uint16_t *inputs)
{
    uint8_t req_mem[64];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_read_req(&req, ++*tid, 1, MODBUS_FC_READ_HOLDING_REGS, HISTORIAN_TOTALS_START,
                    HISTORIAN_TOTALS_COUNT);
    modbus_read_regs_rsp(&rsp, *tid, 1, MODBUS_FC_READ_HOLDING_REGS, totals,
                         HISTORIAN_TOTALS_COUNT);
    t = plant_tcp_exchange(p, rng, c, t, &req, &rsp, 1500, 6000);

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_read_req(&req, ++*tid, 1, MODBUS_FC_READ_INPUT_REGS, 0, HISTORIAN_INPUTS_COUNT);
    modbus_read_regs_rsp(&rsp, *tid, 1, MODBUS_FC_READ_INPUT_REGS, inputs, HISTORIAN_INPUTS_COUNT);
    return plant_tcp_exchange(p, rng, c, t + plant_delay(rng, 300, 1500), &req, &rsp, 1500, 6000);
}

void recipe_historian(Plant *p, Rng *rng)
{
    uint16_t totals[HISTORIAN_TOTALS_COUNT];
    uint16_t inputs[HISTORIAN_INPUTS_COUNT];
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[64];
    Buf req;
    Buf rsp;

    uint64_t t = ms_ns(2000) + plant_delay(rng, 0, 60000);
    t = plant_arp_resolve(p, rng, t, HOST_HISTORIAN, HOST_ROUTER, false);
    t = plant_dns_lookup(p, rng, t + plant_delay(rng, 100, 600), HOST_HISTORIAN,
                         "sqlsrv01.corp.plant.internal");
    TcpConn sql;
    plant_tcp_conn(p, rng, &sql, HOST_HISTORIAN, HOST_IT_SQL, SQL_PORT);
    t = plant_tcp_open(p, rng, &sql, t + plant_delay(rng, 200, 900));

    t = plant_arp_resolve(p, rng, t + plant_delay(rng, 5000, 20000), HOST_HISTORIAN, HOST_PLC_A,
                          false);
    TcpConn mb;
    plant_tcp_conn(p, rng, &mb, HOST_HISTORIAN, HOST_PLC_A, MODBUS_PORT);
    t = plant_tcp_open(p, rng, &mb, t + plant_delay(rng, 100, 500));

    uint16_t tid = 0;
    uint32_t seq = 1;
    uint32_t tick = 0;
    for (uint64_t slot = sec_ns(3); plant_in_capture(slot); slot += sec_ns(HISTORIAN_PERIOD_S)) {
        uint64_t at = slot + plant_delay(rng, 0, 2000);
        fill_totals(totals, HISTORIAN_TOTALS_COUNT, tick++);
        fill_inputs(rng, inputs, HISTORIAN_INPUTS_COUNT);
        at = historian_poll(p, rng, &mb, at, &tid, totals, inputs);

        buf_init(&req, req_mem, sizeof req_mem);
        buf_init(&rsp, rsp_mem, sizeof rsp_mem);
        historian_batch(&req, seq, totals, inputs);
        historian_ack(&rsp, seq);
        seq++;
        plant_tcp_exchange(p, rng, &sql, at + plant_delay(rng, 20000, 60000), &req, &rsp, 1200,
                           4000);
    }
}

/* ---------- vendor remote-access gateway ---------- */

static uint64_t cloud_checkin(Plant *p, Rng *rng, uint64_t t, const uint8_t *session_id)
{
    static const char sni[] = "update.vendor-cloud.example.com";
    uint8_t cli_mem[PAYLOAD_MAX];
    uint8_t srv_mem[PAYLOAD_MAX];
    Buf cli;
    Buf srv;

    t = plant_dns_lookup(p, rng, t, HOST_REMOTE_ACCESS, sni);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_REMOTE_ACCESS, HOST_VENDOR_CLOUD, TLS_PORT);
    t = plant_tcp_open(p, rng, &c, t + plant_delay(rng, 300, 1500));

    /* Abbreviated handshake: the gateway resumes the session it has kept since boot. */
    buf_init(&cli, cli_mem, sizeof cli_mem);
    buf_init(&srv, srv_mem, sizeof srv_mem);
    tls_client_hello(&cli, rng, sni, session_id);
    tls_server_hello(&srv, rng, session_id, TLS_ECDHE_RSA_AES128_GCM_SHA256);
    tls_change_cipher_spec(&srv);
    tls_encrypted_record(&srv, rng, TLS_CONTENT_HANDSHAKE, 16); /* Finished */
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 200, 900), &cli, &srv, 31000, 38000);

    buf_init(&cli, cli_mem, sizeof cli_mem);
    tls_change_cipher_spec(&cli);
    tls_encrypted_record(&cli, rng, TLS_CONTENT_HANDSHAKE, 16);
    t += plant_delay(rng, 300, 1200);
    plant_tcp_send(p, &c, TCP_FROM_CLI, t, &cli);

    /* Status report up, configuration and pending-session list down. */
    for (int i = 0; i < 2; i++) {
        buf_init(&cli, cli_mem, sizeof cli_mem);
        buf_init(&srv, srv_mem, sizeof srv_mem);
        tls_encrypted_record(&cli, rng, TLS_CONTENT_APPDATA, 280 + rng_below(rng, 300));
        tls_encrypted_record(&srv, rng, TLS_CONTENT_APPDATA, 600 + rng_below(rng, 700));
        t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 200, 3000), &cli, &srv, 33000,
                               60000);
    }

    buf_init(&cli, cli_mem, sizeof cli_mem);
    tls_encrypted_record(&cli, rng, TLS_CONTENT_ALERT, 2); /* close_notify */
    t += plant_delay(rng, 1000, 5000);
    plant_tcp_send(p, &c, TCP_FROM_CLI, t, &cli);
    return plant_tcp_close(p, rng, &c, t + plant_delay(rng, 100, 600), TCP_FROM_CLI);
}

void recipe_remote_access_tls(Plant *p, Rng *rng)
{
    uint8_t session_id[TLS_SESSION_ID_LEN];
    rng_fill(rng, session_id, sizeof session_id);
    uint64_t t = sec_ns(15) + plant_delay(rng, 0, 900000);
    t = plant_arp_resolve(p, rng, t, HOST_REMOTE_ACCESS, HOST_ROUTER, false);
    for (uint64_t at = t + ms_ns(2); plant_in_capture(at); at += sec_ns(CLOUD_CHECKIN_PERIOD_S))
        cloud_checkin(p, rng, at + plant_delay(rng, 0, 3000000), session_id);
}
