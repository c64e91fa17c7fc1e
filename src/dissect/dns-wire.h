/*
 * dns-wire.h - the DNS message format (RFC 1035 section 4.1) shared by the
 * dissectors that read it with their own rules (DNS, mDNS, LLMNR): header,
 * names with backward compression pointers, record type names.
 */
#ifndef OTS_DISSECT_DNS_WIRE_H
#define OTS_DISSECT_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "otscope/cursor.h"

enum { DNSWIRE_HEADER_LEN = 12, DNSWIRE_QR = 0x8000, DNSWIRE_TYPE_A = 1, DNSWIRE_TYPE_AAAA = 28 };

typedef struct DnsWireHeader {
    uint16_t flags;
    uint16_t qdcount;
    uint16_t ancount;
    uint16_t nscount;
    uint16_t arcount;
} DnsWireHeader;

/* The 12-byte header (ID skipped). */
void dnswire_read_header(Cursor *c, DnsWireHeader *h);
/* Answer + authority + additional records. */
size_t dnswire_record_count(const DnsWireHeader *h);
/* Name at c into dst (may be NULL); msg spans the message for pointers,
 * which must go backwards.  Fails c on a bad name. */
void dnswire_read_name(Cursor *c, const Cursor *msg, char *dst, size_t dstsz);
/* "A host.example" or "TYPE99 host.example". */
void dnswire_format_name_type(char *dst, size_t dstsz, const char *name, uint16_t type);

#endif /* OTS_DISSECT_DNS_WIRE_H */
