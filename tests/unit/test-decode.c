/*
 * test-decode.c - tunnels (src/decode/decode-tunnel.c): IP in IP, GRE,
 * VXLAN and GTP-U frames give the tunnel's own packet and the packet it
 * carries; headers that are not a tunnel's give the outer packet only;
 * nesting stops at OTS_TUNNEL_MAX_DEPTH; every prefix of every frame,
 * clipped (caplen < wirelen) or not, decodes without reading past it (in
 * its own exactly-sized buffer, for ASan) and never to other ports than
 * the whole frame; a tunnel's inner fragment does not overwrite the
 * reassembled datagram it is read from.  Frames are built here, layer by
 * layer.  TAP output.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "../tap.h"

enum { BUF_MAX = 4096, CHAIN_MAX = OTS_TUNNEL_MAX_DEPTH + 2 };

/* ---- building frames ---------------------------------------------------- */

typedef struct Buf {
    uint8_t b[BUF_MAX];
    size_t n;
} Buf;

static void put8(Buf *b, unsigned v)
{
    if (b->n >= BUF_MAX)
        abort();
    b->b[b->n++] = (uint8_t)v;
}

static void put16(Buf *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}

static void put32(Buf *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v);
}

static void put_buf(Buf *b, const Buf *inner)
{
    for (size_t i = 0; i < inner->n; i++)
        put8(b, inner->b[i]);
}

static Buf eth(uint8_t last_mac_byte, uint16_t type, const Buf *payload)
{
    Buf b = { .n = 0 };
    const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0xd0 };
    for (int i = 0; i < 6; i++)
        put8(&b, dst[i]);
    for (int i = 0; i < 5; i++)
        put8(&b, i == 0 ? 0x02 : 0);
    put8(&b, last_mac_byte);
    put16(&b, type);
    put_buf(&b, payload);
    return b;
}

static Buf ipv4(uint8_t proto, uint32_t src, uint32_t dst, const Buf *payload)
{
    Buf b = { .n = 0 };
    put8(&b, 0x45);
    put8(&b, 0);
    put16(&b, (unsigned)(20 + payload->n));
    put32(&b, 0x00010000); /* id 1, no fragment */
    put8(&b, 64);
    put8(&b, proto);
    put16(&b, 0);
    put32(&b, src);
    put32(&b, dst);
    put_buf(&b, payload);
    return b;
}

static Buf ipv4_frag(uint8_t proto, uint16_t id, uint32_t offset, bool has_more, const Buf *payload)
{
    Buf b = ipv4(proto, 0x0a000001, 0x0a000002, payload);
    b.b[4] = (uint8_t)(id >> 8);
    b.b[5] = (uint8_t)id;
    uint16_t frag = (uint16_t)((offset / 8) | (has_more ? 0x2000 : 0));
    b.b[6] = (uint8_t)(frag >> 8);
    b.b[7] = (uint8_t)frag;
    return b;
}

static Buf ipv6(uint8_t next, uint8_t src_last, uint8_t dst_last, const Buf *payload)
{
    Buf b = { .n = 0 };
    put32(&b, 0x60000000);
    put16(&b, (unsigned)payload->n);
    put8(&b, next);
    put8(&b, 64);
    for (int side = 0; side < 2; side++) {
        put32(&b, 0x20010db8);
        put32(&b, 0);
        put32(&b, 0);
        put32(&b, side ? dst_last : src_last);
    }
    put_buf(&b, payload);
    return b;
}

static Buf udp(uint16_t sport, uint16_t dport, const Buf *payload)
{
    Buf b = { .n = 0 };
    put16(&b, sport);
    put16(&b, dport);
    put16(&b, (unsigned)(8 + payload->n));
    put16(&b, 0);
    put_buf(&b, payload);
    return b;
}

static Buf tcp(uint16_t sport, uint16_t dport, const Buf *payload)
{
    Buf b = { .n = 0 };
    put16(&b, sport);
    put16(&b, dport);
    put32(&b, 1000);
    put32(&b, 0);
    put8(&b, 0x50);
    put8(&b, 0x18); /* PSH ACK */
    put16(&b, 8192);
    put16(&b, 0);
    put16(&b, 0);
    put_buf(&b, payload);
    return b;
}

/* A header (given as hex) in front of payload. */
static Buf hdr(const char *hex, const Buf *payload)
{
    Buf b = { .n = 0 };
    for (const char *p = hex; p[0] && p[1]; p++) {
        if (p[0] == ' ')
            continue;
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1)
            abort();
        put8(&b, v);
        p++;
    }
    put_buf(&b, payload);
    return b;
}

