/*
 * cursor.h - the one bounds-checked reader for untrusted bytes.
 *
 * Every byte of a packet that decode/ or dissect/ looks at is read through a
 * Cursor.  A read past the end of the window returns 0 and sets a sticky
 * failure flag; later reads keep failing.  Callers check cursor_ok() once
 * after a run of reads and must not act (emit a fact, change state,
 * allocate) on values read after the last successful check.
 *
 * A Cursor never owns its bytes: it borrows them from libpcap or from a
 * reassembly buffer, for as long as the owner keeps them.
 *
 * The window can be shorter than the protocol says because the capture was
 * clipped (caplen < wire length).  cursor_take() of a declared length that
 * runs past such a window fails with CUR_CAPTRUNC rather than CUR_SHORT, so
 * truncation is counted as a capture property and not as a device anomaly.
 */
#ifndef OTS_OTSCOPE_CURSOR_H
#define OTS_OTSCOPE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
    CUR_OK = 0,
    CUR_SHORT = 1,    /* window ran out: the PDU is shorter than it claims */
    CUR_CAPTRUNC = 2, /* window ran out because the capture was clipped */
};

typedef struct Cursor {
    const uint8_t *p_; /* window start: read only via cursor_* */
    size_t len_;       /* bytes in this window */
    size_t off_;       /* next byte to read */
    uint8_t fail_;     /* CUR_OK, CUR_SHORT or CUR_CAPTRUNC */
    uint8_t clipped_;  /* window ends where the capture was clipped */
} Cursor;

/* A window over [p, p+len).  is_clipped says the capture cut these bytes
 * short of the wire length. */
static inline Cursor cursor_make(const void *p, size_t len, bool is_clipped)
{
    /* An empty window still points at a byte: NULL + 0 and memcmp(NULL, x,
     * 0) are undefined, and zero-length reads happen (found by fuzzing). */
    static const uint8_t nothing[1];
    Cursor c = { p ? (const uint8_t *)p : nothing, p ? len : 0, 0, CUR_OK, is_clipped ? 1 : 0 };
    return c;
}

static inline Cursor cursor_empty(void)
{
    return cursor_make(NULL, 0, false);
}

static inline size_t cursor_left(const Cursor *c)
{
    return c->fail_ ? 0 : c->len_ - c->off_;
}

static inline size_t cursor_offset(const Cursor *c)
{
    return c->off_;
}

static inline size_t cursor_len(const Cursor *c)
{
    return c->len_;
}

static inline bool cursor_ok(const Cursor *c)
{
    return c->fail_ == CUR_OK;
}

static inline uint8_t cursor_fail(const Cursor *c)
{
    return c->fail_;
}

static inline bool cursor_is_clipped(const Cursor *c)
{
    return c->clipped_ != 0;
}

/* Marks the cursor failed; the reason depends on whether the window was
 * clipped by the capture. */
static inline void cursor_set_short(Cursor *c)
{
    if (!c->fail_)
        c->fail_ = c->clipped_ ? CUR_CAPTRUNC : CUR_SHORT;
}

/* Marks the cursor failed because the bytes break a protocol rule. */
static inline void cursor_set_bad(Cursor *c)
{
    if (!c->fail_)
        c->fail_ = CUR_SHORT;
}

static inline bool cursor_need(Cursor *c, size_t n)
{
    if (c->fail_)
        return false;
    if (n > c->len_ - c->off_) {
        cursor_set_short(c);
        return false;
    }
    return true;
}

static inline uint8_t cursor_u8(Cursor *c)
{
    if (!cursor_need(c, 1))
        return 0;
    return c->p_[c->off_++];
}

