/*
 * plant-cell.h - what the recipes of a cell of devices outside
 * plant_hosts[] share (plant-ot2.c, plant-ot3.c): the cell carries its own
 * endpoints, so it counts their IP ids, resolves them by ARP and opens and
 * closes their TCP connections itself.
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

#endif /* OTS_GEN_PLANT_CELL_H */
