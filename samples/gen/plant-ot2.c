/*
 * plant-ot2.c - the plant's second OT cell: four more controllers on the
 * same segment, each with routine traffic and one dangerous operation.
 *
 * | IP         | MAC               | device                                   |
 * |------------|-------------------|------------------------------------------|
 * | 10.10.1.41 | d8:28:c9:41:0a:01 | GE PACSystems RX3i, SRTP server (18245)  |
 * | 10.10.1.42 | 00:30:de:42:0b:02 | WAGO PFC200, CODESYS V3 runtime (11740)  |
 * | 10.10.1.43 | 38:e0:8e:43:0c:03 | Mitsubishi iQ-R, CC-Link IE FB master    |
 * | 10.10.1.44 | 38:e0:8e:44:0d:04 | Mitsubishi remote I/O, CC-Link IE FB slave |
 * | 10.10.1.45 | 00:90:e8:45:0e:05 | Moxa MGate serial gateway: Modbus RTU over TCP (4001) |
 *
 * Routine: HMI-01 reads %R1-10 from the RX3i every 2 s (SRTP) and IEC
 * variables from the CODESYS controller every 5 s; the iQ-R runs a
 * CC-Link IE Field Basic link scan with its remote I/O every 5 s and a
 * node search at start; HMI-01 polls unit 3 behind the Moxa gateway in RTU
 * framing every 5 s.  Dangerous, from ENG-WS01: at 380 s an SRTP logon,
 * PLC stop, program store and run; at 400 s a CODESYS name-service
 * discovery, login and application/file-transfer services; at 420 s an
 * RTU FC8 "restart communications" and an FC6 write through the gateway;
 * at 440 s an SLMP IP address set on the CC-Link IE Field Basic slave.
 *
 * These hosts are not in plant_hosts[] (the recipe carries its own
 * endpoints, plant-cell.c), so their IP ids are counted here, per recipe
 * build order.
 */
#include "plant-ot2.h"

#include <string.h>

#include "gen-modbus.h"
#include "plant-cell.h"

enum {
    SRTP_PORT = 18245,
    CODESYS_TCP_PORT = 11740,
    CODESYS_UDP_PORT = 1740,
    CCIEFB_PORT = 61450,
    SLMP_PORT = 61451,
    MOXA_RTU_PORT = 4001,
    OT2_PAYLOAD_MAX = 512,
    SRTP_HDR = 56,
    RTU_UNIT = 3,
    ENG_SRTP_AT_S = 380,
    ENG_CODESYS_AT_S = 400,
    ENG_RTU_AT_S = 420,
    ENG_CCIEFB_AT_S = 440,
};

typedef enum Ot2Host {
    OT2_GE_PLC,
    OT2_CODESYS,
    OT2_CC_MASTER,
    OT2_CC_SLAVE,
    OT2_MOXA,
    OT2_COUNT
} Ot2Host;

static const CellHost ot2_hosts[OT2_COUNT] = {
    [OT2_GE_PLC] = { { 0xd8, 0x28, 0xc9, 0x41, 0x0a, 0x01 }, 0x0a0a0129, 64 },
    [OT2_CODESYS] = { { 0x00, 0x30, 0xde, 0x42, 0x0b, 0x02 }, 0x0a0a012a, 64 },
    [OT2_CC_MASTER] = { { 0x38, 0xe0, 0x8e, 0x43, 0x0c, 0x03 }, 0x0a0a012b, 64 },
    [OT2_CC_SLAVE] = { { 0x38, 0xe0, 0x8e, 0x44, 0x0d, 0x04 }, 0x0a0a012c, 64 },
    [OT2_MOXA] = { { 0x00, 0x90, 0xe8, 0x45, 0x0e, 0x05 }, 0x0a0a012d, 64 },
};

/* ---------- frames between the plant's clients and these devices ---------- */

static void ot2_udp(Cell *o, uint64_t t, Endpoint *src, const Endpoint *dst, uint16_t sport,
                    uint16_t dport, const Buf *payload)
{
    plant_check_buf(payload, "ot2 udp");
    FrameAddr a;
    frame_addr_between(&a, src, dst);
    size_t len = frame_udp(o->p->frame, &a, sport, dport, payload->p, payload->len);
    plant_emit(o->p, t, len);
}

