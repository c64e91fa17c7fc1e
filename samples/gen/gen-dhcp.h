/*
 * gen-dhcp.h - DHCP (BOOTP) message builder.
 *
 * dhcp_begin writes the fixed 236-byte BOOTP part and the magic cookie;
 * options are appended one by one; dhcp_end adds the End option and pads
 * to the 300-byte BOOTP minimum most clients and servers send. Relay
 * agents and option overloading are not covered.
 */
#ifndef OTS_GEN_DHCP_H
#define OTS_GEN_DHCP_H

#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"

enum {
    DHCP_SERVER_PORT = 67,
    DHCP_CLIENT_PORT = 68,
    BOOTP_REQUEST = 1,
    BOOTP_REPLY = 2,
    DHCP_DISCOVER = 1,
    DHCP_OFFER = 2,
    DHCP_REQUEST = 3,
    DHCP_ACK = 5,
    DHCP_OPT_SUBNET_MASK = 1,
    DHCP_OPT_ROUTER = 3,
    DHCP_OPT_DNS_SERVER = 6,
    DHCP_OPT_HOSTNAME = 12,
    DHCP_OPT_DOMAIN_NAME = 15,
    DHCP_OPT_REQUESTED_IP = 50,
    DHCP_OPT_LEASE_TIME = 51,
    DHCP_OPT_MSG_TYPE = 53,
    DHCP_OPT_SERVER_ID = 54,
    DHCP_OPT_PARAM_LIST = 55,
    DHCP_OPT_RENEWAL_TIME = 58,
    DHCP_OPT_REBINDING_TIME = 59,
    DHCP_OPT_VENDOR_CLASS = 60,
    DHCP_OPT_CLIENT_ID = 61,
    DHCP_OPT_CLIENT_FQDN = 81,
};

typedef struct DhcpHead {
    uint8_t op; /* BOOTP_REQUEST or BOOTP_REPLY */
    uint32_t xid;
    uint16_t secs;
    uint16_t flags; /* 0x8000: reply by broadcast */
    uint32_t ciaddr;
    uint32_t yiaddr;
    uint32_t siaddr;
    const uint8_t *chaddr; /* 6-byte client MAC */
} DhcpHead;

/* Fixed part and magic cookie; returns the message start for dhcp_end. */
size_t dhcp_begin(Buf *b, const DhcpHead *h);
void dhcp_opt(Buf *b, uint8_t code, const void *data, size_t len);
void dhcp_opt_u8(Buf *b, uint8_t code, uint8_t v);
void dhcp_opt_u32(Buf *b, uint8_t code, uint32_t v);
void dhcp_opt_str(Buf *b, uint8_t code, const char *s);
void dhcp_end(Buf *b, size_t start);

#endif /* OTS_GEN_DHCP_H */
