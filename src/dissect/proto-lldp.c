/*
 * proto-lldp.c - Link Layer Discovery Protocol (IEEE 802.1AB).
 *
 * Walks the TLVs of one LLDPDU.  The three mandatory TLVs (chassis ID, port
 * ID, time to live) must come first and in that order.  The sender's
 * identity is reported as attributes: system name -> hostname, system
 * description -> description.  The LLDPDU itself becomes one discovery
 * operation, "advertisement" (code 0) or "shutdown" (code 1, TTL 0;
 * LLDP has no function codes, these two are ours), whose detail carries the
 * port ID, the first management address and the enabled capabilities.
 * Not parsed: organisationally specific TLVs (802.1/802.3/MED/PROFINET),
 * management-address interface numbering and OIDs.
 *
 * Reference: IEEE Std 802.1AB-2016, clause 8 (LLDPDU format and TLVs).
 *
 *   TLV:  0                   1
 *        +-------------+-----------------+-----------------------+
 *        | type (7 b)  | length (9 b)    | value (length bytes)  |
 *        +-------------+-----------------+-----------------------+
 *   LLDPDU: chassis ID (1) | port ID (2) | TTL (3) | optional ... | end (0)
 *   chassis/port ID value: subtype (1 byte) | id (1..255 bytes)
 *   management address value: addr len | addr subtype | addr | ifsubtype |
 *        ifnumber (4) | oid len | oid
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    LLDP_TLV_END = 0,
    LLDP_TLV_CHASSIS_ID = 1,
    LLDP_TLV_PORT_ID = 2,
    LLDP_TLV_TTL = 3,
    LLDP_TLV_SYSTEM_NAME = 5,
    LLDP_TLV_SYSTEM_DESC = 6,
    LLDP_TLV_CAPABILITIES = 7,
    LLDP_TLV_MGMT_ADDR = 8,
    LLDP_ID_MIN_LEN = 2,   /* subtype + at least one byte of id */
    LLDP_ID_MAX_LEN = 256, /* subtype + 255 */
    LLDP_TTL_LEN = 2,
    LLDP_MAX_TLVS = 64,      /* more is not a real LLDPDU (1500-byte frame) */
    LLDP_ID_SUBTYPE_MAC = 3, /* port ID: MAC address */
    LLDP_CHASSIS_SUBTYPE_MAC = 4,
    LLDP_IANA_AF_IPV4 = 1,
    LLDP_IANA_AF_IPV6 = 2,
    LLDP_OP_ADVERTISEMENT = 0,
    LLDP_OP_SHUTDOWN = 1,
    LLDP_TEXT_MAX = 512, /* a TLV value is at most 511 bytes */
};

static const char *const lldp_cap_names[] = {
    "other",  "repeater", "bridge", "wlan-ap", "router", "telephone",
    "docsis", "station",  "c-vlan", "s-vlan",  "tpmr",
};

typedef struct LldpInfo {
    char port_id[48];
    char sys_name[FACT_VALUE_MAX];
    char sys_desc[FACT_VALUE_MAX];
    char mgmt_addr[48];
    uint16_t caps_enabled;
    uint16_t ttl;
    bool has_caps;
} LldpInfo;

/* Text of a TLV with line breaks folded into single spaces: system
 * descriptions span several lines. */
