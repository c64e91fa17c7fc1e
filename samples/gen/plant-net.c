/*
 * plant-net.c - plant recipes for network infrastructure: LLDP from the
 * switch, DHCP for the engineering workstation, ARP cache refreshes and the
 * router's DNS resolver (zone table plus the lookup helper other recipes
 * call before they connect by name).
 */
#include "plant.h"

#include <string.h>

#include "gen-dhcp.h"
#include "gen-dns.h"
#include "gen-lldp.h"

#define PLANT_DOMAIN "ot.plant.internal"

enum {
    LLDP_PERIOD_S = 30,
    LLDP_HOLD_S = 120,
    SWITCH_MGMT_IFINDEX = 1,
    DHCP_LEASE_S = 86400,
};

/* What the router's resolver knows; anything else is NXDOMAIN. */
typedef struct DnsZoneEntry {
    const char *name;
    const char *cname; /* non-NULL: answer with this alias first */
    uint32_t ip;
    uint32_t ttl_s;
    bool is_external; /* resolved upstream: slower answer */
} DnsZoneEntry;

static const DnsZoneEntry dns_zone[] = {
    { "plc-a." PLANT_DOMAIN, NULL, 0x0a0a010a, 3600, false },
    { "plc-b." PLANT_DOMAIN, NULL, 0x0a0a0114, 3600, false },
    { "plc-c." PLANT_DOMAIN, NULL, 0x0a0a011e, 3600, false },
    { "hist-01." PLANT_DOMAIN, NULL, 0x0a0a0146, 3600, false },
    { "sqlsrv01.corp.plant.internal", NULL, 0xc0a80a14, 1200, false },
    { "dc01.corp.plant.internal", NULL, 0xc0a80a0a, 1200, false },
    { "update.vendor-cloud.example.com", "edge-eu1.vendor-cloud.example.com", 0xcb007132, 300,
      true },
};

static const DnsZoneEntry *zone_find(const char *name)
{
    for (size_t i = 0; i < sizeof dns_zone / sizeof dns_zone[0]; i++) {
        if (strcmp(dns_zone[i].name, name) == 0)
            return &dns_zone[i];
    }
    return NULL;
}

/* The SOA zone for a negative answer: the name minus its first label. */
static const char *parent_zone(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? dot + 1 : name;
}

uint64_t plant_dns_lookup(Plant *p, Rng *rng, uint64_t t, HostId client, const char *name)
{
    uint8_t q_mem[512];
    uint8_t r_mem[512];
    Buf q;
    Buf r;
    DnsMsg m;
    uint16_t id = rng_u16(rng);
    uint16_t sport = plant_ephemeral_port(rng, client);
    const DnsZoneEntry *z = zone_find(name);

    buf_init(&q, q_mem, sizeof q_mem);
    dns_begin(&m, &q, id, DNS_FLAGS_QUERY);
    dns_question(&m, name, DNS_TYPE_A);
    dns_end(&m);
    plant_udp(p, t, client, HOST_ROUTER, sport, DNS_PORT, &q);

    buf_init(&r, r_mem, sizeof r_mem);
    dns_begin(&m, &r, id, z ? DNS_FLAGS_RESPONSE : DNS_FLAGS_NXDOMAIN);
    dns_question(&m, name, DNS_TYPE_A);
    if (z && z->cname) {
        dns_answer_cname(&m, name, z->ttl_s, z->cname);
        dns_answer_a(&m, z->cname, z->ttl_s, z->ip);
    } else if (z) {
        dns_answer_a(&m, name, z->ttl_s, z->ip);
    } else {
        dns_authority_soa(&m, parent_zone(name), 3600, "ot-gw-01." PLANT_DOMAIN,
                          "hostmaster." PLANT_DOMAIN, 2024030101);
    }
    dns_end(&m);
    t += (z && z->is_external) ? plant_delay(rng, 18000, 45000) : plant_delay(rng, 300, 1800);
    plant_udp(p, t, HOST_ROUTER, client, DNS_PORT, sport, &r);
    return t;
}

static void lldp_announce(Plant *p, uint64_t t)
{
    static const char sys_desc[] =
        "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11, "
        "RELEASE SOFTWARE (fc3)\nTechnical Support: http://www.cisco.com/techsupport\n"
        "Copyright (c) 1986-2017 by Cisco Systems, Inc.";
    const Endpoint *sw = &p->ep[HOST_SWITCH];
    uint8_t mem[512];
    Buf b;
    buf_init(&b, mem, sizeof mem);
    lldp_chassis_mac(&b, sw->mac);
    lldp_port_ifname(&b, "Gi0/24");
    lldp_ttl(&b, LLDP_HOLD_S);
    lldp_text(&b, LLDP_TLV_PORT_DESC, "GigabitEthernet0/24");
    lldp_text(&b, LLDP_TLV_SYSTEM_NAME, plant_hosts[HOST_SWITCH].name);
    lldp_text(&b, LLDP_TLV_SYSTEM_DESC, sys_desc);
    lldp_capabilities(&b, LLDP_CAP_BRIDGE, LLDP_CAP_BRIDGE);
    lldp_mgmt_ipv4(&b, sw->ip, SWITCH_MGMT_IFINDEX);
    lldp_end(&b);
    plant_check_buf(&b, "lldp");
    size_t len = frame_l2(p->frame, LLDP_MULTICAST_MAC, sw->mac, ETHERTYPE_LLDP, b.p, b.len);
    plant_emit(p, t, len);
}

