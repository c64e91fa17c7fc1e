/*
 * anon.h - consistent pseudonyms for data that leaves the site
 * (--anonymize on exports and the report).
 *
 * One Anon holds one secret key: the same input always gets the same
 * pseudonym under that key, in every table and every output of a run, and
 * across runs given the same --anon-key.  Without a key a random one is
 * drawn per run, so two anonymized exports cannot be joined.
 *
 *   IPv4/IPv6  prefix-preserving (two addresses sharing a k-bit prefix keep
 *              sharing exactly k bits), the construction of Crypto-PAn
 *              with a keyed SHA-256 as the pseudo-random function;
 *              unspecified, loopback, limited broadcast and multicast
 *              addresses are kept (they name no device).
 *   MAC        OUI kept (the vendor is the point of an inventory), the
 *              device half through a keyed permutation (no two devices
 *              share a pseudonym); broadcast and group MACs kept.
 *   names      host, device and domain names -> "host-xxxxxxxx", users ->
 *              "user-xxxxxxxx", serials -> "serial-xxxxxxxx".
 *   paths      capture files -> "capture-N.ext" (N in the order learned),
 *              other paths -> "file-xxxxxxxx.ext".
 *   secrets    dropped.
 *   free text  addresses, known names, DNS-like names and paths inside it
 *              replaced as above.
 *
 * Returned strings are owned by the Anon and live until anon_free().
 */
#ifndef OTS_EXPORT_ANON_H
#define OTS_EXPORT_ANON_H

#include <stdbool.h>

#include "otscope/store-export.h"

typedef struct Anon Anon;

/* key_text NULL: a random key from the kernel. */
Anon *anon_new(const char *key_text);
void anon_free(Anon *a);

/* Teaches the Anon what free text may mention: every host, device, domain
 * and user name of the DB's attributes and every capture path (numbered
 * in capture order).  Call once before mapping. */
bool anon_learn_store(Anon *a, Store *s, Err *err);
/* The same for one name (STK_NAME, STK_USER or STK_SERIAL) or path. */
void anon_learn(Anon *a, StoreTextKind kind, const char *text);

/* Pseudonym of one value of the given kind (see StoreTextKind); NULL in,
 * NULL out; STK_SECRET gives "". */
const char *anon_value(Anon *a, StoreTextKind kind, const char *text);
/* The same for a ';'-joined list of values. */
const char *anon_list(Anon *a, StoreTextKind kind, const char *list);

/* The mapper store_export_copy() takes (user = the Anon). */
char *anon_store_map(StoreTextKind kind, const char *text, void *user);

#endif /* OTS_EXPORT_ANON_H */
