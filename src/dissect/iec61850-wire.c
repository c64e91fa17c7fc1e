/*
 * iec61850-wire.c - the Ethernet header and BER shared by GOOSE and
 * Sampled Values (see iec61850-wire.h).  References: IEC 61850-8-1 annex
 * A, IEC 61850-9-2 clause 5.3.3, ITU-T X.690 8.1 (BER).
 */
#include "config.h"

#include "iec61850-wire.h"

bool iecwire_header(Cursor *c, uint16_t *reserved1, Cursor *pdu, bool *is_bad)
{
    *is_bad = false;
    cursor_skip(c, 2); /* APPID: any value; the standard range is advisory */
    uint16_t len = cursor_be16(c);
    *reserved1 = cursor_be16(c);
    cursor_skip(c, 2);
    if (!cursor_ok(c))
        return false;
    if (len < IECWIRE_HDR_LEN) {
        *is_bad = true;
        return false;
    }
    return cursor_take(c, len - IECWIRE_HDR_LEN, pdu);
}

bool iecwire_ber(Cursor *c, uint8_t *tag, Cursor *value)
{
    *tag = cursor_u8(c);
    uint8_t first = cursor_u8(c);
    size_t len = first;
    if (first == 0x81) {
        len = cursor_u8(c);
    } else if (first == 0x82) {
        len = cursor_be16(c);
    } else if (first & 0x80) {
        cursor_set_bad(c); /* indefinite or > 64 KiB: not in these frames */
        return false;
    }
    return cursor_take(c, len, value);
}

uint32_t iecwire_uint(Cursor *v, size_t max_len)
{
    size_t n = cursor_left(v);
    uint32_t x = 0;
    if (n == 0 || n > max_len) {
        cursor_set_bad(v);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        x = (x << 8) | cursor_u8(v);
    return x;
}
