/*
 * gen-modbus.c - Modbus/TCP ADU builders; see gen-modbus.h.
 *
 * Reference: Modbus Application Protocol Specification V1.1b3 (2012) and
 * Modbus Messaging on TCP/IP Implementation Guide V1.0b (2006), 3.1.3.
 *
 *   MBAP header (7 bytes)                               PDU
 *   +----------------+-------------+----------+------+   +----+-------------+
 *   | transaction id | protocol 0  | length   | unit |   | fc | data ...    |
 *   |  2             |  2          |  2       |  1   |   |  1 |             |
 *   +----------------+-------------+----------+------+   +----+-------------+
 *
 * The length field counts the unit id plus the PDU.
 */
#include "gen-modbus.h"

#include <string.h>

/* Write the MBAP header; returns where the length field sits for mbap_end. */
static size_t mbap_begin(Buf *b, uint16_t tid, uint8_t unit)
{
    buf_be16(b, tid);
    buf_be16(b, 0);
    size_t len_at = b->len;
    buf_be16(b, 0);
    buf_u8(b, unit);
    return len_at;
}

static void mbap_end(Buf *b, size_t len_at)
{
    buf_patch_be16(b, len_at, (unsigned)(b->len - len_at - 2));
}

void modbus_read_req(Buf *b, uint16_t tid, uint8_t unit, uint8_t fc, uint16_t start, uint16_t qty)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, fc);
    buf_be16(b, start);
    buf_be16(b, qty);
    mbap_end(b, len_at);
}

void modbus_read_regs_rsp(Buf *b, uint16_t tid, uint8_t unit, uint8_t fc, const uint16_t *regs,
                          size_t reg_count)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, fc);
    buf_u8(b, (unsigned)(reg_count * 2));
    for (size_t i = 0; i < reg_count; i++)
        buf_be16(b, regs[i]);
    mbap_end(b, len_at);
}

void modbus_read_bits_rsp(Buf *b, uint16_t tid, uint8_t unit, uint8_t fc, const uint8_t *bits,
                          size_t bit_count)
{
    size_t byte_count = (bit_count + 7) / 8;
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, fc);
    buf_u8(b, (unsigned)byte_count);
    buf_bytes(b, bits, byte_count);
    mbap_end(b, len_at);
}

void modbus_write_single_reg(Buf *b, uint16_t tid, uint8_t unit, uint16_t addr, uint16_t value)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, MODBUS_FC_WRITE_SINGLE_REG);
    buf_be16(b, addr);
    buf_be16(b, value);
    mbap_end(b, len_at);
}

void modbus_write_multi_regs_req(Buf *b, uint16_t tid, uint8_t unit, uint16_t start,
                                 const uint16_t *regs, size_t reg_count)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, MODBUS_FC_WRITE_MULTIPLE_REGS);
    buf_be16(b, start);
    buf_be16(b, (unsigned)reg_count);
    buf_u8(b, (unsigned)(reg_count * 2));
    for (size_t i = 0; i < reg_count; i++)
        buf_be16(b, regs[i]);
    mbap_end(b, len_at);
}

void modbus_write_multi_regs_rsp(Buf *b, uint16_t tid, uint8_t unit, uint16_t start, uint16_t qty)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, MODBUS_FC_WRITE_MULTIPLE_REGS);
    buf_be16(b, start);
    buf_be16(b, qty);
    mbap_end(b, len_at);
}

void modbus_devid_req(Buf *b, uint16_t tid, uint8_t unit, uint8_t read_code, uint8_t object_id)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, MODBUS_FC_ENCAP_INTERFACE);
    buf_u8(b, MODBUS_MEI_READ_DEVICE_ID);
    buf_u8(b, read_code);
    buf_u8(b, object_id);
    mbap_end(b, len_at);
}

void modbus_devid_rsp(Buf *b, uint16_t tid, uint8_t unit, uint8_t read_code, uint8_t conformity,
                      const char *const *objects, size_t count)
{
    size_t len_at = mbap_begin(b, tid, unit);
    buf_u8(b, MODBUS_FC_ENCAP_INTERFACE);
    buf_u8(b, MODBUS_MEI_READ_DEVICE_ID);
    buf_u8(b, read_code);
    buf_u8(b, conformity);
    buf_u8(b, 0x00); /* more follows: no, everything fits one PDU */
    buf_u8(b, 0x00); /* next object id: 0 when nothing follows */
    buf_u8(b, (unsigned)count);
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(objects[i]);
        buf_u8(b, (unsigned)i);
        buf_u8(b, (unsigned)n);
        buf_bytes(b, objects[i], n);
    }
    mbap_end(b, len_at);
}

/* Modbus over serial line V1.02, 2.5.1.2 and 6.2.2. */
void modbus_rtu_frame(Buf *b, const uint8_t *adu, size_t len)
{
    uint16_t crc = 0xffff;
    for (size_t i = 0; i < len; i++) {
        crc ^= adu[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa001) : (uint16_t)(crc >> 1);
    }
    buf_bytes(b, adu, len);
    buf_u8(b, crc & 0xff);
    buf_u8(b, crc >> 8);
}

/* Modbus over serial line V1.02, 2.5.2 and 6.2.1. */
void modbus_ascii_frame(Buf *b, const uint8_t *adu, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    uint8_t sum = 0;
    buf_u8(b, ':');
    for (size_t i = 0; i <= len; i++) {
        uint8_t byte = i < len ? adu[i] : (uint8_t)-sum;
        if (i < len)
            sum = (uint8_t)(sum + adu[i]);
        buf_u8(b, (uint8_t)hex[byte >> 4]);
        buf_u8(b, (uint8_t)hex[byte & 0x0f]);
    }
    buf_u8(b, '\r');
    buf_u8(b, '\n');
}
