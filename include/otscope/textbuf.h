/*
 * textbuf.h - appending text and numbers to a fixed buffer without printf.
 *
 * Dissectors describe every request (an op's detail: "unit=1 start=0
 * qty=10"), and that runs once per PDU: snprintf's format parsing was a
 * few percent of analyze time on a Modbus-heavy capture.  These appenders
 * cost a copy and a division per digit.  Output is always NUL-terminated
 * and silently clipped at the buffer's end, like snprintf's.
 */
#ifndef OTS_OTSCOPE_TEXTBUF_H
#define OTS_OTSCOPE_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct TextBuf {
    char *p;
    size_t size; /* bytes of p, the NUL included; > 0 */
    size_t len;  /* characters written */
} TextBuf;

static inline TextBuf textbuf(char *p, size_t size)
{
    p[0] = '\0';
    return (TextBuf){ p, size, 0 };
}

static inline void textbuf_char(TextBuf *b, char ch)
{
    if (b->len + 1 < b->size) {
        b->p[b->len++] = ch;
        b->p[b->len] = '\0';
    }
}

static inline void textbuf_str(TextBuf *b, const char *s)
{
    while (*s && b->len + 1 < b->size)
        b->p[b->len++] = *s++;
    b->p[b->len] = '\0';
}

static inline void textbuf_uint(TextBuf *b, uint64_t v)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n > 0)
        textbuf_char(b, digits[--n]);
}

/* v in width lower-case hex digits, zero-padded (width <= 16). */
static inline void textbuf_hex(TextBuf *b, uint64_t v, int width)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = width - 1; i >= 0; i--)
        textbuf_char(b, hex[(v >> (4 * i)) & 0xf]);
}

/* " key=" then v: the shape of every op detail field. */
static inline void textbuf_field(TextBuf *b, const char *key, uint64_t v)
{
    textbuf_char(b, ' ');
    textbuf_str(b, key);
    textbuf_char(b, '=');
    textbuf_uint(b, v);
}

#endif /* OTS_OTSCOPE_TEXTBUF_H */