/* A subnet broadcast from src (10.10.1.255). */
static void ot2_broadcast(Cell *o, uint64_t t, Endpoint *src, uint16_t sport, uint16_t dport,
                          const Buf *payload)
{
    plant_check_buf(payload, "ot2 broadcast");
    FrameAddr a = {
        .src_mac = src->mac,
        .dst_mac = MAC_BROADCAST,
        .src_ip = src->ip,
        .dst_ip = 0x0a0a01ff,
        .ttl = src->ttl,
        .is_df = false,
        .ip_id = src->ip_id++,
    };
    size_t len = frame_udp(o->p->frame, &a, sport, dport, payload->p, payload->len);
    plant_emit(o->p, t, len);
}

/* ---------- GE SRTP ---------- */

/*
 * One SRTP message: the 56-byte header (type, sequence, text length, BCD
 * time, mailbox sequence and type, mailbox addresses, then bytes 40..55
 * from tail) and the text buffer.
 */
static void srtp_msg(Buf *b, uint16_t type, uint16_t seq, uint8_t mseq, uint8_t mtype,
                     const uint8_t *tail, size_t tail_len, const uint8_t *text, size_t text_len)
{
    uint8_t h[SRTP_HDR];
    memset(h, 0, sizeof h);
    h[0] = (uint8_t)type;
    h[2] = (uint8_t)seq;
    h[3] = (uint8_t)(seq >> 8);
    h[4] = (uint8_t)text_len;
    h[5] = (uint8_t)(text_len >> 8);
    if (type >= 2) {
        h[9] = 0x01;
        h[17] = 0x01;
        h[30] = mseq;
        h[31] = mtype;
        h[36] = 0x10; /* CPU mailbox: rack 0, slot 1 */
        h[37] = 0x0e;
        memcpy(h + 40, tail, tail_len < 16 ? tail_len : 16);
    }
    buf_bytes(b, h, sizeof h);
    buf_bytes(b, text, text_len);
}

/* A request without text and its completion ACK (with a text buffer of
 * reply_len bytes when the service returns data). */
static uint64_t srtp_service(Cell *o, TcpConn *c, uint64_t t, uint16_t *seq, uint8_t service,
                             uint8_t arg0, size_t reply_len)
{
    uint8_t req_mem[OT2_PAYLOAD_MAX];
    uint8_t rsp_mem[OT2_PAYLOAD_MAX];
    uint8_t text[64];
    Buf req;
    Buf rsp;
    uint8_t mseq = (uint8_t)*seq;
    const uint8_t req_tail[] = { 0x01, 0x01, service, arg0, 0x00, 0x00, 0x0a, 0x00 };
    buf_init(&req, req_mem, sizeof req_mem);
    srtp_msg(&req, 2, *seq, mseq, 0xc0, req_tail, sizeof req_tail, NULL, 0);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    if (reply_len > 0) {
        rng_fill(o->rng, text, reply_len);
        const uint8_t rsp_tail[] = { 0x00, 0x00, (uint8_t)reply_len, 0x00, 0, 0, 0, 0,
                                     0x01, 0x01, 0x00, 0x02, 0x00, 0x00, 0x20, 0x00 };
        srtp_msg(&rsp, 3, *seq, mseq, 0x94, rsp_tail, sizeof rsp_tail, text, reply_len);
    } else {
        const uint8_t rsp_tail[] = { 0x01, 0x01, 0x00, 0x00, 0, 0, 0, 0,
                                     0, 0, 0x00, 0x02, 0x00, 0x00, 0x20, 0x00 };
        srtp_msg(&rsp, 3, *seq, mseq, 0xd4, rsp_tail, sizeof rsp_tail, NULL, 0);
    }
    (*seq)++;
    return plant_tcp_exchange(o->p, o->rng, c, t, &req, &rsp, 1500, 6000);
}

/* Connection start: two all-zero initialisation messages, each answered. */
static uint64_t srtp_init(Cell *o, TcpConn *c, uint64_t t)
{
    uint8_t req_mem[SRTP_HDR];
    uint8_t rsp_mem[SRTP_HDR];
    Buf req;
    Buf rsp;
    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    srtp_msg(&req, 0, 0, 0, 0, NULL, 0, NULL, 0);
    srtp_msg(&rsp, 1, 0, 0, 0, NULL, 0, NULL, 0);
    t = plant_tcp_exchange(o->p, o->rng, c, t, &req, &rsp, 1000, 3000);
    return t;
}

