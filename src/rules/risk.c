/*
 * risk.c - the asset risk score, 0..100, from everything in the DB.
 *
 *   score = round(role_factor * (F + E + S)), clamped to 0..100
 *   F  findings: per finding naming the asset as source or target,
 *      critical 40, high 20, medium 8, low 2, info 0; at most 60
 *   E  exposure: 20 when an internet address opened a conversation to
 *      it, 10 when it only reaches out to internet addresses, else 0
 *   S  insecure services: 5 per distinct insecure-protocol or
 *      cleartext-credentials finding naming it as the server; at most 20
 *   role_factor: 1.0 plc, rtu, ied (or an unknown role serving an
 *      industrial protocol); 0.85 hmi, scada, engineering-workstation,
 *      historian (or an unknown role that is an industrial client); 0.7
 *      network-device, server; 0.6 anything else
 * The same text is in man/otscope.1 (FINDINGS) and README.md; change
 * them together.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    F_MAX = 60,
    E_INBOUND = 20,
    E_OUTBOUND = 10,
    S_PER_SERVICE = 5,
    S_MAX = 20,
    SCORE_MAX = 100,
};

static const int severity_weight[SEV_COUNT] = {
    [SEV_CRITICAL] = 40, [SEV_HIGH] = 20, [SEV_MEDIUM] = 8, [SEV_LOW] = 2, [SEV_INFO] = 0,
};

typedef struct AddrFacts {
    bool is_inbound;  /* an internet address opened a conversation to it */
    bool is_outbound; /* it opened one to an internet address */
    bool serves_ot;
    bool is_ot_client;
} AddrFacts;

typedef struct AssetAcc {
    int64_t asset_id;
    char role[32];
    int findings;
    bool is_inbound;
    bool is_outbound;
    bool serves_ot;
    bool is_ot_client;
    GHashTable *services; /* distinct insecure services (finding titles) it serves */
} AssetAcc;

static void acc_free(gpointer p)
{
    AssetAcc *a = p;
    g_hash_table_destroy(a->services);
    g_free(a);
}

static bool fail(sqlite3 *db, Err *err, sqlite3_stmt *st)
{
    err_set(err, ERR_DB, "risk score: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return false;
}

/* The three queries, for every asset or for the touched ones (each
 * address's conversations found through comms_pair and comms_dst). */
static const char *const sql_facts[2] = {
    "SELECT DISTINCT src, dst, protocol FROM comms",
    "SELECT src, dst, protocol FROM comms WHERE src IN (SELECT addr FROM temp.role_addr)"
    " UNION SELECT src, dst, protocol FROM comms WHERE dst IN (SELECT addr FROM temp.role_addr)",
};
static const char *const sql_asset_addrs[2] = {
    "SELECT a.asset_id, a.role, i.ip FROM assets a"
    " LEFT JOIN asset_ips i USING (asset_id)"
    " UNION SELECT asset_id, role, mac FROM assets WHERE mac<>''"
    " ORDER BY 1",
    "SELECT a.asset_id, a.role, r.addr FROM temp.role_ids d JOIN assets a USING (asset_id)"
    " LEFT JOIN temp.role_addr r USING (asset_id) ORDER BY 1",
};
/* Each finding once per asset it names: one join per side, not a join
 * on (src OR dst), which compared every finding with every address (45 s
 * for 2000 findings and 100 k assets). */
#define NAMED_BY(SIDE)                                                                      \
    " SELECT addr.asset_id, f.finding_id, f.severity, f.rule, f.title, f.dst=addr.a"       \
    " FROM findings f JOIN addr ON f." SIDE "=addr.a"
static const char *const sql_named[2] = {
    "WITH addr(asset_id, a) AS (SELECT asset_id, ip FROM asset_ips"
    "  UNION SELECT asset_id, mac FROM assets WHERE mac<>'')" NAMED_BY("src") " UNION" NAMED_BY("dst"),
    "WITH addr(asset_id, a) AS (SELECT asset_id, addr FROM temp.role_addr)" NAMED_BY("src")
    " UNION" NAMED_BY("dst"),
};

/* Per-address facts from the comms of all captures. */
static bool addr_facts(sqlite3 *db, bool is_touched, GHashTable *facts, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql_facts[is_touched], -1, &st, NULL) != SQLITE_OK)
        return fail(db, err, st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *src = (const char *)sqlite3_column_text(st, 0);
        const char *dst = (const char *)sqlite3_column_text(st, 1);
        const char *protocol = (const char *)sqlite3_column_text(st, 2);
        AddrKind sk = rule_addr_kind(src);
        AddrKind dk = rule_addr_kind(dst);
        bool is_ot = rule_is_ot_protocol(protocol);
        AddrFacts *s = g_hash_table_lookup(facts, src);
        if (!s) {
            s = g_new0(AddrFacts, 1);
            g_hash_table_insert(facts, g_strdup(src), s);
        }
        AddrFacts *d = g_hash_table_lookup(facts, dst);
        if (!d) {
            d = g_new0(AddrFacts, 1);
            g_hash_table_insert(facts, g_strdup(dst), d);
        }
        s->is_outbound = s->is_outbound || dk == ADDR_PUBLIC;
        d->is_inbound = d->is_inbound || sk == ADDR_PUBLIC;
        d->serves_ot = d->serves_ot || is_ot;
        s->is_ot_client = s->is_ot_client || is_ot;
    }
    if (rc != SQLITE_DONE)
        return fail(db, err, st);
    sqlite3_finalize(st);
    return true;
}

