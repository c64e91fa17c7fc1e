/*
 * gen-s7comm.c - S7comm over COTP over TPKT builders; see gen-s7comm.h.
 *
 * References: RFC 1006 (TPKT), ISO 8073 / RFC 905 (COTP class 0), and
 * S7comm as documented by the Wireshark s7comm dissector (Siemens does not
 * publish the protocol).
 *
 *   TPKT  | version 3 | reserved 0 | length (whole packet, big-endian) |
 *   COTP  | LI | type (E0 CR, D0 CC, F0 DT) | ... DT: TPDU-nr|EOT 0x80 |
 *   S7    | 0x32 | ROSCTR | reserved 2 | PDU ref 2 | param len 2 | data len 2 |
 *           [ error class 1 | error code 1 ]   (ack and ack-data only)
 *         | parameter ... | data ... |
 */
#include "gen-s7comm.h"

#include <stdio.h>
#include <string.h>

enum {
    TPKT_VERSION = 3,
    COTP_CR = 0xe0,
    COTP_CC = 0xd0,
    COTP_DT = 0xf0,
    COTP_DT_EOT = 0x80,
    COTP_PARAM_TPDU_SIZE = 0xc0,
    COTP_PARAM_SRC_TSAP = 0xc1,
    COTP_PARAM_DST_TSAP = 0xc2,
    S7_PROTOCOL_ID = 0x32,
    S7_TRANSPORT_SIZE_BYTE = 0x02,  /* item request: BYTE */
    S7_DATA_TSIZE_BYTE_BITS = 0x04, /* item data: length field counts bits */
    S7_DATA_TSIZE_OCTETS = 0x09,    /* item data: length field counts bytes */
    S7_RET_SUCCESS = 0xff,
};

/* Positions of the length fields of one TPKT/COTP DT/S7 packet under construction. */
typedef struct S7Pdu {
    size_t tpkt_at;  /* start of TPKT header */
    size_t hdr_at;   /* start of S7 header */
    size_t param_at; /* first parameter byte */
    size_t data_at;  /* first data byte, set by s7_pdu_data */
    size_t hdr_len;  /* 10, or 12 with error fields */
} S7Pdu;

static void tpkt_begin(Buf *b, size_t *tpkt_at)
{
    *tpkt_at = b->len;
    buf_u8(b, TPKT_VERSION);
    buf_u8(b, 0);
    buf_be16(b, 0);
}

static void tpkt_end(Buf *b, size_t tpkt_at)
{
    buf_patch_be16(b, tpkt_at + 2, (unsigned)(b->len - tpkt_at));
}

static void s7_pdu_begin(S7Pdu *pdu, Buf *b, uint8_t rosctr, uint16_t pdu_ref)
{
    tpkt_begin(b, &pdu->tpkt_at);
    buf_u8(b, 2); /* COTP LI: type + TPDU number byte */
    buf_u8(b, COTP_DT);
    buf_u8(b, COTP_DT_EOT);
    pdu->hdr_at = b->len;
    buf_u8(b, S7_PROTOCOL_ID);
    buf_u8(b, rosctr);
    buf_be16(b, 0);
    buf_be16(b, pdu_ref);
    buf_be16(b, 0);
    buf_be16(b, 0);
    pdu->hdr_len = 10;
    if (rosctr == S7_ROSCTR_ACK_DATA) {
        buf_u8(b, 0); /* error class: none */
        buf_u8(b, 0); /* error code */
        pdu->hdr_len = 12;
    }
    pdu->param_at = b->len;
    pdu->data_at = 0;
}

/* Marks the end of the parameter part; everything after is data. */
static void s7_pdu_data(S7Pdu *pdu, const Buf *b)
{
    pdu->data_at = b->len;
}

static void s7_pdu_end(S7Pdu *pdu, Buf *b)
{
    size_t data_at = pdu->data_at ? pdu->data_at : b->len;
    buf_patch_be16(b, pdu->hdr_at + 6, (unsigned)(data_at - pdu->param_at));
    buf_patch_be16(b, pdu->hdr_at + 8, (unsigned)(b->len - data_at));
    tpkt_end(b, pdu->tpkt_at);
}

static void cotp_params(Buf *b, uint16_t src_tsap, uint16_t dst_tsap, uint8_t tpdu_size)
{
    buf_u8(b, COTP_PARAM_TPDU_SIZE);
    buf_u8(b, 1);
    buf_u8(b, tpdu_size);
    buf_u8(b, COTP_PARAM_SRC_TSAP);
    buf_u8(b, 2);
    buf_be16(b, src_tsap);
    buf_u8(b, COTP_PARAM_DST_TSAP);
    buf_u8(b, 2);
    buf_be16(b, dst_tsap);
}