static void srtp_routine(Cell *o)
{
    Endpoint *hmi = &o->p->ep[HOST_HMI];
    Endpoint *plc = &o->ep[OT2_GE_PLC];
    uint64_t t = ms_ns(3000) + plant_delay(o->rng, 0, 40000);
    t = cell_arp(o, t, hmi, plc);
    TcpConn c;
    t = cell_open(o, &c, hmi, plc, SRTP_PORT, t + plant_delay(o->rng, 100, 500));
    t = srtp_init(o, &c, t + plant_delay(o->rng, 500, 2000));
    uint16_t seq = 1;
    t = srtp_service(o, &c, t + plant_delay(o->rng, 500, 2000), &seq, 0x43, 0x00, 32);
    for (uint64_t tick = t + ms_ns(50); plant_in_capture(tick); tick += sec_ns(2)) {
        uint64_t at = tick + plant_delay(o->rng, 0, 4000);
        srtp_service(o, &c, at, &seq, 0x04, 0x08, 20); /* %R1..%R10 */
    }
}

static void srtp_engineering(Cell *o)
{
    Endpoint *eng = &o->p->ep[HOST_ENG_WS];
    Endpoint *plc = &o->ep[OT2_GE_PLC];
    uint64_t t = sec_ns(ENG_SRTP_AT_S) - ms_ns(900);
    t = cell_arp(o, t, eng, plc);
    TcpConn c;
    t = cell_open(o, &c, eng, plc, SRTP_PORT, t + plant_delay(o->rng, 100, 500));
    t = srtp_init(o, &c, t + plant_delay(o->rng, 500, 2000));
    uint16_t seq = 1;
    t = srtp_service(o, &c, t + plant_delay(o->rng, 20000, 60000), &seq, 0x20, 0x00, 0);
    t = srtp_service(o, &c, t + plant_delay(o->rng, 20000, 60000), &seq, 0x21, 0x03, 0);
    t = srtp_service(o, &c, sec_ns(ENG_SRTP_AT_S) + plant_delay(o->rng, 0, 100000), &seq, 0x23,
                     0x00, 0); /* stop */
    t = srtp_service(o, &c, t + plant_delay(o->rng, 300000, 800000), &seq, 0x3f, 0x00, 0);
    t = srtp_service(o, &c, t + plant_delay(o->rng, 300000, 800000), &seq, 0x23, 0x01, 0); /* run */
    cell_close(o, &c, t + plant_delay(o->rng, 500000, 1500000));
}

/* ---------- CODESYS V3 ---------- */

static void cds_u16(uint8_t *at, uint16_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
}

/*
 * Datagram layer with TCP addresses (port and IPv4, 3 words each), padded
 * to 4 bytes counted from the block driver header (base), then payload.
 */
static void cds_datagram(Buf *b, uint8_t service, const Endpoint *dst, uint16_t dport,
                         const Endpoint *src, uint16_t sport, const Buf *payload, size_t base)
{
    size_t start = b->len;
    buf_u8(b, 0xc5);
    buf_u8(b, (13 << 3) | 3);
    buf_u8(b, 0x40);
    buf_u8(b, service);
    buf_u8(b, 0x00);
    buf_u8(b, 0x33);
    buf_be16(b, dport);
    buf_be32(b, dst->ip);
    buf_be16(b, sport);
    buf_be32(b, src->ip);
    size_t used = base + (b->len - start);
    buf_zero(b, (4 - used % 4) % 4);
    buf_bytes(b, payload->p, payload->len);
}

/* The TCP block driver around a datagram. */
static void cds_tcp(Buf *b, uint8_t service, const TcpConn *c, TcpSide from, const Buf *payload)
{
    uint8_t dg_mem[OT2_PAYLOAD_MAX];
    Buf dg;
    buf_init(&dg, dg_mem, sizeof dg_mem);
    bool is_cli = from == TCP_FROM_CLI;
    cds_datagram(&dg, service, is_cli ? c->srv : c->cli, is_cli ? c->srv_port : c->cli_port,
                 is_cli ? c->cli : c->srv, is_cli ? c->cli_port : c->srv_port, payload, 8);
    buf_bytes(b, (const uint8_t[]){ 0x00, 0x01, 0x17, 0xe8 }, 4);
    buf_le32(b, (uint32_t)(8 + dg.len));
    buf_bytes(b, dg.p, dg.len);
}

