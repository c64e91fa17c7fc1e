/*
 * proto-icmp.c - ICMP (IPv4) and ICMPv6 messages.
 *
 * The core hands over the ICMP message itself (the cursor starts at the type
 * byte); ctx->pkt->transport says TP_ICMP or TP_ICMPV6, and the two type
 * spaces differ.  Each message becomes one operation named by its type:
 * echo and timestamp as diagnostic, router/neighbour solicitation and
 * advertisement and address-mask as discovery, redirect as config (it
 * rewrites a host's routing), error reports (unreachable, time exceeded,
 * ...) as diagnostic with the code named in the detail.  Type and code are
 * validated against the assigned values; an unknown type or an impossible
 * code is an anomaly.  Not parsed: the checksum (the core does not hand the
 * pseudo-header), the invoking datagram quoted in error messages, ND
 * options, MLD records, RPL and other experimental types.
 *
 * References: RFC 792 (ICMP); RFC 950 (address mask); RFC 1256 (router
 * discovery); RFC 4443 (ICMPv6); RFC 4861 (Neighbor Discovery); RFC 2710
 * and RFC 3810 (MLD); RFC 8335 (extended echo); IANA "ICMP Type Numbers"
 * and "ICMPv6 Parameters" registries.
 *
 *   0               1               2               3
 *  +---------------+---------------+-------------------------------+
 *  |     type      |     code      |           checksum            |
 *  +---------------+---------------+-------------------------------+
 *  |  echo: identifier             |  echo: sequence number        |
 *  |  errors: unused / MTU / pointer                               |
 *  +---------------------------------------------------------------+
 *  |  type-specific body (echo data, quoted IP datagram, ND opts)  |
 */
#include <stdio.h>

#include "dissect.h"

enum {
    ICMP_HDR_LEN = 4,
    ICMP_MIN_BODY = 4, /* every assigned type carries at least 4 more bytes */
};

typedef enum IcmpDir {
    ICMP_DIR_NONE,
    ICMP_DIR_REQUEST,
    ICMP_DIR_RESPONSE,
} IcmpDir;

typedef enum IcmpShape {
    ICMP_PLAIN, /* nothing worth describing after the header */
    ICMP_ECHO,  /* identifier and sequence number follow */
    ICMP_ERROR, /* reports a problem with another datagram: name the code */
} IcmpShape;

typedef struct IcmpType {
    uint8_t type;
    uint8_t max_code; /* highest assigned code */
    const char *name;
    OpClass cls;
    IcmpDir dir;
    IcmpShape shape;
} IcmpType;

