/*
 * err.h - recoverable errors passed upward, and broken invariants.
 *
 * A function that can fail returns bool (false = failed) and fills a
 * caller-supplied Err with a code and a "what: why" message.  Only main.c
 * and cli/ print errors and choose the exit status; nothing below them
 * calls exit().  The codes are the contract's exit codes.
 */
#ifndef OTS_OTSCOPE_ERR_H
#define OTS_OTSCOPE_ERR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ErrCode {
    ERR_OK = 0,
    ERR_FINDINGS = 1, /* --fail-on gate tripped */
    ERR_USAGE = 2,
    ERR_INPUT = 3, /* input unreadable, truncated or corrupt */
    ERR_DB = 4,
} ErrCode;

enum { ERR_MSG_MAX = 512 };

typedef struct Err {
    ErrCode code;
    char msg[ERR_MSG_MAX];
} Err;

/* Sets code and a printf-formatted message; returns false so that callers
 * can write `return err_set(err, ERR_DB, "...")`.  err may be NULL. */
bool err_set(Err *err, ErrCode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline void err_clear(Err *err)
{
    err->code = ERR_OK;
    err->msg[0] = '\0';
}

/* Reports a state that cannot happen (a bug, not bad input) and aborts. */
_Noreturn void ots_die(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stays active in every build: the invariant is checked, not assumed. */
#define OTS_ASSERT(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ots_die(__FILE__, __LINE__, "assertion failed: %s", #cond);                           \
    } while (0)

#endif /* OTS_OTSCOPE_ERR_H */
