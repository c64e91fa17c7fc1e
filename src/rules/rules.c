/*
 * rules.c - the findings engine: the rule registry (rules.def), rule
 * metadata from data/rules.tsv, one run over a capture, and the helpers
 * rule files share (queries, aggregation, evidence text, addresses).
 *
 * A run is read-only SQL over the capture's stored rows, done by the
 * store inside its own transaction.  Each rule aggregates what it sees by
 * a key of its choosing; the engine turns each aggregate into one Finding
 * with the metadata of its rule and evidence that cites the capture file
 * and frame numbers.  The engine knows no rule; rules know no SQLite
 * handle management beyond rule_query()/rule_step().
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/log.h"
#include "otscope/util.h"
#include "rules-int.h"

enum {
    NOTES_SHOWN_MAX = 6, /* evidence lines per finding; the rest are counted */
    RULE_FINDINGS_MAX = 50, /* findings per rule and capture; the rest are folded */
    REGULAR_MIN_READS = 10,
};

static const RuleDesc *const rule_table[] = {
#define RULE(name, family) &rule_##name,
#include "rules.def"
#undef RULE
    NULL,
};

size_t rules_count(void)
{
    return G_N_ELEMENTS(rule_table) - 1;
}

const char *rules_id(size_t i)
{
    return i < rules_count() ? rule_table[i]->id : NULL;
}

void finding_free(Finding *f)
{
    if (!f)
        return;
    g_free(f->key);
    g_free(f->title);
    g_free(f->src);
    g_free(f->dst);
    g_free(f->protocol);
    g_free(f->evidence);
    g_free(f->evidence_secret);
    g_free(f->why);
    g_free(f->recommendation);
    g_free(f->attack_id);
    g_free(f);
}

/* ---- metadata -------------------------------------------------------------- */

static const char rules_file[] = "rules.tsv";

static void meta_free(gpointer p)
{
    RuleMeta *m = p;
    g_free(m->id);
    g_free(m->title);
    g_free(m->attack_id);
    g_free(m->why);
    g_free(m->recommendation);
    g_free(m);
}

char *rules_data_path(const char *file)
{
    return ots_data_path(file);
}

char *rules_meta_path(void)
{
    return rules_data_path(rules_file);
}

/* Columns: id, severity, title, attack_id, why, recommendation. */
enum { META_COLUMNS = 6 };

GPtrArray *rules_meta_load(Err *err)
{
    char *path = rules_meta_path();
    if (!path) {
        err_set(err, ERR_INPUT, "%s: not found in $OTSCOPE_DATA_DIR, %s or %s", rules_file,
                OTS_DATA_DIR, OTS_SOURCE_DATA_DIR);
        return NULL;
    }
    char *text = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error)) {
        err_set(err, ERR_INPUT, "%s: %s", path, error->message);
        g_error_free(error);
        g_free(path);
        return NULL;
    }
    GPtrArray *metas = g_ptr_array_new_with_free_func(meta_free);
    gchar **lines = g_strsplit(text, "\n", -1);
    bool ok = true;
    bool is_header = true;
    for (int i = 0; ok && lines[i]; i++) {
        char *line = lines[i];
        g_strchomp(line);
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (is_header) { /* the column names */
            is_header = false;
            continue;
        }
        gchar **f = g_strsplit(line, "\t", -1);
        Severity sev = SEV_INFO;
        if (g_strv_length(f) != META_COLUMNS) {
            ok = err_set(err, ERR_INPUT, "%s:%d: %u fields, expected %d (tab-separated)", path,
                         i + 1, g_strv_length(f), META_COLUMNS);
        } else if (!severity_from_name(f[1], &sev)) {
            ok = err_set(err, ERR_INPUT, "%s:%d: unknown severity '%s'", path, i + 1, f[1]);
        } else {
            RuleMeta *m = g_new0(RuleMeta, 1);
            m->id = g_strdup(f[0]);
            m->severity = sev;
            m->title = g_strdup(f[2]);
            m->attack_id = g_strdup(f[3]);
            m->why = g_strdup(f[4]);
            m->recommendation = g_strdup(f[5]);
            g_ptr_array_add(metas, m);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    if (!ok) {
        g_ptr_array_unref(metas);
        return NULL;
    }
    return metas;
}

static const RuleMeta *meta_find(GPtrArray *metas, const char *id)
{
    for (guint i = 0; i < metas->len; i++) {
        const RuleMeta *m = g_ptr_array_index(metas, i);
        if (strcmp(m->id, id) == 0)
            return m;
    }
    return NULL;
}

/* ---- queries ---------------------------------------------------------------- */

static void sql_fail(RuleCtx *ctx, const char *what)
{
    if (ctx->ok)
        err_set(ctx->err, ERR_DB, "rule %s: %s: %s", ctx->rule ? ctx->rule->id : "engine", what,
                sqlite3_errmsg(ctx->db));
    ctx->ok = false;
}

sqlite3_stmt *rule_query(RuleCtx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (!ctx->ok)
        return NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sql_fail(ctx, "prepare");
        sqlite3_finalize(st);
        return NULL;
    }
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, ctx->capture_id);
    return st;
}