static const IcmpType icmp4_types[] = {
    {0, 0, "echo reply", OP_DIAGNOSTIC, ICMP_DIR_RESPONSE, ICMP_ECHO},
    {3, 15, "destination unreachable", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {4, 0, "source quench", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {5, 3, "redirect", OP_CONFIG, ICMP_DIR_NONE, ICMP_ERROR},
    {8, 0, "echo request", OP_DIAGNOSTIC, ICMP_DIR_REQUEST, ICMP_ECHO},
    {9, 16, "router advertisement", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {10, 0, "router solicitation", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_PLAIN},
    {11, 1, "time exceeded", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {12, 2, "parameter problem", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {13, 0, "timestamp request", OP_DIAGNOSTIC, ICMP_DIR_REQUEST, ICMP_ECHO},
    {14, 0, "timestamp reply", OP_DIAGNOSTIC, ICMP_DIR_RESPONSE, ICMP_ECHO},
    {15, 0, "information request", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_ECHO},
    {16, 0, "information reply", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_ECHO},
    {17, 0, "address mask request", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_ECHO},
    {18, 0, "address mask reply", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_ECHO},
    {42, 0, "extended echo request", OP_DIAGNOSTIC, ICMP_DIR_REQUEST, ICMP_ECHO},
    {43, 4, "extended echo reply", OP_DIAGNOSTIC, ICMP_DIR_RESPONSE, ICMP_ECHO},
};

static const IcmpType icmp6_types[] = {
    {1, 8, "destination unreachable", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {2, 0, "packet too big", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {3, 1, "time exceeded", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {4, 10, "parameter problem", OP_DIAGNOSTIC, ICMP_DIR_NONE, ICMP_ERROR},
    {128, 0, "echo request", OP_DIAGNOSTIC, ICMP_DIR_REQUEST, ICMP_ECHO},
    {129, 0, "echo reply", OP_DIAGNOSTIC, ICMP_DIR_RESPONSE, ICMP_ECHO},
    {130, 0, "multicast listener query", OP_OTHER, ICMP_DIR_REQUEST, ICMP_PLAIN},
    {131, 0, "multicast listener report", OP_OTHER, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {132, 0, "multicast listener done", OP_OTHER, ICMP_DIR_NONE, ICMP_PLAIN},
    {133, 0, "router solicitation", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_PLAIN},
    {134, 0, "router advertisement", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {135, 0, "neighbor solicitation", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_PLAIN},
    {136, 0, "neighbor advertisement", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {137, 0, "redirect", OP_CONFIG, ICMP_DIR_NONE, ICMP_PLAIN},
    {138, 255, "router renumbering", OP_CONFIG, ICMP_DIR_NONE, ICMP_PLAIN},
    {139, 2, "node information query", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_PLAIN},
    {140, 2, "node information response", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {141, 0, "inverse neighbor solicitation", OP_DISCOVERY, ICMP_DIR_REQUEST, ICMP_PLAIN},
    {142, 0, "inverse neighbor advertisement", OP_DISCOVERY, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {143, 0, "multicast listener report v2", OP_OTHER, ICMP_DIR_RESPONSE, ICMP_PLAIN},
    {160, 0, "extended echo request", OP_DIAGNOSTIC, ICMP_DIR_REQUEST, ICMP_ECHO},
    {161, 4, "extended echo reply", OP_DIAGNOSTIC, ICMP_DIR_RESPONSE, ICMP_ECHO},
};

/* Code names of the error types that matter when reading a capture. */
typedef struct IcmpCodeName {
    uint8_t type;
    uint8_t code;
    const char *name;
} IcmpCodeName;

static const IcmpCodeName icmp4_codes[] = {
    {3, 0, "net unreachable"},
    {3, 1, "host unreachable"},
    {3, 2, "protocol unreachable"},
    {3, 3, "port unreachable"},
    {3, 4, "fragmentation needed"},
    {3, 5, "source route failed"},
    {3, 9, "net prohibited"},
    {3, 10, "host prohibited"},
    {3, 13, "admin prohibited"},
    {5, 0, "for network"},
    {5, 1, "for host"},
    {11, 0, "ttl exceeded"},
    {11, 1, "reassembly time exceeded"},
};

static const IcmpCodeName icmp6_codes[] = {
    {1, 0, "no route"},         {1, 1, "admin prohibited"},   {1, 3, "address unreachable"},
    {1, 4, "port unreachable"}, {3, 0, "hop limit exceeded"}, {3, 1, "reassembly time exceeded"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool icmp_is_v6(const DissectCtx *ctx)
{
    return ctx->pkt->transport == TP_ICMPV6;
}

static const IcmpType *icmp_type_lookup(bool is_v6, uint8_t type)
{
    const IcmpType *table = is_v6 ? icmp6_types : icmp4_types;
    size_t n = is_v6 ? N_OF(icmp6_types) : N_OF(icmp4_types);
    for (size_t i = 0; i < n; i++) {
        if (table[i].type == type)
            return &table[i];
    }
    return NULL;
}

static const char *icmp_code_name(bool is_v6, uint8_t type, uint8_t code)
{
    const IcmpCodeName *table = is_v6 ? icmp6_codes : icmp4_codes;
    size_t n = is_v6 ? N_OF(icmp6_codes) : N_OF(icmp4_codes);
    for (size_t i = 0; i < n; i++) {
        if (table[i].type == type && table[i].code == code)
            return table[i].name;
    }
    return NULL;
}

static DissectResult icmp_probe(Cursor *c, const DissectCtx *ctx)
{
    if (cursor_left(c) < ICMP_HDR_LEN)
        return DISSECT_NEED_MORE;
    uint8_t type = cursor_u8(c);
    uint8_t code = cursor_u8(c);
    const IcmpType *t = icmp_type_lookup(icmp_is_v6(ctx), type);
    return t && code <= t->max_code ? DISSECT_OK : DISSECT_NOT_MINE;
}

static void icmp_describe(const IcmpType *t, bool is_v6, uint8_t code, uint16_t word1,
                          uint16_t word2, char *detail, size_t detailsz)
{
    detail[0] = '\0';
    if (t->shape == ICMP_ECHO) {
        snprintf(detail, detailsz, "id=0x%04x seq=%u", word1, word2);
    } else if (t->shape == ICMP_ERROR) {
        const char *name = icmp_code_name(is_v6, t->type, code);
        if (name)
            snprintf(detail, detailsz, "%s", name);
        else
            snprintf(detail, detailsz, "code %u", code);
    }
}

static DissectResult icmp_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_v6 = icmp_is_v6(ctx);
    uint8_t type = cursor_u8(c);
    uint8_t code = cursor_u8(c);
    cursor_skip(c, 2); /* checksum */
    uint16_t word1 = cursor_be16(c);
    uint16_t word2 = cursor_be16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    const IcmpType *t = icmp_type_lookup(is_v6, type);
    if (!t) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    if (code > t->max_code) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }

    char detail[FACT_DETAIL_MAX];
    icmp_describe(t, is_v6, code, word1, word2, detail, sizeof(detail));
    dissect_op(ctx, t->type, t->name, t->cls, t->dir == ICMP_DIR_RESPONSE, 0, detail);
    if (t->dir == ICMP_DIR_REQUEST)
        ctx->dir_hint = DIR_REQUEST;
    else if (t->dir == ICMP_DIR_RESPONSE)
        ctx->dir_hint = DIR_RESPONSE;
    /* Echo data has no length of its own: a clipped window is all we know. */
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_icmp = {
    .name = "icmp",
    .transports = PT_ICMP,
    .probe = icmp_probe,
    .dissect = icmp_dissect,
};
