/*
 * plant-ot.c - plant recipes for the industrial protocols: the HMI's
 * routine polling of PLC A (Modbus/TCP), PLC B (S7comm) and PLC C
 * (EtherNet/IP, plus List Identity discovery), and the engineering
 * workstation's rare operations (Modbus writes and device identification,
 * S7 SZL read, PLC stop, block download, restart).
 *
 * Process values are integers in fixed point, converted to IEEE floats
 * with integer arithmetic so that the bytes never depend on the compiler's
 * floating-point choices.
 */
#include "plant.h"

#include <string.h>

#include "gen-enip.h"
#include "gen-modbus.h"
#include "gen-s7comm.h"

enum {
    MODBUS_UNIT = 1,
    HMI_MODBUS_REG_COUNT = 10,
    HMI_MODBUS_COIL_COUNT = 16,
    SETPOINT_REG = 5,
    SETPOINT_OLD = 1000,
    SETPOINT_NEW = 1200,
    S7_TSAP_PG = 0x0100, /* programming device */
    S7_TSAP_OP = 0x0200, /* operator panel / HMI */
    S7_TSAP_RACK0_SLOT2 = 0x0102,
    S7_HMI_DB = 10,
    S7_HMI_DB_LEN = 24,
    S7_HMI_MB_ADDR = 100,
    S7_HMI_MB_LEN = 4,
    PAYLOAD_MAX = 1460,
};

/* ---------- shared process simulation ---------- */

/* A bounded random walk: what a level, a pressure or a speed looks like over minutes. */
typedef struct Walk {
    int32_t value;
    int32_t lo;
    int32_t hi;
    int32_t step;
} Walk;

static void walk_step(Walk *w, Rng *rng)
{
    int32_t delta = (int32_t)rng_below(rng, (uint32_t)(2 * w->step + 1)) - w->step;
    w->value += delta;
    if (w->value < w->lo)
        w->value = w->lo + (w->lo - w->value);
    if (w->value > w->hi)
        w->value = w->hi - (w->value - w->hi);
}

/*
 * IEEE 754 single-precision bits of fixed / scale (scale > 0), rounded to
 * nearest even, computed with integers only: even a single float division
 * may differ under -ffast-math, and the sample must be the same bytes
 * whatever the build flags. Values stay in the normal range.
 */
static uint32_t real_bits(int32_t fixed, int32_t scale)
{
    if (fixed == 0)
        return 0;
    uint32_t sign = fixed < 0 ? 0x80000000u : 0;
    uint64_t num = fixed < 0 ? (uint64_t)(-(int64_t)fixed) : (uint64_t)fixed;
    uint64_t den = (uint64_t)scale;
    int exp2 = 0;
    while (num < (den << 23)) { /* scale so that 2^23 <= num/den < 2^24 */
        num <<= 1;
        exp2--;
    }
    while (num >= (den << 24)) {
        den <<= 1;
        exp2++;
    }
    uint64_t mant = num / den;
    uint64_t rem = num % den;
    if (2 * rem > den || (2 * rem == den && (mant & 1)))
        mant++;
    if (mant == (1u << 24)) {
        mant >>= 1;
        exp2++;
    }
    uint32_t biased_exp = (uint32_t)(exp2 + 23 + 127);
    return sign | (biased_exp << 23) | (uint32_t)(mant & 0x7fffffu);
}

static void put_real_be(uint8_t *at, int32_t fixed, int32_t scale)
{
    uint32_t bits = real_bits(fixed, scale);
    at[0] = (uint8_t)(bits >> 24);
    at[1] = (uint8_t)(bits >> 16);
    at[2] = (uint8_t)(bits >> 8);
    at[3] = (uint8_t)bits;
}

/* ---------- PLC A: Modbus/TCP ---------- */

