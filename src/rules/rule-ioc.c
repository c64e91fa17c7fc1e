/*
 * rule-ioc.c - ioc-match: traffic that matches an indicator of the IOC
 * lists loaded into the DB (`otscope ioc load`, `analyze --ioc`).
 *
 * What each type is compared with, among the rows this capture stored:
 *   ip, cidr       either end of a conversation (comms);
 *   domain         the names the store keeps: DNS questions, TLS SNI and
 *                  HTTP Host in operation details (the first detail of
 *                  each client, server and function: a name asked again
 *                  after another is not kept), the name or any subdomain;
 *   ja3, ja3s, ja4, cert-sha1, cert-sha256
 *                  identity attribute values: the TLS clients'
 *                  fingerprint attributes ("ja3:<md5>", "ja4:t13d..."),
 *                  and bare hashes whatever the attribute is called
 *                  (certificate hashes): a hash matches no other value.
 * One finding per indicator and plant host (the end that is not the
 * indicator), so a bad address reached by ten hosts is ten rows and a
 * host's hundred connections to it one.  High by default; a domain only
 * asked in DNS, with no connection to it seen, is medium (the name was
 * wanted, a resolver or firewall may have stopped it); a match on a
 * conversation in an industrial protocol is critical.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "cidr.h"
#include "ioc-match.h"
#include "rules-int.h"

typedef struct Ioc {
    IocType type;
    char *value;
    char *note;
    char *source;
    int64_t line;
    Cidr cidr;
} Ioc;

typedef struct Lists {
    GPtrArray *all;       /* Ioc*, owns them */
    GHashTable *by_value; /* "type:value" -> Ioc* (ip, domain, fingerprints) */
    /* networks are found by masking an address to each prefix length a
     * listed network has (longest first) and looking "cidr:NET/LEN" up in
     * by_value: a feed of thousands of networks costs a few lookups per
     * address, not a scan */
    bool has_v4_prefix[33];
    bool has_v6_prefix[129];
    size_t n_names;
    size_t n_prints;
} Lists;

static void ioc_free(gpointer p)
{
    Ioc *i = p;
    g_free(i->value);
    g_free(i->note);
    g_free(i->source);
    g_free(i);
}

static bool lists_load(RuleCtx *ctx, Lists *l)
{
    l->all = g_ptr_array_new_with_free_func(ioc_free);
    l->by_value = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    sqlite3_stmt *st = rule_query(ctx, "SELECT type, value, note, source, line FROM iocs"
                                       " ORDER BY ioc_id");
    while (rule_step(ctx, st)) {
        IocType t;
        if (!ioc_type_from_name(rule_text(st, 0), &t))
            continue; /* checked on load: a hand-edited row */
        Ioc *i = g_new0(Ioc, 1);
        i->type = t;
        i->value = g_strdup(rule_text(st, 1));
        i->note = g_strdup(rule_text(st, 2));
        i->source = g_strdup(rule_text(st, 3));
        i->line = rule_int(st, 4);
        g_ptr_array_add(l->all, i);
        if (t == IOC_CIDR) {
            if (!cidr_parse(i->value, &i->cidr))
                continue;
            if (i->cidr.is_v4)
                l->has_v4_prefix[i->cidr.prefix] = true;
            else
                l->has_v6_prefix[i->cidr.prefix] = true;
        }
        g_hash_table_insert(l->by_value, g_strdup_printf("%s:%s", ioc_type_name(t), i->value), i);
        l->n_names += t == IOC_DOMAIN;
        l->n_prints += ioc_type_is_fingerprint(t);
    }
    return ctx->ok && l->all->len > 0;
}

static void lists_clear(Lists *l)
{
    if (l->by_value)
        g_hash_table_destroy(l->by_value);
    if (l->all)
        g_ptr_array_unref(l->all);
}

static const Ioc *lookup(const Lists *l, IocType t, const char *value)
{
    char *k = g_strdup_printf("%s:%s", ioc_type_name(t), value);
    const Ioc *i = g_hash_table_lookup(l->by_value, k);
    g_free(k);
    return i;
}

/* The indicator an address matches: the address itself first, then the
 * most specific listed network that holds it. */
