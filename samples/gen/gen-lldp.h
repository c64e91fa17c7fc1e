/*
 * gen-lldp.h - LLDP (IEEE 802.1AB) LLDPDU builder.
 *
 * Appends TLVs to a Buf holding the LLDPDU (the Ethernet payload after the
 * 0x88cc ethertype). Only the basic management TLVs are here; organisation
 * specific TLVs (802.1, 802.3, LLDP-MED, PROFINET) can be added with
 * lldp_tlv and type 127.
 */
#ifndef OTS_GEN_LLDP_H
#define OTS_GEN_LLDP_H

#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"

enum {
    LLDP_TLV_END = 0,
    LLDP_TLV_CHASSIS_ID = 1,
    LLDP_TLV_PORT_ID = 2,
    LLDP_TLV_TTL = 3,
    LLDP_TLV_PORT_DESC = 4,
    LLDP_TLV_SYSTEM_NAME = 5,
    LLDP_TLV_SYSTEM_DESC = 6,
    LLDP_TLV_SYSTEM_CAPS = 7,
    LLDP_TLV_MGMT_ADDR = 8,
    LLDP_CAP_BRIDGE = 0x0004,
    LLDP_CAP_ROUTER = 0x0010,
};

extern const uint8_t LLDP_MULTICAST_MAC[6]; /* 01:80:c2:00:00:0e, nearest bridge */

void lldp_tlv(Buf *b, unsigned type, const void *value, size_t len);
void lldp_chassis_mac(Buf *b, const uint8_t mac[6]);
void lldp_port_ifname(Buf *b, const char *ifname);
void lldp_ttl(Buf *b, uint16_t ttl_s);
void lldp_text(Buf *b, unsigned type, const char *text);
void lldp_capabilities(Buf *b, uint16_t system, uint16_t enabled);
void lldp_mgmt_ipv4(Buf *b, uint32_t ip, uint32_t if_index);
void lldp_end(Buf *b);

#endif /* OTS_GEN_LLDP_H */