/* One FC3/FC4 request and its response carrying regs[0..qty). */
static uint64_t modbus_read_regs(Plant *p, Rng *rng, TcpConn *c, uint64_t t, uint16_t tid,
                                 uint8_t fc, uint16_t start, const uint16_t *regs, uint16_t qty)
{
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_read_req(&req, tid, MODBUS_UNIT, fc, start, qty);
    modbus_read_regs_rsp(&rsp, tid, MODBUS_UNIT, fc, regs, qty);
    return plant_tcp_exchange(p, rng, c, t, &req, &rsp, 1500, 6000);
}

static uint64_t modbus_read_coils(Plant *p, Rng *rng, TcpConn *c, uint64_t t, uint16_t tid,
                                  const uint8_t *bits, uint16_t qty)
{
    uint8_t req_mem[64];
    uint8_t rsp_mem[64];
    Buf req;
    Buf rsp;
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_read_req(&req, tid, MODBUS_UNIT, MODBUS_FC_READ_COILS, 0, qty);
    modbus_read_bits_rsp(&rsp, tid, MODBUS_UNIT, MODBUS_FC_READ_COILS, bits, qty);
    return plant_tcp_exchange(p, rng, c, t, &req, &rsp, 1500, 5000);
}

/* Holding registers 0-9 of PLC A: tank, flows, pressure, temperature, setpoint, status. */
typedef struct PlcAState {
    Walk level;    /* reg 0, 0.1 % */
    Walk inflow;   /* reg 1, 0.1 m3/h */
    Walk outflow;  /* reg 2 */
    Walk pressure; /* reg 3, mbar */
    Walk temp;     /* reg 4, 0.1 degC */
    uint16_t pump_speed;
    uint16_t run_hours;
    uint8_t coils[2];
} PlcAState;

static void plc_a_init(PlcAState *s)
{
    s->level = (Walk){ 623, 400, 850, 4 };
    s->inflow = (Walk){ 412, 350, 480, 3 };
    s->outflow = (Walk){ 405, 350, 480, 3 };
    s->pressure = (Walk){ 4210, 3900, 4600, 12 };
    s->temp = (Walk){ 218, 190, 260, 2 };
    s->pump_speed = 1450;
    s->run_hours = 18234;
    s->coils[0] = 0x2d; /* pumps 1, 3, 4 running, valve 6 open */
    s->coils[1] = 0x01;
}

static void plc_a_step(PlcAState *s, Rng *rng)
{
    walk_step(&s->level, rng);
    walk_step(&s->inflow, rng);
    walk_step(&s->outflow, rng);
    walk_step(&s->pressure, rng);
    walk_step(&s->temp, rng);
    if (rng_below(rng, 40) == 0)
        s->coils[0] ^= 0x40; /* the agitator cycles now and then */
}

static void plc_a_regs(const PlcAState *s, uint64_t t, uint16_t regs[HMI_MODBUS_REG_COUNT])
{
    bool is_after_write = t > sec_ns(PLANT_ENG_MODBUS_AT_S + 2);
    regs[0] = (uint16_t)s->level.value;
    regs[1] = (uint16_t)s->inflow.value;
    regs[2] = (uint16_t)s->outflow.value;
    regs[3] = (uint16_t)s->pressure.value;
    regs[4] = (uint16_t)s->temp.value;
    regs[SETPOINT_REG] = is_after_write ? SETPOINT_NEW : SETPOINT_OLD;
    regs[6] = s->pump_speed;
    regs[7] = 0x0003; /* status: auto mode, healthy */
    regs[8] = 0x0000; /* no alarms */
    regs[9] = s->run_hours;
}

