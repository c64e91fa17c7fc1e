/*
 * ident-match.h - loose comparison of identity strings written by
 * different hands: what a device says about itself on the wire, what the
 * MAC registry says, what the plant's ledger or an advisory says.
 *
 * Vendors match on a distinctive word ("Siemens" ~ "Siemens AG,",
 * "Allen-Bradley" ~ "Rockwell Automation/Allen-Bradley (1)"); models on
 * their alphanumerics ("BMX P34 2020" ~ "BMXP342020") or a shared
 * part-number token ("CPU 315-2 PN/DP" ~ "6ES7 315-2EH14-0AB0"); names
 * case-insensitively on their first label ("HMI-01" ~ "hmi-01.plant").
 * Lists are ';'-joined, as the store's tables give them.
 */
#ifndef OTS_RULES_IDENT_MATCH_H
#define OTS_RULES_IDENT_MATCH_H

#include <stdbool.h>

/* listed is one vendor; seen a ';'-joined list.  True when any agrees. */
bool ident_vendor_matches(const char *listed, const char *seen);
bool ident_model_matches(const char *listed, const char *seen);
bool ident_name_matches(const char *listed, const char *seen);
/* True when any seen value is the same version as listed (fwver_same). */
bool ident_firmware_matches(const char *listed, const char *seen);
/* patterns: ';'-joined globs ("1756-L7*;*LOGIX557*"); true when one
 * matches one of the seen values, both compared lower-case without
 * blanks, dashes, slashes and underscores. */
bool ident_glob_matches(const char *patterns, const char *seen);
/* "00-1A-A1-3C-5E-01", "001a.a13c.5e01", "001AA13C5E01" -> "00:1a:a1:3c:5e:01"
 * into buf (18 bytes); false when it is no MAC address. */
bool ident_mac_normalize(const char *text, char *buf);

#endif /* OTS_RULES_IDENT_MATCH_H */
