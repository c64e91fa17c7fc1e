/*
 * test-csv-roundtrip.c - reads back the files of `otscope export --format
 * csv` with libcsv (strict mode) and compares every cell with what the
 * store returns for the same table.  With --excel it expects the byte
 * order mark and removes the formula guard before comparing.  TAP.
 *
 * usage: test-csv-roundtrip DB CSV_DIR [--excel]
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <glib.h>

#include "otscope/store-export.h"

static int n_test;
static int n_fail;

/* "ok N - <file> <what>" */
static void ok(int cond, const char *file, const char *what)
{
    n_test++;
    if (!cond)
        n_fail++;
    printf("%sok %d - %s %s\n", cond ? "" : "not ", n_test, file, what);
}

typedef struct Parsed {
    GPtrArray *rows; /* GPtrArray of gchar* per row */
    GPtrArray *cur;
} Parsed;

static void on_field(void *s, size_t len, void *data)
{
    Parsed *p = data;
    if (!p->cur)
        p->cur = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(p->cur, g_strndup(s ? s : "", len));
}

static void on_row(int c, void *data)
{
    (void)c;
    Parsed *p = data;
    if (!p->cur)
        p->cur = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(p->rows, p->cur);
    p->cur = NULL;
}

typedef struct Expect {
    const ColumnDesc *cols;
    int n;
    GPtrArray *rows; /* gchar** */
} Expect;

static bool keep(const char *const *cells, void *user)
{
    Expect *e = user;
    gchar **row = g_new0(gchar *, e->n + 1);
    for (int i = 0; i < e->n; i++)
        row[i] = g_strdup(cells[i] ? cells[i] : "");
    g_ptr_array_add(e->rows, row);
    return true;
}

static bool parse_file(const char *path, bool excel, Parsed *p, char *why, size_t whysz)
{
    gchar *text;
    gsize len;
    if (!g_file_get_contents(path, &text, &len, NULL)) {
        snprintf(why, whysz, "cannot read");
        return false;
    }
    const char *start = text;
    bool has_bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0;
    if (excel != has_bom) {
        snprintf(why, whysz, "byte order mark %s", has_bom ? "unexpected" : "missing");
        g_free(text);
        return false;
    }
    if (has_bom) {
        start += 3;
        len -= 3;
    }
    struct csv_parser cp;
    csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    p->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    p->cur = NULL;
    bool okay = csv_parse(&cp, start, len, on_field, on_row, p) == len &&
                csv_fini(&cp, on_field, on_row, p) == 0;
    if (!okay)
        snprintf(why, whysz, "libcsv: %s", csv_strerror(csv_error(&cp)));
    csv_free(&cp);
    g_free(text);
    return okay;
}

static const char *unguard(const char *v, bool excel, const ColumnDesc *c)
{
    if (excel && c->type == CELL_TEXT && v[0] == '\'' && v[1] && strchr("=+-@\t\r", v[1]))
        return v + 1;
    return v;
}

static void check_table(Store *s, const char *dir, const char *file, bool is_extra, int table,
                        bool excel)
{
    char *path = g_strdup_printf("%s/%s.csv", dir, file);
    Expect e;
    e.cols = is_extra ? store_xtable_columns((ExportTable)table, &e.n)
                      : store_table_columns((StoreTable)table, &e.n);
    e.rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    Err err;
    err_clear(&err);
    bool read = is_extra ? store_read_xtable(s, (ExportTable)table, false, keep, &e, &err)
                         : store_read_table(s, (StoreTable)table, keep, &e, &err);
    Parsed p = { NULL, NULL };
    char why[256] = "";
    bool parsed = read && parse_file(path, excel, &p, why, sizeof why);
    ok(parsed, file, "parses as strict RFC 4180");
    if (!parsed) {
        printf("# %s\n", read ? why : err.msg);
        goto done;
    }
    GPtrArray *head = p.rows->len ? g_ptr_array_index(p.rows, 0) : NULL;
    bool header_ok = head && (int)head->len == e.n;
    for (int i = 0; header_ok && i < e.n; i++)
        header_ok = strcmp(g_ptr_array_index(head, i), e.cols[i].name) == 0;
    ok(header_ok, file, "header is the column list");
    bool rows_ok = p.rows->len == e.rows->len + 1;
    char detail[256] = "";
    if (!rows_ok)
        snprintf(detail, sizeof detail, "%u data rows, store has %u", p.rows->len - 1,
                 e.rows->len);
    for (guint r = 0; rows_ok && r < e.rows->len; r++) {
        GPtrArray *got = g_ptr_array_index(p.rows, r + 1);
        gchar **want = g_ptr_array_index(e.rows, r);
        if ((int)got->len != e.n) {
            rows_ok = false;
            snprintf(detail, sizeof detail, "row %u has %u fields", r + 1, got->len);
            break;
        }
        for (int c = 0; c < e.n; c++) {
            const char *g = g_ptr_array_index(got, c);
            if (strcmp(unguard(g, excel, &e.cols[c]), want[c]) != 0) {
                rows_ok = false;
                snprintf(detail, sizeof detail, "row %u %s: '%.80s' != '%.80s'", r + 1,
                         e.cols[c].name, g, want[c]);
                break;
            }
        }
    }
    ok(rows_ok, file, "cells equal the store's");
    if (!rows_ok)
        printf("# %s\n", detail);
    g_ptr_array_unref(p.rows);
done:
    g_ptr_array_unref(e.rows);
    g_free(path);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DB CSV_DIR [--excel]\n", argv[0]);
        return 2;
    }
    bool excel = argc > 3 && strcmp(argv[3], "--excel") == 0;
    Err err;
    err_clear(&err);
    Store *s = store_open(argv[1], STORE_READ, &err);
    if (!s) {
        printf("1..0 # SKIP %s\n", err.msg);
        return 1;
    }
    check_table(s, argv[2], "assets", false, TABLE_ASSETS, excel);
    check_table(s, argv[2], "asset_attributes", true, XTABLE_ATTRIBUTES, excel);
    check_table(s, argv[2], "comms", false, TABLE_COMMS, excel);
    check_table(s, argv[2], "ops", false, TABLE_OPS, excel);
    check_table(s, argv[2], "findings", true, XTABLE_FINDINGS, excel);
    check_table(s, argv[2], "protocols", false, TABLE_PROTOCOLS, excel);
    check_table(s, argv[2], "captures", false, TABLE_CAPTURES, excel);
    store_close(s);
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
