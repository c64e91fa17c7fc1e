/*
 * proto-stp.c - Spanning Tree BPDUs: STP, RSTP and MSTP (the common part).
 *
 * BPDUs ride in 802.3 LLC frames with DSAP/SSAP 0x42; decode/ sets
 * Packet.llc_dsap and hands over the bytes after the LLC header.  Only
 * bridges send BPDUs, so a sender is a network device; the root bridge
 * identifier (priority and MAC) names the root of the spanning tree.  A
 * Configuration or RST BPDU is the operation "config BPDU"/"RST BPDU" (code:
 * the BPDU type) with the root, its path cost and the sender's bridge id in
 * the detail; the sender gets the description "STP bridge P/EXT/MAC", plus
 * "(root bridge)" when it announces itself as root with cost 0.  A
 * Topology Change Notification is reported as such.  MSTP's MSTI records
 * after the common part, timers and flags are deliberately not parsed.
 *
 * Reference: IEEE 802.1D-2004 section 9.3 (BPDU formats) and 17.21;
 * IEEE 802.1Q-2014 section 14 (MST BPDU).
 *
 *   protocol id (2) = 0 | version (1) 0 STP, 2 RSTP, 3 MSTP | type (1)
 *   Config/RST (type 0x00 / 0x02), after the four bytes above:
 *   flags (1) | root id: priority (2) MAC (6) | root path cost (4)
 *   | bridge id: priority (2) MAC (6) | port id (2) | message age (2)
 *   | max age (2) | hello time (2) | forward delay (2) [| v1 length (1) RST]
 *   TCN (type 0x80): nothing after the four bytes.
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    STP_LLC_SAP = 0x42,
    STP_HEADER_LEN = 4,
    STP_CONFIG_LEN = 35, /* header included */
    STP_VERSION_MAX = 4, /* 0 STP, 2 RSTP, 3 MSTP, 4 SPB */
    STP_TYPE_CONFIG = 0x00,
    STP_TYPE_RST = 0x02,
    STP_TYPE_TCN = 0x80,
    STP_BRIDGE_TEXT = 40,
};

typedef struct BridgeId {
    uint16_t priority; /* 4 bits of priority (multiples of 4096), then the
                        * 12-bit system id extension (802.1t: the VLAN/MSTI) */
    MacAddr mac;
} BridgeId;

static DissectResult stp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->llc_dsap != STP_LLC_SAP)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < STP_HEADER_LEN)
        return DISSECT_NEED_MORE;
    uint16_t protocol = cursor_be16(c);
    uint8_t version = cursor_u8(c);
    uint8_t type = cursor_u8(c);
    if (protocol != 0 || version > STP_VERSION_MAX)
        return DISSECT_NOT_MINE;
    return type == STP_TYPE_CONFIG || type == STP_TYPE_RST || type == STP_TYPE_TCN
               ? DISSECT_OK
               : DISSECT_NOT_MINE;
}

static void read_bridge_id(Cursor *c, BridgeId *id)
{
    id->priority = cursor_be16(c);
    cursor_copy(c, id->mac.b, sizeof id->mac.b);
}

static void bridge_text(const BridgeId *id, char *dst, size_t dstsz)
{
    char mac[18];
    /* Wireshark's form: priority / system id extension / MAC */
    snprintf(dst, dstsz, "%u/%u/%s", (unsigned)(id->priority & 0xf000),
             (unsigned)(id->priority & 0x0fff), macaddr_str(&id->mac, mac));
}

static DissectResult stp_dissect(Cursor *c, DissectCtx *ctx)
{
    cursor_skip(c, 2); /* protocol id, checked by the probe */
    uint8_t version = cursor_u8(c);
    uint8_t type = cursor_u8(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (type == STP_TYPE_TCN) {
        dissect_op(ctx, type, "topology change", OP_OTHER, false, 0, NULL);
        return DISSECT_OK;
    }
    if (type != STP_TYPE_CONFIG && type != STP_TYPE_RST) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    cursor_skip(c, 1); /* flags */
    BridgeId root;
    BridgeId bridge;
    read_bridge_id(c, &root);
    uint32_t cost = cursor_be32(c);
    read_bridge_id(c, &bridge);
    cursor_skip(c, 2 + 8); /* port id, four timers */
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    char root_text[STP_BRIDGE_TEXT];
    char bridge_text_buf[STP_BRIDGE_TEXT];
    bridge_text(&root, root_text, sizeof root_text);
    bridge_text(&bridge, bridge_text_buf, sizeof bridge_text_buf);
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "root=%s cost=%u", root_text, (unsigned)cost);
    const char *name = type == STP_TYPE_CONFIG ? "config BPDU" : version >= 3 ? "MST BPDU" : "RST BPDU";
    dissect_op(ctx, type, name, OP_DISCOVERY, false, 0, detail);

    bool is_root = cost == 0 && root.priority == bridge.priority &&
                   memcmp(root.mac.b, bridge.mac.b, sizeof root.mac.b) == 0;
    char desc[FACT_VALUE_MAX];
    snprintf(desc, sizeof desc, "STP bridge %s%s", bridge_text_buf, is_root ? " (root bridge)" : "");
    dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, desc, FACT_CONF_HIGH);
    return DISSECT_OK;
}

const ProtoDesc proto_stp = {
    .name = "stp",
    .transports = PT_ETHER,
    .probe = stp_probe,
    .dissect = stp_dissect,
};
