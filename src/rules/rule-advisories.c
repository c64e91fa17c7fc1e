/*
 * rule-advisories.c - vulnerable-firmware: a device of this capture whose
 * vendor, model and firmware fall under an offline advisory (`otscope
 * advisories import`), with the advisory, CVE, score and fix in the
 * evidence.
 *
 * An advisory names a vendor, a product (and optionally model globs, the
 * way devices name themselves: "1756-L7*", "6ES7 31*") and an affected
 * version range (fw-version.h).  The vendor must match one of the device's
 * vendors (MAC registry or protocol), a model glob (else the product) one
 * of its models or order numbers, and one of its firmware versions the
 * range.  A device whose firmware is unknown matches only advisories that
 * take every version.  A CVE in the CISA KEV catalogue makes the finding
 * critical; a KEV entry no advisory file covers matches on vendor and
 * product alone (KEV has no versions) at medium: check the version by
 * hand.  Otherwise the severity follows the CVSS base score (9+ critical,
 * 7+ high, 4+ medium, else low).
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fw-version.h"
#include "ident-match.h"
#include "rules-int.h"
#include "site-rules.h"

typedef struct Advisory {
    char *advisory;
    char *cve;
    char *vendor;
    char *product;
    char *models;
    char *affected;
    double cvss; /* < 0: none given */
    char *title;
    char *fix;
    char *url;
    char *kev_added; /* CISA KEV date added, or NULL */
    bool is_kev_only;
} Advisory;

static void advisory_clear(gpointer p)
{
    Advisory *a = p;
    g_free(a->advisory);
    g_free(a->cve);
    g_free(a->vendor);
    g_free(a->product);
    g_free(a->models);
    g_free(a->affected);
    g_free(a->title);
    g_free(a->fix);
    g_free(a->url);
    g_free(a->kev_added);
}

static GArray *load_advisories(RuleCtx *ctx)
{
    GArray *advs = g_array_new(FALSE, TRUE, sizeof(Advisory));
    g_array_set_clear_func(advs, advisory_clear);
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT a.advisory, a.cve, a.vendor, a.product, a.models, a.affected,"
             " coalesce(a.cvss, -1), a.title, a.fix, a.url, k.date_added, 0"
             " FROM advisories a LEFT JOIN kev k ON k.cve=a.cve"
             " UNION ALL SELECT k.cve, k.cve, k.vendor, k.product, '', '*', -1, k.name,"
             " k.action, '', k.date_added, 1 FROM kev k"
             " WHERE k.cve NOT IN (SELECT cve FROM advisories)");
    while (rule_step(ctx, st)) {
        Advisory a = { g_strdup(rule_text(st, 0)), g_strdup(rule_text(st, 1)),
                       g_strdup(rule_text(st, 2)), g_strdup(rule_text(st, 3)),
                       g_strdup(rule_text(st, 4)), g_strdup(rule_text(st, 5)),
                       sqlite3_column_double(st, 6), g_strdup(rule_text(st, 7)),
                       g_strdup(rule_text(st, 8)), g_strdup(rule_text(st, 9)),
                       sqlite3_column_type(st, 10) == SQLITE_NULL ? NULL
                                                                  : g_strdup(rule_text(st, 10)),
                       rule_int(st, 11) != 0 };
        g_array_append_val(advs, a);
    }
    return advs;
}

static bool model_fits(const Advisory *a, const char *models)
{
    if (!models[0])
        return false;
    if (a->models[0])
        return ident_glob_matches(a->models, models);
    return a->product[0] && ident_model_matches(a->product, models);
}

/* The device's firmware in range, or "" when it takes every version and
 * the firmware is unknown; NULL when it does not match. */
static const char *firmware_fits(const Advisory *a, const char *firmwares)
{
    if (!firmwares[0])
        return fwrange_is_all(a->affected) ? "" : NULL;
    static char hit[128];
    gchar **fws = g_strsplit(firmwares, ";", -1);
    const char *found = NULL;
    for (gchar **f = fws; *f && !found; f++) {
        if ((*f)[0] && fwrange_contains(a->affected, *f)) {
            g_strlcpy(hit, *f, sizeof hit);
            found = hit;
        }
    }
    g_strfreev(fws);
    return found;
}

static Severity severity_of(const Advisory *a)
{
    if (a->kev_added && !a->is_kev_only)
        return SEV_CRITICAL;
    if (a->is_kev_only)
        return SEV_MEDIUM;
    if (a->cvss >= 9.0)
        return SEV_CRITICAL;
    if (a->cvss >= 7.0)
        return SEV_HIGH;
    if (a->cvss >= 4.0)
        return SEV_MEDIUM;
    return a->cvss >= 0 ? SEV_LOW : SEV_HIGH;
}

