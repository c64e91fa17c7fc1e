/*
 * plant-attack.c - plant recipes for the risky habits and the attack the
 * findings engine must see at least once in the sample:
 *
 *   - ENG-WS01 logs in to the switch over Telnet (cleartext credentials,
 *     an insecure protocol);
 *   - HMI-01 reads a share on HIST-01 over SMB1: the historian's old
 *     Windows XP only speaks SMB1, and its NTLM challenge tells
 *     its version (insecure protocol, end-of-support OS);
 *   - after its scans, the contractor laptop poisons HMI-01's ARP cache for
 *     the gateway and plc-a with its own MAC (ARP spoofing).
 *
 * Payloads are built here with the Buf writer; nothing else in the
 * generator speaks Telnet, SMB or NTLM.
 */
#include "plant.h"

#include <string.h>

enum {
    TELNET_PORT = 23,
    SMB_PORT = 445,
    PAYLOAD_MAX = 1024,
    TELNET_AT_S = 200,
    SMB_AT_S = 130,
    SPOOF_AT_S = 520,
    SPOOF_ROUNDS = 8,
    NTLM_NEGOTIATE_UNICODE = 0x00000001,
    NTLM_NEGOTIATE_NTLM = 0x00000200,
    NTLM_NEGOTIATE_TARGET_INFO = 0x00800000,
    NTLM_NEGOTIATE_VERSION = 0x02000000,
};

/* ---------- Telnet: ENG-WS01 to the switch ---------- */

static const uint8_t telnet_do[] = { 255, 253, 24, 255, 253, 32, 255, 253, 35, 255, 253, 39 };
static const uint8_t telnet_will[] = { 255, 251, 24, 255, 251, 32, 255, 251, 35, 255, 251, 39 };
static const uint8_t telnet_echo[] = { 255, 251, 3, 255, 251, 1 };

static uint64_t telnet_line(Plant *p, Rng *rng, TcpConn *c, uint64_t t, const char *typed,
                            bool is_echoed)
{
    uint8_t mem[8];
    Buf b;
    for (const char *ch = typed; *ch; ch++) {
        t += plant_delay(rng, 90000, 260000); /* a person typing */
        buf_init(&b, mem, sizeof mem);
        buf_u8(&b, (uint8_t)*ch);
        plant_tcp_send(p, c, TCP_FROM_CLI, t, &b);
        if (is_echoed) {
            t += plant_delay(rng, 300, 900);
            plant_tcp_send(p, c, TCP_FROM_SRV, t, &b);
        }
    }
    t += plant_delay(rng, 90000, 200000);
    buf_init(&b, mem, sizeof mem);
    buf_str(&b, "\r\n");
    plant_tcp_send(p, c, TCP_FROM_CLI, t, &b);
    return t;
}

static void telnet_text(Plant *p, TcpConn *c, uint64_t t, const char *text)
{
    uint8_t mem[PAYLOAD_MAX];
    Buf b;
    buf_init(&b, mem, sizeof mem);
    buf_str(&b, text);
    plant_check_buf(&b, "telnet text");
    plant_tcp_send(p, c, TCP_FROM_SRV, t, &b);
}

void recipe_eng_telnet_switch(Plant *p, Rng *rng)
{
    uint8_t mem[PAYLOAD_MAX];
    Buf b;
    uint64_t t = sec_ns(TELNET_AT_S);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_ENG_WS, HOST_SWITCH, TELNET_PORT);
    t = plant_tcp_open(p, rng, &c, t);

    buf_init(&b, mem, sizeof mem);
    buf_bytes(&b, telnet_do, sizeof telnet_do);
    t += plant_delay(rng, 2000, 6000);
    plant_tcp_send(p, &c, TCP_FROM_SRV, t, &b);
    buf_init(&b, mem, sizeof mem);
    buf_bytes(&b, telnet_will, sizeof telnet_will);
    t += plant_delay(rng, 300, 1200);
    plant_tcp_send(p, &c, TCP_FROM_CLI, t, &b);
    buf_init(&b, mem, sizeof mem);
    buf_bytes(&b, telnet_echo, sizeof telnet_echo);
    buf_str(&b, "\r\n\r\nUser Access Verification\r\n\r\nUsername: ");
    t += plant_delay(rng, 2000, 6000);
    plant_tcp_send(p, &c, TCP_FROM_SRV, t, &b);

    t = telnet_line(p, rng, &c, t + plant_delay(rng, 800000, 1500000), "netadmin", true);
    telnet_text(p, &c, t + plant_delay(rng, 2000, 5000), "\r\nPassword: ");
    t = telnet_line(p, rng, &c, t + plant_delay(rng, 900000, 1800000), "Sw1tch!2019", false);
    t += plant_delay(rng, 30000, 80000);
    telnet_text(p, &c, t, "\r\not-sw-01>");
    t = telnet_line(p, rng, &c, t + plant_delay(rng, 1500000, 3000000), "show interfaces status",
                    true);
    t += plant_delay(rng, 20000, 60000);
    telnet_text(p, &c, t,
                "\r\nPort      Name               Status       Vlan       Duplex  Speed Type\r\n"
                "Gi0/1     plc-a              connected    1          a-full a-100 10/100/1000BaseTX\r\n"
                "Gi0/2     plc-b              connected    1          a-full a-100 10/100/1000BaseTX\r\n"
                "Gi0/24    uplink             connected    trunk      a-full a-1000 10/100/1000BaseTX\r\n"
                "ot-sw-01>");
    t = telnet_line(p, rng, &c, t + plant_delay(rng, 2000000, 4000000), "exit", true);
    plant_tcp_close(p, rng, &c, t + plant_delay(rng, 5000, 20000), TCP_FROM_SRV);
}