sqlite3_stmt *rule_query_proto(RuleCtx *ctx, const char *sql, ProtoId proto)
{
    sqlite3_stmt *st = rule_query(ctx, sql);
    if (st)
        sqlite3_bind_text(st, 2, proto_name(proto), -1, SQLITE_STATIC);
    return st;
}

bool rule_step(RuleCtx *ctx, sqlite3_stmt *st)
{
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        sql_fail(ctx, "query");
    sqlite3_finalize(st);
    return false;
}

const char *rule_text(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t ? t : "";
}

void rule_hit_columns(sqlite3_stmt *st, int col, Hit *hit)
{
    hit->src = rule_text(st, col);
    hit->dst = rule_text(st, col + 1);
    hit->protocol = rule_text(st, col + 2);
    hit->count = (uint64_t)rule_int(st, col + 3);
    hit->first_ns = rule_int(st, col + 4);
    hit->last_ns = rule_int(st, col + 5);
    hit->first_pkt = (uint64_t)rule_int(st, col + 6);
    hit->last_pkt = (uint64_t)rule_int(st, col + 7);
}

/* ---- aggregation ------------------------------------------------------------- */

static void widen(Finding *f, const Hit *hit)
{
    f->count += hit->count;
    if (hit->first_ns && (!f->first_ns || hit->first_ns < f->first_ns))
        f->first_ns = hit->first_ns;
    if (hit->last_ns > f->last_ns)
        f->last_ns = hit->last_ns;
    if (hit->first_pkt && (!f->first_pkt || hit->first_pkt < f->first_pkt))
        f->first_pkt = hit->first_pkt;
    if (hit->last_pkt > f->last_pkt)
        f->last_pkt = hit->last_pkt;
    if (f->last_pkt < f->first_pkt)
        f->last_pkt = f->first_pkt;
}

Finding *rule_hit(RuleCtx *ctx, const char *key, const Hit *hit)
{
    Finding *f = g_hash_table_lookup(ctx->by_key, key);
    if (!f) {
        f = g_new0(Finding, 1);
        f->rule = ctx->rule->id;
        f->severity = ctx->meta->severity;
        f->key = g_strdup_printf("%s:%s", ctx->rule->id, key); /* unique across rules */
        f->title = g_strdup(ctx->meta->title);
        f->src = g_strdup(hit->src ? hit->src : "");
        f->dst = g_strdup(hit->dst ? hit->dst : "");
        f->protocol = g_strdup(hit->protocol ? hit->protocol : "");
        f->why = g_strdup(ctx->meta->why);
        f->recommendation = g_strdup(ctx->meta->recommendation);
        f->attack_id = g_strdup(ctx->meta->attack_id);
        g_hash_table_insert(ctx->by_key, g_strdup(key), f);
        g_ptr_array_add(ctx->out, f);
    }
    widen(f, hit);
    return f;
}

Finding *rule_hitf(RuleCtx *ctx, const Hit *hit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *key = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    Finding *f = rule_hit(ctx, key, hit);
    g_free(key);
    return f;
}

static GPtrArray *notes_of(GHashTable *t, Finding *f)
{
    GPtrArray *notes = g_hash_table_lookup(t, f);
    if (!notes) {
        notes = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(t, f, notes);
    }
    return notes;
}

static bool has_note(const GPtrArray *notes, const char *text)
{
    for (guint i = 0; i < notes->len; i++)
        if (strcmp(g_ptr_array_index(notes, i), text) == 0)
            return true;
    return false;
}

