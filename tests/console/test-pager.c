/*
 * test-pager.c - the console's keyset pager against the plain ordering.
 *
 * A DB with many ties in the sort columns and a conversations table big
 * enough to be sorted through a snapshot; for every source, sortable
 * column and direction, walking it a page at a time forwards and
 * backwards must give exactly the rows store_pager_each gives, the count
 * and positions must agree, and a filter must hold on every page.  TAP.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "test-db.h"

#include "otscope/store-console.h"

enum { PAGE = 97, N_COMMS = 25000 };

static int n_test;
static int n_fail;

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    printf("%sok %d - %s\n", cond ? "" : "not ", ++n_test, msg);
    n_fail += !cond;
    g_free(msg);
}

static const char fill_sql[] =
    "BEGIN;"
    "INSERT INTO captures(capture_id, path, source, status, packets, bytes, first_ns, last_ns,"
    " started_at) VALUES (1, 'a.pcap', 'file', 'complete', 1, 1, 1000000000000, 9000000000000,"
    " 'now');"
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 24999)"
    " INSERT INTO comms(capture_id, src, dst, vlan, protocol, transport, port, packets, bytes,"
    " first_ns, last_ns, first_pkt) SELECT 1, '10.0.' || (i % 50) || '.' || (i % 7),"
    " '10.1.' || (i / 50) || '.1', 0, CASE i % 3 WHEN 0 THEN 'modbus' WHEN 1 THEN 's7comm'"
    " ELSE 'dns' END, 'tcp', 502 + i % 4, i % 7, i % 11, 1000000000000 + i, 2000000000000 + i % 5,"
    " i FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 299)"
    " INSERT INTO assets(asset_key, kind, mac, vlan, vendor, role, purdue_level, packets, bytes,"
    " first_ns, last_ns) SELECT 'ip:10.9.0.' || i, 'ip', '', 0, 'V' || (i % 4),"
    " CASE i % 3 WHEN 0 THEN 'plc' WHEN 1 THEN 'hmi' ELSE 'unknown' END,"
    " CASE WHEN i % 5 = 0 THEN NULL ELSE i % 4 END, i % 9, i % 13, 1000000000000,"
    " 2000000000000 + i % 3 FROM n;"
    "INSERT INTO asset_ips SELECT asset_id, substr(asset_key, 4) FROM assets;"
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)"
    " INSERT INTO ops(capture_id, protocol, src, dst, function_code, function, class, count,"
    " responses, errors, first_ns, last_ns, first_pkt, detail) SELECT 1, 'modbus',"
    " '10.0.' || (i % 50) || '.' || (i % 7), '10.1.' || (i / 50) || '.1', i % 6, 'f' || (i % 6),"
    " CASE i % 4 WHEN 0 THEN 'control' WHEN 1 THEN 'program' ELSE 'read' END, i % 5, 0, 0,"
    " 1000000000000 + (i % 97) * 1000000000, 2000000000000, i, '' FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)"
    " INSERT INTO findings(capture_id, severity, rule, title, src, dst, protocol, count, first_ns,"
    " last_ns, evidence, recommendation, attack_id, finding_key) SELECT 1,"
    " CASE i % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'low' ELSE 'critical' END, 'r' || (i % 4),"
    " 'title ' || (i % 7), '10.0.1.1', '10.1.' || i || '.1', 'modbus', i % 3,"
    " 1000000000000 + (i % 9) * 1000000000, 2000000000000, 'e', 'r', 'T0', 'k' || i FROM n;"
    "INSERT INTO triage VALUES ('k3', 'acknowledged', 'n', 'now');"
    "COMMIT;";

static char *row_text(const char *const *cells, int n)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append_printf(s, "%s|", cells[i] ? cells[i] : "NULL");
    return g_string_free(s, FALSE);
}

typedef struct Rows {
    GPtrArray *rows;
    int n_cols;
} Rows;

static bool keep_row(const char *const *cells, void *user)
{
    Rows *r = user;
    g_ptr_array_add(r->rows, row_text(cells, r->n_cols));
    return true;
}

static char *page_row_text(const PageRow *r, int n)
{
    const char *cells[64];
    for (int i = 0; i < n; i++)
        cells[i] = page_row_cell(r, i);
    return row_text(cells, n);
}

/* All rows through store_pager_each. */
static GPtrArray *all_rows(Pager *p, int n_cols)
{
    Rows r = { g_ptr_array_new_with_free_func(g_free), n_cols };
    Err err;
    err_clear(&err);
    if (!store_pager_each(p, keep_row, &r, &err))
        printf("# each: %s\n", err.msg);
    return r.rows;
}

