/*
 * err.c - filling an Err, and dying on broken invariants.
 */
#include "config.h"

#include "otscope/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool err_set(Err *err, ErrCode code, const char *fmt, ...)
{
    if (!err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return false;
}

void ots_die(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "otscope: internal error at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