static void lldp_text(Cursor *v, char *dst, size_t dstsz)
{
    uint8_t raw[LLDP_TEXT_MAX];
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

/* Reads one TLV header; the value becomes a child window. */
static bool lldp_tlv(Cursor *c, unsigned *type, Cursor *value)
{
    uint16_t word = cursor_be16(c);
    *type = word >> 9;
    return cursor_take(c, word & 0x1ff, value);
}

/* A MAC address or network address id as text, else the printable id. */
static void lldp_id_str(Cursor *v, bool is_mac, char *dst, size_t dstsz)
{
    size_t left = cursor_left(v);
    if (is_mac && left == 6) {
        uint8_t m[6];
        cursor_copy(v, m, sizeof(m));
        snprintf(dst, dstsz, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        return;
    }
    cursor_str(v, left, dst, dstsz);
}

static void lldp_addr_str(Cursor *v, size_t addr_len, char *dst, size_t dstsz)
{
    uint8_t family = cursor_u8(v);
    if (family == LLDP_IANA_AF_IPV4 && addr_len == 5) {
        uint8_t a[4];
        cursor_copy(v, a, sizeof(a));
        snprintf(dst, dstsz, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else if (family == LLDP_IANA_AF_IPV6 && addr_len == 17) {
        uint8_t a[16];
        cursor_copy(v, a, sizeof(a));
        int n = 0;
        for (int i = 0; i < 16 && n >= 0 && (size_t)n < dstsz; i += 2)
            n += snprintf(dst + n, dstsz - (size_t)n, "%s%x", i ? ":" : "", (a[i] << 8) | a[i + 1]);
    } else {
        cursor_skip(v, addr_len - 1);
        snprintf(dst, dstsz, "family %u", family);
    }
}

/* Management address TLV: only the first one is kept. */
static bool lldp_mgmt(Cursor *v, LldpInfo *info)
{
    uint8_t addr_len = cursor_u8(v);
    if (addr_len < 2 || addr_len > 32) {
        cursor_set_bad(v);
        return false;
    }
    if (info->mgmt_addr[0] == '\0')
        lldp_addr_str(v, addr_len, info->mgmt_addr, sizeof(info->mgmt_addr));
    return cursor_ok(v);
}

/* The three mandatory TLVs, in order.  False with *is_bad when they break
 * the rules, false alone when the window ran out first. */
static bool lldp_mandatory(Cursor *c, LldpInfo *info, bool *is_bad)
{
    unsigned type;
    Cursor v;
    *is_bad = false;

    if (!lldp_tlv(c, &type, &v))
        return false;
    size_t len = cursor_left(&v);
    if (type != LLDP_TLV_CHASSIS_ID || len < LLDP_ID_MIN_LEN || len > LLDP_ID_MAX_LEN) {
        *is_bad = true;
        return false;
    }

    if (!lldp_tlv(c, &type, &v))
        return false;
    len = cursor_left(&v);
    if (type != LLDP_TLV_PORT_ID || len < LLDP_ID_MIN_LEN || len > LLDP_ID_MAX_LEN) {
        *is_bad = true;
        return false;
    }
    uint8_t subtype = cursor_u8(&v);
    lldp_id_str(&v, subtype == LLDP_ID_SUBTYPE_MAC, info->port_id, sizeof(info->port_id));

    if (!lldp_tlv(c, &type, &v))
        return false;
    if (type != LLDP_TLV_TTL || cursor_left(&v) < LLDP_TTL_LEN) {
        *is_bad = true;
        return false;
    }
    info->ttl = cursor_be16(&v);
    return cursor_ok(c);
}

static DissectResult lldp_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    LldpInfo info;
    bool is_bad;
    memset(&info, 0, sizeof(info));
    if (lldp_mandatory(c, &info, &is_bad))
        return DISSECT_OK;
    return is_bad ? DISSECT_NOT_MINE : DISSECT_NEED_MORE;
}

/* Optional TLVs up to the end TLV.  False on a broken TLV. */
static bool lldp_optional(Cursor *c, LldpInfo *info)
{
    for (unsigned i = 0; i < LLDP_MAX_TLVS && cursor_left(c) > 0; i++) {
        unsigned type;
        Cursor v;
        if (!lldp_tlv(c, &type, &v))
            return false;
        switch (type) {
        case LLDP_TLV_END:
            return true;
        case LLDP_TLV_SYSTEM_NAME:
            lldp_text(&v, info->sys_name, sizeof(info->sys_name));
            break;
        case LLDP_TLV_SYSTEM_DESC:
            lldp_text(&v, info->sys_desc, sizeof(info->sys_desc));
            break;
        case LLDP_TLV_CAPABILITIES:
            cursor_be16(&v); /* system capabilities: what it could do */
            info->caps_enabled = cursor_be16(&v);
            info->has_caps = cursor_ok(&v);
            break;
        case LLDP_TLV_MGMT_ADDR:
            if (!lldp_mgmt(&v, info)) {
                cursor_set_bad(c);
                return false;
            }
            break;
        default:
            break; /* port description, org-specific, reserved: skipped */
        }
    }
    /* The end TLV is mandatory, but senders that fill the frame exactly
     * omit it; only a clipped window is short. */
    if (cursor_left(c) == 0 && cursor_is_clipped(c))
        cursor_set_short(c);
    return cursor_ok(c);
}

static void lldp_detail(const LldpInfo *info, char *detail, size_t detailsz)
{
    int n = snprintf(detail, detailsz, "port=%s", info->port_id);
    if (info->mgmt_addr[0] && n >= 0 && (size_t)n < detailsz)
        n += snprintf(detail + n, detailsz - (size_t)n, " mgmt=%s", info->mgmt_addr);
    if (!info->has_caps)
        return;
    const char *sep = " caps=";
    for (size_t bit = 0; bit < sizeof(lldp_cap_names) / sizeof(lldp_cap_names[0]); bit++) {
        if (!(info->caps_enabled & (1u << bit)) || n < 0 || (size_t)n >= detailsz)
            continue;
        n += snprintf(detail + n, detailsz - (size_t)n, "%s%s", sep, lldp_cap_names[bit]);
        sep = ",";
    }
}

static DissectResult lldp_dissect(Cursor *c, DissectCtx *ctx)
{
    LldpInfo info;
    bool is_bad;
    memset(&info, 0, sizeof(info));
    if (!lldp_mandatory(c, &info, &is_bad)) {
        if (is_bad) {
            dissect_anomaly(ctx, ANOM_BAD_HEADER);
            return DISSECT_MALFORMED;
        }
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    }
    if (!lldp_optional(c, &info))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    char detail[FACT_DETAIL_MAX];
    lldp_detail(&info, detail, sizeof(detail));
    if (info.ttl == 0)
        dissect_op(ctx, LLDP_OP_SHUTDOWN, "shutdown", OP_DISCOVERY, false, 0, detail);
    else
        dissect_op(ctx, LLDP_OP_ADVERTISEMENT, "advertisement", OP_DISCOVERY, false, 0, detail);
    if (info.sys_name[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info.sys_name, FACT_CONF_HIGH);
    if (info.sys_desc[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_DESCRIPTION, info.sys_desc, FACT_CONF_HIGH);
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_lldp = {
    .name = "lldp",
    .transports = PT_ETHER,
    .ethertypes = {0x88cc},
    .probe = lldp_probe,
    .dissect = lldp_dissect,
};
