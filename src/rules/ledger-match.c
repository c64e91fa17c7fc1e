/*
 * ledger-match.c - reconciliation of the asset ledger with the resolved
 * assets (contract in ledger-match.h).  Both sides are read into memory:
 * a plant ledger has hundreds or thousands of rows, never millions.
 */
#include "config.h"

#include "ledger-match.h"

#include <string.h>

#include <glib.h>

#include "ident-match.h"
#include "otscope/packet.h"

/* What an asset says about itself: all values of its addresses. */
#define ATTRS_OF(names)                                                                            \
    "(SELECT group_concat(value, ';') FROM (SELECT DISTINCT value FROM attrs WHERE name IN "      \
    names " AND addr IN (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id UNION SELECT a.mac)" \
    " ORDER BY value))"

static const char assets_sql[] =
    "SELECT a.asset_id, a.asset_key, a.kind, a.mac,"
    " (SELECT group_concat(ip, ';') FROM (SELECT ip FROM asset_ips WHERE asset_id=a.asset_id"
    "  ORDER BY ip)),"
    " " ATTRS_OF("('hostname','device_name')") ","
    " trim(a.vendor || ';' || coalesce(" ATTRS_OF("('vendor')") ", ''), ';'),"
    " " ATTRS_OF("('model','order_number')") ","
    " " ATTRS_OF("('firmware')") " FROM assets a ORDER BY a.asset_id";

static const char ledger_sql[] =
    "SELECT ledger_id, line, ip, mac, name, vendor, model, firmware, location FROM ledger"
    " ORDER BY line, ledger_id";

typedef struct Side {
    GPtrArray *strings; /* owns every string below */
    GArray *assets;     /* SeenAsset */
    GArray *entries;    /* LedgerEntry */
} Side;

static const char *keep(Side *side, sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    char *copy = g_strdup(t ? t : "");
    g_ptr_array_add(side->strings, copy);
    return copy;
}

/* Devices that can be on a plant ledger: on a captured segment, or a
 * plant (private) address behind a router. */
static bool is_listable(const char *kind, const char *ips)
{
    if (strcmp(kind, "mac") == 0)
        return true;
    char first[64];
    g_strlcpy(first, ips, sizeof first);
    first[strcspn(first, ";")] = '\0';
    IpAddr ip;
    return ipaddr_parse(first, &ip) && ipaddr_is_private(&ip);
}

