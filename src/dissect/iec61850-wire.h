/*
 * iec61850-wire.h - what GOOSE (IEC 61850-8-1 annex A) and Sampled Values
 * (IEC 61850-9-2 clause 5.3.3) frames share: the 8-byte Ethernet header
 * (APPID, length, reserved 1 and 2) and the BER the PDUs are written in
 * (one-byte tags, definite lengths of at most two bytes, unsigned
 * integers).
 */
#ifndef OTS_DISSECT_IEC61850_WIRE_H
#define OTS_DISSECT_IEC61850_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otscope/cursor.h"

enum { IECWIRE_HDR_LEN = 8 };

/* Reads APPID/length/reserved 1/reserved 2; the PDU (length - 8 bytes)
 * becomes *pdu (Ethernet padding may follow it).  False when c ran out
 * or the length is below the header's own 8 bytes (*is_bad set). */
bool iecwire_header(Cursor *c, uint16_t *reserved1, Cursor *pdu, bool *is_bad);

/* One BER TLV with a one-byte tag and a definite length (short form or
 * 1-2 length bytes): the value becomes a child window.  Fails c on an
 * indefinite or longer length (not in these frames). */
bool iecwire_ber(Cursor *c, uint8_t *tag, Cursor *value);

/* A BER unsigned INTEGER of 1..max_len value bytes (INT32U may take a
 * leading zero byte: 5).  Fails v otherwise. */
uint32_t iecwire_uint(Cursor *v, size_t max_len);

#endif /* OTS_DISSECT_IEC61850_WIRE_H */
