/*
 * log.c - user-facing messages on stderr, filtered by one verbosity level.
 */
#include "config.h"

#include "otscope/log.h"

#include <stdarg.h>
#include <stdio.h>

static LogLevel current_level = LOG_NORMAL;

void log_set_level(LogLevel level)
{
    current_level = level;
}

LogLevel log_level(void)
{
    return current_level;
}

/* The format attribute lets the compiler check fmt at every caller (and
 * keeps clang's -Wformat-nonliteral quiet here). */
__attribute__((format(printf, 2, 0)))
static void emit(const char *prefix, const char *fmt, va_list ap)
{
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("otscope: ", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    if (current_level < LOG_NORMAL)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("otscope: warning: ", fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    if (current_level < LOG_NORMAL)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void log_verbose(const char *fmt, ...)
{
    if (current_level < LOG_VERBOSE)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}
