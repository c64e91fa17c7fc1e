/*
 * ioc-match.h - indicators of compromise: what one token of an IOC list
 * is (IP address, network, domain name, TLS fingerprint, certificate
 * hash) in the one normal form the loader stores and the ioc-match rule
 * compares, so that "EVIL.example[.]com." in a feed and "evil.example.com"
 * in a DNS question are the same name.
 */
#ifndef OTS_RULES_IOC_MATCH_H
#define OTS_RULES_IOC_MATCH_H

#include <stdbool.h>
#include <stddef.h>

/* The indicator types: their names are the `type:` prefixes of the file
 * format and the type column of `otscope ioc` (man otscope, IOC LISTS). */
#define IOC_TYPES(X)                                                                               \
    X(IP, "ip")                                                                                    \
    X(CIDR, "cidr")                                                                                \
    X(DOMAIN, "domain")                                                                            \
    X(JA3, "ja3")                                                                                  \
    X(JA3S, "ja3s")                                                                                \
    X(JA4, "ja4")                                                                                  \
    X(CERT_SHA1, "cert-sha1")                                                                      \
    X(CERT_SHA256, "cert-sha256")

typedef enum IocType {
#define X(id, str) IOC_##id,
    IOC_TYPES(X)
#undef X
        IOC_TYPE_COUNT
} IocType;

const char *ioc_type_name(IocType t);
bool ioc_type_from_name(const char *name, IocType *out);
/* True for the types matched against identity attribute values (hashes). */
bool ioc_type_is_fingerprint(IocType t);

enum { IOC_VALUE_MAX = 256 }; /* bytes of a normalized indicator, NUL included */

/* Classifies one indicator token: "type:value" when the prefix is a type
 * name (sha1: and sha256: are accepted for the certificate hashes), else
 * inferred: an address, an address with /prefix, a JA4 (t13d1516h2_..),
 * 32 hex digits (JA3), 40 (certificate SHA-1), 64 (SHA-256), a URL (its
 * host), or a domain name.  Defanged spellings ("[.]", "(.)", "hxxp")
 * are undone; hex is lower-cased and ':' between hex pairs dropped;
 * domains lose a leading "*." and a trailing dot.  Writes the normal form
 * to value; false with a reason in why (static text) when the token is
 * no indicator. */
bool ioc_classify(const char *token, IocType *type, char *value, size_t value_len,
                  const char **why);

/* A name as seen on the wire (DNS question, TLS SNI, HTTP Host with an
 * optional :port) in normal form: lower case, no trailing dot or port.
 * False when nothing name-like is left. */
bool ioc_name_normalize(const char *name, char *out, size_t out_len);

#endif /* OTS_RULES_IOC_MATCH_H */