/* First application block of a message: channel header, then the service
 * layer (protocol id, header size, group, service, session, content). */
static void cds_app_block(Buf *b, bool is_request, uint16_t channel, uint32_t blk,
                          uint8_t group, uint16_t service, uint32_t session, const uint8_t *content,
                          size_t content_len)
{
    uint8_t sl[16];
    cds_u16(sl, 0xcd55);
    cds_u16(sl + 2, 12);
    cds_u16(sl + 4, (uint16_t)(group | (is_request ? 0 : 0x80)));
    cds_u16(sl + 6, service);
    for (int i = 0; i < 4; i++)
        sl[8 + i] = (uint8_t)(session >> (8 * i));
    for (int i = 0; i < 4; i++)
        sl[12 + i] = (uint8_t)(content_len >> (8 * i));
    buf_u8(b, 0x01);
    buf_u8(b, is_request ? 0x81 : 0x01);
    buf_le16(b, channel);
    buf_le32(b, blk);
    buf_le32(b, 0);
    buf_le32(b, (uint32_t)(sizeof sl + content_len));
    buf_le32(b, 0x5a5a0000u | blk); /* checksum: not checked by the reader */
    buf_bytes(b, sl, sizeof sl);
    buf_bytes(b, content, content_len);
}

static uint64_t cds_service(Cell *o, TcpConn *c, uint64_t t, uint32_t *blk, uint8_t group,
                            uint16_t service, uint32_t session, const char *tag_text)
{
    uint8_t content[64];
    size_t n = strlen(tag_text);
    content[0] = 0x10;
    content[1] = (uint8_t)n;
    memcpy(content + 2, tag_text, n);
    uint8_t a_mem[OT2_PAYLOAD_MAX];
    uint8_t q_mem[OT2_PAYLOAD_MAX];
    uint8_t r_mem[OT2_PAYLOAD_MAX];
    Buf app;
    Buf req;
    Buf rsp;
    buf_init(&app, a_mem, sizeof a_mem);
    cds_app_block(&app, true, 0x0017, *blk, group, service, session, content, n + 2);
    buf_init(&req, q_mem, sizeof q_mem);
    cds_tcp(&req, 64, c, TCP_FROM_CLI, &app);
    buf_init(&app, a_mem, sizeof a_mem);
    cds_app_block(&app, false, 0x0017, *blk, group, service, session,
                  (const uint8_t[]){ 0x01, 0x02, 0x00, 0x00 }, 4);
    buf_init(&rsp, r_mem, sizeof r_mem);
    cds_tcp(&rsp, 64, c, TCP_FROM_SRV, &app);
    (*blk)++;
    return plant_tcp_exchange(o->p, o->rng, c, t, &req, &rsp, 2000, 9000);
}

static uint64_t cds_open_channel(Cell *o, TcpConn *c, uint64_t t)
{
    uint8_t ch_mem[32];
    uint8_t q_mem[OT2_PAYLOAD_MAX];
    uint8_t r_mem[OT2_PAYLOAD_MAX];
    Buf ch;
    Buf req;
    Buf rsp;
    buf_init(&ch, ch_mem, sizeof ch_mem);
    buf_u8(&ch, 0xc3);
    buf_u8(&ch, 0x00);
    buf_le16(&ch, 0x0101);
    buf_le32(&ch, rng_u32(o->rng));
    buf_le32(&ch, 0x8321d481);
    buf_le32(&ch, 0x001f4000);
    buf_le32(&ch, 5);
    buf_init(&req, q_mem, sizeof q_mem);
    cds_tcp(&req, 64, c, TCP_FROM_CLI, &ch);
    buf_init(&ch, ch_mem, sizeof ch_mem);
    buf_u8(&ch, 0x83);
    buf_u8(&ch, 0x00);
    buf_le16(&ch, 0x0101);
    buf_le32(&ch, rng_u32(o->rng));
    buf_le32(&ch, 0x8321d481);
    buf_le16(&ch, 0);
    buf_le16(&ch, 0x0017);
    buf_le32(&ch, 0x001f4000);
    buf_le32(&ch, 4);
    buf_init(&rsp, r_mem, sizeof r_mem);
    cds_tcp(&rsp, 64, c, TCP_FROM_SRV, &ch);
    return plant_tcp_exchange(o->p, o->rng, c, t, &req, &rsp, 2000, 8000);
}

