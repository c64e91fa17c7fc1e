/*
 * plant-itid.c - IT traffic that names plant devices (issue 4):
 *
 *   - HIST-01 (Windows XP) sends a DHCP INFORM to the router at 40 s: host
 *     name, vendor class "MSFT 5.0" and the Parameter Request List Windows
 *     XP sends (FingerBank: 1,15,3,6,44,46,47,31,33,249,43,252).
 *   - HMI-01 polls the switch by SNMPv2c every 120 s from 25 s: a GetRequest
 *     for sysDescr.0, sysObjectID.0 and sysName.0 with the community
 *     "plantRO" (a cleartext credential), and the switch's GetResponse.
 *   - ENG-WS01 opens plc-b's web server at 250 s: GET / and a 200 response
 *     whose <title> names the CPU, as S7-300 PN CPUs' start pages do.
 *
 * References: RFC 2131 section 3.4 (INFORM); RFC 3416 section 3 (SNMPv2
 * PDUs), RFC 1157 section 4 (message), X.690 (BER); RFC 9112 (HTTP/1.1).
 */
#include "plant-itid.h"

#include <stdio.h>
#include <string.h>

#include "gen-dhcp.h"

enum {
    INFORM_AT_S = 40,
    SNMP_FIRST_S = 25,
    SNMP_PERIOD_S = 120,
    SNMP_PORT = 161,
    HTTP_AT_S = 250,
    HTTP_PORT = 80,
    BER_SEQUENCE = 0x30,
    BER_INTEGER = 0x02,
    BER_OCTET_STRING = 0x04,
    BER_NULL = 0x05,
    BER_OID = 0x06,
    SNMP_GET_REQUEST = 0xa0,
    SNMP_GET_RESPONSE = 0xa2,
    SNMP_V2C = 1,
};

/* ---------- DHCP INFORM: HIST-01 ---------- */

static const uint8_t xp_param_list[] = { 1, 15, 3, 6, 44, 46, 47, 31, 33, 249, 43, 252 };

static void inform_historian(Plant *p, Rng *rng)
{
    const Endpoint *hist = &p->ep[HOST_HISTORIAN];
    const Endpoint *router = &p->ep[HOST_ROUTER];
    uint32_t xid = rng_u32(rng);
    uint64_t t = sec_ns(INFORM_AT_S) + plant_delay(rng, 0, 400000);
    uint8_t mem[600];
    Buf b;

    buf_init(&b, mem, sizeof mem);
    DhcpHead ch = { .op = BOOTP_REQUEST, .xid = xid, .ciaddr = hist->ip, .chaddr = hist->mac };
    size_t start = dhcp_begin(&b, &ch);
    dhcp_opt_u8(&b, DHCP_OPT_MSG_TYPE, 8); /* INFORM */
    uint8_t client_id[7] = { 1 };
    memcpy(client_id + 1, hist->mac, 6);
    dhcp_opt(&b, DHCP_OPT_CLIENT_ID, client_id, sizeof client_id);
    dhcp_opt_str(&b, DHCP_OPT_HOSTNAME, "HIST-01");
    dhcp_opt_str(&b, DHCP_OPT_VENDOR_CLASS, "MSFT 5.0");
    dhcp_opt(&b, DHCP_OPT_PARAM_LIST, xp_param_list, sizeof xp_param_list);
    dhcp_end(&b, start);
    plant_check_buf(&b, "dhcp inform");
    plant_udp(p, t, HOST_HISTORIAN, HOST_ROUTER, 68, 67, &b);

    t += plant_delay(rng, 1000, 3000);
    buf_init(&b, mem, sizeof mem);
    DhcpHead sh = { .op = BOOTP_REPLY, .xid = xid, .ciaddr = hist->ip, .chaddr = hist->mac };
    start = dhcp_begin(&b, &sh);
    dhcp_opt_u8(&b, DHCP_OPT_MSG_TYPE, DHCP_ACK);
    dhcp_opt_u32(&b, DHCP_OPT_SERVER_ID, router->ip);
    dhcp_opt_u32(&b, DHCP_OPT_SUBNET_MASK, 0xffffff00);
    dhcp_opt_u32(&b, DHCP_OPT_ROUTER, router->ip);
    dhcp_opt_u32(&b, DHCP_OPT_DNS_SERVER, router->ip);
    dhcp_opt_str(&b, DHCP_OPT_DOMAIN_NAME, "ot.plant.internal");
    dhcp_end(&b, start);
    plant_check_buf(&b, "dhcp ack");
    plant_udp(p, t, HOST_ROUTER, HOST_HISTORIAN, 67, 68, &b);
}

