/*
 * ioc-match.c - recognising and normalising indicators of compromise
 * (ioc-match.h).  Nothing here reads the DB: the loader (src/baseline/
 * ioc.c) and the rule (rule-ioc.c) share these forms.
 */
#include "config.h"

#include "ioc-match.h"

#include <string.h>

#include <glib.h>

#include "cidr.h"

static const char *const type_names[] = {
#define X(id, str) str,
    IOC_TYPES(X)
#undef X
};

const char *ioc_type_name(IocType t)
{
    return (unsigned)t < IOC_TYPE_COUNT ? type_names[t] : "?";
}

bool ioc_type_from_name(const char *name, IocType *out)
{
    for (int i = 0; i < IOC_TYPE_COUNT; i++) {
        if (g_ascii_strcasecmp(name, type_names[i]) == 0) {
            *out = (IocType)i;
            return true;
        }
    }
    /* the spellings threat feeds use for certificate hashes */
    if (g_ascii_strcasecmp(name, "sha1") == 0)
        *out = IOC_CERT_SHA1;
    else if (g_ascii_strcasecmp(name, "sha256") == 0)
        *out = IOC_CERT_SHA256;
    else
        return false;
    return true;
}

bool ioc_type_is_fingerprint(IocType t)
{
    return t == IOC_JA3 || t == IOC_JA3S || t == IOC_JA4 || t == IOC_CERT_SHA1 ||
           t == IOC_CERT_SHA256;
}

/* Undoes the usual defanging: "[.]", "(.)", "[dot]", "hxxp", "[:]". */
static char *refang(const char *token)
{
    static const char *const from[] = { "[.]", "(.)", "[dot]", "{.}", "[:]", "hxxp", "HXXP" };
    static const char *const to[] = { ".", ".", ".", ".", ":", "http", "http" };
    GString *s = g_string_new(token);
    for (size_t i = 0; i < G_N_ELEMENTS(from); i++)
        g_string_replace(s, from[i], to[i], 0);
    return g_string_free(s, FALSE);
}

/* Hex digits only, lower-cased, ':' or ' ' between pairs dropped (the
 * way certificate fingerprints are printed); the digit count, or 0. */
static size_t hex_normalize(const char *text, char *out, size_t out_len)
{
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ':' && p != text && p[1])
            continue;
        if (!g_ascii_isxdigit(*p) || n + 1 >= out_len)
            return 0;
        out[n++] = g_ascii_tolower(*p);
    }
    out[n] = '\0';
    return n;
}

/* JA4 (FoxIO's spec): "t13d1516h2_8daaf6152771_e5627efa2ab1": protocol
 * (t tcp, q quic, d dtls), two version characters, d/i (SNI present),
 * two-digit cipher and extension counts, two ALPN characters; then the
 * truncated SHA-256 of the sorted ciphers and of the extensions. */
static bool is_ja4(const char *v)
{
    if (strlen(v) != 36 || v[10] != '_' || v[23] != '_' || !strchr("tqd", v[0]) ||
        !strchr("di", v[3]))
        return false;
    for (int i = 0; i < 36; i++) {
        bool ok = i < 10 ? g_ascii_isalnum(v[i]) : (i == 10 || i == 23) ||
                                                       g_ascii_isxdigit(v[i]);
        if (!ok)
            return false;
    }
    return g_ascii_isdigit(v[4]) && g_ascii_isdigit(v[5]) && g_ascii_isdigit(v[6]) &&
           g_ascii_isdigit(v[7]);
}

static bool is_label_char(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '_';
}

