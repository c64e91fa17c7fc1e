/*
 * gen-s7comm.h - S7comm (classic S7, protocol id 0x32) over COTP/TPKT builders.
 *
 * Each function appends one complete TPKT packet to a Buf: the RFC 1006
 * header, a COTP TPDU and, for data TPDUs, one S7comm PDU with its
 * parameter and data lengths filled in. S7comm-plus (0x72), segmentation
 * across several COTP DT TPDUs and error responses are not covered.
 */
#ifndef OTS_GEN_S7COMM_H
#define OTS_GEN_S7COMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"

enum {
    S7_PORT = 102,
    S7_ROSCTR_JOB = 0x01,
    S7_ROSCTR_ACK_DATA = 0x03,
    S7_ROSCTR_USERDATA = 0x07,
    S7_FUNC_READ_VAR = 0x04,
    S7_FUNC_REQUEST_DOWNLOAD = 0x1a,
    S7_FUNC_DOWNLOAD_BLOCK = 0x1b,
    S7_FUNC_DOWNLOAD_ENDED = 0x1c,
    S7_FUNC_PI_SERVICE = 0x28,
    S7_FUNC_PLC_STOP = 0x29,
    S7_FUNC_SETUP_COMM = 0xf0,
    S7_AREA_DB = 0x84,
    S7_AREA_MERKER = 0x83,
    COTP_TPDU_SIZE_1024 = 0x0a,
};

/* COTP Connection Request with tpdu-size and the calling/called TSAPs. */
void cotp_connect_request(Buf *b, uint16_t src_ref, uint16_t src_tsap, uint16_t dst_tsap,
                          uint8_t tpdu_size);

/* COTP Connection Confirm answering a request whose source reference was peer_ref. */
void cotp_connect_confirm(Buf *b, uint16_t peer_ref, uint16_t src_ref, uint16_t src_tsap,
                          uint16_t dst_tsap, uint8_t tpdu_size);

/* Setup Communication job (rosctr JOB) or its ack-data (rosctr ACK_DATA). */
void s7_setup_comm(Buf *b, uint8_t rosctr, uint16_t pdu_ref, uint16_t max_amq, uint16_t pdu_len);

/* One S7ANY read item: BYTE-sized access to an area (and DB number for DBs). */
typedef struct S7Item {
    uint8_t area;
    uint16_t db;
    uint32_t byte_addr;
    uint16_t byte_count;
} S7Item;

/* Read Var job with item_count items. */
void s7_read_var_job(Buf *b, uint16_t pdu_ref, const S7Item *items, size_t item_count);

/*
 * Read Var ack-data: every item succeeds; values holds the items' bytes back
 * to back (sum of byte_count). Odd-length items get the fill byte the
 * protocol puts between items.
 */
void s7_read_var_ack(Buf *b, uint16_t pdu_ref, const S7Item *items, size_t item_count,
                     const uint8_t *values);

/* Userdata "Read SZL" request (CPU functions, subfunction 1). */
void s7_szl_read_req(Buf *b, uint16_t pdu_ref, uint8_t seq, uint16_t szl_id, uint16_t szl_index);

/* Userdata "Read SZL" response carrying entry_count records of entry_len bytes. */
void s7_szl_read_rsp(Buf *b, uint16_t pdu_ref, uint8_t seq, uint16_t szl_id, uint16_t szl_index,
                     uint16_t entry_len, const uint8_t *entries, size_t entry_count);

/* PLC Stop job (function 0x29) naming a PI service, normally "P_PROGRAM". */
void s7_plc_stop_job(Buf *b, uint16_t pdu_ref, const char *pi_service);

/* PI-Service job (function 0x28); "P_PROGRAM" with an empty argument is a warm restart. */
void s7_pi_start_job(Buf *b, uint16_t pdu_ref, const char *pi_service);

/* Ack-data whose parameter is just the function byte (stop, start, request download, ...). */
void s7_function_ack(Buf *b, uint16_t pdu_ref, uint8_t function);

/*
 * Block file names are 9 characters: '_', a two-digit block type ("08" OB,
 * "0A" DB, "0C" FC, "0E" FB), a five-digit block number and the target
 * file system ('P' passive, 'A' active).
 */
void s7_request_download_job(Buf *b, uint16_t pdu_ref, const char *file_name, uint32_t load_len,
                             uint32_t mc7_len);
void s7_download_block_job(Buf *b, uint16_t pdu_ref, const char *file_name);

/* Ack-data for Download block carrying one chunk; has_more sets the function status bit. */
void s7_download_block_ack(Buf *b, uint16_t pdu_ref, bool has_more, const uint8_t *chunk,
                           size_t chunk_len);
void s7_download_ended_job(Buf *b, uint16_t pdu_ref, const char *file_name);

#endif /* OTS_GEN_S7COMM_H */
