/*
 * dns-wire.c - the DNS message format shared by DNS, mDNS and LLMNR (see
 * dns-wire.h).  References: RFC 1035 sections 4.1 and 4.1.4 (compression).
 */
#include "config.h"

#include "dns-wire.h"

#include <string.h>

#include "otscope/textbuf.h"

enum { DNSWIRE_MAX_LABELS = 128, DNSWIRE_MAX_JUMPS = 16 };

void dnswire_read_header(Cursor *c, DnsWireHeader *h)
{
    cursor_skip(c, 2); /* ID */
    h->flags = cursor_be16(c);
    h->qdcount = cursor_be16(c);
    h->ancount = cursor_be16(c);
    h->nscount = cursor_be16(c);
    h->arcount = cursor_be16(c);
}

size_t dnswire_record_count(const DnsWireHeader *h)
{
    return (size_t)h->ancount + h->nscount + h->arcount;
}

/* Name at c into dst (may be NULL); msg spans the message for pointers,
 * which must go backwards.  Fails c on a bad name. */
void dnswire_read_name(Cursor *c, const Cursor *msg, char *dst, size_t dstsz)
{
    Cursor at = *c;
    Cursor *src = c;
    size_t out = 0;
    size_t lowest_target = cursor_offset(c);
    int jumps = 0;
    if (dst)
        dst[0] = '\0';
    for (int i = 0; i < DNSWIRE_MAX_LABELS; i++) {
        size_t label_start = cursor_offset(src);
        uint8_t len = cursor_u8(src);
        if (!cursor_ok(src))
            break;
        if (len == 0)
            return;
        if ((len & 0xc0) == 0xc0) {
            size_t target = (size_t)((len & 0x3f) << 8) | cursor_u8(src);
            if (!cursor_ok(src) || target >= label_start || target >= lowest_target ||
                ++jumps > DNSWIRE_MAX_JUMPS)
                break;
            lowest_target = target;
            at = *msg;
            cursor_skip(&at, target);
            src = &at;
            continue;
        }
        if (len > 63)
            break;
        if (!dst) {
            if (!cursor_skip(src, len)) /* a name walked over, not read */
                break;
            continue;
        }
        char label[64];
        size_t n = cursor_str(src, len, label, sizeof label);
        if (!cursor_ok(src))
            break;
        if (out + n + 2 <= dstsz) {
            if (out > 0)
                dst[out++] = '.';
            memcpy(dst + out, label, n);
            out += n;
            dst[out] = '\0';
        }
    }
    if (cursor_ok(c))
        cursor_set_bad(c);
}

/* Record types by name (IANA DNS parameters), for the ones LANs show. */
static const struct {
    uint16_t type;
    const char *name;
} dnswire_types[] = {
    {1, "A"},     {2, "NS"},     {5, "CNAME"},  {6, "SOA"},    {12, "PTR"},  {15, "MX"},
    {16, "TXT"},  {28, "AAAA"},  {33, "SRV"},   {35, "NAPTR"}, {43, "DS"},   {48, "DNSKEY"},
    {64, "SVCB"}, {65, "HTTPS"}, {251, "IXFR"}, {252, "AXFR"}, {255, "ANY"},
};

static const char *type_name(uint16_t type)
{
    for (size_t i = 0; i < sizeof dnswire_types / sizeof *dnswire_types; i++)
        if (dnswire_types[i].type == type)
            return dnswire_types[i].name;
    return NULL;
}

void dnswire_format_name_type(char *dst, size_t dstsz, const char *name, uint16_t type)
{
    TextBuf b = textbuf(dst, dstsz);
    const char *tname = type_name(type);
    if (tname) {
        textbuf_str(&b, tname);
    } else {
        textbuf_str(&b, "TYPE");
        textbuf_uint(&b, type);
    }
    textbuf_char(&b, ' ');
    textbuf_str(&b, name);
}