static void cotp_connect(Buf *b, uint8_t type, uint16_t dst_ref, uint16_t src_ref,
                         uint16_t src_tsap, uint16_t dst_tsap, uint8_t tpdu_size)
{
    size_t tpkt_at;
    tpkt_begin(b, &tpkt_at);
    size_t li_at = b->len;
    buf_u8(b, 0);
    buf_u8(b, type);
    buf_be16(b, dst_ref);
    buf_be16(b, src_ref);
    buf_u8(b, 0x00); /* class 0, no extended formats */
    cotp_params(b, src_tsap, dst_tsap, tpdu_size);
    buf_patch_u8(b, li_at, (unsigned)(b->len - li_at - 1)); /* LI excludes itself */
    tpkt_end(b, tpkt_at);
}

void cotp_connect_request(Buf *b, uint16_t src_ref, uint16_t src_tsap, uint16_t dst_tsap,
                          uint8_t tpdu_size)
{
    cotp_connect(b, COTP_CR, 0x0000, src_ref, src_tsap, dst_tsap, tpdu_size);
}

void cotp_connect_confirm(Buf *b, uint16_t peer_ref, uint16_t src_ref, uint16_t src_tsap,
                          uint16_t dst_tsap, uint8_t tpdu_size)
{
    cotp_connect(b, COTP_CC, peer_ref, src_ref, src_tsap, dst_tsap, tpdu_size);
}

void s7_setup_comm(Buf *b, uint8_t rosctr, uint16_t pdu_ref, uint16_t max_amq, uint16_t pdu_len)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, rosctr, pdu_ref);
    buf_u8(b, S7_FUNC_SETUP_COMM);
    buf_u8(b, 0);
    buf_be16(b, max_amq); /* max AmQ calling */
    buf_be16(b, max_amq); /* max AmQ called */
    buf_be16(b, pdu_len);
    s7_pdu_end(&pdu, b);
}

void s7_read_var_job(Buf *b, uint16_t pdu_ref, const S7Item *items, size_t item_count)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_JOB, pdu_ref);
    buf_u8(b, S7_FUNC_READ_VAR);
    buf_u8(b, (unsigned)item_count);
    for (size_t i = 0; i < item_count; i++) {
        const S7Item *it = &items[i];
        buf_u8(b, 0x12); /* variable specification */
        buf_u8(b, 0x0a); /* length of the rest of this item */
        buf_u8(b, 0x10); /* syntax id: S7ANY */
        buf_u8(b, S7_TRANSPORT_SIZE_BYTE);
        buf_be16(b, it->byte_count);
        buf_be16(b, it->area == S7_AREA_DB ? it->db : 0);
        buf_u8(b, it->area);
        buf_be24(b, it->byte_addr * 8); /* address is in bits */
    }
    s7_pdu_end(&pdu, b);
}

void s7_read_var_ack(Buf *b, uint16_t pdu_ref, const S7Item *items, size_t item_count,
                     const uint8_t *values)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_ACK_DATA, pdu_ref);
    buf_u8(b, S7_FUNC_READ_VAR);
    buf_u8(b, (unsigned)item_count);
    s7_pdu_data(&pdu, b);
    size_t value_off = 0;
    for (size_t i = 0; i < item_count; i++) {
        uint16_t n = items[i].byte_count;
        buf_u8(b, S7_RET_SUCCESS);
        buf_u8(b, S7_DATA_TSIZE_BYTE_BITS);
        buf_be16(b, (unsigned)n * 8);
        buf_bytes(b, values + value_off, n);
        value_off += n;
        if ((n & 1) && i + 1 < item_count)
            buf_u8(b, 0); /* fill byte keeps the next item on an even offset */
    }
    s7_pdu_end(&pdu, b);
}

void s7_szl_read_req(Buf *b, uint16_t pdu_ref, uint8_t seq, uint16_t szl_id, uint16_t szl_index)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_USERDATA, pdu_ref);
    buf_u8(b, 0x00); /* parameter head: 00 01 12 */
    buf_u8(b, 0x01);
    buf_u8(b, 0x12);
    buf_u8(b, 0x04); /* length of the rest of the parameter */
    buf_u8(b, 0x11); /* method: request */
    buf_u8(b, 0x44); /* type 4 (request) | group 4 (CPU functions) */
    buf_u8(b, 0x01); /* subfunction: read SZL */
    buf_u8(b, seq);
    s7_pdu_data(&pdu, b);
    buf_u8(b, S7_RET_SUCCESS);
    buf_u8(b, S7_DATA_TSIZE_OCTETS);
    buf_be16(b, 4);
    buf_be16(b, szl_id);
    buf_be16(b, szl_index);
    s7_pdu_end(&pdu, b);
}

