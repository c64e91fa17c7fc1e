/*
 * proto-goose.c - IEC 61850 GOOSE (Generic Object Oriented Substation Event).
 *
 * Parses the Ethernet header of a GOOSE frame (APPID, length, reserved
 * words with the Ed.2 simulation bit) and the BER-encoded goosePdu up to
 * the control block fields: gocbRef, datSet, goID, stNum, sqNum and the
 * test/simulation flag ([7]: "test" in Ed.1, "simulation" in Ed.2).  Each
 * frame becomes one operation "goose" of class other, code 1 (goosePdu is
 * [APPLICATION 1]; GOOSE has no function codes), with "gocbRef st=N sq=N"
 * (and "test") in the detail.  gocbRef and datSet must be present.  Not
 * parsed: goID, allData values, timestamps, security extension, Routable
 * GOOSE over UDP (IEC 61850-90-5), GSSE.
 *
 * Reference: IEC 61850-8-1:2011 (Ed.2), Annex A (ISO/IEC 8802-3 frame
 * format, A.3 GOOSE PDU); clause 18 (GOOSE) for the ASN.1 of IECGoosePdu.
 *
 *   0               1               2               3
 *  +-------------------------------+-------------------------------+
 *  |  APPID                        |  length (from APPID, >= 8)    |
 *  +-------------------------------+-------------------------------+
 *  |  reserved 1 (bit 15 = S)      |  reserved 2                   |
 *  +---------------+---------------+-------------------------------+
 *  |  0x61 goosePdu, BER length | [0] gocbRef [1] timeAllowedtoLive |
 *  |  [2] datSet [3] goID [4] t [5] stNum [6] sqNum [7] test/sim     |
 *  |  [8] confRev [9] ndsCom [10] numDatSetEntries [11] allData      |
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "iec61850-wire.h"

enum {
    GOOSE_TAG_PDU = 0x61,
    GOOSE_TAG_GOCBREF = 0x80,
    GOOSE_TAG_DATSET = 0x82,
    GOOSE_TAG_STNUM = 0x85,
    GOOSE_TAG_SQNUM = 0x86,
    GOOSE_TAG_TEST = 0x87,
    GOOSE_RESERVED1_SIMULATION = 0x8000,
    GOOSE_MAX_FIELDS = 16, /* the PDU has 12 fields (13 with security) */
    GOOSE_INT_MAX_LEN = 5, /* INT32U in BER may take a leading zero byte */
    GOOSE_OP_CODE = 1,
    GOOSE_REF_MAX = 130, /* VisibleString(129) + NUL */
};

typedef struct GooseInfo {
    char gocb_ref[GOOSE_REF_MAX];
    uint32_t st_num;
    uint32_t sq_num;
    bool is_test;
    bool has_gocb_ref;
    bool has_dat_set;
} GooseInfo;

static DissectResult goose_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    uint16_t reserved1;
    Cursor pdu;
    bool is_bad;
    if (cursor_left(c) < IECWIRE_HDR_LEN)
        return DISSECT_NEED_MORE;
    iecwire_header(c, &reserved1, &pdu, &is_bad);
    if (is_bad)
        return DISSECT_NOT_MINE;
    int tag = cursor_peek(&pdu, 0); /* -1 while the PDU is incomplete */
    if (tag < 0)
        return DISSECT_NEED_MORE;
    return tag == GOOSE_TAG_PDU ? DISSECT_OK : DISSECT_NOT_MINE;
}

static void goose_field(uint8_t tag, Cursor *v, GooseInfo *info)
{
    switch (tag) {
    case GOOSE_TAG_GOCBREF:
        cursor_str(v, cursor_left(v), info->gocb_ref, sizeof(info->gocb_ref));
        info->has_gocb_ref = true;
        break;
    case GOOSE_TAG_DATSET:
        info->has_dat_set = true;
        break;
    case GOOSE_TAG_STNUM:
        info->st_num = iecwire_uint(v, GOOSE_INT_MAX_LEN);
        break;
    case GOOSE_TAG_SQNUM:
        info->sq_num = iecwire_uint(v, GOOSE_INT_MAX_LEN);
        break;
    case GOOSE_TAG_TEST:
        info->is_test = cursor_u8(v) != 0;
        break;
    default:
        break; /* timeAllowedtoLive, t, confRev, ndsCom, counts, allData */
    }
}

/* Opens the goosePdu [APPLICATION 1] into *body. */
static bool goose_open_pdu(Cursor *pdu, Cursor *body)
{
    uint8_t tag;
    if (!iecwire_ber(pdu, &tag, body))
        return false;
    if (tag != GOOSE_TAG_PDU)
        cursor_set_bad(pdu);
    return cursor_ok(pdu);
}

/* The goosePdu fields; a broken field fails *body. */
static void goose_fields(Cursor *body, GooseInfo *info)
{
    for (unsigned i = 0; i < GOOSE_MAX_FIELDS && cursor_left(body) > 0; i++) {
        uint8_t tag;
        Cursor v;
        if (!iecwire_ber(body, &tag, &v))
            return;
        goose_field(tag, &v, info);
        if (!cursor_ok(&v)) {
            cursor_set_bad(body);
            return;
        }
    }
}

static void goose_detail(const GooseInfo *info, bool is_test, char *detail, size_t detailsz)
{
    char full[GOOSE_REF_MAX + 40];
    snprintf(full, sizeof(full), "%s st=%u sq=%u%s", info->gocb_ref, info->st_num, info->sq_num,
             is_test ? " test" : "");
    if (strlen(full) < detailsz)
        snprintf(detail, detailsz, "%s", full);
    else /* a long reference wins over the counters */
        snprintf(detail, detailsz, "%.57s%s", info->gocb_ref, is_test ? " test" : "");
}

static DissectResult goose_dissect(Cursor *c, DissectCtx *ctx)
{
    uint16_t reserved1;
    Cursor pdu;
    Cursor body;
    bool is_bad;
    GooseInfo info;
    memset(&info, 0, sizeof(info));
    if (!iecwire_header(c, &reserved1, &pdu, &is_bad)) {
        if (!is_bad)
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        dissect_anomaly(ctx, ANOM_LEN_MISMATCH);
        return DISSECT_MALFORMED;
    }
    if (!goose_open_pdu(&pdu, &body))
        return dissect_fail(ctx, &pdu, ANOM_BAD_HEADER);
    goose_fields(&body, &info);
    if (!cursor_ok(&body))
        return dissect_fail(ctx, &body, ANOM_BAD_HEADER);
    if (!info.has_gocb_ref || !info.has_dat_set) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER); /* both are mandatory */
        return DISSECT_MALFORMED;
    }

    char detail[FACT_DETAIL_MAX];
    bool is_test = info.is_test || (reserved1 & GOOSE_RESERVED1_SIMULATION);
    goose_detail(&info, is_test, detail, sizeof(detail));
    dissect_op(ctx, GOOSE_OP_CODE, "goose", OP_OTHER, false, 0, detail);
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_goose = {
    .name = "goose",
    .transports = PT_ETHER,
    .ethertypes = {0x88b8},
    .probe = goose_probe,
    .dissect = goose_dissect,
};