void recipe_hmi_modbus(Plant *p, Rng *rng)
{
    PlcAState s;
    plc_a_init(&s);
    uint64_t t = ms_ns(1000) + plant_delay(rng, 0, 40000);
    t = plant_arp_resolve(p, rng, t, HOST_HMI, HOST_PLC_A, false);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_HMI, HOST_PLC_A, MODBUS_PORT);
    t = plant_tcp_open(p, rng, &c, t + plant_delay(rng, 100, 500));

    uint16_t tid = (uint16_t)rng_below(rng, 200);
    uint16_t regs[HMI_MODBUS_REG_COUNT];
    for (uint64_t tick = t + ms_ns(15); plant_in_capture(tick); tick += sec_ns(1)) {
        uint64_t at = tick + plant_delay(rng, 0, 3000); /* HMI timer jitter */
        plc_a_step(&s, rng);
        plc_a_regs(&s, at, regs);
        at = modbus_read_regs(p, rng, &c, at, ++tid, MODBUS_FC_READ_HOLDING_REGS, 0, regs,
                              HMI_MODBUS_REG_COUNT);
        at += plant_delay(rng, 200, 1200);
        modbus_read_coils(p, rng, &c, at, ++tid, s.coils, HMI_MODBUS_COIL_COUNT);
    }
}

void recipe_eng_modbus_writes(Plant *p, Rng *rng)
{
    static const char *const device_id[] = { "Schneider Electric", "BMX P34 2020", "v2.80" };
    static const uint16_t recipe_regs[] = { 1500, 1450, 30, 1 };
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    PlcAState s;
    uint16_t regs[HMI_MODBUS_REG_COUNT];

    uint64_t t = sec_ns(PLANT_ENG_MODBUS_AT_S) - ms_ns(1800);
    t = plant_dns_lookup(p, rng, t, HOST_ENG_WS, "plc-a.ot.plant.internal");
    t = plant_arp_resolve(p, rng, t + plant_delay(rng, 200, 800), HOST_ENG_WS, HOST_PLC_A, false);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_ENG_WS, HOST_PLC_A, MODBUS_PORT);
    t = plant_tcp_open(p, rng, &c, t + plant_delay(rng, 100, 400));
    uint16_t tid = 1;

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_devid_req(&req, tid, MODBUS_UNIT, 0x01, 0x00);
    modbus_devid_rsp(&rsp, tid, MODBUS_UNIT, 0x01, 0x81, device_id, 3);
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 5000, 20000), &req, &rsp, 2000, 6000);

    plc_a_init(&s);
    plc_a_regs(&s, t, regs);
    t = modbus_read_regs(p, rng, &c, t + plant_delay(rng, 300000, 900000), ++tid,
                         MODBUS_FC_READ_HOLDING_REGS, 0, regs, HMI_MODBUS_REG_COUNT);

    /* The setpoint change the HMI will show from now on. */
    t = sec_ns(PLANT_ENG_MODBUS_AT_S) + plant_delay(rng, 0, 200000);
    buf_init(&req, req_mem, sizeof req_mem);
    modbus_write_single_reg(&req, ++tid, MODBUS_UNIT, SETPOINT_REG, SETPOINT_NEW);
    t = plant_tcp_exchange(p, rng, &c, t, &req, &req, 2000, 7000); /* the response echoes */

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    modbus_write_multi_regs_req(&req, ++tid, MODBUS_UNIT, 20, recipe_regs, 4);
    modbus_write_multi_regs_rsp(&rsp, tid, MODBUS_UNIT, 20, 4);
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 800000, 1500000), &req, &rsp, 2000,
                           7000);

    plc_a_regs(&s, sec_ns(PLANT_ENG_MODBUS_AT_S + 3), regs);
    t = modbus_read_regs(p, rng, &c, t + plant_delay(rng, 400000, 900000), ++tid,
                         MODBUS_FC_READ_HOLDING_REGS, 0, regs, HMI_MODBUS_REG_COUNT);
    plant_tcp_close(p, rng, &c, t + plant_delay(rng, 2000000, 4000000), TCP_FROM_CLI);
}

/* ---------- PLC B: S7comm ---------- */