static void add_note(RuleCtx *ctx, Finding *f, const char *masked, const char *plain)
{
    GPtrArray *notes = notes_of(ctx->notes, f);
    if (has_note(notes, masked))
        return;
    g_ptr_array_add(notes, g_strdup(masked));
    bool has_plain = g_hash_table_contains(ctx->plain, f);
    if (!has_plain && strcmp(masked, plain) == 0)
        return;
    GPtrArray *clear = notes_of(ctx->plain, f);
    if (!has_plain) /* the plain list starts as a copy of the masked one */
        for (guint i = 0; i + 1 < notes->len; i++)
            g_ptr_array_add(clear, g_strdup(g_ptr_array_index(notes, i)));
    g_ptr_array_add(clear, g_strdup(plain));
}

void rule_note(RuleCtx *ctx, Finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    add_note(ctx, f, text, text);
    g_free(text);
}

void rule_note_secret(RuleCtx *ctx, Finding *f, const char *masked, const char *plain)
{
    add_note(ctx, f, masked, plain);
}

void rule_title(Finding *f, const char *detail)
{
    if (!detail || !detail[0] || strstr(f->title, ": "))
        return;
    char *t = g_strdup_printf("%s: %s", f->title, detail);
    g_free(f->title);
    f->title = t;
}

/* Severity enums run from critical (0) to info: "higher" is smaller. */
void rule_raise(Finding *f, Severity sev)
{
    if (sev < f->severity)
        f->severity = sev;
}

void rule_lower(Finding *f, Severity sev)
{
    if (sev > f->severity)
        f->severity = sev;
}

static char *frames_text(const RuleCtx *ctx, const Finding *f)
{
    if (!f->first_pkt)
        return g_strdup(ctx->capture_name);
    if (f->last_pkt <= f->first_pkt)
        return g_strdup_printf("%s frame %" G_GUINT64_FORMAT, ctx->capture_name, f->first_pkt);
    return g_strdup_printf("%s frames %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
                           ctx->capture_name, f->first_pkt, f->last_pkt);
}

static char *evidence_text(const RuleCtx *ctx, const Finding *f, const GPtrArray *notes)
{
    GString *s = g_string_new(NULL);
    char *frames = frames_text(ctx, f);
    g_string_append(s, frames);
    g_free(frames);
    for (guint i = 0; notes && i < notes->len && i < NOTES_SHOWN_MAX; i++)
        g_string_append_printf(s, "%s%s", i ? "; " : ": ", (const char *)g_ptr_array_index(notes, i));
    if (notes && notes->len > NOTES_SHOWN_MAX)
        g_string_append_printf(s, "; and %u more", notes->len - NOTES_SHOWN_MAX);
    return g_string_free(s, FALSE);
}

static gboolean is_folded(gpointer key, gpointer value, gpointer folded)
{
    (void)key;
    return g_hash_table_contains(folded, value);
}

/* A rule that finds more than RULE_FINDINGS_MAX things in one capture
 * keeps the first ones and folds the rest into one finding that counts
 * them: the findings table must stay readable whatever the capture. */
static void fold_excess(RuleCtx *ctx, guint first)
{
    guint n = ctx->out->len - first;
    if (n <= RULE_FINDINGS_MAX)
        return;
    guint from = first + RULE_FINDINGS_MAX - 1;
    Hit none = { "", "", "", 0, 0, 0, 0, 0 };
    Finding fold;
    memset(&fold, 0, sizeof fold);
    const Finding *example = g_ptr_array_index(ctx->out, from);
    char *first_one = g_strdup_printf("%s %s>%s", example->title, example->src, example->dst);
    /* by_key is emptied of them in one pass: a pass per folded finding
     * was quadratic (minutes for a rule with 100 k hits) */
    GHashTable *folded = g_hash_table_new(NULL, NULL);
    for (guint i = from; i < ctx->out->len; i++) {
        Finding *f = g_ptr_array_index(ctx->out, i);
        Hit h = { "", "", "", f->count, f->first_ns, f->last_ns, f->first_pkt, f->last_pkt };
        widen(&fold, &h);
        g_hash_table_remove(ctx->notes, f);
        g_hash_table_remove(ctx->plain, f);
        g_hash_table_add(folded, f);
    }
    g_hash_table_foreach_remove(ctx->by_key, is_folded, folded);
    g_hash_table_unref(folded);
    g_ptr_array_remove_range(ctx->out, from, ctx->out->len - from);
    Finding *f = rule_hit(ctx, "more", &none);
    Hit all = { "", "", "", fold.count, fold.first_ns, fold.last_ns, fold.first_pkt,
                fold.last_pkt };
    widen(f, &all);
    rule_title(f, "more of the same");
    rule_note(ctx, f, "%u more findings of this rule, folded into this one (the first: %s)",
              n - RULE_FINDINGS_MAX + 1, first_one);
    g_free(first_one);
}

