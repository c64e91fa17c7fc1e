/*
 * plant.h - the bundled "plant" sample: hosts, timing helpers and recipes.
 *
 * The plant is one OT segment (10.10.1.0/24) behind a router to the IT
 * network and the internet. Its traffic is written by recipes: each
 * recipe generates one host's or one protocol's packets for the whole
 * capture and queues them in the scheduler, which merges them by time.
 * To extend the sample (DNP3, IEC-104, an attack), add a host to HostId and
 * plant_hosts[], write a recipe with the helpers below, and list it in
 * plant_recipes[] in plant.c. Each recipe draws from its own random
 * stream, so adding one leaves every other recipe's bytes unchanged.
 */
#ifndef OTS_GEN_PLANT_H
#define OTS_GEN_PLANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"
#include "gen-frame.h"
#include "gen-rng.h"
#include "gen-sched.h"

/* 2024-03-05T08:00:00Z: every timestamp is an offset from this. */
#define PLANT_START_EPOCH_S 1709625600ull
#define PLANT_DURATION_S 600u
#define PLANT_SEED 0x07500c0de2024ull

/*
 * When the rare events happen (seconds into the capture). Shared so that
 * the routine pollers can show their effect: the HMI reads the new
 * setpoint after the write, PLC B's values freeze while it is stopped.
 */
#define PLANT_ENG_MODBUS_AT_S 240u
#define PLANT_ENG_S7_AT_S 300u
#define PLANT_S7_STOPPED_FOR_S 12u
#define PLANT_SCAN_AT_S 480u

typedef enum HostId {
    HOST_ROUTER,
    HOST_SWITCH,
    HOST_PLC_A,
    HOST_PLC_B,
    HOST_PLC_C,
    HOST_HMI,
    HOST_ENG_WS,
    HOST_HISTORIAN,
    HOST_REMOTE_ACCESS,
    HOST_SCANNER,
    HOST_IT_SQL,       /* behind the router */
    HOST_VENDOR_CLOUD, /* on the internet */
    HOST_COUNT
} HostId;

/* How a host's TCP stack opens connections (SYN options, windows). */
typedef struct TcpProfile {
    const uint8_t *syn_opts;
    size_t syn_opts_len;
    uint16_t syn_window;
    uint16_t window;       /* window field after the handshake */
    bool has_wscale;       /* offers window scaling in its SYN */
    uint16_t ephemeral_lo; /* client port range */
    uint16_t ephemeral_hi;
} TcpProfile;

typedef struct HostDesc {
    const char *name; /* hostname (DNS, DHCP, LLDP) */
    const char *vendor;
    const char *role;
    uint8_t mac[MAC_LEN]; /* own MAC; off-segment hosts are seen with the router's */
    uint32_t ip;
    uint8_t ttl;           /* initial TTL of its stack */
    bool is_remote;        /* reached through HOST_ROUTER */
    bool has_random_ip_id; /* raw-socket tools: IP ids are not a counter */
    const TcpProfile *tcp;
    uint32_t rtt_us; /* round trip from the segment; 0 for the LAN default */
} HostDesc;

extern const HostDesc plant_hosts[HOST_COUNT];

typedef struct Plant {
    Sched sched;
    Endpoint ep[HOST_COUNT];      /* hosts as seen on the captured segment */
    uint8_t frame[FRAME_MAX_LEN]; /* scratch for the frame being built */
} Plant;

typedef struct PlantRecipe {
    const char *name;
    void (*run)(Plant *p, Rng *rng);
} PlantRecipe;

/* Durations in nanoseconds, the scheduler's unit. */
static inline uint64_t sec_ns(uint64_t s)
{
    return s * 1000000000ull;
}

static inline uint64_t ms_ns(uint64_t ms)
{
    return ms * 1000000ull;
}

static inline uint64_t us_ns(uint64_t us)
{
    return us * 1000ull;
}