static bool walk_forward(Pager *p, int n_cols, const GPtrArray *want)
{
    PageRow *page[PAGE];
    PageRow *last = NULL;
    guint at = 0;
    bool same = true;
    Err err;
    err_clear(&err);
    for (;;) {
        int got = store_pager_next(p, last, PAGE, page, &err);
        if (got <= 0)
            break;
        for (int i = 0; i < got; i++) {
            char *t = page_row_text(page[i], n_cols);
            same = same && at < want->len && strcmp(t, g_ptr_array_index(want, at)) == 0;
            at++;
            g_free(t);
        }
        page_row_free(last);
        last = page[got - 1];
        for (int i = 0; i < got - 1; i++)
            page_row_free(page[i]);
    }
    page_row_free(last);
    return same && at == want->len;
}

static bool walk_backward(Pager *p, int n_cols, const GPtrArray *want)
{
    PageRow *page[PAGE];
    PageRow *first = NULL;
    guint left = want->len;
    bool same = true;
    Err err;
    err_clear(&err);
    for (;;) {
        int got = store_pager_prev(p, first, PAGE, page, &err);
        if (got <= 0)
            break;
        for (int i = got - 1; i >= 0; i--) {
            char *t = page_row_text(page[i], n_cols);
            same = same && left > 0 && strcmp(t, g_ptr_array_index(want, left - 1)) == 0;
            left--;
            g_free(t);
        }
        page_row_free(first);
        first = page[0];
        for (int i = 1; i < got; i++)
            page_row_free(page[i]);
    }
    page_row_free(first);
    return same && left == 0;
}

/* Count and the position of a row a third of the way down. */
static bool counts_agree(Pager *p, guint n_rows)
{
    int64_t count = -1;
    bool capped = true;
    Err err;
    err_clear(&err);
    if (!store_pager_count(p, 10000000, 0, &count, &capped, &err) || capped ||
        count != (int64_t)n_rows)
        return false;
    if (n_rows < 3)
        return true;
    PageRow *page[PAGE];
    int64_t skip = n_rows / 3;
    PageRow *at = NULL;
    while (skip > 0) {
        int got = store_pager_next(p, at, (int)MIN(skip, PAGE), page, &err);
        page_row_free(at);
        at = page[got - 1];
        for (int i = 0; i < got - 1; i++)
            page_row_free(page[i]);
        skip -= got;
    }
    int64_t pos = -1;
    bool ok_pos = store_pager_position(p, at, &pos, &err) && pos == (int64_t)(n_rows / 3) - 1;
    page_row_free(at);
    return ok_pos;
}

static void check_query(Store *s, PageQuery *q, const char *what)
{
    Err err;
    err_clear(&err);
    Pager *p = store_pager_new(s, q, &err);
    const char *col = store_page_column(q->source, q->sort_col)->name;
    if (!p) {
        ok(false, "%s %s: %s", what, col, err.msg);
        return;
    }
    int n_cols = store_page_n_columns(q->source);
    GPtrArray *want = all_rows(p, n_cols);
    bool fwd = walk_forward(p, n_cols, want);
    bool back = walk_backward(p, n_cols, want);
    bool counts = counts_agree(p, want->len);
    ok(fwd && back && counts && want->len > 0,
       "%s by %s %s%s%s: %u rows, forward %s, backward %s, count/position %s", what, col,
       q->is_desc ? "desc" : "asc", q->filter ? " where " : "", q->filter ? q->filter : "",
       want->len, fwd ? "ok" : "WRONG", back ? "ok" : "WRONG", counts ? "ok" : "WRONG");
    g_ptr_array_unref(want);
    store_pager_free(p);
}

static void check_source(Store *s, PageSource src, const char *filter, PageScope scope)
{
    for (int c = 0; c < store_page_n_columns(src); c++) {
        if (!store_page_is_sortable(src, c))
            continue;
        for (int desc = 0; desc < 2; desc++) {
            PageQuery q = { src, scope, c, desc, filter };
            check_query(s, &q, store_page_source_name(src));
        }
    }
}

static void check_errors(Store *s)
{
    Err err;
    err_clear(&err);
    PageQuery q = { PAGE_COMMS, { .kind = SCOPE_ALL }, CCOL_SRC, false, "nosuch=1" };
    Pager *p = store_pager_new(s, &q, &err);
    ok(!p && err.code == ERR_USAGE, "unknown filter column refused: %s", err.msg);
    store_pager_free(p);
    err_clear(&err);
    q.filter = "packets=many";
    p = store_pager_new(s, &q, &err);
    ok(!p && err.code == ERR_USAGE, "text for a number refused: %s", err.msg);
    store_pager_free(p);
}

