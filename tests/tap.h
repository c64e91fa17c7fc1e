/*
 * tap.h - the TAP lines of the C tests: tap_ok() prints "ok N - what" or
 * "not ok N - what" and counts the failures; tap_end() prints the plan and
 * is main's exit status.  Header-only, so that a test program stays one
 * file plus the code it tests.
 */
#ifndef OTS_TESTS_TAP_H
#define OTS_TESTS_TAP_H

#include <stdbool.h>
#include <stdio.h>

static int tap_n_test;
static int tap_n_fail;

/* One test line; returns cond. */
static inline bool tap_ok(bool cond, const char *what)
{
    printf("%s %d - %s\n", cond ? "ok" : "not ok", ++tap_n_test, what);
    tap_n_fail += !cond;
    return cond;
}

/* The plan after the tests; 1 when one failed. */
static inline int tap_end(void)
{
    printf("1..%d\n", tap_n_test);
    return tap_n_fail ? 1 : 0;
}

#endif /* OTS_TESTS_TAP_H */
