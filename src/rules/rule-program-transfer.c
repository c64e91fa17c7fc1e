/*
 * rule-program-transfer.c - program-transfer: control logic or firmware
 * moving to or from a controller (download, upload, delete).
 *
 * Every operation the dissectors class as "program" counts: S7 block
 * download/upload/delete and PI services that insert or delete blocks,
 * MMS domain and program-invocation services, Modbus UMAS strategy
 * transfers, FINS program area and file memory, SLMP file commands, DNP3
 * file transfer, BACnet atomic file services.  The direction comes from
 * the function's name (it is what the protocol calls it); the actor is the
 * side that opened the conversation, since in S7 the PLC itself sends the
 * Download Block jobs of a download the engineering station asked for.
 * Downloads and deletes keep the rule's severity; a finding with only
 * uploads or other program services is one step lower (T0845 rather than
 * T0843).
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

typedef enum Kind {
    KIND_DELETE,
    KIND_DOWNLOAD,
    KIND_UPLOAD,
    KIND_OTHER,
    KIND_COUNT
} Kind;

static const char *const kind_names[KIND_COUNT] = { "delete", "download", "upload",
                                                    "program service" };

/* Words of the protocols' own function names, first match wins: upload
 * before download ("uploadSegment" contains "load"). */
static const struct {
    const char *word;
    Kind kind;
} kind_words[] = {
    { "delete", KIND_DELETE },   { "_dele", KIND_DELETE },  { "erase", KIND_DELETE },
    { "clear", KIND_DELETE },    { "format", KIND_DELETE }, { "upload", KIND_UPLOAD },
    { "read", KIND_UPLOAD },     { "obtain", KIND_UPLOAD }, { "download", KIND_DOWNLOAD },
    { "write", KIND_DOWNLOAD },  { "_inse", KIND_DOWNLOAD }, { "load", KIND_DOWNLOAD },
    { "store", KIND_DOWNLOAD },  { "create", KIND_DOWNLOAD }, { "copy", KIND_DOWNLOAD },
    { "_modu", KIND_DOWNLOAD },  { "setvarsubstreamed", KIND_DOWNLOAD },
};

static Kind classify(const char *function, const char *detail)
{
    char *text = g_ascii_strdown(function, -1);
    char *more = g_ascii_strdown(detail, -1);
    Kind kind = KIND_OTHER;
    for (size_t i = 0; i < G_N_ELEMENTS(kind_words) && kind == KIND_OTHER; i++)
        if (strstr(text, kind_words[i].word) || strstr(more, kind_words[i].word))
            kind = kind_words[i].kind;
    g_free(text);
    g_free(more);
    return kind;
}

static void program_transfer_run(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT src, dst, protocol, max(count, responses), first_ns,"
                                  " last_ns, first_pkt, last_pkt, function, detail FROM ops"
                                  " WHERE capture_id=?1 AND class='program'"
                                  " ORDER BY first_pkt");
    GHashTable *worst = g_hash_table_new(g_direct_hash, g_direct_equal); /* Finding -> Kind+1 */
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *function = rule_text(st, 8);
        const char *detail = rule_text(st, 9);
        const char *client = rule_client_of(ctx, hit.src, hit.dst, hit.protocol);
        if (client && strcmp(client, hit.dst) == 0) { /* the target sent the jobs */
            hit.dst = hit.src;
            hit.src = client;
        }
        Kind kind = classify(function, detail);
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_note(ctx, f, "%s %s%s%s%s x%" G_GUINT64_FORMAT, hit.protocol, function,
                  detail[0] ? " (" : "", detail, detail[0] ? ")" : "", hit.count);
        Kind was = (Kind)(GPOINTER_TO_INT(g_hash_table_lookup(worst, f)) - 1);
        if (!g_hash_table_contains(worst, f) || kind < was)
            g_hash_table_insert(worst, f, GINT_TO_POINTER(kind + 1));
    }
    GHashTableIter it;
    gpointer f;
    gpointer k;
    g_hash_table_iter_init(&it, worst);
    while (g_hash_table_iter_next(&it, &f, &k)) {
        Kind kind = (Kind)(GPOINTER_TO_INT(k) - 1);
        rule_title(f, kind_names[kind]);
        if (kind == KIND_UPLOAD || kind == KIND_OTHER)
            rule_lower(f, ctx->meta->severity + 1 < SEV_COUNT ? ctx->meta->severity + 1 : SEV_INFO);
    }
    g_hash_table_destroy(worst);
}

const RuleDesc rule_program_transfer = { "program-transfer", program_transfer_run, 0 };