static void finish_findings(RuleCtx *ctx, guint first)
{
    fold_excess(ctx, first);
    for (guint i = first; i < ctx->out->len; i++) {
        Finding *f = g_ptr_array_index(ctx->out, i);
        f->evidence = evidence_text(ctx, f, g_hash_table_lookup(ctx->notes, f));
        GPtrArray *plain = g_hash_table_lookup(ctx->plain, f);
        if (plain)
            f->evidence_secret = evidence_text(ctx, f, plain);
    }
}

/* ---- the run --------------------------------------------------------------- */

static void capture_span(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT path, first_ns, last_ns FROM captures"
                                       " WHERE capture_id=?1");
    char *path = NULL;
    if (rule_step(ctx, st)) {
        path = g_strdup(rule_text(st, 0));
        ctx->cap_first_ns = rule_int(st, 1);
        ctx->cap_last_ns = rule_int(st, 2);
        sqlite3_finalize(st);
    }
    ctx->capture_name = path && path[0] ? g_path_get_basename(path) : g_strdup("capture");
    g_free(path);
    st = rule_query(ctx, "SELECT max(gap) FROM (SELECT minute - lag(minute) OVER"
                         " (ORDER BY minute) AS gap FROM (SELECT DISTINCT minute"
                         " FROM comm_minutes m JOIN comms c USING (comm_id)"
                         " WHERE c.capture_id=?1))");
    if (rule_step(ctx, st)) {
        ctx->is_continuous = rule_int(st, 0) <= RULES_GAP_MAX_MINUTES;
        sqlite3_finalize(st);
    }
    if (ctx->cap_first_ns && ctx->cap_last_ns)
        return;
    /* still running (live batches): the rows say how far it has come */
    st = rule_query(ctx, "SELECT min(first_ns), max(last_ns) FROM endpoints WHERE capture_id=?1");
    if (rule_step(ctx, st)) {
        ctx->cap_first_ns = rule_int(st, 0);
        ctx->cap_last_ns = rule_int(st, 1);
        sqlite3_finalize(st);
    }
}

bool rules_run(sqlite3 *db, int64_t capture_id, GPtrArray *out, Err *err)
{
    GPtrArray *metas = rules_meta_load(err);
    if (!metas)
        return false;
    RuleCtx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.db = db;
    ctx.capture_id = capture_id;
    ctx.out = out;
    ctx.err = err;
    ctx.ok = true;
    ctx.strings = g_string_chunk_new(4096);
    for (size_t i = 0; rule_table[i] && ctx.ok; i++)
        if (!meta_find(metas, rule_table[i]->id))
            ctx.ok = err_set(err, ERR_INPUT, "rules.tsv has no row for rule '%s'",
                             rule_table[i]->id);
    if (ctx.ok)
        capture_span(&ctx);
    for (size_t i = 0; rule_table[i] && ctx.ok; i++) {
        ctx.rule = rule_table[i];
        ctx.meta = meta_find(metas, ctx.rule->id);
        ctx.by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        ctx.notes = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                          (GDestroyNotify)g_ptr_array_unref);
        ctx.plain = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                          (GDestroyNotify)g_ptr_array_unref);
        guint first = out->len;
        int64_t started_us = g_get_monotonic_time();
        ctx.rule->run(&ctx);
        log_verbose("rule %s: %u findings in %.1f ms", ctx.rule->id, out->len - first,
                    (double)(g_get_monotonic_time() - started_us) / 1000.0);
        finish_findings(&ctx, first);
        g_hash_table_destroy(ctx.by_key);
        g_hash_table_destroy(ctx.notes);
        g_hash_table_destroy(ctx.plain);
    }
    g_free(ctx.capture_name);
    g_string_chunk_free(ctx.strings);
    g_ptr_array_unref(metas);
    return ctx.ok;
}

/* ---- shared knowledge -------------------------------------------------------- */