static void utf16z(Buf *b, const char *s)
{
    for (; *s; s++)
        buf_le16(b, (uint8_t)*s);
    buf_le16(b, 0);
}

/* Name-service discovery broadcast and the controller's DeviceInfo reply. */
static uint64_t cds_discovery(Cell *o, uint64_t t)
{
    static const char node[] = "PFC200-CELL2";
    static const char device[] = "WAGO 750-8212 PFC200";
    static const char vendor[] = "WAGO";
    static const char serial[] = "0030DE420B02";
    Endpoint *eng = &o->p->ep[HOST_ENG_WS];
    Endpoint *dev = &o->ep[OT2_CODESYS];
    uint8_t ns_mem[OT2_PAYLOAD_MAX];
    uint8_t dg_mem[OT2_PAYLOAD_MAX];
    Buf ns;
    Buf dg;
    buf_init(&ns, ns_mem, sizeof ns_mem);
    buf_le16(&ns, 0xc202);
    buf_le16(&ns, 0x0400);
    buf_le32(&ns, 1);
    buf_init(&dg, dg_mem, sizeof dg_mem);
    buf_bytes(&dg, (const uint8_t[]){ 0xc5, (13 << 3) | 3, 0x40, 0x03, 0x00, 0x10, 0x00, 0x3c }, 8);
    buf_bytes(&dg, ns.p, ns.len);
    ot2_broadcast(o, t, eng, CODESYS_UDP_PORT, CODESYS_UDP_PORT, &dg);

    buf_init(&ns, ns_mem, sizeof ns_mem);
    buf_le16(&ns, 0xc280);
    buf_le16(&ns, 0x0103);
    buf_le32(&ns, 1);
    buf_le16(&ns, 8);  /* max channels */
    buf_u8(&ns, 1);    /* byte order */
    buf_u8(&ns, 0);
    buf_le16(&ns, 0);  /* node name offset */
    buf_le16(&ns, (unsigned)strlen(node));
    buf_le16(&ns, (unsigned)strlen(device));
    buf_le16(&ns, (unsigned)strlen(vendor));
    buf_le16(&ns, 0x1006); /* target type */
    buf_le16(&ns, 0x0042); /* target id */
    buf_le32(&ns, 0);
    buf_bytes(&ns, (const uint8_t[]){ 10, 18, 5, 3 }, 4); /* firmware 3.5.18.10 */
    buf_le32(&ns, 0);
    buf_u8(&ns, (unsigned)strlen(serial));
    buf_zero(&ns, 48 - ns.len);
    utf16z(&ns, node);
    utf16z(&ns, device);
    utf16z(&ns, vendor);
    buf_str(&ns, serial);
    buf_init(&dg, dg_mem, sizeof dg_mem);
    buf_bytes(&dg, (const uint8_t[]){ 0xc5, (13 << 3) | 3, 0x40, 0x04, 0x00, 0x11, 0x00, 0x3c,
                                      0x00, 0x2a, 0x00, 0x00 },
              12);
    buf_bytes(&dg, ns.p, ns.len);
    t += plant_delay(o->rng, 2000, 9000);
    ot2_udp(o, t, dev, eng, CODESYS_UDP_PORT, CODESYS_UDP_PORT, &dg);
    return t;
}

static void codesys_routine(Cell *o)
{
    Endpoint *hmi = &o->p->ep[HOST_HMI];
    Endpoint *dev = &o->ep[OT2_CODESYS];
    uint64_t t = ms_ns(4000) + plant_delay(o->rng, 0, 40000);
    t = cell_arp(o, t, hmi, dev);
    TcpConn c;
    t = cell_open(o, &c, hmi, dev, CODESYS_TCP_PORT, t + plant_delay(o->rng, 100, 500));
    t = cds_open_channel(o, &c, t + plant_delay(o->rng, 500, 2000));
    uint32_t blk = 1;
    uint32_t session = 0x1a2b3c4d;
    t = cds_service(o, &c, t + plant_delay(o->rng, 500, 2000), &blk, 0x01, 0x02, 0, "hmi");
    for (uint64_t tick = t + ms_ns(100); plant_in_capture(tick); tick += sec_ns(5)) {
        uint64_t at = tick + plant_delay(o->rng, 0, 5000);
        cds_service(o, &c, at, &blk, 0x09, 0x02, session, "GVL.rTemp");
    }
}