/* A random delay in [lo_us, hi_us] microseconds, plus sub-microsecond noise. */
uint64_t plant_delay(Rng *rng, uint64_t lo_us, uint64_t hi_us);

/* True while t is inside the capture (leaving room for a reply). */
bool plant_in_capture(uint64_t t);

/* Queue p->frame (frame_len bytes) at time t. */
void plant_emit(Plant *p, uint64_t t, size_t frame_len);

/* Abort with a message: a recipe built a payload larger than its buffer. */
void plant_check_buf(const Buf *b, const char *what);

/*
 * ARP who-has from asker for target (the router, for a remote target)
 * and the is-at reply. Returns the time of the reply. Unicast probes are
 * what Windows sends to refresh a cache entry it already has.
 */
uint64_t plant_arp_resolve(Plant *p, Rng *rng, uint64_t t, HostId asker, HostId target,
                           bool is_unicast);

/* One UDP datagram between two plant hosts. */
void plant_udp(Plant *p, uint64_t t, HostId src, HostId dst, uint16_t sport, uint16_t dport,
               const Buf *payload);

/* A client port from the host's ephemeral range. */
uint16_t plant_ephemeral_port(Rng *rng, HostId host);

/* Set up (but do not open) a connection with random ISNs and a fresh client port. */
void plant_tcp_conn(Plant *p, Rng *rng, TcpConn *c, HostId cli, HostId srv, uint16_t srv_port);

/* SYN, SYN/ACK, ACK starting at t; returns the time of the final ACK. */
uint64_t plant_tcp_open(Plant *p, Rng *rng, TcpConn *c, uint64_t t);

/* One data segment (PSH/ACK) at time t. */
void plant_tcp_send(Plant *p, TcpConn *c, TcpSide from, uint64_t t, const Buf *payload);

/*
 * Request from the client at t, response from the server after
 * [lo_us, hi_us]. Returns the time of the response.
 */
uint64_t plant_tcp_exchange(Plant *p, Rng *rng, TcpConn *c, uint64_t t, const Buf *req,
                            const Buf *rsp, uint64_t lo_us, uint64_t hi_us);

/* FIN/ACK from closer, FIN/ACK back, final ACK. Returns the time of the last ACK. */
uint64_t plant_tcp_close(Plant *p, Rng *rng, TcpConn *c, uint64_t t, TcpSide closer);

/* DNS lookup of an A record from client to the router's resolver; see plant-net.c. */
uint64_t plant_dns_lookup(Plant *p, Rng *rng, uint64_t t, HostId client, const char *name);

/* Generate the whole plant into a pcap file. Returns false with a message on stderr. */
bool plant_generate(const char *path);

/* Recipes, grouped by file. */
void recipe_lldp_switch(Plant *p, Rng *rng); /* plant-net.c */
void recipe_dhcp_eng_ws(Plant *p, Rng *rng);
void recipe_arp_refresh(Plant *p, Rng *rng);
void recipe_dns_background(Plant *p, Rng *rng);
void recipe_hmi_modbus(Plant *p, Rng *rng); /* plant-ot.c */
void recipe_hmi_s7comm(Plant *p, Rng *rng);
void recipe_hmi_enip(Plant *p, Rng *rng);
void recipe_hmi_list_identity(Plant *p, Rng *rng);
void recipe_eng_modbus_writes(Plant *p, Rng *rng);
void recipe_eng_s7_program(Plant *p, Rng *rng);
void recipe_historian(Plant *p, Rng *rng); /* plant-remote.c */
void recipe_remote_access_tls(Plant *p, Rng *rng);
void recipe_scanner(Plant *p, Rng *rng); /* plant-scan.c */
void recipe_eng_telnet_switch(Plant *p, Rng *rng); /* plant-attack.c */
void recipe_hmi_smb1_historian(Plant *p, Rng *rng);
void recipe_scanner_arp_spoof(Plant *p, Rng *rng);

#endif /* OTS_GEN_PLANT_H */
