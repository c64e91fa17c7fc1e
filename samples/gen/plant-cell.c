/*
 * plant-cell.c - endpoints, ARP and TCP handshakes of a cell of devices
 * outside plant_hosts[], and its Modbus serial gateways; see plant-cell.h.
 */
#include "plant-cell.h"

#include <stdlib.h>
#include <string.h>

/* Windows 10 SYN options, as the HMI and the workstation send them. */
static const uint8_t syn_opts_client[] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
                                           0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };
static const uint8_t syn_opts_device[] = { 0x02, 0x04, 0x05, 0xb4 };

void cell_init(Cell *o, Plant *p, Rng *rng, const CellHost *hosts, size_t n,
               uint16_t device_window)
{
    if (n > CELL_MAX_HOSTS)
        abort();
    memset(o, 0, sizeof *o);
    o->p = p;
    o->rng = rng;
    o->device_window = device_window;
    for (size_t i = 0; i < n; i++) {
        memcpy(o->ep[i].mac, hosts[i].mac, MAC_LEN);
        o->ep[i].ip = hosts[i].ip;
        o->ep[i].ttl = hosts[i].ttl;
        o->ep[i].is_df = false;
        o->ep[i].ip_id = rng_u16(rng);
    }
}

uint64_t cell_arp(Cell *o, uint64_t t, Endpoint *asker, const Endpoint *target)
{
    size_t len = frame_arp(o->p->frame, ARP_OP_REQUEST, MAC_BROADCAST, asker->mac, asker->ip,
                           MAC_ZERO, target->ip);
    plant_emit(o->p, t, len);
    t += plant_delay(o->rng, 80, 900);
    len = frame_arp(o->p->frame, ARP_OP_REPLY, asker->mac, target->mac, target->ip, asker->mac,
                    asker->ip);
    plant_emit(o->p, t, len);
    return t;
}

uint64_t cell_open(Cell *o, TcpConn *c, Endpoint *cli, Endpoint *srv, uint16_t port, uint64_t t)
{
    uint16_t cli_port = (uint16_t)rng_range(o->rng, 49152, 65535);
    uint32_t cli_isn = rng_u32(o->rng);
    uint32_t srv_isn = rng_u32(o->rng);
    tcpconn_init(c, cli, cli_port, srv, port, cli_isn, srv_isn);
    c->cli_win = 64240;
    c->srv_win = o->device_window;
    size_t len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_SYN, syn_opts_client, sizeof syn_opts_client,
                                 NULL, 0, o->p->frame);
    plant_emit(o->p, t, len);
    t += plant_delay(o->rng, 150, 1500);
    len = tcpconn_segment(c, TCP_FROM_SRV, TCPF_SYN | TCPF_ACK, syn_opts_device,
                          sizeof syn_opts_device, NULL, 0, o->p->frame);
    plant_emit(o->p, t, len);
    t += plant_delay(o->rng, 60, 400);
    len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_ACK, NULL, 0, NULL, 0, o->p->frame);
    plant_emit(o->p, t, len);
    return t;
}

uint64_t cell_close(Cell *o, TcpConn *c, uint64_t t)
{
    size_t len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_FIN | TCPF_ACK, NULL, 0, NULL, 0,
                                 o->p->frame);
    plant_emit(o->p, t, len);
    t += plant_delay(o->rng, 200, 2000);
    len = tcpconn_segment(c, TCP_FROM_SRV, TCPF_FIN | TCPF_ACK, NULL, 0, NULL, 0, o->p->frame);
    plant_emit(o->p, t, len);
    t += plant_delay(o->rng, 60, 400);
    len = tcpconn_segment(c, TCP_FROM_CLI, TCPF_ACK, NULL, 0, NULL, 0, o->p->frame);
    plant_emit(o->p, t, len);
    return t;
}

/* One request through the gateway and the serial device's answer. */
static uint64_t serial_exchange(Cell *o, const CellSerial *s, TcpConn *c, uint64_t t,
                                const uint8_t *req_adu, size_t req_len, const uint8_t *rsp_adu,
                                size_t rsp_len)
{
    uint8_t q_mem[128]; /* ASCII framing doubles the ADU */
    uint8_t r_mem[128];
    Buf req;
    Buf rsp;
    buf_init(&req, q_mem, sizeof q_mem);
    s->frame(&req, req_adu, req_len);
    buf_init(&rsp, r_mem, sizeof r_mem);
    s->frame(&rsp, rsp_adu, rsp_len);
    return plant_tcp_exchange(o->p, o->rng, c, t, &req, &rsp, s->reply_lo_us, s->reply_hi_us);
}

void cell_serial_poll(Cell *o, const CellSerial *s, uint64_t first_ms,
                      const uint8_t req[CELL_SERIAL_READ_REQ],
                      const uint8_t rsp[CELL_SERIAL_READ_RSP], uint32_t value_below)
{
    Endpoint *hmi = &o->p->ep[HOST_HMI];
    Endpoint *gw = &o->ep[s->gateway];
    uint64_t t = ms_ns(first_ms) + plant_delay(o->rng, 0, 40000);
    t = cell_arp(o, t, hmi, gw);
    TcpConn c;
    t = cell_open(o, &c, hmi, gw, s->port, t + plant_delay(o->rng, 100, 500));
    for (uint64_t tick = t + ms_ns(100); plant_in_capture(tick); tick += sec_ns(5)) {
        uint64_t at = tick + plant_delay(o->rng, 0, 5000);
        uint8_t answer[CELL_SERIAL_READ_RSP];
        memcpy(answer, rsp, sizeof answer);
        answer[CELL_SERIAL_VALUE_AT] = (uint8_t)rng_below(o->rng, value_below);
        serial_exchange(o, s, &c, at, req, CELL_SERIAL_READ_REQ, answer, sizeof answer);
    }
}

void cell_serial_writes(Cell *o, const CellSerial *s, uint64_t at_s,
                        const uint8_t first[CELL_SERIAL_WRITE],
                        const uint8_t second[CELL_SERIAL_WRITE])
{
    Endpoint *eng = &o->p->ep[HOST_ENG_WS];
    Endpoint *gw = &o->ep[s->gateway];
    uint64_t t = sec_ns(at_s) - ms_ns(700);
    t = cell_arp(o, t, eng, gw);
    TcpConn c;
    t = cell_open(o, &c, eng, gw, s->port, t + plant_delay(o->rng, 100, 500));
    t = serial_exchange(o, s, &c, sec_ns(at_s) + plant_delay(o->rng, 0, 100000), first,
                        CELL_SERIAL_WRITE, first, CELL_SERIAL_WRITE);
    t = serial_exchange(o, s, &c, t + plant_delay(o->rng, 500000, 1500000), second,
                        CELL_SERIAL_WRITE, second, CELL_SERIAL_WRITE);
    cell_close(o, &c, t + plant_delay(o->rng, 500000, 1500000));
}
