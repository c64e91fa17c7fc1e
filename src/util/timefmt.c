/*
 * timefmt.c - capture times as the contract prints them.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "otscope/util.h"

char *time_iso(int64_t ns, char *buf)
{
    int64_t secs = ns / 1000000000;
    int64_t rem = ns % 1000000000;
    if (rem < 0) {
        rem += 1000000000;
        secs--;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, OTS_TIME_STRLEN, "invalid");
        return buf;
    }
    snprintf(buf, OTS_TIME_STRLEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(rem / 1000));
    return buf;
}