/* COTP connect and S7 Setup Communication; returns the time of the setup ack. */
static uint64_t s7_session_start(Plant *p, Rng *rng, TcpConn *c, uint64_t t, uint16_t src_tsap,
                                 uint16_t *pdu_ref)
{
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    uint16_t cli_ref = (uint16_t)(1 + rng_below(rng, 0x7fff));
    uint16_t plc_ref = (uint16_t)(0x4400 + rng_below(rng, 0xff));

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    cotp_connect_request(&req, cli_ref, src_tsap, S7_TSAP_RACK0_SLOT2, COTP_TPDU_SIZE_1024);
    cotp_connect_confirm(&rsp, cli_ref, plc_ref, src_tsap, S7_TSAP_RACK0_SLOT2,
                         COTP_TPDU_SIZE_1024);
    t = plant_tcp_exchange(p, rng, c, t + plant_delay(rng, 200, 800), &req, &rsp, 1500, 4000);

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    s7_setup_comm(&req, S7_ROSCTR_JOB, *pdu_ref, 1, 480);
    s7_setup_comm(&rsp, S7_ROSCTR_ACK_DATA, *pdu_ref, 1, 240); /* S7-300 caps the PDU at 240 */
    (*pdu_ref)++;
    return plant_tcp_exchange(p, rng, c, t + plant_delay(rng, 200, 800), &req, &rsp, 2000, 6000);
}

/* DB10.DBB0 (six REALs) and MB100 (a DWORD counter), as a WinCC screen reads them. */
typedef struct PlcBState {
    Walk temps[4];  /* 0.01 degC */
    Walk flow;      /* 0.01 m3/h */
    Walk vibration; /* 0.001 mm/s */
    uint32_t batch_counter;
} PlcBState;

static void plc_b_init(PlcBState *s)
{
    for (int i = 0; i < 4; i++)
        s->temps[i] = (Walk){ 7250 + 150 * i, 6800, 8400, 6 };
    s->flow = (Walk){ 1830, 1600, 2100, 5 };
    s->vibration = (Walk){ 2400, 1800, 3200, 30 };
    s->batch_counter = 48213;
}

static void plc_b_values(PlcBState *s, Rng *rng, uint64_t t, uint8_t *values)
{
    bool is_stopped =
        t > sec_ns(PLANT_ENG_S7_AT_S) && t < sec_ns(PLANT_ENG_S7_AT_S + PLANT_S7_STOPPED_FOR_S);
    if (!is_stopped) { /* a stopped CPU still answers, with frozen values */
        for (int i = 0; i < 4; i++)
            walk_step(&s->temps[i], rng);
        walk_step(&s->flow, rng);
        walk_step(&s->vibration, rng);
        s->batch_counter += rng_below(rng, 2);
    }
    for (int i = 0; i < 4; i++)
        put_real_be(values + 4 * i, s->temps[i].value, 100);
    put_real_be(values + 16, s->flow.value, 100);
    put_real_be(values + 20, s->vibration.value, 1000);
    uint8_t *mb = values + S7_HMI_DB_LEN;
    mb[0] = (uint8_t)(s->batch_counter >> 24);
    mb[1] = (uint8_t)(s->batch_counter >> 16);
    mb[2] = (uint8_t)(s->batch_counter >> 8);
    mb[3] = (uint8_t)s->batch_counter;
}

void recipe_hmi_s7comm(Plant *p, Rng *rng)
{
    static const S7Item items[] = {
        { S7_AREA_DB, S7_HMI_DB, 0, S7_HMI_DB_LEN },
        { S7_AREA_MERKER, 0, S7_HMI_MB_ADDR, S7_HMI_MB_LEN },
    };
    uint8_t values[S7_HMI_DB_LEN + S7_HMI_MB_LEN];
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    PlcBState s;
    plc_b_init(&s);

    uint64_t t = ms_ns(1150) + plant_delay(rng, 0, 40000);
    t = plant_arp_resolve(p, rng, t, HOST_HMI, HOST_PLC_B, false);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_HMI, HOST_PLC_B, S7_PORT);
    t = plant_tcp_open(p, rng, &c, t + plant_delay(rng, 100, 500));
    uint16_t pdu_ref = (uint16_t)(0x0100 + rng_below(rng, 0x100));
    t = s7_session_start(p, rng, &c, t, S7_TSAP_OP, &pdu_ref);

    for (uint64_t tick = t + ms_ns(40); plant_in_capture(tick); tick += sec_ns(2)) {
        uint64_t at = tick + plant_delay(rng, 0, 5000);
        plc_b_values(&s, rng, at, values);
        buf_init(&req, req_mem, sizeof req_mem);
        buf_init(&rsp, rsp_mem, sizeof rsp_mem);
        s7_read_var_job(&req, pdu_ref, items, 2);
        s7_read_var_ack(&rsp, pdu_ref, items, 2, values);
        pdu_ref++;
        plant_tcp_exchange(p, rng, &c, at, &req, &rsp, 4000, 12000);
    }
}

