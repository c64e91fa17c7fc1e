/*
 * gen-dns.h - DNS message builder with RFC 1035 name compression.
 *
 * Names are written as labels the first time and as compression pointers
 * (0xc000 | offset) whenever a suffix of them already appears in the
 * message, the way real servers do: answers point at the question name,
 * a CNAME target shares the tail of its owner name. Only the record types
 * the samples need (A, CNAME, SOA) are here; no EDNS.
 */
#ifndef OTS_GEN_DNS_H
#define OTS_GEN_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"

enum {
    DNS_PORT = 53,
    DNS_TYPE_A = 1,
    DNS_TYPE_CNAME = 5,
    DNS_TYPE_SOA = 6,
    DNS_TYPE_AAAA = 28,
    DNS_CLASS_IN = 1,
    DNS_FLAGS_QUERY = 0x0100,    /* RD */
    DNS_FLAGS_RESPONSE = 0x8180, /* QR RD RA, NOERROR */
    DNS_FLAGS_NXDOMAIN = 0x8183, /* QR RD RA, NXDOMAIN */
    DNS_LABEL_OFFSETS_MAX = 64,
};

typedef struct DnsMsg {
    Buf *b;
    size_t start;       /* message start within b: pointers are relative to it */
    uint16_t counts[4]; /* QD, AN, NS, AR */
    uint16_t label_offs[DNS_LABEL_OFFSETS_MAX]; /* every label written, for compression */
    size_t label_count;
} DnsMsg;

void dns_begin(DnsMsg *m, Buf *b, uint16_t id, uint16_t flags);
void dns_question(DnsMsg *m, const char *name, uint16_t qtype);
void dns_answer_a(DnsMsg *m, const char *name, uint32_t ttl_s, uint32_t ip);
void dns_answer_cname(DnsMsg *m, const char *name, uint32_t ttl_s, const char *target);

/* Authority-section SOA, as sent with NXDOMAIN. */
void dns_authority_soa(DnsMsg *m, const char *zone, uint32_t ttl_s, const char *mname,
                       const char *rname, uint32_t serial);

/* Patch the section counts into the header. */
void dns_end(DnsMsg *m);

#endif /* OTS_GEN_DNS_H */