static double role_factor(const AssetAcc *a)
{
    static const char *const controllers[] = { "plc", "rtu", "ied" };
    static const char *const operators[] = { "hmi", "scada", "engineering-workstation",
                                             "historian" };
    static const char *const infra[] = { "network-device", "server" };
    for (size_t i = 0; i < G_N_ELEMENTS(controllers); i++)
        if (strcmp(a->role, controllers[i]) == 0)
            return 1.0;
    for (size_t i = 0; i < G_N_ELEMENTS(operators); i++)
        if (strcmp(a->role, operators[i]) == 0)
            return 0.85;
    for (size_t i = 0; i < G_N_ELEMENTS(infra); i++)
        if (strcmp(a->role, infra[i]) == 0)
            return 0.7;
    if (a->serves_ot)
        return 1.0;
    if (a->is_ot_client)
        return 0.85;
    return 0.6;
}

static int score_of(const AssetAcc *a)
{
    int f = a->findings > F_MAX ? F_MAX : a->findings;
    int e = a->is_inbound ? E_INBOUND : (a->is_outbound ? E_OUTBOUND : 0);
    int s = (int)g_hash_table_size(a->services) * S_PER_SERVICE;
    if (s > S_MAX)
        s = S_MAX;
    int score = (int)(role_factor(a) * (f + e + s) + 0.5);
    return score > SCORE_MAX ? SCORE_MAX : (score < 0 ? 0 : score);
}

bool rules_risk(sqlite3 *db, bool is_touched, GArray *out, Err *err)
{
    GHashTable *facts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTable *assets = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, acc_free);
    GPtrArray *order = g_ptr_array_new();
    bool ok = addr_facts(db, is_touched, facts, err);
    sqlite3_stmt *st = NULL;
    /* every address of every asset, with its role */
    if (ok && sqlite3_prepare_v2(db, sql_asset_addrs[is_touched], -1, &st, NULL) != SQLITE_OK)
        ok = fail(db, err, st);
    int rc = SQLITE_DONE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        AssetAcc *a = g_hash_table_lookup(assets, &id);
        if (!a) {
            a = g_new0(AssetAcc, 1);
            a->asset_id = id;
            g_strlcpy(a->role, (const char *)sqlite3_column_text(st, 1), sizeof a->role);
            a->services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            g_hash_table_insert(assets, &a->asset_id, a);
            g_ptr_array_add(order, a);
        }
        const char *addr = (const char *)sqlite3_column_text(st, 2);
        const AddrFacts *af = addr ? g_hash_table_lookup(facts, addr) : NULL;
        if (af) {
            a->is_inbound = a->is_inbound || af->is_inbound;
            a->is_outbound = a->is_outbound || af->is_outbound;
            a->serves_ot = a->serves_ot || af->serves_ot;
            a->is_ot_client = a->is_ot_client || af->is_ot_client;
        }
    }
    if (ok && rc != SQLITE_DONE)
        ok = fail(db, err, st);
    else if (ok)
        sqlite3_finalize(st);
    /* the findings that name each asset, once per finding */
    if (ok && sqlite3_prepare_v2(db, sql_named[is_touched], -1, &st, NULL) != SQLITE_OK)
        ok = fail(db, err, st);
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        AssetAcc *a = g_hash_table_lookup(assets, &id);
        Severity sev;
        if (!a || !severity_from_name((const char *)sqlite3_column_text(st, 2), &sev))
            continue;
        a->findings += severity_weight[sev];
        const char *rule = (const char *)sqlite3_column_text(st, 3);
        bool is_target = sqlite3_column_int(st, 5) != 0;
        if (is_target && (strcmp(rule, rule_insecure_protocol.id) == 0 ||
                          strcmp(rule, rule_cleartext_credentials.id) == 0))
            g_hash_table_add(a->services, g_strdup((const char *)sqlite3_column_text(st, 4)));
    }
    if (ok && rc != SQLITE_DONE)
        ok = fail(db, err, st);
    else if (ok)
        sqlite3_finalize(st);
    for (guint i = 0; ok && i < order->len; i++) {
        const AssetAcc *a = g_ptr_array_index(order, i);
        AssetRisk r = { a->asset_id, score_of(a) };
        g_array_append_val(out, r);
    }
    g_ptr_array_unref(order);
    g_hash_table_destroy(assets);
    g_hash_table_destroy(facts);
    return ok;
}