static void report(RuleCtx *ctx, const Advisory *a, const AssetSeen *s, sqlite3_stmt *asset,
                   const char *firmware)
{
    const char *ips = rule_text(asset, 2);
    char *addr = ips[0] ? g_strndup(ips, strcspn(ips, ";")) : g_strdup(rule_text(asset, 1));
    Hit hit;
    seen_asset_hit(s, addr, &hit);
    hit.protocol = rule_text(asset, 6);
    Finding *f = rule_hitf(ctx, &hit, "%s:%s:%s", rule_text(asset, 0), a->advisory, a->cve);
    char *title = a->cve[0] && strcmp(a->cve, a->advisory) != 0
                      ? g_strdup_printf("%s (%s)", a->advisory, a->cve)
                      : g_strdup(a->advisory);
    rule_title(f, title);
    g_free(title);
    const char *model = rule_text(asset, 4);
    rule_note(ctx, f, "%s: %s %.*s firmware %s%s%s%s", addr, a->vendor,
              (int)strcspn(model, ";"), model, firmware[0] ? firmware : "unknown",
              hit.protocol[0] ? " (" : "", hit.protocol, hit.protocol[0] ? ")" : "");
    char cvss[32] = "";
    if (a->cvss >= 0)
        g_snprintf(cvss, sizeof cvss, " CVSS %.1f", a->cvss);
    rule_note(ctx, f, "%s %s%s: %s%s%s", a->advisory, a->cve, cvss, a->title,
              a->is_kev_only ? "" : "; affected ",
              a->is_kev_only ? "" : (fwrange_is_all(a->affected) ? "all versions" : a->affected));
    if (a->kev_added)
        rule_note(ctx, f, "CISA KEV: known exploited (listed %s)%s", a->kev_added,
                  a->is_kev_only ? "; KEV gives no versions: check the firmware by hand" : "");
    if (a->fix[0])
        rule_note(ctx, f, "fix: %s", a->fix);
    if (a->url[0])
        rule_note(ctx, f, "%s", a->url);
    f->severity = severity_of(a);
    g_free(addr);
}

static void vulnerable_firmware_run(RuleCtx *ctx)
{
    GArray *advs = load_advisories(ctx);
    if (!ctx->ok || advs->len == 0) {
        g_array_free(advs, TRUE);
        return;
    }
    GHashTable *seen = seen_assets(ctx);
    if (!seen) {
        g_array_free(advs, TRUE);
        return;
    }
#define ATTRS_OF(names)                                                                            \
    "coalesce((SELECT group_concat(value, ';') FROM (SELECT DISTINCT value FROM attrs WHERE"      \
    " name IN " names " AND addr IN (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id UNION"   \
    " SELECT a.mac) ORDER BY value)), '')"
    sqlite3_stmt *st = rule_query(
        ctx, "SELECT a.asset_key, a.mac,"
             " coalesce((SELECT group_concat(ip, ';') FROM (SELECT ip FROM asset_ips"
             "  WHERE asset_id=a.asset_id ORDER BY ip)), ''),"
             " a.vendor || ';' || " ATTRS_OF("('vendor')") ","
             " " ATTRS_OF("('model','order_number')") ", " ATTRS_OF("('firmware')") ","
             " coalesce((SELECT protocol FROM attrs WHERE name='firmware' AND addr IN"
             "  (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id UNION SELECT a.mac)"
             "  ORDER BY confidence DESC LIMIT 1), ''), a.asset_id"
             " FROM assets a ORDER BY a.asset_id");
#undef ATTRS_OF
    while (rule_step(ctx, st)) {
        int64_t id = rule_int(st, 7);
        const AssetSeen *s = g_hash_table_lookup(seen, &id);
        if (!s)
            continue;
        const char *vendors = rule_text(st, 3);
        const char *models = rule_text(st, 4);
        const char *firmwares = rule_text(st, 5);
        for (guint i = 0; i < advs->len && ctx->ok; i++) {
            const Advisory *a = &g_array_index(advs, Advisory, i);
            if (!ident_vendor_matches(a->vendor, vendors))
                continue;
            bool fits = a->is_kev_only ? a->product[0] && ident_model_matches(a->product, models)
                                       : model_fits(a, models);
            if (!fits)
                continue;
            const char *fw = a->is_kev_only ? "" : firmware_fits(a, firmwares);
            if (!fw)
                continue;
            if (a->is_kev_only && firmwares[0])
                fw = firmwares;
            report(ctx, a, s, st, fw);
        }
    }
    g_hash_table_unref(seen);
    g_array_free(advs, TRUE);
}

const RuleDesc rule_vulnerable_firmware = { "vulnerable-firmware", vulnerable_firmware_run, 0 };
