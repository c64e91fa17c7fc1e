/*
 * proto-codesys-v2.c - CODESYS V2 (CoDeSys 2.3) runtime protocol over TCP:
 * the programming and online services of V2 runtimes (TCP 1200 gateway,
 * 1201, 2455 runtime), contract name "codesys-v2".  V3 runtimes speak a
 * different protocol (proto-codesys.c).
 *
 * Parsed: the TCP block header (magic 0xbbbb, a 32-bit length in the
 * target's byte order: little-endian on x86/ARM targets, big-endian on
 * PowerPC ones, told apart by which reading is plausible), the service
 * byte that starts every block (the op code: requests by the client,
 * responses by the runtime, paired per flow), and the identification
 * reply to service 0x01 (login/identify): the runtime's OS name, OS type
 * and product name, NUL-terminated at fixed offsets 64, 96 and 128 of the
 * block, become os and software attributes of the runtime.  Deliberately
 * not parsed, for want of a public description: what the other service
 * bytes mean (they are counted as "Service" with the byte in the detail
 * and class other, so rules cannot mistake them for reads or stops),
 * passwords, variable lists, file and program transfers.
 *
 * Reference: no public specification.  Framing and the identify exchange
 * as used by Digital Bond's Redpoint scanner (codesys-v2-discover.nse,
 * S. Hilt, 2014: request "bb bb 01 00 00 00 01" or its big-endian twin,
 * reply strings at offsets 64/96/128).  Searched without finding a usable
 * service table: Wireshark (no V2 dissector), Zeek, nDPI, ICS-security
 * tool repositories and vendor manuals.
 *
 *  0               1               2               3
 *  +-------------------------------+-------------------------------+
 *  |        magic 0xbb 0xbb        |  length (32 bits, target     |
 *  +-------------------------------+  byte order: bytes after the  |
 *  |  header) ...                  |    service    | data ...      |
 *  +-------------------------------+---------------+---------------+
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    V2_MAGIC = 0xbb,
    V2_HDR_LEN = 6,
    V2_LEN_MIN = 1,       /* the service byte */
    V2_LEN_MAX = 1 << 20, /* far above any block a runtime sends; a byte-swapped length is not */
    V2_SVC_IDENTIFY = 0x01,
    V2_ID_OS_NAME_OFF = 64, /* offsets counted from the magic */
    V2_ID_OS_TYPE_OFF = 96,
    V2_ID_PRODUCT_OFF = 128,
    V2_ID_FIELD_LEN = 32,
    V2_NAME_MAX = V2_ID_FIELD_LEN + 1,
};

/* Per flow: the service of the last request, because replies are paired
 * with it (the reply's first byte is not documented to repeat it). */
typedef struct CodesysV2State {
    uint8_t last_service;
    bool has_request;
} CodesysV2State;

/* The block length at c (past the magic), or 0 when neither byte order
 * gives a plausible one.  Little-endian first: most targets are. */
static uint32_t block_len(const Cursor *c)
{
    Cursor le = *c;
    Cursor be = *c;
    cursor_skip(&le, 2);
    cursor_skip(&be, 2);
    uint32_t len_le = cursor_le32(&le);
    uint32_t len_be = cursor_be32(&be);
    if (!cursor_ok(&le))
        return 0;
    if (len_le >= V2_LEN_MIN && len_le <= V2_LEN_MAX)
        return len_le;
    if (len_be >= V2_LEN_MIN && len_be <= V2_LEN_MAX)
        return len_be;
    return 0;
}

static bool has_magic(const Cursor *c)
{
    return cursor_peek(c, 0) == V2_MAGIC && cursor_peek(c, 1) == V2_MAGIC;
}

static DissectResult codesys_v2_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    int b0 = cursor_peek(c, 0);
    int b1 = cursor_peek(c, 1);
    if ((b0 >= 0 && b0 != V2_MAGIC) || (b1 >= 0 && b1 != V2_MAGIC))
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < V2_HDR_LEN)
        return DISSECT_NEED_MORE;
    uint32_t len = block_len(c);
    if (len == 0)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < V2_HDR_LEN + 1)
        return DISSECT_NEED_MORE;
    /* A second block right behind the first must start with the magic
     * too: two 0xbb bytes and a small length alone are weak evidence. */
    size_t end = V2_HDR_LEN + (size_t)len;
    if (cursor_left(c) > end + 1) {
        int n0 = cursor_peek(c, end);
        int n1 = cursor_peek(c, end + 1);
        if (n0 != V2_MAGIC || n1 != V2_MAGIC)
            return DISSECT_NOT_MINE;
    }
    return DISSECT_OK;
}

