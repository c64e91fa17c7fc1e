/*
 * util.h - small services every layer may use: time text, MAC vendors,
 * worker threads.
 */
#ifndef OTS_OTSCOPE_UTIL_H
#define OTS_OTSCOPE_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "otscope/packet.h"

enum { OTS_TIME_STRLEN = 64 };

/* "2015-10-20T14:03:05.123456Z" (UTC, microseconds, truncated); buf holds
 * OTS_TIME_STRLEN.  Returns buf. */
char *time_iso(int64_t ns, char *buf);

/* Vendor registered for the MAC's prefix in ieee-data's MA-S (36 bits),
 * MA-M (28) and MA-L (24) registries, longest prefix first; "" when none
 * or the data is not installed.  The files are read once, on first use.
 * Locally administered addresses have no vendor. */
const char *oui_vendor(const MacAddr *mac);
/* Starts reading the vendor data on a thread of its own, for a caller
 * that will look vendors up later (analyze: at its first batch). */
void oui_preload(void);
/* Where the vendor data came from ("" until loaded), e.g. for --version. */
const char *oui_source(void);
/* Overrides the ieee-data folder (tests); call before the first lookup. */
void oui_set_dir(const char *dir);

/* A secret attribute value ("kind:secret") masked for display: the kind
 * (and an http-basic user) readable, the secret as its first and last
 * character and its length, e.g. "snmp-community:p****c (6 chars)".
 * Returns a new string; caller frees with g_free. */
char *secret_mask(const char *value);

/* The first of $OTSCOPE_DATA_DIR/relpath, the installed data folder and
 * the source tree's data/ that is a file (g_free it); NULL when none. */
char *ots_data_path(const char *relpath);

/* Starts fn(arg) on a thread that takes no asynchronous signals (they
 * stay with the thread that handles them); false when it cannot start. */
bool ots_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif /* OTS_OTSCOPE_UTIL_H */