bool ioc_name_normalize(const char *name, char *out, size_t out_len)
{
    size_t n = 0;
    const char *p = name;
    if (p[0] == '*' && p[1] == '.')
        p += 2;
    for (; *p && *p != ':' && *p != '/'; p++) {
        if (n + 1 >= out_len)
            return false;
        out[n++] = g_ascii_tolower(*p);
    }
    while (n > 0 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    return n > 0;
}

/* A host name of at least two labels: letters, digits, '-', '_'. */
static bool is_domain(const char *v)
{
    if (!strchr(v, '.') || v[0] == '.' || v[0] == '-')
        return false;
    for (const char *p = v; *p; p++) {
        if (*p == '.' ? p[1] == '.' : !is_label_char(*p))
            return false;
    }
    /* the last label is no number: "1.2.3" is a broken address, not a name */
    const char *tld = strrchr(v, '.') + 1;
    for (const char *p = tld; *p; p++)
        if (!g_ascii_isdigit(*p))
            return true;
    return false;
}

static bool put(char *value, size_t value_len, const char *text)
{
    return g_strlcpy(value, text, value_len) < value_len;
}

static bool classify_as(IocType t, const char *v, char *value, size_t value_len, const char **why)
{
    IpAddr ip;
    Cidr cidr;
    char buf[IOC_VALUE_MAX];
    size_t n;
    switch (t) {
    case IOC_IP:
        if (!ipaddr_parse(v, &ip))
            return *why = "not an IP address", false;
        return put(value, value_len, ipaddr_str(&ip, buf));
    case IOC_CIDR:
        if (!cidr_parse(v, &cidr))
            return *why = "not a network (ADDRESS/PREFIX)", false;
        ipaddr_str(&cidr.net, buf);
        g_snprintf(value, value_len, "%s/%d", buf, cidr.prefix);
        return true;
    case IOC_DOMAIN:
        if (!ioc_name_normalize(v, buf, sizeof buf) || !is_domain(buf))
            return *why = "not a domain name", false;
        return put(value, value_len, buf);
    case IOC_JA4:
        if (!ioc_name_normalize(v, buf, sizeof buf) || !is_ja4(buf))
            return *why = "not a JA4 fingerprint (t13d1516h2_<12 hex>_<12 hex>)", false;
        return put(value, value_len, buf);
    case IOC_JA3:
    case IOC_JA3S:
        n = hex_normalize(v, buf, sizeof buf);
        if (n != 32)
            return *why = "not an MD5 (32 hex digits)", false;
        return put(value, value_len, buf);
    case IOC_CERT_SHA1:
        if (hex_normalize(v, buf, sizeof buf) != 40)
            return *why = "not a SHA-1 (40 hex digits)", false;
        return put(value, value_len, buf);
    case IOC_CERT_SHA256:
        if (hex_normalize(v, buf, sizeof buf) != 64)
            return *why = "not a SHA-256 (64 hex digits)", false;
        return put(value, value_len, buf);
    case IOC_TYPE_COUNT:
        break;
    }
    return *why = "unknown type", false;
}

static bool infer(const char *v, IocType *type)
{
    IpAddr ip;
    Cidr cidr;
    char buf[IOC_VALUE_MAX];
    if (strchr(v, '/') && cidr_parse(v, &cidr))
        *type = IOC_CIDR;
    else if (ipaddr_parse(v, &ip))
        *type = IOC_IP;
    else if (ioc_name_normalize(v, buf, sizeof buf) && is_ja4(buf)) /* any case */
        *type = IOC_JA4;
    else if (hex_normalize(v, buf, sizeof buf) == 32)
        *type = IOC_JA3;
    else if (hex_normalize(v, buf, sizeof buf) == 40)
        *type = IOC_CERT_SHA1;
    else if (hex_normalize(v, buf, sizeof buf) == 64)
        *type = IOC_CERT_SHA256;
    else if (ioc_name_normalize(v, buf, sizeof buf) && is_domain(buf))
        *type = IOC_DOMAIN;
    else
        return false;
    return true;
}

/* "http://host:8080/path" -> "host"; NULL when token is no URL. */
static char *url_host(const char *token)
{
    const char *sep = strstr(token, "://");
    if (!sep || sep == token)
        return NULL;
    const char *host = sep + 3;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        host = at + 1;
    size_t n = strcspn(host, "/?#");
    if (host[0] == '[') { /* [IPv6]:port */
        const char *close = memchr(host, ']', n);
        return close ? g_strndup(host + 1, (gsize)(close - host - 1)) : NULL;
    }
    const char *colon = memchr(host, ':', n);
    return g_strndup(host, colon ? (gsize)(colon - host) : n);
}

bool ioc_classify(const char *token, IocType *type, char *value, size_t value_len,
                  const char **why)
{
    char *t = refang(token);
    char *v = t;
    const char *colon = strchr(t, ':');
    bool ok;
    if (colon && !strstr(t, "://")) {
        char *name = g_strndup(t, (gsize)(colon - t));
        bool is_typed = ioc_type_from_name(name, type);
        g_free(name);
        if (is_typed) {
            ok = classify_as(*type, colon + 1, value, value_len, why);
            g_free(t);
            return ok;
        }
    }
    char *host = url_host(t);
    if (host)
        v = host;
    if (!infer(v, type)) {
        *why = "not an indicator (an IP address, a network, a domain, a JA3/JA4 or certificate"
               " hash; or write TYPE:VALUE)";
        ok = false;
    } else {
        ok = classify_as(*type, v, value, value_len, why);
    }
    g_free(host);
    g_free(t);
    return ok;
}