static const Ioc *address_match(const Lists *l, const char *addr)
{
    IpAddr ip;
    char buf[64];
    if (!ipaddr_parse(addr, &ip))
        return NULL;
    const Ioc *i = lookup(l, IOC_IP, ipaddr_str(&ip, buf));
    bool is_v4 = ipaddr_is_v4(&ip);
    const bool *has = is_v4 ? l->has_v4_prefix : l->has_v6_prefix;
    for (int len = is_v4 ? 32 : 128; !i && len >= 0; len--) {
        if (!has[len])
            continue;
        char net[80];
        Cidr c;
        g_snprintf(net, sizeof net, "%s/%d", buf, len);
        if (cidr_parse(net, &c)) {
            g_snprintf(net, sizeof net, "%s/%d", ipaddr_str(&c.net, buf), len);
            ipaddr_str(&ip, buf);
            i = lookup(l, IOC_CIDR, net);
        }
    }
    return i;
}

/* The domain indicator a name falls under: the name or a parent. */
static const Ioc *name_match(const Lists *l, const char *name)
{
    char norm[IOC_VALUE_MAX];
    if (l->n_names == 0 || !ioc_name_normalize(name, norm, sizeof norm))
        return NULL;
    for (const char *p = norm; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
        const Ioc *i = lookup(l, IOC_DOMAIN, p);
        if (i)
            return i;
    }
    return NULL;
}

static char *ioc_text(const Ioc *i)
{
    return g_strdup_printf("%s:%" G_GINT64_FORMAT " %s %s%s%s%s", i->source, i->line,
                           ioc_type_name(i->type), i->value, i->note[0] ? " (" : "", i->note,
                           i->note[0] ? ")" : "");
}

/* The finding of indicator i and plant host host, titled after it. */
static Finding *hit_ioc(RuleCtx *ctx, const Ioc *i, const char *host, const Hit *hit,
                        bool *is_new)
{
    char *key = g_strdup_printf("%s:%s|%s", ioc_type_name(i->type), i->value, host);
    *is_new = !g_hash_table_contains(ctx->by_key, key);
    Finding *f = rule_hit(ctx, key, hit);
    g_free(key);
    char *title = g_strdup_printf("%s %s", ioc_type_name(i->type), i->value);
    rule_title(f, title);
    g_free(title);
    return f;
}

static void conversations(RuleCtx *ctx, const Lists *l)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT src, dst, protocol, packets, first_ns, last_ns,"
                                       " first_pkt, coalesce(last_pkt, first_pkt), transport, port"
                                       " FROM comms WHERE capture_id=?1 ORDER BY first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        for (int end = 0; end < 2; end++) {
            const char *addr = end == 0 ? hit.dst : hit.src;
            const char *host = end == 0 ? hit.src : hit.dst;
            const Ioc *i = address_match(l, addr);
            if (!i)
                continue;
            bool is_new;
            Finding *f = hit_ioc(ctx, i, host, &hit, &is_new);
            char *what = ioc_text(i);
            rule_note(ctx, f, "%s -> %s %s %s/%" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT
                      " packets: %s matches %s", hit.src, hit.dst, hit.protocol,
                      rule_text(st, 8), rule_int(st, 9), hit.count, addr, what);
            g_free(what);
            if (rule_is_ot_protocol(hit.protocol))
                rule_raise(f, SEV_CRITICAL);
            break; /* both ends listed: one finding, under the server */
        }
    }
}

/* The name in an operation's detail: "A name" (DNS: the type first),
 * "sni=name" (TLS), "host/target" (HTTP); NULL when there is none. */
static char *detail_name(const char *protocol, const char *detail)
{
    if (strcmp(protocol, proto_name(PROTO_ID(dns))) == 0) {
        const char *space = strrchr(detail, ' ');
        return g_strdup(space ? space + 1 : detail);
    }
    if (strcmp(protocol, proto_name(PROTO_ID(tls))) == 0)
        return g_str_has_prefix(detail, "sni=") ? g_strdup(detail + 4) : NULL;
    if (detail[0] == '/' || detail[0] == '\0')
        return NULL; /* HTTP without a Host header */
    return g_strndup(detail, strcspn(detail, "/"));
}

