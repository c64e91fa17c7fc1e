/*
 * proto-cdp.c - Cisco Discovery Protocol, versions 1 and 2.
 *
 * CDP rides in 802.3 LLC/SNAP frames (DSAP 0xaa, OUI 00:00:0c, PID
 * 0x2000); decode/ sets Packet.snap_oui/snap_pid and hands over the bytes
 * from the CDP version byte.  The TLVs give the sender's identity: device
 * ID -> hostname, software version -> software (line breaks folded),
 * platform -> model.  The frame becomes one discovery operation
 * "advertisement" (code 0: CDP has no function codes, this one is ours)
 * whose detail carries the port ID and the first IPv4 address of the
 * Addresses TLV.  Not parsed: the checksum, capabilities bits, VTP domain,
 * native VLAN, power and the cluster-management hello.
 *
 * Reference: Cisco, "Cisco Discovery Protocol Configuration Guide", and the
 * TLV list of Wireshark's packet-cdp.c (no public normative spec exists).
 *
 *   0               1               2               3
 *  +---------------+---------------+-------------------------------+
 *  |  version 1|2  |  TTL (s)      |  checksum                     |
 *  +---------------+---------------+-------------------------------+
 *  |  TLV type                     |  TLV length (header included) |
 *  +-------------------------------+-------------------------------+
 *  |  value ...                                                    |
 *   Addresses value: count (4) | { ptype (1) | plen (1) | proto (plen) |
 *                                  alen (2) | address (alen) } ...
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    CDP_OUI = 0x00000c,
    CDP_PID = 0x2000,
    CDP_HDR_LEN = 4,
    CDP_TLV_HDR_LEN = 4,
    CDP_TLV_DEVICE_ID = 0x0001,
    CDP_TLV_ADDRESSES = 0x0002,
    CDP_TLV_PORT_ID = 0x0003,
    CDP_TLV_SOFTWARE = 0x0005,
    CDP_TLV_PLATFORM = 0x0006,
    CDP_TLV_TYPE_MAX = 0x00ff, /* assigned types are small; larger is not CDP */
    CDP_MAX_TLVS = 64,
    CDP_MAX_ADDRESSES = 16,
    CDP_NLPID = 1,
    CDP_NLPID_IP = 0xcc,
    CDP_OP_ADVERTISEMENT = 0,
    CDP_TEXT_MAX = 256,
};

typedef struct CdpInfo {
    char device_id[FACT_VALUE_MAX];
    char software[FACT_VALUE_MAX];
    char platform[FACT_VALUE_MAX];
    char port_id[40];
    char address[16];
} CdpInfo;

static bool cdp_is_snap(const DissectCtx *ctx)
{
    return ctx->pkt->snap_oui == CDP_OUI && ctx->pkt->snap_pid == CDP_PID;
}

static DissectResult cdp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (!cdp_is_snap(ctx))
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < CDP_HDR_LEN + CDP_TLV_HDR_LEN)
        return DISSECT_NEED_MORE;
    uint8_t version = cursor_u8(c);
    cursor_skip(c, 3); /* TTL, checksum */
    uint16_t type = cursor_be16(c);
    uint16_t len = cursor_be16(c);
    if ((version != 1 && version != 2) || type == 0 || type > CDP_TLV_TYPE_MAX ||
        len < CDP_TLV_HDR_LEN)
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* Text of a TLV with line breaks folded into single spaces: software
 * version strings span several lines. */
static void cdp_text(Cursor *v, char *dst, size_t dstsz)
{
    uint8_t raw[CDP_TEXT_MAX];
    size_t n = cursor_left(v);
    if (n > sizeof(raw))
        n = sizeof(raw);
    cursor_copy(v, raw, n);
    size_t out = 0;
    for (size_t i = 0; i < n && raw[i] != 0 && out + 1 < dstsz; i++) {
        bool is_space = raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t' || raw[i] == ' ';
        if (is_space && (out == 0 || dst[out - 1] == ' '))
            continue;
        if (is_space)
            dst[out++] = ' ';
        else
            dst[out++] = (raw[i] >= 0x20 && raw[i] < 0x7f) ? (char)raw[i] : '.';
    }
    while (out > 0 && dst[out - 1] == ' ')
        out--;
    dst[out] = '\0';
}