static bool load(sqlite3 *db, Side *side, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, assets_sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(err, ERR_DB, "ledger: assets: %s", sqlite3_errmsg(db));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 2);
        const char *ips = (const char *)sqlite3_column_text(st, 4);
        if (!is_listable(kind ? kind : "", ips ? ips : ""))
            continue;
        SeenAsset a = { sqlite3_column_int64(st, 0), keep(side, st, 1), keep(side, st, 3),
                        keep(side, st, 4), keep(side, st, 5), keep(side, st, 6),
                        keep(side, st, 7), keep(side, st, 8) };
        g_array_append_val(side->assets, a);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return err_set(err, ERR_DB, "ledger: assets: %s", sqlite3_errmsg(db));
    if (sqlite3_prepare_v2(db, ledger_sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(err, ERR_DB, "ledger: %s", sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        LedgerEntry e = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                          keep(side, st, 2), keep(side, st, 3), keep(side, st, 4),
                          keep(side, st, 5), keep(side, st, 6), keep(side, st, 7),
                          keep(side, st, 8) };
        g_array_append_val(side->entries, e);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return err_set(err, ERR_DB, "ledger: %s", sqlite3_errmsg(db));
    return true;
}

static bool list_has(const char *list, const char *value)
{
    gchar **vals = g_strsplit(list, ";", -1);
    bool hit = false;
    for (gchar **v = vals; *v && !hit; v++)
        hit = g_ascii_strcasecmp(*v, value) == 0;
    g_strfreev(vals);
    return hit;
}

/* The unclaimed asset a row names: by MAC, else IP, else name. */
static int find_asset(const Side *side, const LedgerEntry *e, const bool *is_claimed,
                      const char **how)
{
    char mac[18];
    bool has_mac = e->mac[0] && ident_mac_normalize(e->mac, mac);
    for (guint i = 0; has_mac && i < side->assets->len; i++) {
        const SeenAsset *a = &g_array_index(side->assets, SeenAsset, i);
        if (!is_claimed[i] && strcmp(a->mac, mac) == 0) {
            *how = "mac";
            return (int)i;
        }
    }
    /* by IP: a device on the segment before one behind a router */
    int by_ip = -1;
    for (guint i = 0; e->ip[0] && i < side->assets->len; i++) {
        const SeenAsset *a = &g_array_index(side->assets, SeenAsset, i);
        if (!is_claimed[i] && list_has(a->ips, e->ip) && (by_ip < 0 || a->mac[0]))
            by_ip = (int)i;
    }
    if (by_ip >= 0) {
        *how = "ip";
        return by_ip;
    }
    for (guint i = 0; e->name[0] && i < side->assets->len; i++) {
        const SeenAsset *a = &g_array_index(side->assets, SeenAsset, i);
        if (!is_claimed[i] && ident_name_matches(e->name, a->names)) {
            *how = "name";
            return (int)i;
        }
    }
    return -1;
}

static void mismatch(LedgerEventFn fn, void *user, const LedgerEntry *e, const SeenAsset *a,
                     const char *field, const char *seen, const char *listed)
{
    LedgerEvent ev = { LEDGER_MISMATCH, e, a, field, seen, listed };
    fn(&ev, user);
}

static void compare(LedgerEventFn fn, void *user, const LedgerEntry *e, const SeenAsset *a,
                    const char *how)
{
    char mac[18];
    if (strcmp(how, "mac") != 0 && e->mac[0] && a->mac[0] && ident_mac_normalize(e->mac, mac) &&
        strcmp(mac, a->mac) != 0)
        mismatch(fn, user, e, a, "mac", a->mac, e->mac);
    if (strcmp(how, "ip") != 0 && e->ip[0] && a->ips[0] && !list_has(a->ips, e->ip))
        mismatch(fn, user, e, a, "ip", a->ips, e->ip);
    if (e->name[0] && a->names[0] && !ident_name_matches(e->name, a->names))
        mismatch(fn, user, e, a, "name", a->names, e->name);
    if (e->vendor[0] && a->vendors[0] && !ident_vendor_matches(e->vendor, a->vendors))
        mismatch(fn, user, e, a, "vendor", a->vendors, e->vendor);
    if (e->model[0] && a->models[0] && !ident_model_matches(e->model, a->models))
        mismatch(fn, user, e, a, "model", a->models, e->model);
    if (e->firmware[0] && a->firmwares[0] && !ident_firmware_matches(e->firmware, a->firmwares))
        mismatch(fn, user, e, a, "firmware", a->firmwares, e->firmware);
}

bool ledger_reconcile(sqlite3 *db, LedgerEventFn fn, void *user, Err *err)
{
    Side side = { g_ptr_array_new_with_free_func(g_free),
                  g_array_new(FALSE, FALSE, sizeof(SeenAsset)),
                  g_array_new(FALSE, FALSE, sizeof(LedgerEntry)) };
    bool ok = load(db, &side, err);
    bool *is_claimed = g_new0(bool, side.assets->len + 1);
    for (guint r = 0; ok && r < side.entries->len; r++) {
        const LedgerEntry *e = &g_array_index(side.entries, LedgerEntry, r);
        const char *how = NULL;
        int i = find_asset(&side, e, is_claimed, &how);
        if (i < 0) {
            LedgerEvent ev = { LEDGER_MISSING, e, NULL, NULL, NULL, NULL };
            fn(&ev, user);
            continue;
        }
        is_claimed[i] = true;
        const SeenAsset *a = &g_array_index(side.assets, SeenAsset, i);
        LedgerEvent ev = { LEDGER_MATCHED, e, a, how, NULL, NULL };
        fn(&ev, user);
        compare(fn, user, e, a, how);
    }
    for (guint i = 0; ok && i < side.assets->len; i++) {
        if (is_claimed[i])
            continue;
        LedgerEvent ev = { LEDGER_UNLISTED, NULL, &g_array_index(side.assets, SeenAsset, i),
                           NULL, NULL, NULL };
        fn(&ev, user);
    }
    g_free(is_claimed);
    g_array_free(side.entries, TRUE);
    g_array_free(side.assets, TRUE);
    g_ptr_array_unref(side.strings);
    return ok;
}