void s7_szl_read_rsp(Buf *b, uint16_t pdu_ref, uint8_t seq, uint16_t szl_id, uint16_t szl_index,
                     uint16_t entry_len, const uint8_t *entries, size_t entry_count)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_USERDATA, pdu_ref);
    buf_u8(b, 0x00);
    buf_u8(b, 0x01);
    buf_u8(b, 0x12);
    buf_u8(b, 0x08); /* length of the rest of the parameter */
    buf_u8(b, 0x12); /* method: response */
    buf_u8(b, 0x84); /* type 8 (response) | group 4 (CPU functions) */
    buf_u8(b, 0x01); /* subfunction: read SZL */
    buf_u8(b, seq);
    buf_u8(b, 0x00); /* data unit reference */
    buf_u8(b, 0x00); /* last data unit: yes */
    buf_be16(b, 0);  /* error code */
    s7_pdu_data(&pdu, b);
    size_t list_len = entry_len * entry_count;
    buf_u8(b, S7_RET_SUCCESS);
    buf_u8(b, S7_DATA_TSIZE_OCTETS);
    buf_be16(b, (unsigned)(8 + list_len));
    buf_be16(b, szl_id);
    buf_be16(b, szl_index);
    buf_be16(b, entry_len);
    buf_be16(b, (unsigned)entry_count);
    buf_bytes(b, entries, list_len);
    s7_pdu_end(&pdu, b);
}

static void pi_service_name(Buf *b, const char *pi_service)
{
    buf_u8(b, (unsigned)strlen(pi_service));
    buf_str(b, pi_service);
}

void s7_plc_stop_job(Buf *b, uint16_t pdu_ref, const char *pi_service)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_JOB, pdu_ref);
    buf_u8(b, S7_FUNC_PLC_STOP);
    buf_zero(b, 5); /* unknown, always zero in captures */
    pi_service_name(b, pi_service);
    s7_pdu_end(&pdu, b);
}

void s7_pi_start_job(Buf *b, uint16_t pdu_ref, const char *pi_service)
{
    static const uint8_t unknown7[7] = { 0, 0, 0, 0, 0, 0, 0xfd };
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_JOB, pdu_ref);
    buf_u8(b, S7_FUNC_PI_SERVICE);
    buf_bytes(b, unknown7, sizeof unknown7);
    buf_be16(b, 0); /* parameter block: empty for P_PROGRAM */
    pi_service_name(b, pi_service);
    s7_pdu_end(&pdu, b);
}

void s7_function_ack(Buf *b, uint16_t pdu_ref, uint8_t function)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_ACK_DATA, pdu_ref);
    buf_u8(b, function);
    s7_pdu_end(&pdu, b);
}

static void block_file_name(Buf *b, const char *file_name)
{
    buf_u8(b, (unsigned)strlen(file_name));
    buf_str(b, file_name);
}

/* Function, function status, 2 unknown bytes, 4 unknown bytes: the head of block-control jobs. */
static void block_control_head(Buf *b, uint8_t function)
{
    buf_u8(b, function);
    buf_u8(b, 0x00);
    buf_be16(b, 0x0100);
    buf_be32(b, 0);
}

void s7_request_download_job(Buf *b, uint16_t pdu_ref, const char *file_name, uint32_t load_len,
                             uint32_t mc7_len)
{
    char part2[16];
    /* '1' then load memory length and MC7 code length as 6 ASCII digits each */
    snprintf(part2, sizeof part2, "1%06u%06u", (unsigned)(load_len % 1000000),
             (unsigned)(mc7_len % 1000000));
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_JOB, pdu_ref);
    block_control_head(b, S7_FUNC_REQUEST_DOWNLOAD);
    block_file_name(b, file_name);
    buf_u8(b, (unsigned)strlen(part2));
    buf_str(b, part2);
    s7_pdu_end(&pdu, b);
}

void s7_download_block_job(Buf *b, uint16_t pdu_ref, const char *file_name)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_JOB, pdu_ref);
    block_control_head(b, S7_FUNC_DOWNLOAD_BLOCK);
    block_file_name(b, file_name);
    s7_pdu_end(&pdu, b);
}

void s7_download_block_ack(Buf *b, uint16_t pdu_ref, bool has_more, const uint8_t *chunk,
                           size_t chunk_len)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_ACK_DATA, pdu_ref);
    buf_u8(b, S7_FUNC_DOWNLOAD_BLOCK);
    buf_u8(b, has_more ? 0x01 : 0x00); /* function status bit 0: more data follows */
    s7_pdu_data(&pdu, b);
    buf_be16(b, (unsigned)chunk_len);
    buf_be16(b, 0x00fb); /* constant seen in every real capture */
    buf_bytes(b, chunk, chunk_len);
    s7_pdu_end(&pdu, b);
}

void s7_download_ended_job(Buf *b, uint16_t pdu_ref, const char *file_name)
{
    S7Pdu pdu;
    s7_pdu_begin(&pdu, b, S7_ROSCTR_JOB, pdu_ref);
    buf_u8(b, S7_FUNC_DOWNLOAD_ENDED);
    buf_u8(b, 0x00);     /* function status */
    buf_be16(b, 0x0000); /* error code: none */
    buf_be32(b, 0);
    block_file_name(b, file_name);
    s7_pdu_end(&pdu, b);
}