/* ---------- SNMPv2c: HMI-01 polls the switch ---------- */

/* BER tag and definite length (short or 0x81/0x82 long form). */
static void ber_head(Buf *b, unsigned tag, size_t len)
{
    buf_u8(b, tag);
    if (len < 0x80) {
        buf_u8(b, (unsigned)len);
    } else if (len < 0x100) {
        buf_u8(b, 0x81);
        buf_u8(b, (unsigned)len);
    } else {
        buf_u8(b, 0x82);
        buf_be16(b, (unsigned)len);
    }
}

static void ber_raw(Buf *b, unsigned tag, const void *v, size_t len)
{
    ber_head(b, tag, len);
    buf_bytes(b, v, len);
}

static void ber_int(Buf *b, uint32_t v)
{
    uint8_t be[5] = { 0, (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    size_t skip = 0;
    /* minimal two's complement: drop leading zero bytes while the next
     * byte's top bit stays clear */
    while (skip < 4 && be[skip] == 0 && !(be[skip + 1] & 0x80))
        skip++;
    ber_raw(b, BER_INTEGER, be + skip, sizeof be - skip);
}

/* A constructed value built in its own buffer, then wrapped. */
static void ber_wrap(Buf *b, unsigned tag, const Buf *inner)
{
    ber_raw(b, tag, inner->p, inner->len);
}

typedef struct SnmpVar {
    const uint8_t *oid; /* BER contents of the OID */
    size_t oid_len;
    uint8_t type;       /* of the value in a response */
    const void *value;
    size_t value_len;
} SnmpVar;

/* 1.3.6.1.2.1.1.{1,2,5}.0 */
static const uint8_t oid_sys_descr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
static const uint8_t oid_sys_object_id[] = { 0x2b, 6, 1, 2, 1, 1, 2, 0 };
static const uint8_t oid_sys_name[] = { 0x2b, 6, 1, 2, 1, 1, 5, 0 };
/* 1.3.6.1.4.1.9.1.1208: ciscoWsC296024TT (cisco products MIB) */
static const uint8_t oid_c2960[] = { 0x2b, 6, 1, 4, 1, 9, 1, 0x89, 0x38 };
static const char sys_descr[] =
    "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11, "
    "RELEASE SOFTWARE (fc3)";
static const char sys_name[] = "ot-sw-01";

static void snmp_message(Buf *out, unsigned pdu_type, uint32_t request_id, bool is_response)
{
    const SnmpVar vars[] = {
        { oid_sys_descr, sizeof oid_sys_descr, BER_OCTET_STRING, sys_descr, sizeof sys_descr - 1 },
        { oid_sys_object_id, sizeof oid_sys_object_id, BER_OID, oid_c2960, sizeof oid_c2960 },
        { oid_sys_name, sizeof oid_sys_name, BER_OCTET_STRING, sys_name, sizeof sys_name - 1 },
    };
    uint8_t list_mem[512], var_mem[256], pdu_mem[600], msg_mem[700];
    Buf list, var, pdu, msg;
    buf_init(&list, list_mem, sizeof list_mem);
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        buf_init(&var, var_mem, sizeof var_mem);
        ber_raw(&var, BER_OID, vars[i].oid, vars[i].oid_len);
        if (is_response)
            ber_raw(&var, vars[i].type, vars[i].value, vars[i].value_len);
        else
            ber_head(&var, BER_NULL, 0);
        plant_check_buf(&var, "snmp varbind");
        ber_wrap(&list, BER_SEQUENCE, &var);
    }
    buf_init(&pdu, pdu_mem, sizeof pdu_mem);
    ber_int(&pdu, request_id);
    ber_int(&pdu, 0); /* error-status */
    ber_int(&pdu, 0); /* error-index */
    ber_wrap(&pdu, BER_SEQUENCE, &list);
    buf_init(&msg, msg_mem, sizeof msg_mem);
    ber_int(&msg, SNMP_V2C);
    ber_raw(&msg, BER_OCTET_STRING, "plantRO", 7);
    ber_wrap(&msg, pdu_type, &pdu);
    plant_check_buf(&list, "snmp list");
    plant_check_buf(&pdu, "snmp pdu");
    plant_check_buf(&msg, "snmp message");
    ber_wrap(out, BER_SEQUENCE, &msg);
}

static void snmp_polls(Plant *p, Rng *rng)
{
    uint32_t request_id = rng_u32(rng) & 0x7fffffff;
    uint16_t sport = plant_ephemeral_port(rng, HOST_HMI);
    for (uint64_t t = sec_ns(SNMP_FIRST_S); plant_in_capture(t); t += sec_ns(SNMP_PERIOD_S)) {
        uint8_t mem[800];
        Buf b;
        uint64_t at = t + plant_delay(rng, 0, 300000);
        buf_init(&b, mem, sizeof mem);
        snmp_message(&b, SNMP_GET_REQUEST, request_id, false);
        plant_check_buf(&b, "snmp get");
        plant_udp(p, at, HOST_HMI, HOST_SWITCH, sport, SNMP_PORT, &b);
        at += plant_delay(rng, 1500, 6000);
        buf_init(&b, mem, sizeof mem);
        snmp_message(&b, SNMP_GET_RESPONSE, request_id, true);
        plant_check_buf(&b, "snmp response");
        plant_udp(p, at, HOST_SWITCH, HOST_HMI, SNMP_PORT, sport, &b);
        request_id++;
    }
}

/* ---------- HTTP: ENG-WS01 opens plc-b's web page ---------- */

static const char http_request[] =
    "GET / HTTP/1.1\r\n"
    "Host: 10.10.1.20\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 "
    "Firefox/115.0\r\n"
    "Accept: text/html,application/xhtml+xml\r\n"
    "Connection: close\r\n"
    "\r\n";

static const char http_body[] =
    "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\">"
    "<title>SIMATIC 300 CPU 315-2 PN/DP - plc-b - Start page</title></head>\r\n"
    "<body><h1>plc-b</h1><p>Order number 6ES7 315-2EH14-0AB0</p></body></html>\r\n";

static void http_plc_page(Plant *p, Rng *rng)
{
    TcpConn c;
    uint8_t req_mem[400], rsp_mem[700];
    Buf req, rsp;
    plant_tcp_conn(p, rng, &c, HOST_ENG_WS, HOST_PLC_B, HTTP_PORT);
    uint64_t t = plant_tcp_open(p, rng, &c, sec_ns(HTTP_AT_S) + plant_delay(rng, 0, 500000));
    buf_init(&req, req_mem, sizeof req_mem);
    buf_str(&req, http_request);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    buf_str(&rsp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n");
    char length[40];
    snprintf(length, sizeof length, "Content-Length: %zu\r\n\r\n", sizeof http_body - 1);
    buf_str(&rsp, length);
    buf_str(&rsp, http_body);
    plant_check_buf(&req, "http request");
    plant_check_buf(&rsp, "http response");
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 200, 900), &req, &rsp, 3000, 12000);
    plant_tcp_close(p, rng, &c, t + plant_delay(rng, 500, 2000), TCP_FROM_SRV);
}

void recipe_it_identity(Plant *p, Rng *rng)
{
    inform_historian(p, rng);
    snmp_polls(p, rng);
    http_plc_page(p, rng);
}
