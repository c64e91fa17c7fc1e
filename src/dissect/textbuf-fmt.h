/*
 * textbuf-fmt.h - the printf conversions op details use, on a TextBuf
 * (internal to dissect/).
 *
 * Details are written for every PDU; snprintf's format parsing cost more
 * than the parsing of the PDU itself (ARP, DNS, ENIP, COTP).  These give
 * the same text as the printf conversion each names.
 */
#ifndef OTS_DISSECT_TEXTBUF_FMT_H
#define OTS_DISSECT_TEXTBUF_FMT_H

#include <stdint.h>

#include "otscope/textbuf.h"

/* textbuf_hex with one bounds check when the digits fit (session handles
 * and connection ids go into a detail per PDU). */
static inline void textbuf_hex_fixed(TextBuf *b, uint64_t v, int width)
{
    static const char hex[] = "0123456789abcdef";
    if (b->len + (size_t)width >= b->size) {
        textbuf_hex(b, v, width); /* clipped: char by char */
        return;
    }
    char *out = b->p + b->len;
    for (int i = width - 1; i >= 0; i--, v >>= 4)
        out[i] = hex[v & 0xf];
    b->len += (size_t)width;
    b->p[b->len] = '\0';
}

/* "%0<min_width>x": at least min_width lower-case hex digits, more when v
 * needs them. */
static inline void textbuf_hex_min(TextBuf *b, uint64_t v, int min_width)
{
    int width = 1;
    while (width < 16 && (v >> (4 * width)) != 0)
        width++;
    textbuf_hex_fixed(b, v, width > min_width ? width : min_width);
}

/* "0x%0<min_width>x" */
static inline void textbuf_0x(TextBuf *b, uint64_t v, int min_width)
{
    textbuf_str(b, "0x");
    textbuf_hex_min(b, v, min_width);
}

/* " key=0x%0<min_width>x" */
static inline void textbuf_field_hex(TextBuf *b, const char *key, uint64_t v, int min_width)
{
    textbuf_char(b, ' ');
    textbuf_str(b, key);
    textbuf_char(b, '=');
    textbuf_0x(b, v, min_width);
}

#endif /* OTS_DISSECT_TEXTBUF_FMT_H */
