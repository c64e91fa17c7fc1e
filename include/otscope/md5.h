/*
 * md5.h - MD5 (RFC 1321), only because the JA3 TLS fingerprint is defined
 * as the MD5 of its text.  Not for anything that needs a secure hash.
 */
#ifndef OTS_OTSCOPE_MD5_H
#define OTS_OTSCOPE_MD5_H

#include <stddef.h>
#include <stdint.h>

enum { MD5_DIGEST_LEN = 16, MD5_HEX_LEN = 33 };

/* Lower-case hex of the MD5 of len bytes at data, NUL-terminated. */
void md5_hex(const void *data, size_t len, char hex[MD5_HEX_LEN]);

#endif /* OTS_OTSCOPE_MD5_H */