static void check_find(Store *s)
{
    Err err;
    err_clear(&err);
    PageQuery q = { PAGE_COMMS, { .kind = SCOPE_ALL }, CCOL_PACKETS, true, NULL };
    Pager *p = store_pager_new(s, &q, &err);
    PageRow *hit = NULL;
    PageRow *again = NULL;
    bool found = p && store_pager_find(p, NULL, false, "dst=10.1.7.1 port=503", &hit, &err) &&
                 hit && strcmp(page_row_cell(hit, CCOL_DST), "10.1.7.1") == 0;
    bool next = found && store_pager_find(p, hit, false, "dst=10.1.7.1", &again, &err) && again &&
                !page_row_same(hit, again);
    ok(found && next, "find and find next");
    page_row_free(hit);
    page_row_free(again);
    store_pager_free(p);
}

static bool items_equal(const SummaryItem *a, const SummaryItem *b, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(a[i].name, b[i].name) != 0 || a[i].count != b[i].count ||
            a[i].value != b[i].value || a[i].id != b[i].id)
            return false;
    return true;
}

static bool summaries_equal(const ConsoleSummary *a, const ConsoleSummary *b)
{
    return a->n_assets == b->n_assets && a->n_comms == b->n_comms && a->n_ops == b->n_ops &&
           a->n_roles == b->n_roles && items_equal(a->roles, b->roles, a->n_roles) &&
           a->n_levels == b->n_levels && items_equal(a->levels, b->levels, a->n_levels) &&
           a->n_talkers == b->n_talkers && items_equal(a->talkers, b->talkers, a->n_talkers) &&
           a->n_protocols == b->n_protocols &&
           items_equal(a->protocols, b->protocols, a->n_protocols) &&
           a->n_traffic == b->n_traffic && a->traffic_start_min == b->traffic_start_min &&
           a->traffic_step_min == b->traffic_step_min &&
           memcmp(a->traffic, b->traffic, sizeof *a->traffic * (size_t)a->n_traffic) == 0;
}

/* The figures the writers keep (console_summary) are the ones counted
 * from the tables.  The DB was filled behind the writers' back, so its
 * kept figures are of the empty DB: they go first (counted then), then
 * are kept anew. */
static void check_kept_summary(const char *path)
{
    Err err;
    err_clear(&err);
    ConsoleSummary counted;
    ConsoleSummary kept;
    memset(&counted, 0, sizeof counted);
    memset(&kept, 0, sizeof kept);
    Store *s = store_open(path, STORE_READ_WRITE, &err);
    bool good = s && store_console_summary(s, &kept, &err);
    ok(good && kept.n_comms == 0, "kept figures are read as kept (those of the empty DB)");
    store_console_summary_clear(&kept);
    sqlite3 *db = NULL;
    good = good && sqlite3_open(path, &db) == SQLITE_OK &&
           sqlite3_exec(db, "DELETE FROM console_summary", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    good = good && store_console_summary(s, &counted, &err);
    ok(good && counted.n_comms == N_COMMS && counted.n_traffic > 0,
       "without kept figures they are counted (%" G_GINT64_FORMAT " comms)", counted.n_comms);
    good = good && store_console_summary_refresh(s, &err) && store_console_summary(s, &kept, &err);
    ok(good && summaries_equal(&counted, &kept), "the kept figures are the counted ones%s%s",
       err.code ? ": " : "", err.code ? err.msg : "");
    store_console_summary_clear(&counted);
    store_console_summary_clear(&kept);
    store_close(s);
}

int main(void)
{
    TestDb t;
    if (!test_db_make(&t, "otscope-pager-XXXXXX", fill_sql))
        return 1;
    const char *path = t.path;
    Err err;
    err_clear(&err);
    check_kept_summary(path);
    Store *s = store_open(path, STORE_READ, &err);
    PageScope all = { .kind = SCOPE_ALL };
    check_source(s, PAGE_ASSETS, NULL, all);
    check_source(s, PAGE_COMMS, NULL, all);
    check_source(s, PAGE_COMMS, "protocol=modbus port>502", all);
    check_source(s, PAGE_OPS, NULL, all);
    check_source(s, PAGE_FINDINGS, NULL, all);
    check_source(s, PAGE_FINDINGS, "state=new", all);
    check_source(s, PAGE_EVENTS, NULL, all);
    /* counted from the indexes alone (count_from): events of 5 s of 97 */
    PageScope window = { .kind = SCOPE_WINDOW, .from_ns = INT64_C(1003000000000),
                         .to_ns = INT64_C(1008000000000) };
    check_source(s, PAGE_EVENTS, NULL, window);
    check_source(s, PAGE_EVENTS, "kind=finding", window);
    PageScope pair = { .kind = SCOPE_PAIR };
    g_strlcpy(pair.a, "10.0.3.3", sizeof pair.a);
    g_strlcpy(pair.b, "10.1.0.1", sizeof pair.b);
    check_source(s, PAGE_COMMS, NULL, pair);
    PageScope buckets = { .kind = SCOPE_ALL, .bucket_ns = INT64_C(10000000000) };
    check_source(s, PAGE_BUCKETS, NULL, buckets);
    check_errors(s);
    check_find(s);
    store_close(s);
    test_db_remove(&t);
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
