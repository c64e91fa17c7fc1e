/*
 * addr.c - IP and MAC address classification and text forms.
 *
 * Text forms are the contract's: dotted quad, RFC 5952 IPv6 (inet_ntop),
 * MAC lower-case colon-separated.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "otscope/packet.h"

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void ipaddr_from_v4(IpAddr *ip, uint32_t v4)
{
    memcpy(ip->b, v4_mapped_prefix, sizeof v4_mapped_prefix);
    ip->b[12] = (uint8_t)(v4 >> 24);
    ip->b[13] = (uint8_t)(v4 >> 16);
    ip->b[14] = (uint8_t)(v4 >> 8);
    ip->b[15] = (uint8_t)v4;
}

bool ipaddr_is_v4(const IpAddr *ip)
{
    return memcmp(ip->b, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0;
}

uint32_t ipaddr_v4(const IpAddr *ip)
{
    return ((uint32_t)ip->b[12] << 24) | ((uint32_t)ip->b[13] << 16) | ((uint32_t)ip->b[14] << 8) |
           ip->b[15];
}

bool ipaddr_is_zero(const IpAddr *ip)
{
    if (ipaddr_is_v4(ip))
        return ipaddr_v4(ip) == 0;
    static const IpAddr zero;
    return memcmp(ip, &zero, sizeof zero) == 0;
}

bool ipaddr_is_multicast(const IpAddr *ip)
{
    if (ipaddr_is_v4(ip))
        return (ipaddr_v4(ip) >> 28) == 0xe;
    return ip->b[0] == 0xff;
}

bool ipaddr_is_broadcast_v4(const IpAddr *ip)
{
    return ipaddr_is_v4(ip) && ipaddr_v4(ip) == 0xffffffffu;
}

bool ipaddr_is_private(const IpAddr *ip)
{
    if (ipaddr_is_v4(ip)) {
        uint32_t a = ipaddr_v4(ip);
        return (a >> 24) == 10 || (a >> 20) == 0xac1 /* 172.16/12 */ ||
               (a >> 16) == 0xc0a8 /* 192.168/16 */ || (a >> 16) == 0xa9fe /* 169.254/16 */ ||
               (a >> 24) == 127 || (a >> 22) == 0x191 /* 100.64/10 CGN */ || a == 0;
    }
    return (ip->b[0] & 0xfe) == 0xfc /* ULA */ || (ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80) ||
           ipaddr_is_zero(ip) || (ip->b[15] == 1 && memcmp(ip->b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15) == 0);
}

bool ipaddr_parse(const char *s, IpAddr *ip)
{
    struct in_addr v4;
    if (inet_pton(AF_INET, s, &v4) == 1) {
        ipaddr_from_v4(ip, ntohl(v4.s_addr));
        return true;
    }
    return inet_pton(AF_INET6, s, ip->b) == 1;
}

/* The store formats every address of every dirty row at each batch:
 * plain digit loops instead of printf keep that off the profile. */
static char *put_decimal(char *out, unsigned v)
{
    if (v >= 100)
        *out++ = (char)('0' + v / 100);
    if (v >= 10)
        *out++ = (char)('0' + v / 10 % 10);
    *out++ = (char)('0' + v % 10);
    return out;
}

char *ipaddr_str(const IpAddr *ip, char *buf)
{
    if (ipaddr_is_v4(ip)) {
        char *out = buf;
        for (int i = 12; i < 16; i++) {
            out = put_decimal(out, ip->b[i]);
            *out++ = i < 15 ? '.' : '\0';
        }
    } else if (!inet_ntop(AF_INET6, ip->b, buf, OTS_ADDR_STRLEN)) {
        buf[0] = '\0';
    }
    return buf;
}

bool macaddr_is_group(const MacAddr *mac)
{
    return (mac->b[0] & 1) != 0;
}

bool macaddr_is_zero(const MacAddr *mac)
{
    static const MacAddr zero;
    return memcmp(mac, &zero, sizeof zero) == 0;
}

char *macaddr_str(const MacAddr *mac, char *buf)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        buf[3 * i] = digits[mac->b[i] >> 4];
        buf[3 * i + 1] = digits[mac->b[i] & 15];
        buf[3 * i + 2] = i < 5 ? ':' : '\0';
    }
    return buf;
}

bool macaddr_parse(const char *s, MacAddr *mac)
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac->b[i] = (uint8_t)v[i];
    return true;
}
