/*
 * rules-int.h - what a rule file sees: its descriptor type, the context of
 * one run, and the helpers that query the store and aggregate findings.
 *
 * A rule queries this capture's rows with rule_query() (?1 is bound to the
 * capture id), and reports each occurrence with rule_hit(): occurrences
 * with the same key merge into one finding (counts add, the first and last
 * packet widen), so a rule never emits thousands of rows.  rule_note()
 * adds a distinct line of evidence; the engine prefixes the capture file
 * and frames.  Rules never write to the DB.
 */
#ifndef OTS_RULES_RULES_INT_H
#define OTS_RULES_RULES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "dissect.h"
#include "otscope/finding.h"
#include "rules.h"

typedef struct RuleCtx RuleCtx;

typedef struct RuleDesc {
    const char *id;   /* contract rule id: a row of data/rules.tsv */
    void (*run)(RuleCtx *ctx);
    int arg;          /* for families that share one run function */
} RuleDesc;

#define RULE(name, family) extern const RuleDesc rule_##name;
#include "rules.def"
#undef RULE

/* A capture with a longer silence between two minutes of traffic is not
 * one continuous observation (merged files, a capture that stopped and
 * resumed): rules that judge "regular" or "new" do not trust its span. */
enum { RULES_GAP_MAX_MINUTES = 10 };

/* One occurrence (or an aggregate of them) as a rule saw it. */
typedef struct Hit {
    const char *src;
    const char *dst;
    const char *protocol;
    uint64_t count;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t first_pkt;
    uint64_t last_pkt;
} Hit;

struct RuleCtx {
    sqlite3 *db;
    int64_t capture_id;
    const RuleDesc *rule;
    const RuleMeta *meta;
    int64_t cap_first_ns; /* the capture's span (from its rows while it is still running) */
    int64_t cap_last_ns;
    bool is_continuous;   /* no silence longer than RULES_GAP_MAX_MINUTES (not a merge) */
    char *capture_name;   /* base name of the capture file, for evidence */
    GHashTable *by_key;   /* key -> Finding*, this rule's findings so far */
    GHashTable *notes;    /* Finding* -> GPtrArray of notes (masked) */
    GHashTable *plain;    /* Finding* -> GPtrArray of notes (secrets in clear), when any */
    GStringChunk *strings; /* strings borrowed for the run (rule_client_of) */
    GPtrArray *out;
    Err *err;
    bool ok;
};

/* Prepares sql with ?1 bound to the capture id.  NULL (and ctx->ok false,
 * err filled) on an SQL error: callers just stop. */
sqlite3_stmt *rule_query(RuleCtx *ctx, const char *sql);
/* rule_query() with ?2 bound to the name of proto: a rule that reads one
 * protocol's rows. */
sqlite3_stmt *rule_query_proto(RuleCtx *ctx, const char *sql, ProtoId proto);
/* Steps st: true on a row; at the end or on error finalizes it and returns
 * false (an error also clears ctx->ok). */
bool rule_step(RuleCtx *ctx, sqlite3_stmt *st);
/* Column integer as int64_t (printf with G_GINT64_FORMAT). */
static inline int64_t rule_int(sqlite3_stmt *st, int col)
{
    return (int64_t)sqlite3_column_int64(st, col);
}
/* Column text, never NULL. */
const char *rule_text(sqlite3_stmt *st, int col);
/* Fills a Hit from 8 consecutive columns starting at col: src, dst,
 * protocol, count, first_ns, last_ns, first_pkt, last_pkt.  Strings are
 * borrowed from the statement's current row. */
void rule_hit_columns(sqlite3_stmt *st, int col, Hit *hit);

/* The finding of this rule with this key (created with the rule's default
 * severity and title on first use), with hit merged in. */
Finding *rule_hit(RuleCtx *ctx, const char *key, const Hit *hit);
/* rule_hit() with the key printed from fmt. */
Finding *rule_hitf(RuleCtx *ctx, const Hit *hit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a line of evidence (kept once however often it is added). */
void rule_note(RuleCtx *ctx, Finding *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds a line of evidence that contains a secret: masked shows in
 * evidence, plain only in evidence_secret (--show-secrets). */
void rule_note_secret(RuleCtx *ctx, Finding *f, const char *masked, const char *plain);
/* Appends ": detail" to the rule's title (once). */
void rule_title(Finding *f, const char *detail);
/* Raises (never lowers) the severity; rule_lower() lowers it. */
void rule_raise(Finding *f, Severity sev);
void rule_lower(Finding *f, Severity sev);

/* ---- shared knowledge ------------------------------------------------------ */

typedef enum AddrKind {
    ADDR_EMPTY,
    ADDR_MAC,
    ADDR_GROUP,   /* multicast, broadcast (also a.b.c.255), unspecified */
    ADDR_LOCAL,   /* RFC 1918, link-local, loopback, CGN, ULA */
    ADDR_PUBLIC,  /* everything else: the internet */
} AddrKind;

AddrKind rule_addr_kind(const char *addr);
/* True for the industrial protocols (not IT, L2 housekeeping or discovery
 * helpers such as LLDP, ARP, DHCP, DNS). */
bool rule_is_ot_protocol(const char *protocol);
/* True when src polls dst with reads (or other routine requests) across
 * most of the capture: a controller of that device, not a one-off. */
bool rule_is_regular_master(RuleCtx *ctx, const char *src, const char *dst);
/* The client (conversation opener) of the a<->b conversation in protocol,
 * or NULL when comms do not say; valid for the run. */
const char *rule_client_of(RuleCtx *ctx, const char *a, const char *b, const char *protocol);

#endif /* OTS_RULES_RULES_INT_H */
