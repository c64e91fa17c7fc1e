/*
 * decode.h - frame -> Packet: link layer, IPv4/IPv6 (with fragment
 * reassembly), TCP, UDP, ICMP, and the packets tunnels carry (IP in IP,
 * GRE, VXLAN, GTP-U).  Every byte through the Cursor.
 *
 * Decoding does not judge protocols above L4; it fills the Packet and says
 * why it gave up on a frame (SkipReason) so the run summary can count it.
 */
#ifndef OTS_DECODE_DECODE_H
#define OTS_DECODE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/cursor.h"
#include "otscope/packet.h"

typedef struct Decoder Decoder;

/* Returns a new decoder (it owns the fragment reassembly table). */
Decoder *decoder_new(void);
void decoder_free(Decoder *d);

/* True when the libpcap link type (DLT_*) is one otscope decodes. */
bool decoder_supports_linktype(int dlt);

/* Decodes one frame.  pkt->pkt_no, ts_ns, caplen, wirelen and file_idx
 * must be set by the caller; the rest is filled here.  frame is clipped
 * when caplen < wirelen.  Returns SKIP_NONE when the packet is usable
 * (possibly L2-only).  A reassembled datagram's payload borrows the
 * decoder's buffer until the next call. */
SkipReason decoder_frame(Decoder *d, int dlt, Cursor *frame, Packet *pkt);

/* Decodes the packet that outer carries (outer->tunnel != TUN_NONE, set by
 * decoder_frame() or an earlier decoder_tunnel()) into inner, a packet of
 * its own with outer's frame number and time.  Returns SKIP_NONE when inner
 * is usable; inner->tunnel may say it carries one more.  Call before the
 * next decoder_frame(): inner borrows the frame's bytes. */
SkipReason decoder_tunnel(Decoder *d, const Packet *outer, Packet *inner);

/* Fragments dropped (slot pressure, overlap, oversize) so far. */
uint64_t decoder_frags_dropped(const Decoder *d);

/* ---- internal to decode/ ------------------------------------------------ */

typedef struct IpFragTable IpFragTable;
IpFragTable *ipfrag_new(void);
void ipfrag_free(IpFragTable *t);
uint64_t ipfrag_dropped(const IpFragTable *t);
/* A new frame: the last completed datagram's buffer is no longer read. */
void ipfrag_new_frame(IpFragTable *t);

/* Offers one fragment (the bytes after the IP header(s)); offset in bytes.
 * Returns true and sets *datagram when this fragment completed one. */
bool ipfrag_add(IpFragTable *t, const Packet *pkt, uint32_t id, uint32_t offset, bool has_more,
                Cursor *frag, Cursor *datagram);

SkipReason decode_ethernet(Decoder *d, Cursor *c, Packet *pkt);
SkipReason decode_ethertype(Decoder *d, uint16_t ethertype, Cursor *c, Packet *pkt);
SkipReason decode_arp(Cursor *c, Packet *pkt);
SkipReason decode_ipv4(Decoder *d, Cursor *c, Packet *pkt);
SkipReason decode_ipv6(Decoder *d, Cursor *c, Packet *pkt);
SkipReason decode_transport(Cursor *c, Packet *pkt);
/* Sets pkt->tunnel* when the decoded packet's payload is a tunnel's
 * (decode-tunnel.c). */
void tunnel_detect(Packet *pkt);
/* Fills pkt->nd from an ICMPv6 Neighbor Discovery message (icmp_type and
 * the IPv6 header already decoded); leaves it alone for anything else. */
void decode_nd(const Cursor *msg, Packet *pkt);

/* The Decoder's fragment table, for decode-ipv4.c/decode-ipv6.c. */
IpFragTable *decoder_frags(Decoder *d);

#endif /* OTS_DECODE_DECODE_H */