/* GTP-U: flags, type, length (of what follows the first 8 bytes), TEID. */
static Buf gtpu(uint8_t flags, uint8_t type, const char *optional_hex, const Buf *payload)
{
    Buf rest = hdr(optional_hex, payload);
    Buf b = { .n = 0 };
    put8(&b, flags);
    put8(&b, type);
    put16(&b, (unsigned)rest.n);
    put32(&b, 0x1234);
    put_buf(&b, &rest);
    return b;
}

static Buf bytes_of(const char *s)
{
    Buf b = { .n = 0 };
    for (; *s; s++)
        put8(&b, (uint8_t)*s);
    return b;
}

/* ---- decoding ------------------------------------------------------------ */

typedef struct Chain {
    SkipReason why[CHAIN_MAX]; /* [0] the frame's, then each decoder_tunnel() */
    Packet pkt[CHAIN_MAX];
    int n; /* packets decoded (SKIP_NONE) */
} Chain;

/* The frame and every packet it tunnels, as ingest.c reads them. */
static void decode_chain(Decoder *d, const uint8_t *frame, size_t caplen, size_t wirelen, Chain *ch)
{
    memset(ch, 0, sizeof *ch);
    Cursor c = cursor_make(frame, caplen, caplen < wirelen);
    Packet *p = &ch->pkt[0];
    p->pkt_no = 1;
    p->caplen = (uint32_t)caplen;
    p->wirelen = (uint32_t)wirelen;
    ch->why[0] = decoder_frame(d, 1 /* DLT_EN10MB */, &c, p);
    if (ch->why[0] != SKIP_NONE)
        return;
    ch->n = 1;
    while (ch->n < CHAIN_MAX && ch->pkt[ch->n - 1].tunnel != TUN_NONE) {
        ch->why[ch->n] = decoder_tunnel(d, &ch->pkt[ch->n - 1], &ch->pkt[ch->n]);
        if (ch->why[ch->n] != SKIP_NONE)
            return;
        ch->n++;
    }
}

static uint32_t v4(const Packet *p, bool is_src)
{
    return ipaddr_v4(is_src ? &p->src_ip : &p->dst_ip);
}

/* What a vector must decode to: the outer tunnel kind, how many packets,
 * and the innermost one's transport and ports. */
typedef struct Want {
    TunnelKind outer;
    int n;
    Transport transport;
    uint16_t sport, dport;
} Want;

static bool chain_is(const Chain *ch, const Want *w)
{
    if (ch->n != w->n || ch->pkt[0].tunnel != w->outer)
        return false;
    const Packet *in = &ch->pkt[ch->n - 1];
    if (in->transport != w->transport || in->sport != w->sport || in->dport != w->dport)
        return false;
    for (int i = 0; i < ch->n; i++)
        if (ch->pkt[i].tunnel_depth != i)
            return false;
    return in->tunnel == TUN_NONE || ch->n == OTS_TUNNEL_MAX_DEPTH + 1;
}

/* Every prefix, clipped and not, in an exactly-sized buffer: decodes to
 * nothing unknown, and a clipped prefix's packets have the whole frame's
 * ports at each depth (clipping never shifts a header). */
static bool prefixes_hold(const Buf *frame, const Chain *whole)
{
    Decoder *d = decoder_new();
    bool is_ok = true;
    for (size_t len = 0; len < frame->n && is_ok; len++) {
        for (int clipped = 0; clipped < 2; clipped++) {
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, frame->b, len);
            Chain ch;
            decode_chain(d, copy, len, clipped ? frame->n : len, &ch);
            for (int i = 0; clipped && i < ch.n && i < whole->n; i++) {
                const Packet *p = &ch.pkt[i];
                if ((p->transport == TP_TCP || p->transport == TP_UDP) &&
                    (p->sport != whole->pkt[i].sport || p->dport != whole->pkt[i].dport))
                    is_ok = false;
                if (p->tunnel_depth != i)
                    is_ok = false;
            }
            for (int i = 0; clipped && i <= ch.n && i < CHAIN_MAX; i++)
                if (ch.why[i] == SKIP_MALFORMED)
                    is_ok = false; /* a clipped frame is truncated, never malformed */
            if (!is_ok)
                printf("# prefix of %zu bytes%s breaks\n", len, clipped ? " (clipped)" : "");
            free(copy);
        }
    }
    decoder_free(d);
    return is_ok;
}