/* The first IPv4 address of an Addresses TLV. */
static void cdp_addresses(Cursor *v, CdpInfo *info)
{
    uint32_t count = cursor_be32(v);
    for (uint32_t i = 0; i < count && i < CDP_MAX_ADDRESSES && cursor_ok(v); i++) {
        uint8_t ptype = cursor_u8(v);
        uint8_t plen = cursor_u8(v);
        uint8_t proto = plen == 1 ? cursor_u8(v) : 0;
        if (plen != 1)
            cursor_skip(v, plen);
        uint16_t alen = cursor_be16(v);
        if (ptype == CDP_NLPID && proto == CDP_NLPID_IP && alen == 4 && !info->address[0]) {
            uint8_t a[4];
            cursor_copy(v, a, sizeof(a));
            if (cursor_ok(v))
                snprintf(info->address, sizeof(info->address), "%u.%u.%u.%u", a[0], a[1], a[2],
                         a[3]);
        } else {
            cursor_skip(v, alen);
        }
    }
}

/* Walks the TLVs; false when one breaks the framing. */
static bool cdp_tlvs(Cursor *c, CdpInfo *info)
{
    for (unsigned i = 0; i < CDP_MAX_TLVS && cursor_left(c) > 0; i++) {
        uint16_t type = cursor_be16(c);
        uint16_t len = cursor_be16(c);
        Cursor v;
        if (!cursor_ok(c))
            return false;
        if (len < CDP_TLV_HDR_LEN) {
            cursor_set_bad(c);
            return false;
        }
        if (!cursor_take(c, len - CDP_TLV_HDR_LEN, &v))
            return false;
        switch (type) {
        case CDP_TLV_DEVICE_ID:
            cdp_text(&v, info->device_id, sizeof(info->device_id));
            break;
        case CDP_TLV_ADDRESSES:
            cdp_addresses(&v, info);
            break;
        case CDP_TLV_PORT_ID:
            cdp_text(&v, info->port_id, sizeof(info->port_id));
            break;
        case CDP_TLV_SOFTWARE:
            cdp_text(&v, info->software, sizeof(info->software));
            break;
        case CDP_TLV_PLATFORM:
            cdp_text(&v, info->platform, sizeof(info->platform));
            break;
        default:
            break;
        }
    }
    /* No end marker: a window clipped on a TLV boundary is still short. */
    if (cursor_is_clipped(c))
        cursor_set_short(c);
    return cursor_ok(c);
}

static DissectResult cdp_dissect(Cursor *c, DissectCtx *ctx)
{
    CdpInfo info;
    memset(&info, 0, sizeof(info));
    uint8_t version = cursor_u8(c);
    cursor_skip(c, 3); /* TTL, checksum */
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (version != 1 && version != 2) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    if (!cdp_tlvs(c, &info))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    char detail[FACT_DETAIL_MAX];
    if (info.address[0])
        snprintf(detail, sizeof(detail), "port=%.36s addr=%.15s", info.port_id, info.address);
    else
        snprintf(detail, sizeof(detail), "port=%.36s", info.port_id);
    dissect_op(ctx, CDP_OP_ADVERTISEMENT, "advertisement", OP_DISCOVERY, false, 0, detail);
    if (info.device_id[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info.device_id, FACT_CONF_HIGH);
    if (info.software[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, info.software, FACT_CONF_HIGH);
    if (info.platform[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_MODEL, info.platform, FACT_CONF_HIGH);
    return DISSECT_OK;
}

const ProtoDesc proto_cdp = {
    .name = "cdp",
    .transports = PT_ETHER,
    .probe = cdp_probe,
    .dissect = cdp_dissect,
};
