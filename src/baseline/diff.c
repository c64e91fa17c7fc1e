/*
 * diff.c - `otscope diff A B`: what appeared, disappeared or changed
 * between two site DBs, two time windows of DBs, or a baseline file and a
 * DB.
 *
 * Each side becomes a snapshot (baseline.c) in an in-memory database -
 * a baseline file is one already - and the two snapshots are compared:
 *   asset     by asset key (MAC and VLAN, or IP behind a router);
 *             changed: its addresses or role;
 *   comm      by client, server, VLAN, protocol, transport and port
 *             (link-layer housekeeping left out); changed: the median
 *             packets per minute moved by more than CHANGE_FACTOR_PCT;
 *   function  industrial function codes per client, server and protocol;
 *             changed: the polling period moved by more than
 *             CHANGE_FACTOR_PCT;
 *   identity  the set of values of one attribute of one address;
 *   finding   by finding key; changed: its severity.
 * Captures given to `otscope diff` are analyzed into temporary DBs by the
 * command (cli/cmd-diff.c) before they get here.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "site-int.h"
#include "site-rules.h"

enum {
    CHANGE_FACTOR_PCT = 150,
    CHANGE_MIN_PPM = 3,
};

typedef enum DiffKind { KIND_ASSET, KIND_COMM, KIND_FUNCTION, KIND_IDENTITY, KIND_FINDING } DiffKind;
typedef enum DiffChange { CHANGE_APPEARED, CHANGE_DISAPPEARED, CHANGE_CHANGED } DiffChange;

static const char *const kind_names[] = { "asset", "comm", "function", "identity", "finding" };
static const char *const change_names[] = { "appeared", "disappeared", "changed" };

static const ColumnDesc columns[] = {
    { "change", "CHANGE", CELL_TEXT, 11, false },
    { "kind", "KIND", CELL_TEXT, 8, false },
    { "item", "ITEM", CELL_TEXT, 44, false },
    { "a", "A", CELL_TEXT, 24, false },
    { "b", "B", CELL_TEXT, 24, false },
    { "detail", "DETAIL", CELL_TEXT, 30, false },
};

const ColumnDesc *diff_columns(int *n_columns)
{
    *n_columns = G_N_ELEMENTS(columns);
    return columns;
}

typedef struct DiffRow {
    DiffKind kind;
    DiffChange change;
    char *item;
    char *a;
    char *b;
    char *detail;
} DiffRow;

static void row_free(gpointer p)
{
    DiffRow *r = p;
    g_free(r->item);
    g_free(r->a);
    g_free(r->b);
    g_free(r->detail);
    g_free(r);
}

static void add(GPtrArray *rows, DiffKind kind, DiffChange change, char *item, char *a, char *b,
                char *detail)
{
    DiffRow *r = g_new0(DiffRow, 1);
    r->kind = kind;
    r->change = change;
    r->item = item;
    r->a = a ? a : g_strdup("");
    r->b = b ? b : g_strdup("");
    r->detail = detail ? detail : g_strdup("");
    g_ptr_array_add(rows, r);
}

static int64_t num(sqlite3_stmt *st, int col)
{
    return (int64_t)sqlite3_column_int64(st, col);
}

static const char *text(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t ? t : "";
}

/* Runs tmpl over the two schemas (@S. = a, @D. = b), calling fn per row. */
typedef void (*RowFn)(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse);