static void codesys_engineering(Cell *o)
{
    Endpoint *eng = &o->p->ep[HOST_ENG_WS];
    Endpoint *dev = &o->ep[OT2_CODESYS];
    uint64_t t = cds_discovery(o, sec_ns(ENG_CODESYS_AT_S) - ms_ns(2500));
    t = cell_arp(o, t + plant_delay(o->rng, 100000, 300000), eng, dev);
    TcpConn c;
    t = cell_open(o, &c, eng, dev, CODESYS_TCP_PORT, t + plant_delay(o->rng, 100, 500));
    t = cds_open_channel(o, &c, t + plant_delay(o->rng, 500, 2000));
    uint32_t blk = 1;
    uint32_t session = 0x5e5e0001;
    t = cds_service(o, &c, t + plant_delay(o->rng, 5000, 20000), &blk, 0x01, 0x02, 0, "admin");
    t = cds_service(o, &c, t + plant_delay(o->rng, 5000, 20000), &blk, 0x02, 0x01, session,
                    "Application");
    t = cds_service(o, &c, sec_ns(ENG_CODESYS_AT_S) + plant_delay(o->rng, 0, 200000), &blk, 0x02,
                    0x11, session, "Application"); /* stop */
    t = cds_service(o, &c, t + plant_delay(o->rng, 300000, 900000), &blk, 0x08, 0x05, session,
                    "Application.app");
    t = cds_service(o, &c, t + plant_delay(o->rng, 300000, 900000), &blk, 0x02, 0x10, session,
                    "Application"); /* start */
    cell_close(o, &c, t + plant_delay(o->rng, 500000, 1500000));
}

/* ---------- CC-Link IE Field Basic ---------- */

/* SLMP 3E request header with the fixed CCIEFB routing, then body. */
static void slmp_req(Buf *b, uint16_t cmd, const Buf *body)
{
    buf_be16(b, 0x5000);
    buf_u8(b, 0x00);
    buf_u8(b, 0xff);
    buf_le16(b, 0x03ff);
    buf_u8(b, 0x00);
    buf_le16(b, (unsigned)(6 + body->len));
    buf_le16(b, 0);
    buf_le16(b, cmd);
    buf_le16(b, 0);
    buf_bytes(b, body->p, body->len);
}

static void slmp_rsp(Buf *b, const Buf *body)
{
    buf_be16(b, 0xd000);
    buf_u8(b, 0x00);
    buf_u8(b, 0xff);
    buf_le16(b, 0x03ff);
    buf_u8(b, 0x00);
    buf_le16(b, (unsigned)(2 + body->len));
    buf_le16(b, 0);
    buf_bytes(b, body->p, body->len);
}

static void cciefb_scan(Cell *o, uint64_t t, uint16_t seq)
{
    Endpoint *master = &o->ep[OT2_CC_MASTER];
    Endpoint *slave = &o->ep[OT2_CC_SLAVE];
    uint8_t body_mem[OT2_PAYLOAD_MAX];
    uint8_t msg_mem[OT2_PAYLOAD_MAX];
    Buf body;
    Buf msg;
    buf_init(&body, body_mem, sizeof body_mem);
    buf_le16(&body, 2);
    buf_le16(&body, 0);
    buf_le16(&body, 36);
    buf_zero(&body, 14);
    buf_le16(&body, 1); /* master application running */
    buf_le16(&body, 0);
    buf_le64(&body, (PLANT_START_EPOCH_S * 1000) + t / 1000000);
    buf_le32(&body, master->ip);
    buf_u8(&body, 1); /* group */
    buf_u8(&body, 0);
    buf_le16(&body, seq);
    buf_le16(&body, 500);
    buf_le16(&body, 3);
    buf_le16(&body, 1);
    buf_le16(&body, 1); /* one occupied station */
    buf_le16(&body, 1);
    buf_le16(&body, 0);
    buf_le32(&body, slave->ip);
    buf_zero(&body, 8 + 64); /* RY and RWw of one station */
    buf_init(&msg, msg_mem, sizeof msg_mem);
    slmp_req(&msg, 0x0e70, &body);
    ot2_udp(o, t, master, slave, CCIEFB_PORT, CCIEFB_PORT, &msg);

    buf_init(&body, body_mem, sizeof body_mem);
    buf_le16(&body, 2);
    buf_le16(&body, 0); /* end code */
    buf_le16(&body, 40);
    buf_zero(&body, 14);
    buf_le16(&body, 0x0000); /* vendor code */
    buf_le16(&body, 0);
    buf_le32(&body, 0x00000ec1); /* model code */
    buf_le16(&body, 2);          /* equipment version */
    buf_le16(&body, 0);
    buf_le16(&body, 1); /* slave application running */
    buf_le16(&body, 0);
    buf_le32(&body, 0);
    buf_le32(&body, slave->ip);
    buf_u8(&body, 1);
    buf_u8(&body, 0);
    buf_le16(&body, seq);
    buf_zero(&body, 8 + 64); /* RX and RWr */
    buf_init(&msg, msg_mem, sizeof msg_mem);
    slmp_rsp(&msg, &body);
    ot2_udp(o, t + plant_delay(o->rng, 300, 1500), slave, master, CCIEFB_PORT, CCIEFB_PORT, &msg);
}

