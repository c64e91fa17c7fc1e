/*
 * plant-cell.h - what the recipes of a cell of devices outside
 * plant_hosts[] share (plant-ot2.c, plant-ot3.c): the cell carries its own
 * endpoints, so it counts their IP ids, resolves them by ARP and opens and
 * closes their TCP connections itself; and the Modbus serial gateways both
 * cells have, polled and written the same way in their own framing.
 */
#ifndef OTS_GEN_PLANT_CELL_H
#define OTS_GEN_PLANT_CELL_H

#include "plant.h"

enum { CELL_MAX_HOSTS = 8 };

/* One device of a cell. */
typedef struct CellHost {
    uint8_t mac[MAC_LEN];
    uint32_t ip;
    uint8_t ttl;
} CellHost;

typedef struct Cell {
    Plant *p;
    Rng *rng;
    uint16_t device_window; /* the devices' TCP window */
    Endpoint ep[CELL_MAX_HOSTS];
} Cell;

/* The cell's endpoints from its host table (n <= CELL_MAX_HOSTS), each
 * with a random first IP id drawn from rng in table order. */
void cell_init(Cell *o, Plant *p, Rng *rng, const CellHost *hosts, size_t n,
               uint16_t device_window);

/* ARP who-has from asker and target's is-at; returns the reply's time. */
uint64_t cell_arp(Cell *o, uint64_t t, Endpoint *asker, const Endpoint *target);

/* SYN, SYN/ACK, ACK from a Windows client (the plant's HMI or workstation)
 * to an embedded server that sends MSS only (no window scaling); returns
 * the final ACK's time. */
uint64_t cell_open(Cell *o, TcpConn *c, Endpoint *cli, Endpoint *srv, uint16_t port, uint64_t t);

/* FIN/ACK from the client, FIN/ACK back, last ACK; returns its time. */
uint64_t cell_close(Cell *o, TcpConn *c, uint64_t t);

/* A Modbus serial line that a gateway of the cell passes through to TCP. */
typedef struct CellSerial {
    size_t gateway; /* its index in the cell's host table */
    uint16_t port;
    void (*frame)(Buf *b, const uint8_t *adu, size_t len); /* RTU or ASCII (gen-modbus.h) */
    uint64_t reply_lo_us, reply_hi_us; /* the serial device's answer, through the gateway */
} CellSerial;

enum {
    CELL_SERIAL_READ_REQ = 6, /* unit, FC3, start, quantity */
    CELL_SERIAL_READ_RSP = 7, /* unit, FC3, byte count, two registers */
    CELL_SERIAL_WRITE = 6,    /* unit, FC5/6/8, address, value: echoed */
    CELL_SERIAL_VALUE_AT = 4, /* the first register's low byte, which changes */
};

/* HMI-01 resolves and connects to the gateway about first_ms into the
 * capture and then sends req every 5 s; each answer is rsp with its
 * CELL_SERIAL_VALUE_AT byte drawn below value_below. */
void cell_serial_poll(Cell *o, const CellSerial *s, uint64_t first_ms,
                      const uint8_t req[CELL_SERIAL_READ_REQ],
                      const uint8_t rsp[CELL_SERIAL_READ_RSP], uint32_t value_below);

/* ENG-WS01 resolves and connects to the gateway just before at_s, sends
 * first at at_s and second after it (each answered by its echo), and
 * closes. */
void cell_serial_writes(Cell *o, const CellSerial *s, uint64_t at_s,
                        const uint8_t first[CELL_SERIAL_WRITE],
                        const uint8_t second[CELL_SERIAL_WRITE]);

#endif /* OTS_GEN_PLANT_CELL_H */
