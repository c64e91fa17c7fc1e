/*
 * gen-modbus.h - Modbus/TCP ADU builders (requests and normal responses),
 * and the serial-line framings a gateway passes through to TCP.
 *
 * Each modbus_* ADU function appends one complete ADU (MBAP header + PDU)
 * to a Buf and fills the MBAP length itself. Exceptions, FC8 diagnostics
 * and the rest of the function table are left to later recipes.
 */
#ifndef OTS_GEN_MODBUS_H
#define OTS_GEN_MODBUS_H

#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"

enum {
    MODBUS_PORT = 502,
    MODBUS_FC_READ_COILS = 0x01,
    MODBUS_FC_READ_DISCRETE_INPUTS = 0x02,
    MODBUS_FC_READ_HOLDING_REGS = 0x03,
    MODBUS_FC_READ_INPUT_REGS = 0x04,
    MODBUS_FC_WRITE_SINGLE_REG = 0x06,
    MODBUS_FC_WRITE_MULTIPLE_REGS = 0x10,
    MODBUS_FC_ENCAP_INTERFACE = 0x2b,
    MODBUS_MEI_READ_DEVICE_ID = 0x0e,
};

/* FC 1-4 request: read qty items from start. */
void modbus_read_req(Buf *b, uint16_t tid, uint8_t unit, uint8_t fc, uint16_t start, uint16_t qty);

/* FC 3/4 response carrying reg_count register values. */
void modbus_read_regs_rsp(Buf *b, uint16_t tid, uint8_t unit, uint8_t fc, const uint16_t *regs,
                          size_t reg_count);

/* FC 1/2 response carrying packed bits (LSB first), bit_count bits. */
void modbus_read_bits_rsp(Buf *b, uint16_t tid, uint8_t unit, uint8_t fc, const uint8_t *bits,
                          size_t bit_count);

/* FC 6 request; the normal response is a byte-for-byte echo, so it serves both. */
void modbus_write_single_reg(Buf *b, uint16_t tid, uint8_t unit, uint16_t addr, uint16_t value);

/* FC 16 request writing reg_count registers from start. */
void modbus_write_multi_regs_req(Buf *b, uint16_t tid, uint8_t unit, uint16_t start,
                                 const uint16_t *regs, size_t reg_count);

/* FC 16 response: start address and quantity written. */
void modbus_write_multi_regs_rsp(Buf *b, uint16_t tid, uint8_t unit, uint16_t start, uint16_t qty);

/* FC 43 / MEI 14 Read Device Identification request (read_code 1 = basic stream). */
void modbus_devid_req(Buf *b, uint16_t tid, uint8_t unit, uint8_t read_code, uint8_t object_id);

/*
 * FC 43 / MEI 14 response listing objects 0..count-1 (0 VendorName,
 * 1 ProductCode, 2 MajorMinorRevision, ...) in one PDU.
 */
void modbus_devid_rsp(Buf *b, uint16_t tid, uint8_t unit, uint8_t read_code, uint8_t conformity,
                      const char *const *objects, size_t count);

/* A serial-line ADU (unit + PDU) in RTU framing: the bytes, then their
 * CRC-16 low byte first. */
void modbus_rtu_frame(Buf *b, const uint8_t *adu, size_t len);

/* A serial-line ADU in ASCII framing: ':', the ADU and its LRC in
 * upper-case hex, CR LF. */
void modbus_ascii_frame(Buf *b, const uint8_t *adu, size_t len);

#endif /* OTS_GEN_MODBUS_H */
