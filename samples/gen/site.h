/*
 * site.h - the before/after scenario: two small captures of one Modbus
 * cell a week apart (samples/before.pcap, samples/after.pcap), for the
 * baseline, diff and ledger golden tests (tests/baseline/site/).
 *
 * It is its own little plant (hosts on 10.10.2.0/24, see site.c) so that
 * the bundled plant sample and its goldens stay untouched; it shares only
 * the frame, Modbus, scheduler and pcap builders.
 */
#ifndef OTS_GEN_SITE_H
#define OTS_GEN_SITE_H

#include <stdbool.h>

/* Writes the "before" capture (is_after false) or the "after" one a week
 * later.  False with a message on stderr. */
bool site_generate(const char *path, bool is_after);

/* `otsgen site -b BEFORE.pcap -a AFTER.pcap`: argv[0] is "site". */
int site_main(int argc, char **argv);

#endif /* OTS_GEN_SITE_H */
