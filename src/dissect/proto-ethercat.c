/*
 * proto-ethercat.c - EtherCAT frames over Ethernet (ethertype 0x88a4).
 *
 * Parses the 2-byte EtherCAT header and, for type 1 (EtherCAT commands),
 * the chain of datagrams.  Each datagram becomes an operation named by its
 * command (APRD, FPWR, LRW, ...) with class read or write and the address
 * and length in the detail.  A frame comes back through the slaves with the
 * working counter updated and bit 1 of the source MAC set by the first
 * slave (ETG.1000.4, 5.3.2): such frames are reported as responses with the
 * working counter as detail.  Types 4 (network variables) and 5 (mailbox
 * gateway) are recognised but not parsed.  Not parsed: datagram data
 * (registers, process image, mailbox/CoE/FoE contents), EtherCAT over UDP
 * (port 0x88a4).
 *
 * Reference: ETG.1000.4 (EtherCAT Data Link Layer protocol specification,
 * = IEC 61158-4-12), clause 5.3 (frame structure), 5.4 (datagram), Table
 * "EtherCAT command types".
 *
 *   frame header (little-endian 16 bits):
 *   15      12 11 10                                            0
 *  +----------+--+-----------------------------------------------+
 *  |  type    |r |  length of the datagrams (11 bits)            |
 *  +----------+--+-----------------------------------------------+
 *   datagram: Cmd (1) | Idx (1) | Address (4: ADP+ADO or logical) |
 *             Len (11 bits) r (3) C (1) M more-follows (1) | IRQ (2) |
 *             Data (Len) | WKC (2)
 */
#include <stdio.h>

#include "dissect.h"

enum {
    ECAT_HDR_LEN = 2,
    ECAT_TYPE_COMMAND = 1,
    ECAT_TYPE_NETVAR = 4,
    ECAT_TYPE_MAILBOX = 5,
    ECAT_DGRAM_HDR_LEN = 10,
    ECAT_WKC_LEN = 2,
    ECAT_MAX_DATAGRAMS = 16, /* ops per frame (the fact array holds 32); more are skipped */
    ECAT_CMD_LRD = 10,       /* first logical-addressing command */
    ECAT_CMD_LRW = 12,
    ECAT_MAC_RETURNED = 0x02, /* set in the source MAC by the first slave */
};

typedef struct EcatCmd {
    uint8_t code;
    const char *name;
    OpClass cls;
} EcatCmd;

static const EcatCmd ecat_cmds[] = {
    {0, "NOP", OP_OTHER},  {1, "APRD", OP_READ},   {2, "APWR", OP_WRITE},  {3, "APRW", OP_WRITE},
    {4, "FPRD", OP_READ},  {5, "FPWR", OP_WRITE},  {6, "FPRW", OP_WRITE},  {7, "BRD", OP_READ},
    {8, "BWR", OP_WRITE},  {9, "BRW", OP_WRITE},   {10, "LRD", OP_READ},   {11, "LWR", OP_WRITE},
    {12, "LRW", OP_WRITE}, {13, "ARMW", OP_WRITE}, {14, "FRMW", OP_WRITE},
};

typedef struct EcatDatagram {
    uint8_t cmd;
    uint32_t address; /* as on the wire: ADP low, ADO high; or logical */
    uint16_t len;
    uint16_t wkc;
} EcatDatagram;

static const EcatCmd *ecat_cmd_lookup(uint8_t code)
{
    if (code < sizeof(ecat_cmds) / sizeof(ecat_cmds[0]))
        return &ecat_cmds[code];
    return NULL;
}

static bool ecat_type_ok(uint8_t type)
{
    return type == ECAT_TYPE_COMMAND || type == ECAT_TYPE_NETVAR || type == ECAT_TYPE_MAILBOX;
}

static DissectResult ecat_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    if (cursor_left(c) < ECAT_HDR_LEN + 1)
        return DISSECT_NEED_MORE;
    uint16_t hdr = cursor_le16(c);
    uint8_t type = hdr >> 12;
    if (!ecat_type_ok(type) || (hdr & 0x0800))
        return DISSECT_NOT_MINE;
    if (type == ECAT_TYPE_COMMAND && !ecat_cmd_lookup(cursor_u8(c)))
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* Reads one datagram; *has_more tells whether another follows. */
static void ecat_datagram(Cursor *c, EcatDatagram *d, bool *has_more)
{
    d->cmd = cursor_u8(c);
    cursor_skip(c, 1); /* index */
    d->address = cursor_le32(c);
    uint16_t len_word = cursor_le16(c);
    cursor_skip(c, 2); /* IRQ */
    d->len = len_word & 0x07ff;
    *has_more = (len_word & 0x8000) != 0;
    cursor_skip(c, d->len);
    d->wkc = cursor_le16(c);
}

static void ecat_detail(const EcatDatagram *d, bool is_response, char *detail, size_t detailsz)
{
    if (is_response)
        snprintf(detail, detailsz, "wkc=%u", d->wkc);
    else if (d->cmd >= ECAT_CMD_LRD && d->cmd <= ECAT_CMD_LRW)
        snprintf(detail, detailsz, "logical=0x%08x len=%u", d->address, d->len);
    else
        snprintf(detail, detailsz, "adp=0x%04x ado=0x%04x len=%u", d->address & 0xffff,
                 d->address >> 16, d->len);
}

static DissectResult ecat_commands(Cursor *frame, DissectCtx *ctx)
{
    EcatDatagram dgrams[ECAT_MAX_DATAGRAMS];
    size_t n = 0;
    bool has_more = true;
    while (has_more && n < ECAT_MAX_DATAGRAMS) {
        ecat_datagram(frame, &dgrams[n], &has_more);
        if (!cursor_ok(frame))
            return dissect_fail(ctx, frame, ANOM_LEN_MISMATCH);
        if (!ecat_cmd_lookup(dgrams[n].cmd)) {
            dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
            return DISSECT_MALFORMED;
        }
        n++;
    }
    if (!has_more && cursor_left(frame) != 0) {
        dissect_anomaly(ctx, ANOM_LEN_MISMATCH); /* header length vs datagram chain */
        return DISSECT_MALFORMED;
    }

    bool is_response = ctx->pkt->has_src_mac && (ctx->pkt->src_mac.b[0] & ECAT_MAC_RETURNED);
    for (size_t i = 0; i < n; i++) {
        const EcatCmd *cmd = ecat_cmd_lookup(dgrams[i].cmd);
        char detail[FACT_DETAIL_MAX];
        ecat_detail(&dgrams[i], is_response, detail, sizeof(detail));
        dissect_op(ctx, cmd->code, cmd->name, cmd->cls, is_response, 0, detail);
    }
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    return DISSECT_OK;
}

static DissectResult ecat_dissect(Cursor *c, DissectCtx *ctx)
{
    uint16_t hdr = cursor_le16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    uint8_t type = hdr >> 12;
    if (!ecat_type_ok(type) || (hdr & 0x0800)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    Cursor frame;
    if (!cursor_take(c, hdr & 0x07ff, &frame)) /* Ethernet padding may follow */
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    DissectResult res = DISSECT_OK;
    if (type == ECAT_TYPE_COMMAND)
        res = ecat_commands(&frame, ctx);
    if (res == DISSECT_OK && cursor_is_clipped(c))
        return DISSECT_SHORT;
    return res;
}

const ProtoDesc proto_ethercat = {
    .name = "ethercat",
    .transports = PT_ETHER,
    .ethertypes = {0x88a4},
    .probe = ecat_probe,
    .dissect = ecat_dissect,
};
