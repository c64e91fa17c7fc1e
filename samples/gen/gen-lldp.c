/*
 * gen-lldp.c - LLDPDU builder; see gen-lldp.h.
 *
 * Reference: IEEE Std 802.1AB-2016, clause 8.
 *
 *   TLV | type (7 bits) | length (9 bits) | value (length bytes) |
 *   Chassis ID  | subtype 4 = MAC address | 6 bytes |
 *   Port ID     | subtype 5 = interface name | name |
 *   Mgmt addr   | addr len | addr subtype 1 = IPv4 | addr | if subtype 2 = ifIndex |
 *                 if number 4 | OID len 0 |
 */
#include "gen-lldp.h"

#include <string.h>

enum {
    CHASSIS_SUBTYPE_MAC = 4,
    PORT_SUBTYPE_IFNAME = 5,
    MGMT_ADDR_SUBTYPE_IPV4 = 1,
    MGMT_IF_SUBTYPE_IFINDEX = 2,
};

const uint8_t LLDP_MULTICAST_MAC[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };

static void tlv_head(Buf *b, unsigned type, size_t len)
{
    buf_be16(b, (type << 9) | ((unsigned)len & 0x1ff));
}

void lldp_tlv(Buf *b, unsigned type, const void *value, size_t len)
{
    tlv_head(b, type, len);
    buf_bytes(b, value, len);
}

void lldp_chassis_mac(Buf *b, const uint8_t mac[6])
{
    tlv_head(b, LLDP_TLV_CHASSIS_ID, 7);
    buf_u8(b, CHASSIS_SUBTYPE_MAC);
    buf_bytes(b, mac, 6);
}

void lldp_port_ifname(Buf *b, const char *ifname)
{
    size_t n = strlen(ifname);
    tlv_head(b, LLDP_TLV_PORT_ID, 1 + n);
    buf_u8(b, PORT_SUBTYPE_IFNAME);
    buf_bytes(b, ifname, n);
}

void lldp_ttl(Buf *b, uint16_t ttl_s)
{
    tlv_head(b, LLDP_TLV_TTL, 2);
    buf_be16(b, ttl_s);
}

void lldp_text(Buf *b, unsigned type, const char *text)
{
    lldp_tlv(b, type, text, strlen(text));
}

void lldp_capabilities(Buf *b, uint16_t system, uint16_t enabled)
{
    tlv_head(b, LLDP_TLV_SYSTEM_CAPS, 4);
    buf_be16(b, system);
    buf_be16(b, enabled);
}

void lldp_mgmt_ipv4(Buf *b, uint32_t ip, uint32_t if_index)
{
    tlv_head(b, LLDP_TLV_MGMT_ADDR, 12);
    buf_u8(b, 5); /* address string length: subtype + 4 address bytes */
    buf_u8(b, MGMT_ADDR_SUBTYPE_IPV4);
    buf_be32(b, ip);
    buf_u8(b, MGMT_IF_SUBTYPE_IFINDEX);
    buf_be32(b, if_index);
    buf_u8(b, 0); /* no OID */
}

void lldp_end(Buf *b)
{
    tlv_head(b, LLDP_TLV_END, 0);
}