void recipe_lldp_switch(Plant *p, Rng *rng)
{
    for (uint64_t t = ms_ns(210); plant_in_capture(t); t += sec_ns(LLDP_PERIOD_S))
        lldp_announce(p, t + plant_delay(rng, 0, 2000));
}

/* Options a Windows 10 client lists in option 55. */
static const uint8_t windows_param_list[] = { 1,  3,  6,  15,  31,  33,  43,
                                              44, 46, 47, 119, 121, 249, 252 };

static void dhcp_client_options(Buf *b, const Endpoint *client, uint8_t msg_type)
{
    uint8_t client_id[1 + MAC_LEN] = { 1 }; /* hardware type Ethernet + MAC */
    memcpy(client_id + 1, client->mac, MAC_LEN);
    dhcp_opt_u8(b, DHCP_OPT_MSG_TYPE, msg_type);
    dhcp_opt(b, DHCP_OPT_CLIENT_ID, client_id, sizeof client_id);
    dhcp_opt_u32(b, DHCP_OPT_REQUESTED_IP, client->ip);
}

static void dhcp_client_trailer(Buf *b)
{
    static const char fqdn[] = "ENG-WS01." PLANT_DOMAIN;
    uint8_t fqdn_opt[3 + sizeof fqdn] = { 0x00, 0, 0 }; /* flags, rcode1, rcode2, then name */
    memcpy(fqdn_opt + 3, fqdn, sizeof fqdn - 1);
    dhcp_opt_str(b, DHCP_OPT_HOSTNAME, plant_hosts[HOST_ENG_WS].name);
    dhcp_opt(b, DHCP_OPT_CLIENT_FQDN, fqdn_opt, 3 + sizeof fqdn - 1);
    dhcp_opt_str(b, DHCP_OPT_VENDOR_CLASS, "MSFT 5.0");
    dhcp_opt(b, DHCP_OPT_PARAM_LIST, windows_param_list, sizeof windows_param_list);
}

static void dhcp_server_options(Buf *b, const Endpoint *server, uint8_t msg_type)
{
    dhcp_opt_u8(b, DHCP_OPT_MSG_TYPE, msg_type);
    dhcp_opt_u32(b, DHCP_OPT_SERVER_ID, server->ip);
    dhcp_opt_u32(b, DHCP_OPT_LEASE_TIME, DHCP_LEASE_S);
    dhcp_opt_u32(b, DHCP_OPT_RENEWAL_TIME, DHCP_LEASE_S / 2);
    dhcp_opt_u32(b, DHCP_OPT_REBINDING_TIME, DHCP_LEASE_S * 7 / 8);
    dhcp_opt_u32(b, DHCP_OPT_SUBNET_MASK, 0xffffff00);
    dhcp_opt_u32(b, DHCP_OPT_ROUTER, server->ip);
    dhcp_opt_u32(b, DHCP_OPT_DNS_SERVER, server->ip);
    dhcp_opt_str(b, DHCP_OPT_DOMAIN_NAME, PLANT_DOMAIN);
}

/* A client broadcast from 0.0.0.0:68, as before it has an address. */
static void dhcp_send_client(Plant *p, uint64_t t, const Buf *b)
{
    Endpoint *c = &p->ep[HOST_ENG_WS];
    FrameAddr a = {
        .src_mac = c->mac,
        .dst_mac = MAC_BROADCAST,
        .src_ip = 0,
        .dst_ip = 0xffffffff,
        .ttl = 128,
        .is_df = false,
        .ip_id = c->ip_id++,
    };
    size_t len = frame_udp(p->frame, &a, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, b->p, b->len);
    plant_emit(p, t, len);
}

