/*
 * proto-sv.c - IEC 61850-9-2 Sampled Values.
 *
 * Parses the Ethernet header (APPID, length, reserved words with the Ed.2
 * simulation bit) and the BER savPdu: noASDU and the ASDU sequence, of
 * which the first svID and smpCnt are kept.  noASDU must match the number
 * of ASDUs.  Each frame becomes one operation "sampled values" of class
 * other, code 0 (savPdu is [APPLICATION 0]; SV has no function codes),
 * with "svID asdu=N smpCnt=N" in the detail.  Not parsed: the samples
 * (seqData), refrTm, smpRate, smpMod, the security extension, IEC 61850-9-1
 * and SV over UDP (IEC 61850-90-5).
 *
 * Reference: IEC 61850-9-2:2011 (Ed.2), clause 8.5 and Table 14 (savPdu
 * ASN.1); Annex A frame format (shared with IEC 61850-8-1 Annex A).
 *
 *   0               1               2               3
 *  +-------------------------------+-------------------------------+
 *  |  APPID                        |  length (from APPID, >= 8)    |
 *  +-------------------------------+-------------------------------+
 *  |  reserved 1 (bit 15 = S)      |  reserved 2                   |
 *  +---------------+---------------+-------------------------------+
 *  |  0x60 savPdu | [0] noASDU | [1] security? | [2] seqASDU        |
 *  |     seqASDU: 0x30 ASDU { [0] svID [1] datset? [2] smpCnt ... }  |
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "iec61850-wire.h"

enum {
    SV_INT_MAX_LEN = 4, /* INT16U may carry a leading zero byte */
    SV_TAG_PDU = 0x60,
    SV_TAG_NOASDU = 0x80,
    SV_TAG_SEQASDU = 0xa2,
    SV_TAG_ASDU = 0x30,
    SV_TAG_SVID = 0x80,
    SV_TAG_SMPCNT = 0x82,
    SV_RESERVED1_SIMULATION = 0x8000,
    SV_MAX_FIELDS = 8,
    SV_MAX_ASDUS = 64, /* noASDU is INTEGER (1..65535); real streams use 1-16 */
    SV_OP_CODE = 0,
    SV_ID_MAX = 130, /* VisibleString(129) + NUL */
};

typedef struct SvInfo {
    char sv_id[SV_ID_MAX];
    uint32_t no_asdu;
    uint32_t n_asdus;
    uint32_t smp_cnt;
    bool has_no_asdu;
} SvInfo;

static DissectResult sv_probe(Cursor *c, const DissectCtx *ctx)
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
    return tag == SV_TAG_PDU ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* One ASDU: svID and smpCnt of the first are kept. */
static void sv_asdu(Cursor *asdu, SvInfo *info)
{
    for (unsigned i = 0; i < SV_MAX_FIELDS && cursor_left(asdu) > 0; i++) {
        uint8_t tag;
        Cursor v;
        if (!iecwire_ber(asdu, &tag, &v))
            return;
        if (info->n_asdus > 0)
            continue;
        if (tag == SV_TAG_SVID)
            cursor_str(&v, cursor_left(&v), info->sv_id, sizeof(info->sv_id));
        else if (tag == SV_TAG_SMPCNT)
            info->smp_cnt = iecwire_uint(&v, SV_INT_MAX_LEN);
        if (!cursor_ok(&v))
            cursor_set_bad(asdu);
    }
}

static void sv_seq_asdu(Cursor *seq, SvInfo *info)
{
    while (info->n_asdus < SV_MAX_ASDUS && cursor_left(seq) > 0) {
        uint8_t tag;
        Cursor asdu;
        if (!iecwire_ber(seq, &tag, &asdu))
            return;
        if (tag != SV_TAG_ASDU) {
            cursor_set_bad(seq);
            return;
        }
        sv_asdu(&asdu, info);
        if (!cursor_ok(&asdu)) {
            cursor_set_bad(seq);
            return;
        }
        info->n_asdus++;
    }
}

/* The savPdu fields; a broken field fails *body. */
static void sv_fields(Cursor *body, SvInfo *info)
{
    for (unsigned i = 0; i < SV_MAX_FIELDS && cursor_left(body) > 0; i++) {
        uint8_t tag;
        Cursor v;
        if (!iecwire_ber(body, &tag, &v))
            return;
        if (tag == SV_TAG_NOASDU) {
            info->no_asdu = iecwire_uint(&v, SV_INT_MAX_LEN);
            info->has_no_asdu = true;
        } else if (tag == SV_TAG_SEQASDU) {
            sv_seq_asdu(&v, info);
        }
        if (!cursor_ok(&v)) {
            cursor_set_bad(body);
            return;
        }
    }
}

static DissectResult sv_dissect(Cursor *c, DissectCtx *ctx)
{
    uint16_t reserved1;
    Cursor pdu;
    Cursor body;
    uint8_t tag;
    bool is_bad;
    SvInfo info;
    memset(&info, 0, sizeof(info));
    if (!iecwire_header(c, &reserved1, &pdu, &is_bad)) {
        if (!is_bad)
            return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
        dissect_anomaly(ctx, ANOM_LEN_MISMATCH);
        return DISSECT_MALFORMED;
    }
    if (iecwire_ber(&pdu, &tag, &body) && tag != SV_TAG_PDU)
        cursor_set_bad(&pdu);
    if (!cursor_ok(&pdu))
        return dissect_fail(ctx, &pdu, ANOM_BAD_HEADER);
    sv_fields(&body, &info);
    if (!cursor_ok(&body))
        return dissect_fail(ctx, &body, ANOM_BAD_HEADER);
    if (!info.has_no_asdu || info.no_asdu != info.n_asdus) {
        dissect_anomaly(ctx, ANOM_BAD_COUNT);
        return DISSECT_MALFORMED;
    }

    char detail[FACT_DETAIL_MAX];
    bool is_test = reserved1 & SV_RESERVED1_SIMULATION;
    snprintf(detail, sizeof(detail), "%.32s asdu=%u smpCnt=%u%s", info.sv_id, info.n_asdus,
             info.smp_cnt, is_test ? " test" : "");
    dissect_op(ctx, SV_OP_CODE, "sampled values", OP_OTHER, false, 0, detail);
    return cursor_is_clipped(c) ? DISSECT_SHORT : DISSECT_OK;
}

const ProtoDesc proto_sv = {
    .name = "sv",
    .transports = PT_ETHER,
    .ethertypes = {0x88ba},
    .probe = sv_probe,
    .dissect = sv_dissect,
};
