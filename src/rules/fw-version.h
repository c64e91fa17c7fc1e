/*
 * fw-version.h - vendor firmware version strings and the version ranges
 * of advisories, compared component by component.
 *
 * A version is its numeric components, whatever the vendor wraps them
 * in: "V4.2.1", "v2.80", "FW 20.011", "Rev. 20.11", "3.2.6 build 12".
 * Components compare as integers, so 20.011 equals 20.11 (Rockwell shows
 * both) and 2.80 is greater than 2.9 (write Schneider's 2.90 in full).
 * Missing trailing components are 0 (3.01 = 3.01.0).  An "x" or "*"
 * component in a range bound matches any value: Siemens' "V3.X.14" fixes
 * every 3.x line at its .14.
 *
 * A range is alternatives separated by ';' or '|', each a conjunction of
 * conditions separated by ',' or '&': "<3.01", ">=2.0,<2.9.2",
 * "20.011 - 20.013" (inclusive), "=4.5", "4.5" (same), "*" or "all" or
 * "" (every version).
 */
#ifndef OTS_RULES_FW_VERSION_H
#define OTS_RULES_FW_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { FWVER_PARTS_MAX = 8 };

typedef struct FwVersion {
    int n_parts;
    int64_t part[FWVER_PARTS_MAX];
    uint8_t is_any[FWVER_PARTS_MAX]; /* wildcard component */
} FwVersion;

/* Parses the first run of dotted numbers in text; false when it has none. */
bool fwver_parse(const char *text, FwVersion *out);
/* <0, 0, >0 as a is below, equal to (wildcards match) or above b. */
int fwver_cmp(const FwVersion *a, const FwVersion *b);
/* Two version strings name the same version ("V2.80" and "2.80");
 * false when either has no number. */
bool fwver_same(const char *a, const char *b);

/* True when range is well formed; otherwise false with the reason in why. */
bool fwrange_check(const char *range, char *why, size_t why_len);
/* True for a range that takes every version ("*", "all", ""). */
bool fwrange_is_all(const char *range);
/* True when version (a vendor string) is in range; a version without a
 * number is only in a range that takes every version. */
bool fwrange_contains(const char *range, const char *version);

#endif /* OTS_RULES_FW_VERSION_H */