/* ---------- SMB1: HMI-01 reads a share on HIST-01 ---------- */

/* NetBIOS session header (type 0, 24-bit length) around an SMB1 message. */
static void smb1_header(Buf *b, uint8_t command, bool is_reply, uint16_t uid, uint16_t mid)
{
    buf_be32(b, 0); /* patched by smb1_finish */
    buf_bytes(b, "\xffSMB", 4);
    buf_u8(b, command);
    buf_le32(b, 0);                   /* NT status: success */
    buf_u8(b, is_reply ? 0x98 : 0x18); /* flags: case-insensitive, canonical (+ reply) */
    buf_le16(b, 0xc807);              /* flags2: unicode, NT status, extended security */
    buf_zero(b, 12);                  /* PID high, signature, reserved */
    buf_le16(b, 0);                   /* TID */
    buf_le16(b, 0xfeff);              /* PID */
    buf_le16(b, uid);
    buf_le16(b, mid);
}

static void smb1_finish(Buf *b)
{
    buf_patch_be16(b, 2, (unsigned)(b->len - 4)); /* NetBIOS length (fits 16 bits here) */
}

static void smb1_negotiate_req(Buf *b)
{
    static const char *const dialects[] = { "PC NETWORK PROGRAM 1.0", "LANMAN1.0", "NT LM 0.12" };
    smb1_header(b, 0x72, false, 0, 1);
    buf_u8(b, 0); /* word count */
    size_t count_at = b->len;
    buf_le16(b, 0);
    for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
        buf_u8(b, 0x02);
        buf_str(b, dialects[i]);
        buf_u8(b, 0);
    }
    buf_patch_le16(b, count_at, (unsigned)(b->len - count_at - 2));
    smb1_finish(b);
}

static void smb1_negotiate_rsp(Buf *b)
{
    smb1_header(b, 0x72, true, 0, 1);
    buf_u8(b, 17);     /* word count */
    buf_le16(b, 2);    /* dialect index: NT LM 0.12 */
    buf_u8(b, 0x03);   /* security mode: user, encrypt passwords */
    buf_le16(b, 50);   /* max mpx */
    buf_le16(b, 1);    /* max VCs */
    buf_le32(b, 16644); /* max buffer */
    buf_le32(b, 65536); /* max raw */
    buf_le32(b, 0);     /* session key */
    buf_le32(b, 0x8001f3fd); /* capabilities, extended security */
    buf_le64(b, 0x01da6ed3b0f2c000ull); /* system time */
    buf_le16(b, 0);    /* time zone */
    buf_u8(b, 0);      /* challenge length (extended security) */
    buf_le16(b, 16);   /* byte count: server GUID */
    buf_bytes(b, "\x3a\x91\x4c\x0e\x72\x15\x4f\x8b\x9d\x11\x60\x2a\x5c\x7e\x03\xb4", 16);
    smb1_finish(b);
}

/* UTF-16LE of an ASCII string. */
static void utf16(Buf *b, const char *s)
{
    for (; *s; s++)
        buf_le16(b, (unsigned)(uint8_t)*s);
}

/* NTLMSSP CHALLENGE from the server, with its names and version. */
static void ntlm_challenge(Buf *b)
{
    static const char target[] = "HIST-01";

    buf_bytes(b, "NTLMSSP\0", 8);
    buf_le32(b, 2);
    size_t name_len = 2 * (sizeof target - 1);
    buf_le16(b, (unsigned)name_len); /* target name */
    buf_le16(b, (unsigned)name_len);
    buf_le32(b, 56);
    buf_le32(b, NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_NTLM | NTLM_NEGOTIATE_TARGET_INFO |
                    NTLM_NEGOTIATE_VERSION);
    buf_bytes(b, "\x4e\x1a\x87\x22\x90\x3b\xc5\x6d", 8); /* server challenge */
    buf_zero(b, 8);
    size_t info_len = 4 + name_len + 4 + 2 * 5 + 4; /* NB computer, NB domain, EOL */
    buf_le16(b, (unsigned)info_len); /* target info */
    buf_le16(b, (unsigned)info_len);
    buf_le32(b, (uint32_t)(56 + name_len));
    buf_u8(b, 5); /* version: Windows XP SP3 (5.1, build 2600) */
    buf_u8(b, 1);
    buf_le16(b, 2600);
    buf_zero(b, 3);
    buf_u8(b, 15); /* NTLM revision */
    utf16(b, target);
    buf_le16(b, 1); /* MsvAvNbComputerName */
    buf_le16(b, (unsigned)name_len);
    utf16(b, target);
    buf_le16(b, 2); /* MsvAvNbDomainName */
    buf_le16(b, 10);
    utf16(b, "PLANT");
    buf_le32(b, 0); /* MsvAvEOL */

}

