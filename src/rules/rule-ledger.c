/*
 * rule-ledger.c - ledger-unlisted, ledger-missing, ledger-mismatch: the
 * plant's asset ledger (`otscope ledger import`) against what the
 * network shows (matching in ledger-match.c).
 *
 *   ledger-unlisted  a device that sent traffic in this capture and is on
 *                    no ledger row;
 *   ledger-missing   a ledger row no device of the DB answers.  It is a
 *                    fact about the whole DB, not one capture: it is
 *                    reported with the newest capture only (older
 *                    captures drop it when judged again);
 *   ledger-mismatch  a device of this capture whose vendor, model,
 *                    firmware, name, MAC or IP differs from its row:
 *                    high for another MAC on a listed address (replaced
 *                    or impersonated hardware), medium for model and
 *                    firmware, low for names and vendors.
 * All three are silent while the ledger is empty.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "ledger-match.h"
#include "rules-int.h"
#include "site-rules.h"

typedef struct Judge {
    RuleCtx *ctx;
    GHashTable *seen;
    LedgerVerdict wanted;
    const char *label; /* the newest capture / this capture */
} Judge;

static bool has_ledger(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx, "SELECT EXISTS (SELECT 1 FROM ledger)");
    bool has = false;
    if (rule_step(ctx, st)) {
        has = rule_int(st, 0) != 0;
        sqlite3_finalize(st);
    }
    return has;
}

static char *first_of(const char *list)
{
    return g_strndup(list, strcspn(list, ";"));
}

static char *entry_text(const LedgerEntry *e)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "ledger line %" G_GINT64_FORMAT ":", e->line);
    const char *parts[] = { e->name, e->ip, e->mac, e->vendor, e->model, e->firmware, e->location };
    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++)
        if (parts[i][0])
            g_string_append_printf(s, " %s", parts[i]);
    return g_string_free(s, FALSE);
}

static void on_event(const LedgerEvent *ev, void *user)
{
    Judge *j = user;
    RuleCtx *ctx = j->ctx;
    if (ev->verdict != j->wanted || !ctx->ok)
        return;
    if (ev->verdict == LEDGER_MISSING) {
        const LedgerEntry *e = ev->entry;
        const char *addr = e->ip[0] ? e->ip : (e->mac[0] ? e->mac : e->name);
        Hit hit = { addr, "", "", 1, ctx->cap_first_ns, ctx->cap_last_ns, 0, 0 };
        Finding *f = rule_hitf(ctx, &hit, "line%" G_GINT64_FORMAT ":%s", e->line, addr);
        rule_title(f, e->name[0] ? e->name : addr);
        char *text = entry_text(e);
        rule_note(ctx, f, "%s: no device with this MAC, IP or name was seen in any capture of "
                  "the DB", text);
        g_free(text);
        return;
    }
    const SeenAsset *a = ev->asset;
    const AssetSeen *s = g_hash_table_lookup(j->seen, &a->asset_id);
    if (!s)
        return;
    char *addr = a->ips[0] ? first_of(a->ips) : g_strdup(a->mac);
    Hit hit;
    seen_asset_hit(s, addr, &hit);
    if (ev->verdict == LEDGER_UNLISTED) {
        Finding *f = rule_hit(ctx, a->asset_key, &hit);
        const char *vendors = a->vendors;
        rule_note(ctx, f, "%s%s%s%s%s%s%s is on no row of the ledger", a->mac[0] ? a->mac : addr,
                  a->mac[0] && a->ips[0] ? " " : "", a->mac[0] ? a->ips : "",
                  a->names[0] ? " " : "", a->names, vendors[0] ? ", vendor " : "", vendors);
    } else {
        Finding *f = rule_hitf(ctx, &hit, "%s:%s", a->asset_key, ev->field);
        char *title = g_strdup_printf("%s of %s", ev->field, addr);
        rule_title(f, title);
        g_free(title);
        rule_note(ctx, f, "%s: %s seen %s, ledger line %" G_GINT64_FORMAT " says %s", addr,
                  ev->field, ev->seen, ev->entry->line, ev->listed);
        if (strcmp(ev->field, "mac") == 0)
            rule_raise(f, SEV_HIGH);
        else if (strcmp(ev->field, "name") == 0 || strcmp(ev->field, "vendor") == 0)
            rule_lower(f, SEV_LOW);
    }
    g_free(addr);
}

static void judge(RuleCtx *ctx, LedgerVerdict wanted)
{
    if (!has_ledger(ctx))
        return;
    Judge j = { ctx, NULL, wanted, NULL };
    if (wanted == LEDGER_MISSING) {
        /* a DB-wide fact: reported with the newest capture only */
        sqlite3_stmt *st = rule_query(ctx, "SELECT max(capture_id) FROM captures");
        bool is_newest = false;
        if (rule_step(ctx, st)) {
            is_newest = rule_int(st, 0) == ctx->capture_id;
            sqlite3_finalize(st);
        }
        if (!is_newest)
            return;
    } else {
        j.seen = seen_assets(ctx);
        if (!j.seen)
            return;
    }
    Err err;
    err_clear(&err);
    if (!ledger_reconcile(ctx->db, on_event, &j, &err) && ctx->ok) {
        *ctx->err = err;
        ctx->ok = false;
    }
    if (j.seen)
        g_hash_table_unref(j.seen);
}

static void ledger_run(RuleCtx *ctx)
{
    judge(ctx, (LedgerVerdict)ctx->rule->arg);
}

const RuleDesc rule_ledger_unlisted = { "ledger-unlisted", ledger_run, LEDGER_UNLISTED };
const RuleDesc rule_ledger_missing = { "ledger-missing", ledger_run, LEDGER_MISSING };
const RuleDesc rule_ledger_mismatch = { "ledger-mismatch", ledger_run, LEDGER_MISMATCH };