/* SZL 0x0011 (module identification) records, 28 bytes each, as an S7-300 returns them. */
static size_t szl_0011_records(uint8_t *out)
{
    static const struct {
        uint16_t index;
        const char *order_no; /* 20 characters, blank padded */
        uint16_t bg_type;
        uint16_t ausbg;
        uint16_t ausbe;
    } recs[] = {
        { 0x0001, "6ES7 315-2EH14-0AB0 ", 0x00c0, 0x0004, 0x0001 },
        { 0x0006, "6ES7 315-2EH14-0AB0 ", 0x00c0, 0x0004, 0x0001 },
        { 0x0007, "                    ", 0x00c0, 0x5603, 0x0206 }, /* firmware V3.2.6 */
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        uint8_t *r = out + 28 * i;
        r[0] = (uint8_t)(recs[i].index >> 8);
        r[1] = (uint8_t)recs[i].index;
        memcpy(r + 2, recs[i].order_no, 20);
        r[22] = (uint8_t)(recs[i].bg_type >> 8);
        r[23] = (uint8_t)recs[i].bg_type;
        r[24] = (uint8_t)(recs[i].ausbg >> 8);
        r[25] = (uint8_t)recs[i].ausbg;
        r[26] = (uint8_t)(recs[i].ausbe >> 8);
        r[27] = (uint8_t)recs[i].ausbe;
        n++;
    }
    return n;
}

/* An MC7 block image: "pp" header magic, then code bytes. */
static void fake_block(Rng *rng, uint8_t *out, size_t len)
{
    rng_fill(rng, out, len);
    out[0] = 0x70;
    out[1] = 0x70;
    out[2] = 0x01; /* block version */
    out[3] = 0x01; /* attribute */
    out[4] = 0x01; /* language: STL */
    out[5] = 0x08; /* block type: OB */
    out[6] = 0x00;
    out[7] = 0x01; /* block number 1 */
    out[8] = (uint8_t)(len >> 24);
    out[9] = (uint8_t)(len >> 16);
    out[10] = (uint8_t)(len >> 8);
    out[11] = (uint8_t)len;
}