static bool each(sqlite3 *db, const char *tmpl, const char *a, const char *b, RowFn fn,
                 GPtrArray *rows, bool is_reverse, Err *err)
{
    char *sql = site_sql(tmpl, a, b);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    g_free(sql);
    if (rc != SQLITE_OK)
        return err_set(err, ERR_DB, "diff: %s", sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(st, rows, is_reverse);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || err_set(err, ERR_DB, "diff: %s", sqlite3_errmsg(db));
}

/* ---- assets ---------------------------------------------------------------------- */

static char *asset_item(const char *mac, const char *ips)
{
    if (mac[0] && ips[0])
        return g_strdup_printf("%s (%s)", ips, mac);
    return g_strdup(ips[0] ? ips : mac);
}

static void asset_only(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    char *what = g_strdup_printf("%s%s%s", text(st, 3), text(st, 3)[0] ? ", " : "", text(st, 4));
    add(rows, KIND_ASSET, is_reverse ? CHANGE_DISAPPEARED : CHANGE_APPEARED,
        asset_item(text(st, 1), text(st, 2)), is_reverse ? what : NULL, is_reverse ? NULL : what,
        g_strdup(text(st, 0)));
}

static void asset_changed(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    (void)is_reverse;
    add(rows, KIND_ASSET, CHANGE_CHANGED, asset_item(text(st, 1), text(st, 2)),
        g_strdup_printf("%s, %s", text(st, 2), text(st, 4)),
        g_strdup_printf("%s, %s", text(st, 3), text(st, 5)), g_strdup(text(st, 0)));
}

/* ---- comms ------------------------------------------------------------------------ */

static char *comm_item(sqlite3_stmt *st)
{
    int64_t vlan = num(st, 2);
    if (vlan)
        return g_strdup_printf("%s -> %s %s %s/%" G_GINT64_FORMAT " vlan %" G_GINT64_FORMAT,
                               text(st, 0), text(st, 1), text(st, 3), text(st, 4),
                               num(st, 5), vlan);
    return g_strdup_printf("%s -> %s %s %s/%" G_GINT64_FORMAT, text(st, 0), text(st, 1),
                           text(st, 3), text(st, 4), num(st, 5));
}

static void comm_only(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    if (site_is_housekeeping(text(st, 3)))
        return;
    char *what = g_strdup_printf("%" G_GINT64_FORMAT " packet%s", num(st, 6),
                                 num(st, 6) == 1 ? "" : "s");
    add(rows, KIND_COMM, is_reverse ? CHANGE_DISAPPEARED : CHANGE_APPEARED, comm_item(st),
        is_reverse ? what : NULL, is_reverse ? NULL : what, NULL);
}

static char *band(sqlite3_stmt *st, int col)
{
    int64_t lo = num(st, col);
    int64_t median = num(st, col + 1);
    int64_t hi = num(st, col + 2);
    if (lo == hi)
        return g_strdup_printf("%" G_GINT64_FORMAT " packets/min", median);
    return g_strdup_printf("%" G_GINT64_FORMAT " packets/min (%" G_GINT64_FORMAT "-%"
                           G_GINT64_FORMAT ")", median, lo, hi);
}

static void comm_changed(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    (void)is_reverse;
    int64_t ma = num(st, 7);
    int64_t mb = num(st, 10);
    bool moved = (ma * 100 > mb * CHANGE_FACTOR_PCT || mb * 100 > ma * CHANGE_FACTOR_PCT) &&
                 (ma - mb > CHANGE_MIN_PPM || mb - ma > CHANGE_MIN_PPM);
    if (!moved || site_is_housekeeping(text(st, 3)))
        return;
    add(rows, KIND_COMM, CHANGE_CHANGED, comm_item(st), band(st, 6), band(st, 9),
        g_strdup("traffic per minute"));
}

/* ---- functions ------------------------------------------------------------------------- */

static char *function_item(sqlite3_stmt *st)
{
    return g_strdup_printf("%s -> %s %s %s (%" G_GINT64_FORMAT ")", text(st, 1), text(st, 2),
                           text(st, 0), text(st, 4), num(st, 3));
}

static void function_only(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    if (!rule_is_ot_protocol(text(st, 0)))
        return;
    char *what = g_strdup_printf("%" G_GINT64_FORMAT " request%s", num(st, 6),
                                 num(st, 6) == 1 ? "" : "s");
    add(rows, KIND_FUNCTION, is_reverse ? CHANGE_DISAPPEARED : CHANGE_APPEARED, function_item(st),
        is_reverse ? what : NULL, is_reverse ? NULL : what, g_strdup(text(st, 5)));
}

static void function_changed(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    (void)is_reverse;
    int64_t pa = num(st, 6);
    int64_t pb = num(st, 7);
    if (!rule_is_ot_protocol(text(st, 0)) || pa <= 0 || pb <= 0 ||
        (pa * 100 <= pb * CHANGE_FACTOR_PCT && pb * 100 <= pa * CHANGE_FACTOR_PCT))
        return;
    add(rows, KIND_FUNCTION, CHANGE_CHANGED, function_item(st),
        g_strdup_printf("every %.1f s", (double)pa / 1000.0),
        g_strdup_printf("every %.1f s", (double)pb / 1000.0), g_strdup("polling period"));
}

/* ---- identities -------------------------------------------------------------------------- */

static void identity_row(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    (void)is_reverse;
    if (rule_addr_kind(text(st, 0)) == ADDR_GROUP)
        return; /* DHCP clients speak from 0.0.0.0 */
    bool in_a = sqlite3_column_type(st, 2) != SQLITE_NULL;
    bool in_b = sqlite3_column_type(st, 3) != SQLITE_NULL;
    DiffChange c = !in_a ? CHANGE_APPEARED : (!in_b ? CHANGE_DISAPPEARED : CHANGE_CHANGED);
    add(rows, KIND_IDENTITY, c, g_strdup_printf("%s %s", text(st, 0), text(st, 1)),
        g_strdup(text(st, 2)), g_strdup(text(st, 3)), NULL);
}

/* ---- findings ------------------------------------------------------------------------------ */

static void finding_row(sqlite3_stmt *st, GPtrArray *rows, bool is_reverse)
{
    (void)is_reverse;
    bool in_a = sqlite3_column_type(st, 1) != SQLITE_NULL;
    bool in_b = sqlite3_column_type(st, 2) != SQLITE_NULL;
    DiffChange c = !in_a ? CHANGE_APPEARED : (!in_b ? CHANGE_DISAPPEARED : CHANGE_CHANGED);
    const char *dst = text(st, 5);
    add(rows, KIND_FINDING, c, g_strdup(text(st, 3)), g_strdup(text(st, 1)), g_strdup(text(st, 2)),
        g_strdup_printf("%s%s%s (%s)", text(st, 4), dst[0] ? " -> " : "", dst, text(st, 0)));
}

/* ---- the queries ------------------------------------------------------------------------------ */

static const char assets_only_sql[] =
    "SELECT d.asset_key, d.mac, d.ips, d.vendor, d.role FROM @D.assets d"
    " WHERE d.asset_key NOT IN (SELECT asset_key FROM @S.assets)";
static const char assets_changed_sql[] =
    "SELECT s.asset_key, s.mac, s.ips, d.ips, s.role, d.role FROM @S.assets s"
    " JOIN @D.assets d USING (asset_key) WHERE s.ips<>d.ips OR s.role<>d.role";
static const char comms_only_sql[] =
    "SELECT d.src, d.dst, d.vlan, d.protocol, d.transport, d.port, d.packets FROM @D.comms d"
    " WHERE NOT EXISTS (SELECT 1 FROM @S.comms s WHERE s.src=d.src AND s.dst=d.dst"
    "  AND s.vlan=d.vlan AND s.protocol=d.protocol AND s.transport=d.transport"
    "  AND s.port=d.port)";
static const char comms_changed_sql[] =
    "SELECT s.src, s.dst, s.vlan, s.protocol, s.transport, s.port,"
    " s.ppm_lo, s.ppm_median, s.ppm_hi, d.ppm_lo, d.ppm_median, d.ppm_hi"
    " FROM @S.comms s JOIN @D.comms d USING (src, dst, vlan, protocol, transport, port)"
    " WHERE s.ppm_median IS NOT NULL AND d.ppm_median IS NOT NULL";
#define FUNCTIONS(schema)                                                                          \
    "(SELECT protocol, src, dst, function_code, min(function) AS function, min(class) AS class,"  \
    " sum(count) AS count, max(period_ms) AS period_ms FROM " schema "ops WHERE count>0"          \
    " GROUP BY protocol, src, dst, function_code)"
static const char functions_only_sql[] =
    "SELECT d.protocol, d.src, d.dst, d.function_code, d.function, d.class, d.count"
    " FROM " FUNCTIONS("@D.") " d WHERE NOT EXISTS (SELECT 1 FROM @S.ops s"
    "  WHERE s.protocol=d.protocol AND s.src=d.src AND s.dst=d.dst"
    "  AND s.function_code=d.function_code AND s.count>0)";
static const char functions_changed_sql[] =
    "SELECT s.protocol, s.src, s.dst, s.function_code, s.function, s.class, s.period_ms,"
    " d.period_ms FROM " FUNCTIONS("@S.") " s JOIN " FUNCTIONS("@D.") " d"
    " USING (protocol, src, dst, function_code)";
#define IDENTS(schema)                                                                             \
    "(SELECT addr, name, group_concat(value, ';') AS v FROM (SELECT addr, name, value FROM "      \
    schema "idents ORDER BY addr, name, value) GROUP BY addr, name)"
static const char identities_sql[] =
    "SELECT k.addr, k.name, sa.v, sb.v FROM (SELECT addr, name FROM @S.idents UNION"
    " SELECT addr, name FROM @D.idents) k"
    " LEFT JOIN " IDENTS("@S.") " sa USING (addr, name)"
    " LEFT JOIN " IDENTS("@D.") " sb USING (addr, name)"
    " WHERE sa.v IS NOT sb.v";
static const char findings_sql[] =
    "SELECT k.finding_key, fa.severity, fb.severity, coalesce(fb.title, fa.title),"
    " coalesce(fb.src, fa.src), coalesce(fb.dst, fa.dst)"
    " FROM (SELECT finding_key FROM @S.findings UNION SELECT finding_key FROM @D.findings) k"
    " LEFT JOIN @S.findings fa USING (finding_key) LEFT JOIN @D.findings fb USING (finding_key)"
    " WHERE fa.severity IS NOT fb.severity";

static gint row_cmp(gconstpointer pa, gconstpointer pb)
{
    const DiffRow *a = *(const DiffRow *const *)pa;
    const DiffRow *b = *(const DiffRow *const *)pb;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    if (a->change != b->change)
        return (int)a->change - (int)b->change;
    int c = strcmp(a->item, b->item);
    return c ? c : strcmp(a->detail, b->detail);
}

/* Attaches one side as schema name: a baseline file as it is, a site DB
 * as an in-memory snapshot of its window. */
static bool attach_side(sqlite3 *db, const DiffSide *side, const char *name, Err *err)
{
    char *probe = g_strdup_printf("%s_file", name);
    bool ok = site_attach_ro(db, side->path, probe, err);
    if (ok && site_is_baseline(db, probe)) {
        char *sql = g_strdup_printf("DETACH %s", probe);
        site_exec(db, sql, "diff", err);
        g_free(sql);
        g_free(probe);
        if (side->has_window)
            return err_set(err, ERR_USAGE, "%s: a baseline file has no time window", side->path);
        return site_attach_ro(db, side->path, name, err);
    }
    if (ok) {
        char *sql = g_strdup_printf("DETACH %s", probe);
        site_exec(db, sql, "diff", err);
        g_free(sql);
    }
    g_free(probe);
    if (!ok || !site_check_db(side->path, err))
        return false;
    char *sql = g_strdup_printf("ATTACH ':memory:' AS %s", name);
    ok = site_exec(db, sql, "diff", err);
    g_free(sql);
    char *src = g_strdup_printf("%s_site", name);
    ok = ok && snapshot_create(db, name, err) && site_attach_ro(db, side->path, src, err);
    TimeWindow w = side->window;
    if (!side->has_window)
        time_window_all(&w);
    char *label = g_path_get_basename(side->path);
    BaselineStats st;
    ok = ok && snapshot_build(db, src, name, label, &w, &st, err);
    g_free(label);
    sql = g_strdup_printf("DETACH %s", src);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    g_free(sql);
    g_free(src);
    return ok;
}

bool diff_run(const DiffSide *a, const DiffSide *b, StoreRowFn fn, void *user, DiffCounts *counts,
              Err *err)
{
    memset(counts, 0, sizeof *counts);
    sqlite3 *db = NULL;
    if (!site_open(":memory:", true, &db, err))
        return false;
    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    bool ok = attach_side(db, a, "a", err) && attach_side(db, b, "b", err) &&
              each(db, assets_only_sql, "a", "b", asset_only, rows, false, err) &&
              each(db, assets_only_sql, "b", "a", asset_only, rows, true, err) &&
              each(db, assets_changed_sql, "a", "b", asset_changed, rows, false, err) &&
              each(db, comms_only_sql, "a", "b", comm_only, rows, false, err) &&
              each(db, comms_only_sql, "b", "a", comm_only, rows, true, err) &&
              each(db, comms_changed_sql, "a", "b", comm_changed, rows, false, err) &&
              each(db, functions_only_sql, "a", "b", function_only, rows, false, err) &&
              each(db, functions_only_sql, "b", "a", function_only, rows, true, err) &&
              each(db, functions_changed_sql, "a", "b", function_changed, rows, false, err) &&
              each(db, identities_sql, "a", "b", identity_row, rows, false, err) &&
              each(db, findings_sql, "a", "b", finding_row, rows, false, err);
    sqlite3_close_v2(db);
    g_ptr_array_sort(rows, row_cmp);
    bool go_on = true;
    for (guint i = 0; ok && go_on && i < rows->len; i++) {
        const DiffRow *r = g_ptr_array_index(rows, i);
        const char *cells[] = { change_names[r->change], kind_names[r->kind], r->item, r->a, r->b,
                                r->detail };
        G_STATIC_ASSERT(G_N_ELEMENTS(cells) == G_N_ELEMENTS(columns));
        counts->appeared += r->change == CHANGE_APPEARED;
        counts->disappeared += r->change == CHANGE_DISAPPEARED;
        counts->changed += r->change == CHANGE_CHANGED;
        go_on = fn(cells, user);
    }
    g_ptr_array_unref(rows);
    return ok;
}

/* ---- sides ---------------------------------------------------------------------------------------- */

bool diff_side_parse(const char *spec, DiffSide *side, Err *err)
{
    memset(side, 0, sizeof *side);
    time_window_all(&side->window);
    const char *at = strrchr(spec, '@');
    const char *dots = at ? strstr(at, "..") : NULL;
    if (!at || !dots || g_file_test(spec, G_FILE_TEST_EXISTS)) {
        side->path = g_strdup(spec);
        return true;
    }
    side->path = g_strndup(spec, (gsize)(at - spec));
    char *from = g_strndup(at + 1, (gsize)(dots - at - 1));
    bool ok = time_window_parse(from, dots + 2, &side->window, err);
    g_free(from);
    side->has_window = true;
    if (!ok)
        diff_side_clear(side);
    return ok;
}

void diff_side_clear(DiffSide *side)
{
    g_free(side->path);
    side->path = NULL;
}

bool diff_is_sqlite(const char *path)
{
    return site_is_sqlite_file(path);
}
