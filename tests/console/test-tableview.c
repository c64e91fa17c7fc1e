/*
 * test-tableview.c - the table widget's window of rows under random
 * moves, pages, Home, End and searches: after every step the selected row
 * must be the one at the expected place of the plain ordering, and the
 * position indicator must say that place whenever it claims to know it.
 * No terminal is needed: only drawing touches ncurses.  TAP.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "test-db.h"

#include "console.h"

enum { N_COMMS = 3000, STEPS = 4000, HEIGHT = 20 /* tableview's guess before a draw */ };

static const char fill_sql[] =
    "BEGIN;"
    "INSERT INTO captures(capture_id, path, source, status, started_at)"
    " VALUES (1, 'a.pcap', 'file', 'complete', 'now');"
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)"
    " INSERT INTO comms(capture_id, src, dst, vlan, protocol, transport, port, packets, bytes,"
    " first_ns, last_ns, first_pkt) SELECT 1, '10.0.' || (i % 40) || '.' || (i % 3),"
    " '10.1.' || (i / 40) || '.1', 0, CASE i % 3 WHEN 0 THEN 'modbus' ELSE 'dns' END, 'tcp',"
    " 502, i % 17, i, 1000 + i, 2000 + i, i FROM n;"
    "COMMIT;";

typedef struct Rows {
    GPtrArray *keys; /* src|dst|protocol of each row, in order */
} Rows;

static bool keep(const char *const *c, void *user)
{
    Rows *r = user;
    g_ptr_array_add(r->keys, g_strdup_printf("%s|%s|%s|%s", c[CCOL_SRC], c[CCOL_DST],
                                             c[CCOL_PROTOCOL], c[CCOL_BYTES]));
    return true;
}

static char *selected_key(const TableView *tv)
{
    const PageRow *r = tableview_selected(tv);
    if (!r)
        return g_strdup("(none)");
    return g_strdup_printf("%s|%s|%s|%s", page_row_cell(r, CCOL_SRC), page_row_cell(r, CCOL_DST),
                           page_row_cell(r, CCOL_PROTOCOL), page_row_cell(r, CCOL_BYTES));
}

static int n_test;
static int n_fail;

/* One query, a long random walk; returns the number of bad steps. */
static int walk(Store *s, const PageQuery *q, unsigned seed)
{
    Err err;
    err_clear(&err);
    Pager *p = store_pager_new(s, q, &err);
    Rows all = { g_ptr_array_new_with_free_func(g_free) };
    if (!p || !store_pager_each(p, keep, &all, &err)) {
        printf("# %s\n", err.msg);
        return 1;
    }
    store_pager_free(p);
    int n = (int)all.keys->len;
    TableView *tv = tableview_new(s);
    if (!tableview_set_query(tv, q, &err)) {
        printf("# %s\n", err.msg);
        return 1;
    }
    GRand *rng = g_rand_new_with_seed(seed);
    int at = 0;
    int bad = 0;
    for (int step = 0; step < STEPS && bad < 5; step++) {
        int op = g_rand_int_range(rng, 0, 10);
        const char *what = "";
        if (op < 4) {
            int d = g_rand_int_range(rng, -30, 31);
            tableview_move(tv, d);
            at = CLAMP(at + d, 0, n - 1);
            what = "move";
        } else if (op < 7) {
            int pages = g_rand_int_range(rng, -3, 4);
            tableview_page(tv, pages);
            at = CLAMP(at + pages * (HEIGHT - 1), 0, n - 1);
            what = "page";
        } else if (op == 7) {
            tableview_home(tv);
            at = 0;
            what = "home";
        } else if (op == 8) {
            tableview_end(tv);
            at = n - 1;
            what = "end";
        } else {
            /* the next row whose bytes end in a given digit */
            char text[16];
            int digit = g_rand_int_range(rng, 0, 10);
            g_snprintf(text, sizeof text, "bytes~%d", digit);
            bool found = false;
            bool wrapped = false;
            tableview_search(tv, text, false, &found, &wrapped, &err);
            for (int k = 1; k <= n; k++) {
                const char *key = g_ptr_array_index(all.keys, (at + k) % n);
                const char *bytes = strrchr(key, '|') + 1;
                if (strchr(bytes, '0' + digit)) {
                    at = (at + k) % n;
                    break;
                }
            }
            what = "search";
        }
        char *got = selected_key(tv);
        char pos[64];
        tableview_position(tv, pos, sizeof pos);
        bool same = strcmp(got, g_ptr_array_index(all.keys, at)) == 0;
        bool pos_ok = pos[0] == '?' || atoi(pos) == at + 1;
        if (!same || !pos_ok) {
            printf("# step %d %s: want row %d %s, got %s at %s\n", step, what, at + 1,
                   (char *)g_ptr_array_index(all.keys, at), got, pos);
            bad++;
        }
        g_free(got);
    }
    g_rand_free(rng);
    tableview_free(tv);
    g_ptr_array_unref(all.keys);
    return bad;
}

static void check(Store *s, PageQuery *q, const char *what)
{
    int bad = walk(s, q, 42u + (unsigned)n_test);
    printf("%sok %d - %s\n", bad ? "not " : "", ++n_test, what);
    n_fail += bad != 0;
}

int main(void)
{
    TestDb t;
    if (!test_db_make(&t, "otscope-tableview-XXXXXX", fill_sql))
        return 1;
    const char *path = t.path;
    Err err;
    err_clear(&err);
    Store *s = store_open(path, STORE_READ, &err);
    PageQuery q = { PAGE_COMMS, { .kind = SCOPE_ALL }, CCOL_SRC, false, NULL };
    check(s, &q, "comms by source, random walk");
    q.is_desc = true;
    q.sort_col = CCOL_PACKETS;
    check(s, &q, "comms by packets desc (ties), random walk");
    q.filter = "protocol=modbus";
    check(s, &q, "filtered comms, random walk");
    store_close(s);
    test_db_remove(&t);
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