static size_t codesys_v2_pdu_len(Cursor *c)
{
    if (cursor_left(c) < V2_HDR_LEN)
        return 0;
    if (!has_magic(c))
        return PDU_LEN_BAD;
    uint32_t len = block_len(c);
    return len == 0 ? PDU_LEN_BAD : V2_HDR_LEN + (size_t)len;
}

/* A NUL-terminated field of at most V2_ID_FIELD_LEN bytes at off of the
 * block; the last field may be cut by the block's end. */
static void id_field(const Cursor *block, size_t off, char *out, size_t outsz)
{
    Cursor f = *block;
    out[0] = '\0';
    if (!cursor_skip(&f, off))
        return;
    size_t n = cursor_left(&f) < V2_ID_FIELD_LEN ? cursor_left(&f) : V2_ID_FIELD_LEN;
    cursor_str(&f, n, out, outsz);
}

/* The identify reply: OS name, OS type and product of the runtime. */
static void identify_reply(DissectCtx *ctx, const Cursor *block)
{
    if (cursor_len(block) <= V2_ID_PRODUCT_OFF)
        return; /* a refusal or an error code, not the identification */
    char os_name[V2_NAME_MAX];
    char os_type[V2_NAME_MAX];
    char product[V2_NAME_MAX];
    id_field(block, V2_ID_OS_NAME_OFF, os_name, sizeof os_name);
    id_field(block, V2_ID_OS_TYPE_OFF, os_type, sizeof os_type);
    id_field(block, V2_ID_PRODUCT_OFF, product, sizeof product);
    if (os_name[0]) {
        char os[2 * V2_NAME_MAX + 1];
        snprintf(os, sizeof os, "%s%s%s", os_name, os_type[0] ? " " : "", os_type);
        dissect_attr(ctx, SIDE_SRC, ATTR_OS, os, FACT_CONF_HIGH);
    }
    if (product[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_SOFTWARE, product, FACT_CONF_HIGH);
}

static const char *service_name(uint8_t service, OpClass *cls)
{
    if (service == V2_SVC_IDENTIFY) {
        *cls = OP_SESSION;
        return "Login/Identify";
    }
    *cls = OP_OTHER;
    return "Service";
}

static DissectResult codesys_v2_dissect(Cursor *c, DissectCtx *ctx)
{
    CodesysV2State *st = ctx->state;
    Cursor block = *c; /* offsets of the identify reply count from the magic */
    uint8_t magic[2];
    uint8_t len_bytes[4];
    cursor_copy(c, magic, sizeof magic);
    cursor_copy(c, len_bytes, sizeof len_bytes); /* read by block_len() in either order */
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    /* The core cuts blocks with codesys_v2_pdu_len(), which loses framing
     * on both of these before they get here: not a block at all. */
    uint32_t len = block_len(&block);
    if (magic[0] != V2_MAGIC || magic[1] != V2_MAGIC || len == 0)
        return DISSECT_NOT_MINE;
    Cursor payload;
    if (!cursor_take(c, len, &payload))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    uint8_t service = cursor_u8(&payload);
    if (!cursor_ok(&payload))
        return dissect_fail(ctx, &payload, ANOM_LEN_MISMATCH);
    Cursor whole;
    cursor_take(&block, V2_HDR_LEN + (size_t)len, &whole);

    char detail[FACT_DETAIL_MAX];
    OpClass cls;
    if (ctx->is_from_client) {
        const char *name = service_name(service, &cls);
        snprintf(detail, sizeof detail, "service=0x%02x len=%u", service, len);
        ctx->dir_hint = DIR_REQUEST;
        dissect_op(ctx, service, name, cls, false, 0, detail);
        if (st) {
            st->last_service = service;
            st->has_request = true;
        }
        return DISSECT_OK;
    }
    /* A reply answers the flow's last request; without one seen, its own
     * first byte is the best guess. */
    uint8_t answered = (st && st->has_request) ? st->last_service : service;
    const char *name = service_name(answered, &cls);
    snprintf(detail, sizeof detail, "service=0x%02x len=%u", answered, len);
    ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, answered, name, cls, true, 0, detail);
    if (answered == V2_SVC_IDENTIFY)
        identify_reply(ctx, &whole);
    return DISSECT_OK;
}

const ProtoDesc proto_codesys_v2 = {
    .name = "codesys-v2",
    .transports = PT_TCP,
    .ports = {1200, 1201, 2455},
    .probe = codesys_v2_probe,
    .pdu_len = codesys_v2_pdu_len,
    .dissect = codesys_v2_dissect,
    .state_size = sizeof(CodesysV2State),
};