/* One client message and the server's answer; returns the time of the answer. */
static uint64_t dhcp_exchange(Plant *p, Rng *rng, uint64_t t, uint32_t xid, uint8_t client_type,
                              uint8_t server_type)
{
    const Endpoint *client = &p->ep[HOST_ENG_WS];
    const Endpoint *server = &p->ep[HOST_ROUTER];
    uint8_t mem[600];
    Buf b;

    buf_init(&b, mem, sizeof mem);
    DhcpHead ch = { .op = BOOTP_REQUEST, .xid = xid, .chaddr = client->mac };
    size_t start = dhcp_begin(&b, &ch);
    dhcp_client_options(&b, client, client_type);
    if (client_type == DHCP_REQUEST)
        dhcp_opt_u32(&b, DHCP_OPT_SERVER_ID, server->ip);
    dhcp_client_trailer(&b);
    dhcp_end(&b, start);
    plant_check_buf(&b, "dhcp");
    dhcp_send_client(p, t, &b);

    t += plant_delay(rng, 1200, 4000);
    buf_init(&b, mem, sizeof mem);
    DhcpHead sh = { .op = BOOTP_REPLY, .xid = xid, .yiaddr = client->ip, .chaddr = client->mac };
    start = dhcp_begin(&b, &sh);
    dhcp_server_options(&b, server, server_type);
    dhcp_end(&b, start);
    /* Windows leaves the broadcast flag clear, so the server answers by unicast. */
    plant_check_buf(&b, "dhcp");
    plant_udp(p, t, HOST_ROUTER, HOST_ENG_WS, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, &b);
    return t;
}

void recipe_dhcp_eng_ws(Plant *p, Rng *rng)
{
    const Endpoint *ws = &p->ep[HOST_ENG_WS];
    uint32_t xid = rng_u32(rng);
    uint64_t t = ms_ns(350) + plant_delay(rng, 0, 50000);

    t = dhcp_exchange(p, rng, t, xid, DHCP_DISCOVER, DHCP_OFFER);
    t += plant_delay(rng, 2000, 9000);
    t = dhcp_exchange(p, rng, t, xid, DHCP_REQUEST, DHCP_ACK);

    /* Address conflict detection (RFC 5227): a probe, then an announcement. */
    t += plant_delay(rng, 20000, 60000);
    size_t len = frame_arp(p->frame, ARP_OP_REQUEST, MAC_BROADCAST, ws->mac, 0, MAC_ZERO, ws->ip);
    plant_emit(p, t, len);
    t += plant_delay(rng, 900000, 1100000);
    len = frame_arp(p->frame, ARP_OP_REQUEST, MAC_BROADCAST, ws->mac, ws->ip, MAC_ZERO, ws->ip);
    plant_emit(p, t, len);

    /* First things a Windows client does once configured: find the gateway, look for WPAD. */
    t += plant_delay(rng, 30000, 90000);
    t = plant_arp_resolve(p, rng, t, HOST_ENG_WS, HOST_ROUTER, false);
    t += plant_delay(rng, 500, 3000);
    plant_dns_lookup(p, rng, t, HOST_ENG_WS, "wpad." PLANT_DOMAIN);
}

/* Who refreshes which ARP entry, and roughly how often. */
typedef struct ArpRefresh {
    HostId asker;
    HostId target;
    uint32_t first_s;
    uint32_t period_s;
    bool is_unicast;
} ArpRefresh;

/* clang-format off */
static const ArpRefresh arp_refreshes[] = {
    { HOST_HMI, HOST_PLC_A, 95, 150, true },
    { HOST_HMI, HOST_PLC_B, 130, 150, true },
    { HOST_HMI, HOST_PLC_C, 170, 150, true },
    { HOST_HMI, HOST_ROUTER, 45, 240, false },
    { HOST_HISTORIAN, HOST_ROUTER, 210, 240, true },
    { HOST_HISTORIAN, HOST_PLC_A, 260, 240, true },
    { HOST_PLC_A, HOST_HMI, 305, 1200, false },
    { HOST_PLC_C, HOST_HMI, 420, 1200, false },
    { HOST_ROUTER, HOST_ENG_WS, 330, 1200, false },
};
/* clang-format on */

void recipe_arp_refresh(Plant *p, Rng *rng)
{
    for (size_t i = 0; i < sizeof arp_refreshes / sizeof arp_refreshes[0]; i++) {
        const ArpRefresh *r = &arp_refreshes[i];
        for (uint64_t t = sec_ns(r->first_s); plant_in_capture(t); t += sec_ns(r->period_s)) {
            uint64_t at = t + plant_delay(rng, 0, 8000000);
            plant_arp_resolve(p, rng, at, r->asker, r->target, r->is_unicast);
        }
    }
}

void recipe_dns_background(Plant *p, Rng *rng)
{
    /* The workstation's domain controller lookups, every few minutes. */
    for (uint64_t t = sec_ns(20); plant_in_capture(t); t += sec_ns(140)) {
        uint64_t at = t + plant_delay(rng, 0, 20000000);
        plant_dns_lookup(p, rng, at, HOST_ENG_WS, "dc01.corp.plant.internal");
    }
}
