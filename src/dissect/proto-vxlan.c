/*
 * proto-vxlan.c - VXLAN (RFC 7348, UDP 4789) and VXLAN-GPE (UDP 4790)
 * headers: the tunnel's own conversation.
 *
 * The decoder (decode/decode-tunnel.c) opens the frame or packet a VXLAN
 * header carries and analyzes it as traffic of its own; this file names
 * the outer conversation and records one operation per datagram, named
 * by what it carries (Ethernet, or with GPE's P flag IPv4, IPv6, NSH,
 * MPLS; the GPE next-protocol numbers are the codes), class other, with
 * the VNI as detail.  The I flag (a valid VNI) is required.  On another
 * port the header alone is eight bytes of little structure, so its
 * reserved bits must be zero and the payload must look like what it says
 * it is: an Ethernet frame with an IP, ARP or VLAN ethertype, or an IP
 * packet of the version GPE names.
 *
 *   VXLAN:  |R|R|R|R|I|R|R|R| Reserved (3)   | VNI (3) | Reserved (1) |
 *   GPE:    |R|R|Ver|I|P|B|O| Reserved (2) | Next protocol (1) | VNI (3) | Reserved (1) |
 *   (VXLAN-GBP sets G, 0x80, and a group policy id in the reserved bytes.)
 *
 * References: RFC 7348; draft-ietf-nvo3-vxlan-gpe-12; draft-smith-vxlan-
 * group-policy-05.
 */
#include <stdio.h>

#include "dissect.h"

enum {
    VXLAN_PORT = 4789,
    VXLAN_GPE_PORT = 4790,
    VXLAN_HDR_LEN = 8,
    ETH_HDR_LEN = 14,

    VXLAN_I = 0x08,
    VXLAN_P = 0x04,
    VXLAN_G = 0x80,
    VXLAN_ZERO = 0x77,     /* reserved flags of VXLAN (and GBP) */
    VXLAN_GPE_ZERO = 0xf0, /* reserved flags and version 0 of GPE */

    NEXT_IPV4 = 1,
    NEXT_IPV6 = 2,
    NEXT_ETHERNET = 3,
    NEXT_NSH = 4,
    NEXT_MPLS = 5,
};

typedef struct VxlanHeader {
    uint8_t flags;
    uint8_t reserved[2]; /* GBP: its policy */
    uint8_t next;        /* GPE: next protocol; else reserved */
    uint32_t vni;
    uint8_t last; /* reserved */
} VxlanHeader;

static bool vxlan_read(Cursor *c, VxlanHeader *h)
{
    h->flags = cursor_u8(c);
    h->reserved[0] = cursor_u8(c);
    h->reserved[1] = cursor_u8(c);
    h->next = cursor_u8(c);
    h->vni = cursor_be24(c);
    h->last = cursor_u8(c);
    return cursor_ok(c);
}

/* What the header says it carries, in GPE numbers; 0 when the header is
 * not one this file knows.  Receivers ignore the reserved bits (RFC 7348
 * section 5), so only a strict reading, for a datagram off the VXLAN
 * ports, requires them zero. */
static uint8_t vxlan_carries(const VxlanHeader *h, bool is_strict)
{
    if (!(h->flags & VXLAN_I))
        return 0;
    if (h->flags & VXLAN_P) {
        bool is_gpe = !is_strict || ((h->flags & VXLAN_GPE_ZERO) == 0 && h->last == 0);
        return is_gpe && h->next >= NEXT_IPV4 && h->next <= NEXT_MPLS ? h->next : 0;
    }
    /* without GBP's policy every reserved byte is zero */
    bool is_zero = (h->flags & VXLAN_ZERO) == 0 && h->next == 0 && h->last == 0 &&
                   ((h->flags & VXLAN_G) || (h->reserved[0] | h->reserved[1]) == 0);
    return !is_strict || is_zero ? NEXT_ETHERNET : 0;
}

/* Off the VXLAN ports: does the payload look like what the header says? */
static DissectResult payload_fits(Cursor *c, uint8_t carries)
{
    int first = cursor_peek(c, 0);
    switch (carries) {
    case NEXT_IPV4:
        return first < 0 ? DISSECT_NEED_MORE : (first >> 4) == 4 ? DISSECT_OK : DISSECT_NOT_MINE;
    case NEXT_IPV6:
        return first < 0 ? DISSECT_NEED_MORE : (first >> 4) == 6 ? DISSECT_OK : DISSECT_NOT_MINE;
    case NEXT_ETHERNET: {
        if (cursor_left(c) < ETH_HDR_LEN)
            return DISSECT_NEED_MORE;
        cursor_skip(c, 12);
        uint16_t type = cursor_be16(c);
        bool is_known = type == 0x0800 || type == 0x86dd || type == 0x0806 || type == 0x8100;
        return is_known ? DISSECT_OK : DISSECT_NOT_MINE;
    }
    default:
        return DISSECT_NOT_MINE; /* NSH or MPLS: too little to tell */
    }
}

static DissectResult vxlan_probe(Cursor *c, const DissectCtx *ctx)
{
    if (cursor_left(c) < VXLAN_HDR_LEN)
        return DISSECT_NEED_MORE;
    VxlanHeader h;
    vxlan_read(c, &h);
    bool is_hinted = dissect_port_is(ctx, VXLAN_PORT) || dissect_port_is(ctx, VXLAN_GPE_PORT);
    uint8_t carries = vxlan_carries(&h, !is_hinted);
    if (!carries)
        return DISSECT_NOT_MINE;
    return is_hinted ? DISSECT_OK : payload_fits(c, carries);
}

static const char *carried_name(uint8_t carries)
{
    static const char *const names[] = {
        [NEXT_IPV4] = "IPv4", [NEXT_IPV6] = "IPv6", [NEXT_ETHERNET] = "Ethernet",
        [NEXT_NSH] = "NSH",   [NEXT_MPLS] = "MPLS",
    };
    return names[carries];
}

static DissectResult vxlan_dissect(Cursor *c, DissectCtx *ctx)
{
    VxlanHeader h;
    if (!vxlan_read(c, &h))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    uint8_t carries = vxlan_carries(&h, false);
    if (!carries) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    char detail[24];
    snprintf(detail, sizeof detail, "vni=%u", (unsigned)h.vni);
    dissect_op(ctx, carries, carried_name(carries), OP_OTHER, false, 0, detail);
    return DISSECT_OK;
}

const ProtoDesc proto_vxlan = {
    .name = "vxlan",
    .transports = PT_UDP,
    .ports = {VXLAN_PORT, VXLAN_GPE_PORT},
    .probe = vxlan_probe,
    .dissect = vxlan_dissect,
};
