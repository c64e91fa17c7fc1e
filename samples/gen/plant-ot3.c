/*
 * plant-ot3.c - the plant's legacy serial corner: a serial device server
 * passing Modbus ASCII through to TCP, and an older controller with a
 * CoDeSys 2.3 runtime.
 *
 * | IP         | MAC               | device                                          |
 * |------------|-------------------|-------------------------------------------------|
 * | 10.10.1.46 | 00:90:e8:46:0f:06 | Moxa NPort 5110 serial server: Modbus ASCII over TCP (4001) |
 * | 10.10.1.47 | 00:30:de:47:10:07 | WAGO 750-841 coupler, CoDeSys 2.3 runtime (2455) |
 *
 * Routine: HMI-01 reads two holding registers of unit 5 behind the
 * NPort every 5 s, in ASCII framing.  Dangerous, from ENG-WS01: at 460 s
 * an FC6 write of a setpoint and an FC5 coil write (the pump's run
 * command) through the NPort; at 470 s a CoDeSys 2.3 login/identify (the
 * reply names the runtime's OS and product) followed by three service
 * blocks the dissector counts but cannot name.
 *
 * These hosts are not in plant_hosts[] (the recipe carries its own
 * endpoints, plant-cell.c), so their IP ids are counted here.
 */
#include "plant-ot3.h"

#include <string.h>

#include "gen-modbus.h"
#include "plant-cell.h"

enum {
    NPORT_PORT = 4001,
    CODESYS2_PORT = 2455,
    ASCII_UNIT = 5,
    OT3_PAYLOAD_MAX = 600,
    ENG_ASCII_AT_S = 460,
    ENG_CODESYS2_AT_S = 470,
    CDS2_ID_LEN = 160, /* identify reply: strings at 64, 96 and 128 of the block */
};

typedef enum Ot3Host { OT3_NPORT, OT3_CODESYS2, OT3_COUNT } Ot3Host;

static const CellHost ot3_hosts[OT3_COUNT] = {
    [OT3_NPORT] = { { 0x00, 0x90, 0xe8, 0x46, 0x0f, 0x06 }, 0x0a0a012e, 64 },
    [OT3_CODESYS2] = { { 0x00, 0x30, 0xde, 0x47, 0x10, 0x07 }, 0x0a0a012f, 64 },
};

/* ---------- Modbus ASCII through the serial server ---------- */

static void ascii_traffic(Cell *o)
{
    static const CellSerial ascii = { OT3_NPORT, NPORT_PORT, modbus_ascii_frame, 40000,
                                      90000 }; /* 9600 bd, twice the characters of RTU */
    const uint8_t req[] = { ASCII_UNIT, 0x03, 0x00, 0x10, 0x00, 0x02 };
    const uint8_t rsp[] = { ASCII_UNIT, 0x03, 0x04, 0x00, 0x00 /* flow */, 0x00, 0x3c };
    cell_serial_poll(o, &ascii, 8000, req, rsp, 200);
    const uint8_t setpoint[] = { ASCII_UNIT, 0x06, 0x00, 0x11, 0x00, 0x5a };
    const uint8_t run_coil[] = { ASCII_UNIT, 0x05, 0x00, 0x01, 0xff, 0x00 };
    cell_serial_writes(o, &ascii, ENG_ASCII_AT_S, setpoint, run_coil);
}

/* ---------- CoDeSys 2.3 runtime ---------- */

/* A block: 0xbbbb, little-endian length, service byte, data. */
static void cds2_block(Buf *b, uint8_t service, const uint8_t *data, size_t len)
{
    buf_u8(b, 0xbb);
    buf_u8(b, 0xbb);
    buf_le32(b, (uint32_t)(len + 1));
    buf_u8(b, service);
    buf_bytes(b, data, len);
}

static void cds2_str_at(uint8_t *block, size_t off, const char *s)
{
    memcpy(block + off, s, strlen(s));
}

static uint64_t cds2_exchange(Cell *o, TcpConn *c, uint64_t t, uint8_t service,
                              const uint8_t *data, size_t len, size_t reply_len)
{
    uint8_t q_mem[64];
    uint8_t r_mem[64];
    uint8_t reply[32];
    Buf req;
    Buf rsp;
    memset(reply, 0, sizeof reply);
    buf_init(&req, q_mem, sizeof q_mem);
    cds2_block(&req, service, data, len);
    buf_init(&rsp, r_mem, sizeof r_mem);
    cds2_block(&rsp, service, reply, reply_len < sizeof reply ? reply_len : sizeof reply);
    return plant_tcp_exchange(o->p, o->rng, c, t, &req, &rsp, 2000, 9000);
}

static void codesys2_traffic(Cell *o)
{
    Endpoint *eng = &o->p->ep[HOST_ENG_WS];
    Endpoint *plc = &o->ep[OT3_CODESYS2];
    uint64_t t = sec_ns(ENG_CODESYS2_AT_S) - ms_ns(600);
    t = cell_arp(o, t, eng, plc);
    TcpConn c;
    t = cell_open(o, &c, eng, plc, CODESYS2_PORT, t + plant_delay(o->rng, 100, 500));

    uint8_t q_mem[16];
    uint8_t r_mem[OT3_PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    buf_init(&req, q_mem, sizeof q_mem);
    cds2_block(&req, 0x01, NULL, 0);
    uint8_t id[CDS2_ID_LEN];
    memset(id, 0, sizeof id);
    cds2_str_at(id, 64, "eCos");
    cds2_str_at(id, 96, "2.0");
    cds2_str_at(id, 128, "WAGO 750-841 CoDeSys SP");
    buf_init(&rsp, r_mem, sizeof r_mem);
    cds2_block(&rsp, 0x01, id + 7, sizeof id - 7); /* the block's 7 header bytes are in id */
    t = plant_tcp_exchange(o->p, o->rng, &c, sec_ns(ENG_CODESYS2_AT_S) +
                                                   plant_delay(o->rng, 0, 100000),
                           &req, &rsp, 2000, 9000);
    const uint8_t svc_a[] = { 0x00, 0x00, 0x00, 0x00 };
    t = cds2_exchange(o, &c, t + plant_delay(o->rng, 200000, 800000), 0x2f, svc_a,
                      sizeof svc_a, 8);
    const uint8_t svc_b[] = { 0x01, 0x00 };
    t = cds2_exchange(o, &c, t + plant_delay(o->rng, 200000, 800000), 0x39, svc_b,
                      sizeof svc_b, 4);
    t = cds2_exchange(o, &c, t + plant_delay(o->rng, 200000, 800000), 0x2f, svc_a,
                      sizeof svc_a, 8);
    cell_close(o, &c, t + plant_delay(o->rng, 500000, 1500000));
}

void recipe_ot3_serial(Plant *p, Rng *rng)
{
    static Cell o; /* endpoints live as long as the scheduler's frames need them */
    cell_init(&o, p, rng, ot3_hosts, OT3_COUNT, 4096);
    ascii_traffic(&o);
    codesys2_traffic(&o);
}