/* Request download, the PLC pulling the block in two parts, download ended. */
static uint64_t s7_download_block(Plant *p, Rng *rng, TcpConn *c, uint64_t t, uint16_t *pdu_ref)
{
    static const char file_name[] = "_0800001P"; /* OB 1, passive file system */
    enum { BLOCK_LEN = 318, FIRST_PART = 200 };
    uint8_t block[BLOCK_LEN];
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    uint16_t plc_ref = (uint16_t)(0x0d00 + rng_below(rng, 0x100));
    fake_block(rng, block, sizeof block);

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    s7_request_download_job(&req, *pdu_ref, file_name, BLOCK_LEN + 36, BLOCK_LEN);
    s7_function_ack(&rsp, *pdu_ref, S7_FUNC_REQUEST_DOWNLOAD);
    (*pdu_ref)++;
    t = plant_tcp_exchange(p, rng, c, t, &req, &rsp, 3000, 9000);

    /* From here the PLC is the requester: it asks for the block and the PG answers. */
    size_t parts[2][2] = { { 0, FIRST_PART }, { FIRST_PART, BLOCK_LEN - FIRST_PART } };
    for (size_t i = 0; i < 2; i++) {
        buf_init(&req, req_mem, sizeof req_mem);
        buf_init(&rsp, rsp_mem, sizeof rsp_mem);
        s7_download_block_job(&req, plc_ref, file_name);
        s7_download_block_ack(&rsp, plc_ref, i == 0, block + parts[i][0], parts[i][1]);
        plc_ref++;
        t += plant_delay(rng, 2000, 8000);
        plant_tcp_send(p, c, TCP_FROM_SRV, t, &req);
        t += plant_delay(rng, 1000, 4000);
        plant_tcp_send(p, c, TCP_FROM_CLI, t, &rsp);
    }

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    s7_download_ended_job(&req, plc_ref, file_name);
    s7_function_ack(&rsp, plc_ref, S7_FUNC_DOWNLOAD_ENDED);
    t += plant_delay(rng, 3000, 9000);
    plant_tcp_send(p, c, TCP_FROM_SRV, t, &req);
    t += plant_delay(rng, 1000, 4000);
    plant_tcp_send(p, c, TCP_FROM_CLI, t, &rsp);
    return t;
}

void recipe_eng_s7_program(Plant *p, Rng *rng)
{
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    uint8_t szl[3 * 28];
    Buf req;
    Buf rsp;

    uint64_t t = sec_ns(PLANT_ENG_S7_AT_S) - ms_ns(2600);
    t = plant_dns_lookup(p, rng, t, HOST_ENG_WS, "plc-b.ot.plant.internal");
    t = plant_arp_resolve(p, rng, t + plant_delay(rng, 200, 800), HOST_ENG_WS, HOST_PLC_B, false);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_ENG_WS, HOST_PLC_B, S7_PORT);
    t = plant_tcp_open(p, rng, &c, t + plant_delay(rng, 100, 400));
    uint16_t pdu_ref = (uint16_t)(0x0200 + rng_below(rng, 0x100));
    t = s7_session_start(p, rng, &c, t, S7_TSAP_PG, &pdu_ref);

    /* Module identification: what TIA Portal / STEP 7 reads on "go online". */
    size_t n_recs = szl_0011_records(szl);
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    s7_szl_read_req(&req, pdu_ref, 0, 0x0011, 0x0000);
    s7_szl_read_rsp(&rsp, pdu_ref, 1, 0x0011, 0x0000, 28, szl, n_recs);
    pdu_ref++;
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 20000, 90000), &req, &rsp, 5000, 15000);

    /* PLC stop, lands just after PLANT_ENG_S7_AT_S. */
    t = sec_ns(PLANT_ENG_S7_AT_S) + plant_delay(rng, 100000, 400000);
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    s7_plc_stop_job(&req, pdu_ref, "P_PROGRAM");
    s7_function_ack(&rsp, pdu_ref, S7_FUNC_PLC_STOP);
    pdu_ref++;
    t = plant_tcp_exchange(p, rng, &c, t, &req, &rsp, 20000, 60000);

    t = s7_download_block(p, rng, &c, t + plant_delay(rng, 1500000, 3000000), &pdu_ref);

    /* Warm restart once the block is in: the CPU runs again before the stop window ends. */
    t = sec_ns(PLANT_ENG_S7_AT_S + PLANT_S7_STOPPED_FOR_S) - ms_ns(600);
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    s7_pi_start_job(&req, pdu_ref, "P_PROGRAM");
    s7_function_ack(&rsp, pdu_ref, S7_FUNC_PI_SERVICE);
    pdu_ref++;
    t = plant_tcp_exchange(p, rng, &c, t, &req, &rsp, 30000, 90000);

    plant_tcp_close(p, rng, &c, t + plant_delay(rng, 3000000, 6000000), TCP_FROM_CLI);
}

/* ---------- PLC C: EtherNet/IP ---------- */