static void vector(const char *name, const Buf *frame, Want want)
{
    Decoder *d = decoder_new();
    Chain ch;
    decode_chain(d, frame->b, frame->n, frame->n, &ch);
    char what[160];
    snprintf(what, sizeof what, "%s: decodes", name);
    tap_ok(chain_is(&ch, &want), what);
    if (!chain_is(&ch, &want)) {
        printf("# %d packets, outer tunnel %d, why %d/%d\n", ch.n, ch.pkt[0].tunnel, ch.why[0],
               ch.why[ch.n < CHAIN_MAX ? ch.n : 0]);
        if (ch.n)
            printf("# innermost: transport %d ports %u -> %u\n", ch.pkt[ch.n - 1].transport,
                   ch.pkt[ch.n - 1].sport, ch.pkt[ch.n - 1].dport);
    }
    snprintf(what, sizeof what, "%s: every prefix", name);
    tap_ok(prefixes_hold(frame, &ch), what);
    decoder_free(d);
}

/* ---- cases --------------------------------------------------------------- */

static void positive(void)
{
    Buf mb = bytes_of("\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a");
    Buf seg = tcp(40000, 502, &mb);
    Buf ntp = bytes_of("#ntp-client-request");
    Buf dgram = udp(123, 123, &ntp);
    Buf in4 = ipv4(6, 0x0a010101, 0x0a010102, &seg);
    Buf in4u = ipv4(17, 0x0a090901, 0x0a090902, &dgram);
    Buf in6 = ipv6(17, 1, 2, &dgram);
    const Want tcp502 = { TUN_NONE, 2, TP_TCP, 40000, 502 };
    const Want udp123 = { TUN_NONE, 2, TP_UDP, 123, 123 };

    Buf f, outer, t;
    outer = ipv4(4, 0xc0000201, 0xc0000202, &in4);
    f = eth(1, 0x0800, &outer);
    Want w = tcp502;
    w.outer = TUN_IPIP;
    vector("IPv4 in IPv4", &f, w);
    {
        Decoder *d = decoder_new();
        Chain ch;
        decode_chain(d, f.b, f.n, f.n, &ch);
        tap_ok(ch.n == 2 && v4(&ch.pkt[1], true) == 0x0a010101 && v4(&ch.pkt[1], false) == 0x0a010102 &&
               v4(&ch.pkt[0], true) == 0xc0000201 && !ch.pkt[1].has_src_mac && ch.pkt[0].has_src_mac,
           "IPv4 in IPv4: inner addresses, no MAC inside, the outer keeps its own");
        tap_ok(ch.n == 2 && ch.pkt[1].wirelen == in4.n && ch.pkt[1].pkt_no == 1 &&
               cursor_len(&ch.pkt[1].payload) == mb.n,
           "IPv4 in IPv4: the inner packet's length is its own");
        decoder_free(d);
    }

    w = udp123;
    w.outer = TUN_IPIP;
    outer = ipv4(41, 0xc0000201, 0xc0000202, &in6);
    f = eth(1, 0x0800, &outer);
    vector("IPv6 in IPv4", &f, w);
    outer = ipv6(4, 0x10, 0x11, &in4u);
    f = eth(1, 0x86dd, &outer);
    vector("IPv4 in IPv6", &f, w);

    w = udp123;
    w.outer = TUN_GRE;
    t = hdr("0000 0800", &in4u);
    outer = ipv4(47, 0xc0000201, 0xc0000202, &t);
    f = eth(1, 0x0800, &outer);
    vector("GRE IPv4", &f, w);
    t = hdr("b000 86dd  1234 0000  0000 0007  0000 0001", &in6);
    outer = ipv4(47, 0xc0000201, 0xc0000202, &t);
    f = eth(1, 0x0800, &outer);
    vector("GRE with checksum, key and sequence, IPv6", &f, w);
    Buf inner_eth = eth(0x77, 0x0800, &in4u);
    t = hdr("2000 6558 0000 0009", &inner_eth);
    outer = ipv4(47, 0xc0000201, 0xc0000202, &t);
    f = eth(1, 0x0800, &outer);
    vector("GRE transparent Ethernet bridging", &f, w);
    {
        Decoder *d = decoder_new();
        Chain ch;
        decode_chain(d, f.b, f.n, f.n, &ch);
        tap_ok(ch.n == 2 && ch.pkt[1].has_src_mac && ch.pkt[1].src_mac.b[5] == 0x77 &&
               ch.pkt[0].src_mac.b[5] == 1,
           "GRE transparent Ethernet bridging: the inner frame's MACs");
        decoder_free(d);
    }

    w.outer = TUN_VXLAN;
    t = hdr("0800 0000 0013 8900", &inner_eth);
    outer = udp(49152, 4789, &t);
    t = ipv4(17, 0xc0000201, 0xc0000202, &outer);
    f = eth(1, 0x0800, &t);
    vector("VXLAN", &f, w);
    t = hdr("0c00 0001 0013 8900", &in4u);
    outer = udp(49152, 4789, &t);
    t = ipv4(17, 0xc0000201, 0xc0000202, &outer);
    f = eth(1, 0x0800, &t);
    vector("VXLAN-GPE flags, IPv4 inside", &f, w);

    w.outer = TUN_GTPU;
    t = gtpu(0x30, 255, "", &in4u);
    outer = udp(2152, 2152, &t);
    t = ipv4(17, 0xc0000201, 0xc0000202, &outer);
    f = eth(1, 0x0800, &t);
    vector("GTP-U", &f, w);
    t = gtpu(0x32, 255, "0007 00 00", &in6);
    outer = udp(2152, 2152, &t);
    t = ipv4(17, 0xc0000201, 0xc0000202, &outer);
    f = eth(1, 0x0800, &t);
    vector("GTP-U with a sequence number, IPv6", &f, w);
    t = gtpu(0x34, 255, "0000 00 85  01 10 09 c0  02 0000 0000 0000 00", &in4u);
    outer = udp(2152, 2152, &t);
    t = ipv4(17, 0xc0000201, 0xc0000202, &outer);
    f = eth(1, 0x0800, &t);
    vector("GTP-U with two extension headers", &f, w);
    {
        /* a GTP length shorter than the datagram: the rest is padding */
        Buf padded = gtpu(0x30, 255, "", &in4u);
        put32(&padded, 0);
        outer = udp(2152, 2152, &padded);
        t = ipv4(17, 0xc0000201, 0xc0000202, &outer);
        f = eth(1, 0x0800, &t);
        Decoder *d = decoder_new();
        Chain ch;
        decode_chain(d, f.b, f.n, f.n, &ch);
        tap_ok(ch.n == 2 && cursor_len(&ch.pkt[0].tunnel_inner) == in4u.n && ch.pkt[1].wirelen == in4u.n,
           "GTP-U: the inner packet ends where the GTP length says");
        decoder_free(d);
    }
}

