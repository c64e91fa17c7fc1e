/*
 * gen-buf.h - bounded byte writer for building packet bytes in otsgen.
 *
 * A Buf is a window onto caller-owned memory. Every put checks the bound;
 * running out sets a sticky overflow flag instead of writing past the end,
 * so a recipe bug shows up as one check at the end (buf_ok) rather than as
 * memory corruption. Byte order is in every name: OT protocols mix big- and
 * little-endian fields inside one PDU (TPKT is big-endian, ENIP little).
 * This is a test-data generator, not a parser: it never reads untrusted input.
 */
#ifndef OTS_GEN_BUF_H
#define OTS_GEN_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct Buf {
    uint8_t *p;       /* caller-owned memory */
    size_t cap;       /* bytes available at p */
    size_t len;       /* bytes written so far */
    bool is_overflow; /* a put ran past cap; later puts are dropped */
} Buf;

static inline void buf_init(Buf *b, uint8_t *mem, size_t cap)
{
    b->p = mem;
    b->cap = cap;
    b->len = 0;
    b->is_overflow = false;
}

static inline bool buf_ok(const Buf *b)
{
    return !b->is_overflow;
}

/* Reserve n bytes and return where they start, or NULL on overflow. */
static inline uint8_t *buf_reserve(Buf *b, size_t n)
{
    if (b->is_overflow || n > b->cap - b->len) {
        b->is_overflow = true;
        return NULL;
    }
    uint8_t *at = b->p + b->len;
    b->len += n;
    return at;
}

static inline void buf_u8(Buf *b, unsigned v)
{
    uint8_t *at = buf_reserve(b, 1);
    if (at)
        at[0] = (uint8_t)v;
}

static inline void buf_be16(Buf *b, unsigned v)
{
    uint8_t *at = buf_reserve(b, 2);
    if (at) {
        at[0] = (uint8_t)(v >> 8);
        at[1] = (uint8_t)v;
    }
}

static inline void buf_le16(Buf *b, unsigned v)
{
    uint8_t *at = buf_reserve(b, 2);
    if (at) {
        at[0] = (uint8_t)v;
        at[1] = (uint8_t)(v >> 8);
    }
}

static inline void buf_be24(Buf *b, uint32_t v)
{
    uint8_t *at = buf_reserve(b, 3);
    if (at) {
        at[0] = (uint8_t)(v >> 16);
        at[1] = (uint8_t)(v >> 8);
        at[2] = (uint8_t)v;
    }
}

static inline void buf_be32(Buf *b, uint32_t v)
{
    uint8_t *at = buf_reserve(b, 4);
    if (at) {
        at[0] = (uint8_t)(v >> 24);
        at[1] = (uint8_t)(v >> 16);
        at[2] = (uint8_t)(v >> 8);
        at[3] = (uint8_t)v;
    }
}

static inline void buf_le32(Buf *b, uint32_t v)
{
    uint8_t *at = buf_reserve(b, 4);
    if (at) {
        at[0] = (uint8_t)v;
        at[1] = (uint8_t)(v >> 8);
        at[2] = (uint8_t)(v >> 16);
        at[3] = (uint8_t)(v >> 24);
    }
}

static inline void buf_le64(Buf *b, uint64_t v)
{
    buf_le32(b, (uint32_t)v);
    buf_le32(b, (uint32_t)(v >> 32));
}

static inline void buf_bytes(Buf *b, const void *src, size_t n)
{
    uint8_t *at = buf_reserve(b, n);
    if (at && n > 0)
        memcpy(at, src, n);
}

static inline void buf_zero(Buf *b, size_t n)
{
    uint8_t *at = buf_reserve(b, n);
    if (at && n > 0)
        memset(at, 0, n);
}

/* The characters of s without its terminating NUL. */
static inline void buf_str(Buf *b, const char *s)
{
    buf_bytes(b, s, strlen(s));
}

/*
 * Back-patching: length fields are often written before the bytes they
 * count. Callers remember buf->len at the field and patch it afterwards.
 */
static inline void buf_patch_u8(Buf *b, size_t at, unsigned v)
{
    if (at + 1 <= b->len)
        b->p[at] = (uint8_t)v;
}

static inline void buf_patch_be16(Buf *b, size_t at, unsigned v)
{
    if (at + 2 <= b->len) {
        b->p[at] = (uint8_t)(v >> 8);
        b->p[at + 1] = (uint8_t)v;
    }
}

static inline void buf_patch_le16(Buf *b, size_t at, unsigned v)
{
    if (at + 2 <= b->len) {
        b->p[at] = (uint8_t)v;
        b->p[at + 1] = (uint8_t)(v >> 8);
    }
}

static inline void buf_patch_be24(Buf *b, size_t at, uint32_t v)
{
    if (at + 3 <= b->len) {
        b->p[at] = (uint8_t)(v >> 16);
        b->p[at + 1] = (uint8_t)(v >> 8);
        b->p[at + 2] = (uint8_t)v;
    }
}

#endif /* OTS_GEN_BUF_H */