/* dns_pass: false for the names connections carry (TLS, HTTP), true for
 * DNS questions, judged second so that a name also connected to stays
 * high. */
static void names(RuleCtx *ctx, const Lists *l, bool dns_pass)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT src, dst, protocol, count, first_ns, last_ns,"
                                       " first_pkt, coalesce(last_pkt, first_pkt), detail, function"
                                       " FROM ops WHERE capture_id=?1 AND detail<>''"
                                       " AND protocol IN (?2, ?3) AND count>0 ORDER BY first_pkt");
    if (st && dns_pass) {
        sqlite3_bind_text(st, 2, proto_name(PROTO_ID(dns)), -1, SQLITE_STATIC);
        sqlite3_bind_null(st, 3);
    } else if (st) {
        sqlite3_bind_text(st, 2, proto_name(PROTO_ID(tls)), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, proto_name(PROTO_ID(http)), -1, SQLITE_STATIC);
    }
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        char *name = detail_name(hit.protocol, rule_text(st, 8));
        const Ioc *i = name ? name_match(l, name) : NULL;
        if (i) {
            bool is_new;
            Finding *f = hit_ioc(ctx, i, hit.src, &hit, &is_new);
            char *what = ioc_text(i);
            rule_note(ctx, f, "%s -> %s %s %s %s: %s matches %s", hit.src, hit.dst, hit.protocol,
                      rule_text(st, 9), rule_text(st, 8), name, what);
            g_free(what);
            if (dns_pass && is_new)
                rule_lower(f, SEV_MEDIUM);
        }
        g_free(name);
    }
}

/* A value that names its kind, as the TLS dissector's fingerprint
 * attributes do ("ja3:<md5>", "ja4:t13d..."): the indicator of that type
 * with that hash, or NULL. */
static const Ioc *typed_match(const Lists *l, const char *value)
{
    const char *colon = strchr(value, ':');
    if (!colon || colon - value > 12)
        return NULL;
    char kind[16];
    g_strlcpy(kind, value, (gsize)(colon - value) + 1);
    IocType t;
    if (!ioc_type_from_name(kind, &t) || !ioc_type_is_fingerprint(t))
        return NULL;
    return lookup(l, t, colon + 1);
}

static void fingerprints(RuleCtx *ctx, const Lists *l)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT addr, '', protocol, count, first_ns, last_ns,"
                                       " first_pkt, coalesce(last_pkt, first_pkt), name, value"
                                       " FROM attrs WHERE capture_id=?1 AND length(value)"
                                       " BETWEEN 32 AND 95 ORDER BY first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        char *value = g_ascii_strdown(rule_text(st, 9), -1);
        const Ioc *i = typed_match(l, value);
        /* certificate hashes are often printed "AB:CD:..." */
        if (!i && strchr(value, ':') && strlen(value) >= 59) { /* 20 or 32 hex pairs */
            char *w = value;
            for (const char *r = value; *r; r++)
                if (*r != ':')
                    *w++ = *r;
            *w = '\0';
        }
        for (int t = 0; !i && t < IOC_TYPE_COUNT; t++)
            if (ioc_type_is_fingerprint((IocType)t))
                i = lookup(l, (IocType)t, value);
        if (i) {
            bool is_new;
            Finding *f = hit_ioc(ctx, i, hit.src, &hit, &is_new);
            char *what = ioc_text(i);
            rule_note(ctx, f, "%s %s %s=%s (%" G_GUINT64_FORMAT " times) matches %s", hit.src,
                      hit.protocol, rule_text(st, 8), value, hit.count, what);
            g_free(what);
        }
        g_free(value);
    }
}

static void ioc_run(RuleCtx *ctx)
{
    Lists l;
    memset(&l, 0, sizeof l);
    if (lists_load(ctx, &l)) {
        conversations(ctx, &l);
        if (l.n_names) {
            names(ctx, &l, false);
            names(ctx, &l, true);
        }
        if (l.n_prints)
            fingerprints(ctx, &l);
    }
    lists_clear(&l);
}

const RuleDesc rule_ioc_match = { "ioc-match", ioc_run, 0 };