static inline uint16_t cursor_be16(Cursor *c)
{
    if (!cursor_need(c, 2))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    c->off_ += 2;
    return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint16_t cursor_le16(Cursor *c)
{
    if (!cursor_need(c, 2))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    c->off_ += 2;
    return (uint16_t)((b[1] << 8) | b[0]);
}

static inline uint32_t cursor_be24(Cursor *c)
{
    if (!cursor_need(c, 3))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    c->off_ += 3;
    return ((uint32_t)b[0] << 16) | ((uint32_t)b[1] << 8) | b[2];
}

static inline uint32_t cursor_le24(Cursor *c)
{
    if (!cursor_need(c, 3))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    c->off_ += 3;
    return ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static inline uint32_t cursor_be32(Cursor *c)
{
    if (!cursor_need(c, 4))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    c->off_ += 4;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static inline uint32_t cursor_le32(Cursor *c)
{
    if (!cursor_need(c, 4))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    c->off_ += 4;
    return ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static inline uint64_t cursor_be64(Cursor *c)
{
    uint64_t hi = cursor_be32(c);
    return (hi << 32) | cursor_be32(c);
}

static inline uint64_t cursor_le64(Cursor *c)
{
    uint64_t lo = cursor_le32(c);
    return lo | ((uint64_t)cursor_le32(c) << 32);
}

/* Byte at offset off from the current position, without consuming it.
 * Returns -1 when out of the window (and does not fail the cursor): for
 * probes that look ahead before committing. */
static inline int cursor_peek(const Cursor *c, size_t off)
{
    if (c->fail_ || off >= c->len_ - c->off_)
        return -1;
    return c->p_[c->off_ + off];
}

static inline bool cursor_skip(Cursor *c, size_t n)
{
    if (!cursor_need(c, n))
        return false;
    c->off_ += n;
    return true;
}

/* Child window of the next n bytes; the parent advances past them.  When
 * the parent has fewer than n bytes left, the child gets what there is, is
 * marked failed (CUR_CAPTRUNC when the parent is clipped, else CUR_SHORT)
 * and the parent fails the same way.  Returns cursor_ok(parent). */
static inline bool cursor_take(Cursor *c, size_t n, Cursor *sub)
{
    if (c->fail_) {
        *sub = cursor_empty();
        sub->fail_ = c->fail_;
        return false;
    }
    size_t left = c->len_ - c->off_;
    if (n > left) {
        *sub = cursor_make(c->p_ + c->off_, left, c->clipped_);
        cursor_set_short(sub);
        cursor_set_short(c);
        return false;
    }
    *sub = cursor_make(c->p_ + c->off_, n, c->clipped_ && n == left);
    c->off_ += n;
    return true;
}

/* For a length declared by a header that may run past a clipped capture:
 * takes up to n bytes into sub.  When fewer than n are left and the window
 * is clipped, sub gets what there is, marked clipped, and the call
 * succeeds: the shortfall is the capture's.  When the window is complete
 * and still too short, the length is a lie: fails with CUR_SHORT. */
static inline bool cursor_take_declared(Cursor *c, size_t n, Cursor *sub)
{
    size_t left = cursor_left(c);
    if (c->fail_ || n <= left || !c->clipped_)
        return cursor_take(c, n, sub);
    *sub = cursor_make(c->p_ + c->off_, left, true);
    c->off_ += left;
    return true;
}

/* Child window of everything left; the parent is consumed. */
static inline Cursor cursor_rest(Cursor *c)
{
    Cursor sub;
    if (c->fail_) {
        sub = cursor_empty();
        sub.fail_ = c->fail_;
        return sub;
    }
    cursor_take(c, c->len_ - c->off_, &sub);
    return sub;
}

/* Copies n bytes into dst (exactly n, dst must hold n).  Fails like a read. */
static inline bool cursor_copy(Cursor *c, void *dst, size_t n)
{
    if (!cursor_need(c, n))
        return false;
    memcpy(dst, c->p_ + c->off_, n);
    c->off_ += n;
    return true;
}

/* Compares the next n bytes with lit without consuming them. */
static inline bool cursor_starts_with(const Cursor *c, const void *lit, size_t n)
{
    if (c->fail_ || n > c->len_ - c->off_)
        return false;
    return memcmp(c->p_ + c->off_, lit, n) == 0;
}

/* Offset (from the current position) of the first byte equal to ch within
 * the next max bytes, or -1. */
static inline long cursor_find(const Cursor *c, uint8_t ch, size_t max)
{
    size_t left = cursor_left(c);
    if (max > left)
        max = left;
    const void *hit = max ? memchr(c->p_ + c->off_, ch, max) : NULL;
    return hit ? (long)((const uint8_t *)hit - (c->p_ + c->off_)) : -1;
}

/* Copies up to n wire bytes as a printable, NUL-terminated string into dst
 * (dstsz > 0), consuming n bytes.  Bytes outside printable ASCII become '.',
 * except that valid UTF-8 is not treated specially: names from the wire are
 * shown, never interpreted.  Stops copying (but still consumes) at a NUL.
 * Returns the string length; on a short window copies nothing and fails. */
static inline size_t cursor_str(Cursor *c, size_t n, char *dst, size_t dstsz)
{
    dst[0] = '\0';
    if (!cursor_need(c, n))
        return 0;
    const uint8_t *b = c->p_ + c->off_;
    size_t out = 0;
    for (size_t i = 0; i < n && out + 1 < dstsz; i++) {
        if (b[i] == 0)
            break;
        dst[out++] = (b[i] >= 0x20 && b[i] < 0x7f) ? (char)b[i] : '.';
    }
    dst[out] = '\0';
    c->off_ += n;
    return out;
}

/* The bytes of a window, for code that must hand them to a non-parsing
 * consumer (hashing, copying into a reassembly buffer, writing a pcap).
 * Never use it to parse. */
static inline const uint8_t *cursor_bytes_(const Cursor *c)
{
    return c->p_ + c->off_;
}

#endif /* OTS_OTSCOPE_CURSOR_H */
