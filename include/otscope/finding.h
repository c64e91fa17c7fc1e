/*
 * finding.h - one risk finding, as rules/ produce it and store/ keeps it.
 *
 * A finding aggregates every occurrence of one thing (a rule, a source, a
 * target, a protocol) in one capture: a count, the first and last packet
 * numbers and times, and evidence text that cites the capture file and
 * frames.  Secrets (passwords, community strings) appear only in
 * evidence_secret; evidence carries them masked.
 */
#ifndef OTS_OTSCOPE_FINDING_H
#define OTS_OTSCOPE_FINDING_H

#include <stdint.h>

#include "otscope/fact.h"

typedef struct Finding {
    const char *rule; /* rule id (static: the rule's descriptor) */
    Severity severity;
    char *key;   /* "rule:what": the same thing found again (in this capture or another)
                    has the same key, and in one capture keeps its finding_id */
    char *title;
    char *src;   /* IP, MAC, or "" */
    char *dst;
    char *protocol;
    uint64_t count;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t first_pkt; /* 1-based frame numbers in the capture file (Wireshark numbering) */
    uint64_t last_pkt;
    char *evidence;        /* what was seen, where; secrets masked */
    char *evidence_secret; /* the same with the secrets in clear; NULL when there are none */
    char *why; /* why it matters */
    char *recommendation;
    char *attack_id; /* ATT&CK for ICS technique ids, ';'-joined */
} Finding;

/* Frees a finding and its strings (NULL is fine). */
void finding_free(Finding *f);

#endif /* OTS_OTSCOPE_FINDING_H */