static void smb1_session_setup(Buf *b, bool is_reply, uint16_t uid, const Buf *blob)
{
    smb1_header(b, 0x73, is_reply, uid, 2);
    if (is_reply) {
        buf_u8(b, 4);
        buf_u8(b, 0xff); /* no AndX */
        buf_u8(b, 0);
        buf_le16(b, 0);
        buf_le16(b, 0); /* action */
        buf_le16(b, (unsigned)blob->len);
    } else {
        buf_u8(b, 12);
        buf_u8(b, 0xff);
        buf_u8(b, 0);
        buf_le16(b, 0);
        buf_le16(b, 16644); /* max buffer */
        buf_le16(b, 50);    /* max mpx */
        buf_le16(b, 0);     /* VC number */
        buf_le32(b, 0);     /* session key */
        buf_le16(b, (unsigned)blob->len);
        buf_le32(b, 0);
        buf_le32(b, 0x8000e05c); /* capabilities */
    }
    buf_le16(b, (unsigned)blob->len);
    buf_bytes(b, blob->p, blob->len);
    smb1_finish(b);
}

void recipe_hmi_smb1_historian(Plant *p, Rng *rng)
{
    uint8_t req_mem[PAYLOAD_MAX];
    uint8_t rsp_mem[PAYLOAD_MAX];
    uint8_t blob_mem[PAYLOAD_MAX];
    Buf req;
    Buf rsp;
    Buf blob;
    uint64_t t = sec_ns(SMB_AT_S);
    TcpConn c;
    plant_tcp_conn(p, rng, &c, HOST_HMI, HOST_HISTORIAN, SMB_PORT);
    t = plant_tcp_open(p, rng, &c, t);

    buf_init(&req, req_mem, sizeof req_mem);
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    smb1_negotiate_req(&req);
    smb1_negotiate_rsp(&rsp);
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 500, 2000), &req, &rsp, 400, 1500);

    /* the server's NTLM challenge answers the client's first session setup */
    buf_init(&blob, blob_mem, sizeof blob_mem);
    buf_bytes(&blob, "NTLMSSP\0\x01\0\0\0\x97\x82\x08\xe2", 16); /* NEGOTIATE */
    buf_zero(&blob, 16);
    buf_init(&req, req_mem, sizeof req_mem);
    smb1_session_setup(&req, false, 0, &blob);
    buf_init(&blob, blob_mem, sizeof blob_mem);
    ntlm_challenge(&blob);
    plant_check_buf(&blob, "ntlm challenge");
    buf_init(&rsp, rsp_mem, sizeof rsp_mem);
    smb1_session_setup(&rsp, true, 0x0801, &blob);
    plant_check_buf(&rsp, "smb1 session setup");
    t = plant_tcp_exchange(p, rng, &c, t + plant_delay(rng, 500, 2000), &req, &rsp, 600, 2500);
    plant_tcp_close(p, rng, &c, t + plant_delay(rng, 800000, 1500000), TCP_FROM_CLI);
}

/* ---------- ARP spoofing: the contractor laptop ---------- */

void recipe_scanner_arp_spoof(Plant *p, Rng *rng)
{
    const Endpoint *me = &p->ep[HOST_SCANNER];
    const Endpoint *victim = &p->ep[HOST_HMI];
    uint64_t t = sec_ns(SPOOF_AT_S);
    /* arpspoof-style: unsolicited replies to the victim, every two seconds */
    for (int i = 0; i < SPOOF_ROUNDS && plant_in_capture(t); i++) {
        size_t len = frame_arp(p->frame, ARP_OP_REPLY, victim->mac, me->mac,
                               p->ep[HOST_ROUTER].ip, victim->mac, victim->ip);
        plant_emit(p, t, len);
        t += plant_delay(rng, 800, 3000);
        len = frame_arp(p->frame, ARP_OP_REPLY, victim->mac, me->mac, p->ep[HOST_PLC_A].ip,
                        victim->mac, victim->ip);
        plant_emit(p, t, len);
        t += plant_delay(rng, 1900000, 2100000);
    }
}