static void not_tunnels(void)
{
    Buf ntp = bytes_of("#ntp-client-request");
    Buf dgram = udp(123, 123, &ntp);
    Buf in4u = ipv4(17, 0x0a090901, 0x0a090902, &dgram);
    Buf in6 = ipv6(17, 1, 2, &dgram);
    Buf inner_eth = eth(0x77, 0x0800, &in4u);
    struct {
        const char *name;
        uint8_t proto;
        uint16_t sport, dport;
        Buf payload;
    } cases[] = {
        { "GRE version 1 (PPTP)", 47, 0, 0, hdr("3081 880b 0004 0001 0000 0001", &in4u) },
        { "GRE with routing", 47, 0, 0, hdr("4000 0800 0000 0000", &in4u) },
        { "GRE carrying ERSPAN", 47, 0, 0, hdr("1000 88be 0000 0001", &inner_eth) },
        { "IP protocol 4 carrying IPv6", 4, 0, 0, in6 },
        { "IP protocol 41 carrying IPv4", 41, 0, 0, in4u },
        { "VXLAN without the I flag", 17, 49152, 4789, hdr("0000 0000 0013 8900", &inner_eth) },
        { "VXLAN-GPE carrying NSH", 17, 49152, 4789, hdr("0c00 0004 0013 8900", &inner_eth) },
        { "VXLAN from port 4789 only", 17, 4789, 5000, hdr("0800 0000 0013 8900", &inner_eth) },
        { "GTP-U echo request", 17, 2152, 2152, gtpu(0x32, 1, "0001 00 00", &in4u) },
        { "GTP version 2", 17, 2152, 2152, gtpu(0x48, 255, "", &in4u) },
        { "GTP-U extension header of length 0", 17, 2152, 2152,
          gtpu(0x34, 255, "0000 00 85  00 00 00 00", &in4u) },
        { "GTP-U carrying no IP", 17, 2152, 2152, gtpu(0x30, 255, "", &inner_eth) },
        { "GTP-U length past the datagram", 17, 2152, 2152, hdr("30ff 0400 0000 1234", &in4u) },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Buf l4 = cases[i].proto == 17 ? udp(cases[i].sport, cases[i].dport, &cases[i].payload)
                                      : cases[i].payload;
        Buf ip = ipv4(cases[i].proto, 0xc0000201, 0xc0000202, &l4);
        Buf f = eth(1, 0x0800, &ip);
        Decoder *d = decoder_new();
        Chain ch;
        decode_chain(d, f.b, f.n, f.n, &ch);
        char what[160];
        snprintf(what, sizeof what, "%s: the outer packet only", cases[i].name);
        tap_ok(ch.n == 1 && ch.pkt[0].tunnel == TUN_NONE, what);
        snprintf(what, sizeof what, "%s: every prefix", cases[i].name);
        tap_ok(prefixes_hold(&f, &ch), what);
        decoder_free(d);
    }
}

