/*
 * gen-dns.c - DNS message builder; see gen-dns.h.
 *
 * Reference: RFC 1035 sections 4.1 (format) and 4.1.4 (compression).
 *
 *   header | id 2 | flags 2 | qdcount 2 | ancount 2 | nscount 2 | arcount 2 |
 *   question | name | type 2 | class 2 |
 *   RR       | name | type 2 | class 2 | ttl 4 | rdlength 2 | rdata |
 */
#include "gen-dns.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

enum {
    DNS_HDR_LEN = 12,
    DNS_NAME_MAX = 255,
    DNS_PTR_MASK = 0xc0,
};

void dns_begin(DnsMsg *m, Buf *b, uint16_t id, uint16_t flags)
{
    memset(m, 0, sizeof *m);
    m->b = b;
    m->start = b->len;
    buf_be16(b, id);
    buf_be16(b, flags);
    buf_zero(b, 8);
}

/* Decode the (already written, trusted) name at message offset off into text. */
static void name_at(const DnsMsg *m, size_t off, char *out, size_t cap)
{
    const uint8_t *msg = m->b->p + m->start;
    size_t n = 0;
    out[0] = '\0';
    for (int hops = 0; hops < 32; hops++) {
        uint8_t len = msg[off];
        if (len == 0)
            return;
        if ((len & DNS_PTR_MASK) == DNS_PTR_MASK) {
            off = ((size_t)(len & 0x3f) << 8) | msg[off + 1];
            continue;
        }
        if (n + len + 2 > cap)
            return;
        if (n > 0)
            out[n++] = '.';
        memcpy(out + n, msg + off + 1, len);
        n += len;
        out[n] = '\0';
        off += 1 + (size_t)len;
    }
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

/* Message offset of an earlier occurrence of the name suffix, or 0 if none. */
static size_t find_suffix(const DnsMsg *m, const char *suffix)
{
    char seen[DNS_NAME_MAX + 1];
    for (size_t i = 0; i < m->label_count; i++) {
        name_at(m, m->label_offs[i], seen, sizeof seen);
        if (same_name(seen, suffix))
            return m->label_offs[i];
    }
    return 0; /* offset 0 is the header, never a name */
}

static void remember_labels(DnsMsg *m, const uint16_t *offs, size_t n)
{
    for (size_t i = 0; i < n && m->label_count < DNS_LABEL_OFFSETS_MAX; i++)
        m->label_offs[m->label_count++] = offs[i];
}

static void put_name(DnsMsg *m, const char *name)
{
    /* New labels become compression targets only once the name is complete. */
    uint16_t new_offs[DNS_NAME_MAX / 2];
    size_t n_new = 0;
    const char *label = name;
    while (*label) {
        size_t ptr = find_suffix(m, label);
        if (ptr != 0) {
            buf_be16(m->b, 0xc000u | (unsigned)ptr);
            remember_labels(m, new_offs, n_new);
            return;
        }
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        new_offs[n_new++] = (uint16_t)(m->b->len - m->start);
        buf_u8(m->b, (unsigned)len);
        buf_bytes(m->b, label, len);
        label += len + (dot ? 1 : 0);
    }
    buf_u8(m->b, 0);
    remember_labels(m, new_offs, n_new);
}

void dns_question(DnsMsg *m, const char *name, uint16_t qtype)
{
    put_name(m, name);
    buf_be16(m->b, qtype);
    buf_be16(m->b, DNS_CLASS_IN);
    m->counts[0]++;
}

/* Owner, type, class and TTL; returns where RDLENGTH sits so the caller can patch it. */
static size_t rr_begin(DnsMsg *m, const char *name, uint16_t type, uint32_t ttl_s)
{
    put_name(m, name);
    buf_be16(m->b, type);
    buf_be16(m->b, DNS_CLASS_IN);
    buf_be32(m->b, ttl_s);
    size_t rdlen_at = m->b->len;
    buf_be16(m->b, 0);
    return rdlen_at;
}

static void rr_end(DnsMsg *m, size_t rdlen_at)
{
    buf_patch_be16(m->b, rdlen_at, (unsigned)(m->b->len - rdlen_at - 2));
}

void dns_answer_a(DnsMsg *m, const char *name, uint32_t ttl_s, uint32_t ip)
{
    size_t at = rr_begin(m, name, DNS_TYPE_A, ttl_s);
    buf_be32(m->b, ip);
    rr_end(m, at);
    m->counts[1]++;
}

void dns_answer_cname(DnsMsg *m, const char *name, uint32_t ttl_s, const char *target)
{
    size_t at = rr_begin(m, name, DNS_TYPE_CNAME, ttl_s);
    put_name(m, target);
    rr_end(m, at);
    m->counts[1]++;
}

void dns_authority_soa(DnsMsg *m, const char *zone, uint32_t ttl_s, const char *mname,
                       const char *rname, uint32_t serial)
{
    size_t at = rr_begin(m, zone, DNS_TYPE_SOA, ttl_s);
    put_name(m, mname);
    put_name(m, rname);
    buf_be32(m->b, serial);
    buf_be32(m->b, 900);   /* refresh */
    buf_be32(m->b, 600);   /* retry */
    buf_be32(m->b, 86400); /* expire */
    buf_be32(m->b, 3600);  /* minimum (negative-caching TTL) */
    rr_end(m, at);
    m->counts[2]++;
}

void dns_end(DnsMsg *m)
{
    for (size_t i = 0; i < 4; i++)
        buf_patch_be16(m->b, m->start + 4 + 2 * i, m->counts[i]);
}