static const CipIdentity plc_c_identity = {
    .vendor_id = 1,    /* Rockwell Automation/Allen-Bradley */
    .device_type = 14, /* Programmable Logic Controller */
    .product_code = 94,
    .rev_major = 20,
    .rev_minor = 11,
    .status = 0x3160, /* owned, configured, run */
    .serial = 0x60a3b2c1,
    .product_name = "1756-L71/B LOGIX5571",
    .state = 3, /* operational */
};

void recipe_hmi_enip(Plant *p, Rng *rng)
{
    static const char *const tags[] = { "Tank1_Level", "Line1_Speed" };
    Walk values[2] = { { 5120, 4000, 7600, 15 }, { 8230, 7900, 8600, 10 } }; /* 0.01 units */
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    uint64_t context = 0x0000000000000001ull;
    uint32_t session = 0x12000000u | (rng_u32(rng) & 0x00ffffffu);

    uint64_t t = ms_ns(1300) + plant_delay(rng, 0, 40000);
    t = plant_arp_resolve(p, rng, t, HOST_HMI, HOST_PLC_C, false);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_HMI, HOST_PLC_C, ENIP_PORT);
    t = plant_tcp_open(p, rng, &c, t + plant_delay(rng, 100, 500));

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    enip_register_session_req(&req, context);
    enip_register_session_rsp(&rsp, session, context);
    context++;
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 200, 800), &req, &rsp, 500, 2000);

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    enip_get_attr_all_req(&req, session, context, CIP_CLASS_IDENTITY, 1);
    enip_identity_rsp(&rsp, session, context, &plc_c_identity);
    context++;
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 500, 3000), &req, &rsp, 800, 3000);

    for (uint64_t tick = t + ms_ns(60); plant_in_capture(tick); tick += sec_ns(2)) {
        uint64_t at = tick + plant_delay(rng, 0, 4000);
        for (size_t i = 0; i < 2; i++) {
            walk_step(&values[i], rng);
            buf_init(&req, req_mem, sizeof req_mem);
            buf_init(&rsp, rsp_mem, sizeof rsp_mem);
            enip_read_tag_req(&req, session, context, tags[i]);
            enip_read_tag_real_rsp(&rsp, session, context, real_bits(values[i].value, 100));
            context++;
            at = plant_tcp_exchange(p, rng, &c, at, &req, &rsp, 700, 2500);
            at += plant_delay(rng, 300, 1500);
        }
    }
}

void recipe_hmi_list_identity(Plant *p, Rng *rng)
{
    static const uint32_t at_s[] = { 5, 305 };
    uint8_t mem[256];
    Buf b;
    for (size_t i = 0; i < sizeof at_s / sizeof at_s[0]; i++) {
        uint64_t t = sec_ns(at_s[i]) + plant_delay(rng, 0, 500000);
        uint16_t sport = plant_ephemeral_port(rng, HOST_HMI);
        Endpoint *hmi = &p->ep[HOST_HMI];
        FrameAddr a = {
            .src_mac = hmi->mac,
            .dst_mac = MAC_BROADCAST,
            .src_ip = hmi->ip,
            .dst_ip = 0xffffffff,
            .ttl = hmi->ttl,
            .is_df = false,
            .ip_id = hmi->ip_id++,
        };
        buf_init(&b, mem, sizeof mem);
        enip_list_identity_req(&b, 0);
        size_t len = frame_udp(p->frame, &a, sport, ENIP_PORT, b.p, b.len);
        plant_emit(p, t, len);

        /* Only PLC C speaks EtherNet/IP; devices spread replies over a short random delay. */
        t += plant_delay(rng, 2000, 25000);
        buf_init(&b, mem, sizeof mem);
        enip_list_identity_rsp(&b, 0, &plc_c_identity, p->ep[HOST_PLC_C].ip, ENIP_PORT);
        plant_udp(p, t, HOST_PLC_C, HOST_HMI, ENIP_PORT, sport, &b);
    }
}