/* GRE in GRE in ...: the frame and OTS_TUNNEL_MAX_DEPTH levels inside it
 * are decoded, the last of them a GRE packet that is not opened. */
static void nesting(void)
{
    Buf ntp = bytes_of("#ntp");
    Buf dgram = udp(123, 123, &ntp);
    Buf p = ipv4(17, 0x0a000601, 0x0a000602, &dgram);
    for (int level = OTS_TUNNEL_MAX_DEPTH + 1; level >= 1; level--) {
        Buf g = hdr("0000 0800", &p);
        p = ipv4(47, 0x0a000001 + (uint32_t)(level << 8), 0x0a000002 + (uint32_t)(level << 8), &g);
    }
    Buf f = eth(1, 0x0800, &p);
    Want w = { TUN_GRE, OTS_TUNNEL_MAX_DEPTH + 1, TP_IP, 0, 0 };
    vector("GRE nested deeper than the limit", &f, w);
    Decoder *d = decoder_new();
    Chain ch;
    decode_chain(d, f.b, f.n, f.n, &ch);
    const Packet *last = &ch.pkt[ch.n - 1];
    tap_ok(ch.n == OTS_TUNNEL_MAX_DEPTH + 1 && last->tunnel == TUN_NONE && last->ip_proto == 47 &&
           last->tunnel_depth == OTS_TUNNEL_MAX_DEPTH,
       "nesting: the packet at the limit is a GRE packet that is not opened");
    decoder_free(d);
}

/* An outer datagram reassembled in the fragment pool carries (IP in IP)
 * the last fragment of an inner datagram at a high offset: storing it
 * must not overwrite the buffer it is read from.  The inner datagram
 * completes in the next frame; its UDP payload must be intact. */
static void fragments_inside(void)
{
    enum { INNER_FIRST = 1480, INNER_DATA = 1472 };
    Buf data = { .n = 0 };
    for (int i = 0; i < 2 * INNER_DATA + 8; i++)
        put8(&data, (unsigned)(i * 7 + 3));
    Buf whole_udp = udp(5000, 6000, &data); /* 2960 bytes: two inner fragments */
    Buf first = { .n = 0 }, last = { .n = 0 };
    for (size_t i = 0; i < whole_udp.n; i++)
        put8(i < INNER_FIRST ? &first : &last, whole_udp.b[i]);
    Buf inner_first = ipv4_frag(17, 77, 0, true, &first);
    Buf inner_last = ipv4_frag(17, 77, INNER_FIRST, false, &last);

    /* the outer datagram carrying inner_last, cut in two outer fragments */
    Buf a = { .n = 0 }, b = { .n = 0 };
    for (size_t i = 0; i < inner_last.n; i++)
        put8(i < 1480 ? &a : &b, inner_last.b[i]);
    Buf outer1 = ipv4_frag(4, 9, 0, true, &a);
    Buf outer2 = ipv4_frag(4, 9, 1480, false, &b);
    Buf plain = ipv4(4, 0x0a000001, 0x0a000002, &inner_first);
    Buf f1 = eth(1, 0x0800, &outer1), f2 = eth(1, 0x0800, &outer2), f3 = eth(1, 0x0800, &plain);

    Decoder *d = decoder_new();
    Chain ch;
    decode_chain(d, f1.b, f1.n, f1.n, &ch);
    tap_ok(ch.why[0] == SKIP_FRAGMENT, "fragments inside: the first outer fragment is held");
    decode_chain(d, f2.b, f2.n, f2.n, &ch);
    tap_ok(ch.n == 1 && ch.pkt[0].is_reassembled && ch.why[1] == SKIP_FRAGMENT,
       "fragments inside: the outer datagram completes, its inner fragment is held");
    decode_chain(d, f3.b, f3.n, f3.n, &ch);
    const Packet *in = &ch.pkt[1];
    Cursor payload = in->payload;
    bool same = ch.n == 2 && in->is_reassembled && in->transport == TP_UDP &&
                cursor_len(&payload) == data.n;
    for (size_t i = 0; same && i < data.n; i++)
        same = cursor_u8(&payload) == data.b[i];
    tap_ok(same, "fragments inside: the inner datagram completes intact");
    decoder_free(d);
}

int main(void)
{
    positive();
    not_tunnels();
    nesting();
    fragments_inside();
    return tap_end();
}
