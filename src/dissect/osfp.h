/*
 * osfp.h - passive OS fingerprinting of TCP SYN / SYN+ACK packets against
 * p0f's signature file (internal to dissect/; see osfp.c).
 */
#ifndef OTS_DISSECT_OSFP_H
#define OTS_DISSECT_OSFP_H

#include <stdbool.h>
#include <stddef.h>

#include "otscope/packet.h"

enum { OSFP_CACHE_MAX = 4096 }; /* distinct raw signatures remembered */

typedef struct OsFp OsFp;

typedef struct OsGuess {
    const char *label; /* "Windows 7 or 8", owned by the OsFp */
    bool is_generic;   /* matched a generic (g:) signature */
} OsGuess;

/* Loads $OTSCOPE_P0F_FP or /etc/p0f/p0f.fp; an absent file gives an empty
 * set (osfp_match then never matches). */
OsFp *osfp_open(void);
void osfp_close(OsFp *fp);
size_t osfp_count(const OsFp *fp);

/* The OS of a SYN's (or SYN+ACK's) sender, when a signature fits. */
bool osfp_match(OsFp *fp, const Packet *pkt, OsGuess *out);

#endif /* OTS_DISSECT_OSFP_H */