AddrKind rule_addr_kind(const char *addr)
{
    if (!addr || !addr[0])
        return ADDR_EMPTY;
    MacAddr mac;
    if (strlen(addr) == 17 && macaddr_parse(addr, &mac))
        return macaddr_is_group(&mac) ? ADDR_GROUP : ADDR_MAC;
    IpAddr ip;
    if (!ipaddr_parse(addr, &ip))
        return ADDR_EMPTY;
    if (ipaddr_is_zero(&ip) || ipaddr_is_multicast(&ip) || ipaddr_is_broadcast_v4(&ip))
        return ADDR_GROUP;
    /* a directed broadcast: the mask is unknown, but .255 hosts are rare */
    if (ipaddr_is_v4(&ip) && (ipaddr_v4(&ip) & 0xff) == 0xff)
        return ADDR_GROUP;
    return ipaddr_is_private(&ip) ? ADDR_LOCAL : ADDR_PUBLIC;
}

static const ProtoId ot_protocols[] = {
    PROTO_ID(cotp),  PROTO_ID(s7comm), PROTO_ID(s7comm_plus), PROTO_ID(mms),
    PROTO_ID(modbus), PROTO_ID(enip), PROTO_ID(cip),    PROTO_ID(dnp3),
    PROTO_ID(iec104), PROTO_ID(bacnet), PROTO_ID(opcua), PROTO_ID(slmp),
    PROTO_ID(fins),  PROTO_ID(hart_ip), PROTO_ID(goose), PROTO_ID(sv),
    PROTO_ID(profinet_dcp), PROTO_ID(profinet_rt), PROTO_ID(ethercat), PROTO_ID(srtp),
    PROTO_ID(codesys), PROTO_ID(codesys_v2), PROTO_ID(cclink_ie_fb),
};

bool rule_is_ot_protocol(const char *protocol)
{
    ProtoId id;
    if (!proto_from_name(protocol, &id))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(ot_protocols); i++)
        if (ot_protocols[i] == id)
            return true;
    return false;
}

bool rule_is_regular_master(RuleCtx *ctx, const char *src, const char *dst)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT sum(CASE WHEN capture_id=?1 THEN count END),"
                                  " min(CASE WHEN capture_id=?1 THEN first_ns END),"
                                  " max(CASE WHEN capture_id=?1 THEN last_ns END),"
                                  " sum(CASE WHEN capture_id<>?1 THEN count END)"
                                  " FROM ops WHERE src=?2 AND dst=?3 AND count>0"
                                  " AND class IN ('read','diagnostic')");
    if (!st)
        return false;
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dst, -1, SQLITE_STATIC);
    bool is_regular = false;
    if (rule_step(ctx, st)) {
        int64_t reads = rule_int(st, 0);
        int64_t span = rule_int(st, 2) - rule_int(st, 1);
        int64_t other_reads = rule_int(st, 3);
        int64_t cap_span = ctx->cap_last_ns - ctx->cap_first_ns;
        /* polls across at least half the capture, or did so in another capture */
        is_regular = (reads >= REGULAR_MIN_READS && span * 2 >= cap_span) ||
                     other_reads >= REGULAR_MIN_READS;
        sqlite3_finalize(st);
    }
    return is_regular;
}

const char *rule_client_of(RuleCtx *ctx, const char *a, const char *b, const char *protocol)
{
    /* CIP rides in enip conversations, S7comm in s7comm ones: fall back to
     * any conversation of the pair.  One branch per direction: with an OR
     * of the two, SQLite searched the unique index by capture_id alone
     * and read every comm of the capture per call (20 min on a 1 M-comm
     * DB with 692 program ops). */
    sqlite3_stmt *st = rule_query(ctx, "SELECT src FROM (SELECT src, protocol, packets FROM comms"
                                       " WHERE capture_id=?1 AND src=?2 AND dst=?3"
                                       " UNION ALL SELECT src, protocol, packets FROM comms"
                                       " WHERE capture_id=?1 AND src=?3 AND dst=?2)"
                                       " ORDER BY protocol<>?4, packets DESC LIMIT 1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, protocol, -1, SQLITE_STATIC);
    const char *client = NULL;
    if (rule_step(ctx, st)) {
        client = g_string_chunk_insert_const(ctx->strings, rule_text(st, 0));
        sqlite3_finalize(st);
    }
    return client;
}