static void cciefb_transient(Cell *o, uint64_t t, Endpoint *from, uint16_t cmd, bool is_broadcast)
{
    Endpoint *slave = &o->ep[OT2_CC_SLAVE];
    uint8_t body_mem[64];
    uint8_t msg_mem[128];
    Buf body;
    Buf msg;
    buf_init(&body, body_mem, sizeof body_mem);
    buf_bytes(&body, from->mac, MAC_LEN);
    buf_u8(&body, 4);
    buf_be32(&body, cmd == 0x0e31 ? 0x0a0a0130 : from->ip); /* IP set: the new address */
    buf_init(&msg, msg_mem, sizeof msg_mem);
    slmp_req(&msg, cmd, &body);
    if (is_broadcast)
        ot2_broadcast(o, t, from, SLMP_PORT, SLMP_PORT, &msg);
    else
        ot2_udp(o, t, from, slave, SLMP_PORT, SLMP_PORT, &msg);
    buf_init(&body, body_mem, sizeof body_mem);
    buf_bytes(&body, slave->mac, MAC_LEN);
    buf_init(&msg, msg_mem, sizeof msg_mem);
    slmp_rsp(&msg, &body);
    ot2_udp(o, t + plant_delay(o->rng, 500, 3000), slave, from, SLMP_PORT, SLMP_PORT, &msg);
}

static void cciefb_traffic(Cell *o)
{
    Endpoint *master = &o->ep[OT2_CC_MASTER];
    cciefb_transient(o, ms_ns(6000) + plant_delay(o->rng, 0, 50000), master, 0x0e30, true);
    uint16_t seq = 1;
    for (uint64_t tick = ms_ns(7000); plant_in_capture(tick); tick += sec_ns(5))
        cciefb_scan(o, tick + plant_delay(o->rng, 0, 2000), seq++);
    cciefb_transient(o, sec_ns(ENG_CCIEFB_AT_S) + plant_delay(o->rng, 0, 200000),
                     &o->p->ep[HOST_ENG_WS], 0x0e31, false);
}

/* ---------- Modbus RTU over TCP through the serial gateway ---------- */

static void rtu_traffic(Cell *o)
{
    static const CellSerial rtu = { OT2_MOXA, MOXA_RTU_PORT, modbus_rtu_frame, 20000,
                                    60000 }; /* 9600 bd behind the gateway */
    const uint8_t req[] = { RTU_UNIT, 0x03, 0x00, 0x00, 0x00, 0x02 };
    const uint8_t rsp[] = { RTU_UNIT, 0x03, 0x04, 0x00, 0x00 /* level */, 0x01, 0xf4 };
    cell_serial_poll(o, &rtu, 5000, req, rsp, 100);
    const uint8_t restart[] = { RTU_UNIT, 0x08, 0x00, 0x01, 0xff, 0x00 };
    const uint8_t write[] = { RTU_UNIT, 0x06, 0x00, 0x01, 0x00, 0x00 };
    cell_serial_writes(o, &rtu, ENG_RTU_AT_S, restart, write);
}

/* ---------- the recipe ---------- */

void recipe_ot2_cell(Plant *p, Rng *rng)
{
    static Cell o; /* endpoints live as long as the scheduler's frames need them */
    cell_init(&o, p, rng, ot2_hosts, OT2_COUNT, 8192);
    srtp_routine(&o);
    srtp_engineering(&o);
    codesys_routine(&o);
    codesys_engineering(&o);
    cciefb_traffic(&o);
    rtu_traffic(&o);
}
