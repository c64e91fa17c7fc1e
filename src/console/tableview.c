/*
 * tableview.c - the one table widget every list view uses: a window of
 * rows paged from the store around the selection, the column header with
 * the sort mark, the selection, search, and the position indicator.
 *
 * Only the rows on screen plus about a page on either side are held; the
 * rest stays in SQLite and comes back a page at a time through the
 * store's keyset pager, whatever the table's size.  The position of the
 * first held row is tracked while paging from either end, and asked of
 * the store only after a search jumps.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum {
    ROWS_MAX = 1024,       /* held rows: three pages of the tallest screen */
    HEIGHT_MAX = ROWS_MAX / 3,
    COLS_MAX = 32,         /* columns a table shows at most */
    HEIGHT_GUESS = 20,     /* before the first draw */
    COUNT_CAP = 1000000,   /* rows counted for the position indicator */
    COUNT_BUDGET_MS = 20,  /* ... and for at most this long */
};

struct TableView {
    Store *s;
    PageQuery q;
    char *filter; /* owned copy behind q.filter */
    Pager *pager;
    PageRow *rows[ROWS_MAX];
    int n;
    int64_t first_pos; /* position of rows[0] in the query, -1 unknown */
    int sel;           /* index in rows[] */
    int top;           /* index in rows[] of the first row on screen */
    int height;        /* rows on screen at the last draw */
    bool is_at_start;  /* rows[0] is the query's first row */
    bool is_at_end;    /* rows[n - 1] is its last */
    int64_t total;     /* rows in the query, -1 unknown */
    bool is_total_capped;
    unsigned gen;
    char error[ERR_MSG_MAX];
    /* per column, the widest text shown so far: spare width goes to the
     * columns that cut it, and they never shrink back (no jumping about
     * from page to page) */
    int seen_w[COLS_MAX];
};

TableView *tableview_new(Store *s)
{
    TableView *tv = g_new0(TableView, 1);
    tv->s = s;
    tv->height = HEIGHT_GUESS;
    tv->first_pos = -1;
    tv->total = -1;
    return tv;
}

static void drop_rows(TableView *tv)
{
    for (int i = 0; i < tv->n; i++)
        page_row_free(tv->rows[i]);
    tv->n = 0;
    tv->sel = 0;
    tv->top = 0;
}

void tableview_free(TableView *tv)
{
    if (!tv)
        return;
    drop_rows(tv);
    store_pager_free(tv->pager);
    g_free(tv->filter);
    g_free(tv);
}

static int buffer_cap(const TableView *tv)
{
    return tv->height * 3;
}

static void note_error(TableView *tv, const Err *err)
{
    g_strlcpy(tv->error, err->msg, sizeof tv->error);
}

/* Replaces the rows with up to a buffer of rows from the start (or the
 * end) of the query. */
static void load_edge(TableView *tv, bool from_end)
{
    drop_rows(tv);
    Err err;
    err_clear(&err);
    int cap = buffer_cap(tv);
    int got = from_end ? store_pager_prev(tv->pager, NULL, cap, tv->rows, &err)
                       : store_pager_next(tv->pager, NULL, cap, tv->rows, &err);
    if (got < 0) {
        note_error(tv, &err);
        got = 0;
    }
    tv->n = got;
    tv->is_at_start = !from_end || got < cap;
    tv->is_at_end = from_end || got < cap;
    if (!from_end || tv->is_at_start)
        tv->first_pos = 0;
    else if (tv->total >= 0 && !tv->is_total_capped)
        tv->first_pos = tv->total - got;
    else
        tv->first_pos = -1;
    tv->sel = from_end ? tv->n - 1 : 0;
    tv->top = from_end ? MAX(0, tv->n - tv->height) : 0;
    if (tv->sel < 0)
        tv->sel = 0;
    tv->gen++;
}

static void count_rows(TableView *tv)
{
    Err err;
    err_clear(&err);
    bool is_capped = false;
    if (!store_pager_count(tv->pager, COUNT_CAP, COUNT_BUDGET_MS, &tv->total, &is_capped, &err)) {
        note_error(tv, &err);
        tv->total = -1;
    }
    tv->is_total_capped = is_capped;
}

bool tableview_set_query(TableView *tv, const PageQuery *q, Err *err)
{
    char *filter = q->filter && q->filter[0] ? g_strdup(q->filter) : NULL;
    PageQuery nq = *q;
    nq.filter = filter;
    Pager *p = store_pager_new(tv->s, &nq, err);
    if (!p) {
        g_free(filter);
        return false;
    }
    store_pager_free(tv->pager);
    g_free(tv->filter);
    tv->pager = p;
    tv->q = nq;
    tv->filter = filter;
    tv->error[0] = '\0';
    count_rows(tv);
    load_edge(tv, false);
    return true;
}

const PageQuery *tableview_query(const TableView *tv)
{
    return &tv->q;
}

/* Fetches up to need rows after the held ones. */
static void extend_forward(TableView *tv, int need)
{
    if (tv->is_at_end || tv->n == 0)
        return;
    /* Room first: drop rows far above the screen. */
    int drop = tv->n + need - ROWS_MAX;
    if (drop > 0) {
        drop = MIN(drop, tv->top);
        for (int i = 0; i < drop; i++)
            page_row_free(tv->rows[i]);
        memmove(tv->rows, tv->rows + drop, (size_t)(tv->n - drop) * sizeof tv->rows[0]);
        tv->n -= drop;
        tv->sel -= drop;
        tv->top -= drop;
        tv->is_at_start = tv->is_at_start && drop == 0;
        if (tv->first_pos >= 0)
            tv->first_pos += drop;
        need = MIN(need, ROWS_MAX - tv->n);
    }
    Err err;
    err_clear(&err);
    int got = store_pager_next(tv->pager, tv->rows[tv->n - 1], need, tv->rows + tv->n, &err);
    if (got < 0) {
        note_error(tv, &err);
        return;
    }
    tv->n += got;
    if (got < need)
        tv->is_at_end = true;
}

/* Fetches up to need rows before the held ones; indexes shift by what
 * came back. */
static void extend_backward(TableView *tv, int need, int *sel, int *top)
{
    if (tv->is_at_start || tv->n == 0)
        return;
    int drop = tv->n + need - ROWS_MAX;
    if (drop > 0) {
        int keep = tv->n - drop;
        keep = MAX(keep, MIN(tv->n, *top + tv->height));
        for (int i = keep; i < tv->n; i++)
            page_row_free(tv->rows[i]);
        tv->is_at_end = tv->is_at_end && keep == tv->n;
        tv->n = keep;
        need = MIN(need, ROWS_MAX - tv->n);
    }
    PageRow *got_rows[ROWS_MAX];
    Err err;
    err_clear(&err);
    int got = store_pager_prev(tv->pager, tv->rows[0], need, got_rows, &err);
    if (got < 0) {
        note_error(tv, &err);
        return;
    }
    memmove(tv->rows + got, tv->rows, (size_t)tv->n * sizeof tv->rows[0]);
    memcpy(tv->rows, got_rows, (size_t)got * sizeof tv->rows[0]);
    tv->n += got;
    tv->sel += got;
    tv->top += got;
    *sel += got;
    *top += got;
    if (tv->first_pos >= 0)
        tv->first_pos -= got;
    if (got < need) {
        tv->is_at_start = true;
        tv->first_pos = 0;
    }
}

/* Keeps about a page above and two below the screen. */
static void trim(TableView *tv)
{
    int lo = MAX(0, tv->top - tv->height);
    int hi = MIN(tv->n, tv->top + 2 * tv->height);
    if (tv->sel < lo || tv->sel >= hi)
        return;
    for (int i = hi; i < tv->n; i++)
        page_row_free(tv->rows[i]);
    if (hi < tv->n)
        tv->is_at_end = false;
    tv->n = hi;
    if (lo > 0) {
        for (int i = 0; i < lo; i++)
            page_row_free(tv->rows[i]);
        memmove(tv->rows, tv->rows + lo, (size_t)(tv->n - lo) * sizeof tv->rows[0]);
        tv->n -= lo;
        tv->sel -= lo;
        tv->top -= lo;
        tv->is_at_start = false;
        if (tv->first_pos >= 0)
            tv->first_pos += lo;
    }
}

/* Makes sel and the screen from top valid, loading what they need. */
static void settle(TableView *tv, int sel, int top)
{
    int h = tv->height;
    if (tv->n == 0)
        return;
    if (sel < 0 || top < 0)
        extend_backward(tv, MAX(-sel, -top) + h, &sel, &top);
    int want = MAX(sel, top + h - 1);
    if (want >= tv->n)
        extend_forward(tv, want - tv->n + 1 + h);
    sel = CLAMP(sel, 0, tv->n - 1);
    if (tv->is_at_end)
        top = MIN(top, tv->n - h);
    top = CLAMP(top, MAX(0, sel - h + 1), sel);
    if (sel != tv->sel)
        tv->gen++;
    tv->sel = sel;
    tv->top = top;
    trim(tv);
}

void tableview_move(TableView *tv, int rows)
{
    settle(tv, tv->sel + rows, tv->top);
}

void tableview_page(TableView *tv, int pages)
{
    int by = pages * MAX(1, tv->height - 1);
    settle(tv, tv->sel + by, tv->top + by);
}

void tableview_home(TableView *tv)
{
    if (tv->is_at_start && tv->n > 0)
        settle(tv, 0, 0);
    else
        load_edge(tv, false);
}

void tableview_end(TableView *tv)
{
    if (tv->is_at_end && tv->n > 0)
        settle(tv, tv->n - 1, tv->n - tv->height);
    else
        load_edge(tv, true);
}

/* Holds the rows around row (which it takes), row selected mid-screen. */
static void jump_to(TableView *tv, PageRow *row, Err *err)
{
    int64_t pos = -1;
    if (!store_pager_position(tv->pager, row, &pos, err))
        pos = -1;
    drop_rows(tv);
    int h = tv->height;
    int before = store_pager_prev(tv->pager, row, h, tv->rows, err);
    if (before < 0)
        before = 0;
    tv->rows[before] = row;
    int after = store_pager_next(tv->pager, row, 2 * h, tv->rows + before + 1, err);
    if (after < 0)
        after = 0;
    tv->n = before + 1 + after;
    tv->is_at_start = before < h;
    tv->is_at_end = after < 2 * h;
    tv->first_pos = pos >= 0 ? pos - before : (tv->is_at_start ? 0 : -1);
    tv->sel = before;
    tv->top = MAX(0, before - h / 2);
    tv->gen++;
    settle(tv, tv->sel, tv->top);
}

bool tableview_search(TableView *tv, const char *text, bool backward, bool *found,
                      bool *is_wrapped, Err *err)
{
    *found = false;
    *is_wrapped = false;
    const PageRow *from = tableview_selected(tv);
    PageRow *hit = NULL;
    if (!store_pager_find(tv->pager, from, backward, text, &hit, err))
        return false;
    if (!hit && from) {
        if (!store_pager_find(tv->pager, NULL, backward, text, &hit, err))
            return false;
        *is_wrapped = hit != NULL;
    }
    if (!hit)
        return true;
    *found = true;
    if (from && page_row_same(hit, from)) {
        page_row_free(hit);
        return true;
    }
    jump_to(tv, hit, err);
    return true;
}

bool tableview_reload(TableView *tv, Err *err)
{
    if (tv->n == 0 || tv->is_at_start) {
        int sel = tv->sel;
        int top = tv->top;
        load_edge(tv, false);
        settle(tv, sel, top);
        return true;
    }
    PageRow *before[1];
    int got = store_pager_prev(tv->pager, tv->rows[0], 1, before, err);
    if (got < 0)
        return false;
    int n = tv->n;
    int sel = tv->sel;
    int top = tv->top;
    int64_t first = tv->first_pos;
    drop_rows(tv);
    int fresh = store_pager_next(tv->pager, got ? before[0] : NULL, n, tv->rows, err);
    if (got)
        page_row_free(before[0]);
    if (fresh < 0)
        return false;
    tv->n = fresh;
    tv->is_at_start = got == 0;
    tv->is_at_end = fresh < n;
    tv->first_pos = got == 0 ? 0 : first;
    tv->gen++;
    settle(tv, sel, top);
    return true;
}

bool tableview_refresh(TableView *tv, Err *err)
{
    count_rows(tv);
    return tableview_reload(tv, err);
}

int64_t tableview_column_max(const TableView *tv, int col)
{
    int64_t max = 0;
    for (int i = 0; i < tv->n; i++) {
        const char *text = page_row_cell(tv->rows[i], col);
        max = MAX(max, text ? g_ascii_strtoll(text, NULL, 10) : 0);
    }
    return max;
}

const PageRow *tableview_selected(const TableView *tv)
{
    return tv->n > 0 ? tv->rows[tv->sel] : NULL;
}

const char *view_cell(const PageRow *row, int col)
{
    const char *t = page_row_cell(row, col);
    return t ? t : "";
}

unsigned tableview_selection_gen(const TableView *tv)
{
    return tv->gen;
}

const char *tableview_error(const TableView *tv)
{
    return tv->error[0] ? tv->error : NULL;
}

void tableview_position(const TableView *tv, char *buf, size_t size)
{
    char pos[32] = "?";
    char total[32] = "?";
    if (tv->n == 0)
        g_strlcpy(pos, "0", sizeof pos);
    else if (tv->first_pos >= 0)
        g_snprintf(pos, sizeof pos, "%" G_GINT64_FORMAT, tv->first_pos + tv->sel + 1);
    /* A whole table's total is the size the writers last kept (live, it
     * can lag a batch or two): rows seen beyond it count too. */
    int64_t n_total = tv->total;
    if (n_total >= 0 && tv->is_at_end && tv->first_pos >= 0)
        n_total = MAX(n_total, tv->first_pos + tv->n);
    if (n_total >= 0)
        g_snprintf(total, sizeof total, "%" G_GINT64_FORMAT "%s", n_total,
                   tv->is_total_capped ? "+" : "");
    g_snprintf(buf, size, "%s/%s", pos, total);
}

/* ---- drawing ------------------------------------------------------------------ */

typedef struct ColumnSpan {
    int x;
    int w;
} ColumnSpan;

/* Whole columns left to right while they fit (a cut address misleads);
 * the width left over goes to text columns whose text was cut, left to
 * right; the last one shown takes the rest of the line when it holds
 * text.  Returns how many are shown. */
static int layout(const TableView *tv, int x, int width, ColumnSpan *spans, int max)
{
    PageSource src = tv->q.source;
    int n_cols = MIN(store_page_n_columns(src), max);
    int used = 0;
    int n = 0;
    for (int c = 0; c < n_cols; c++) {
        int w = store_page_column(src, c)->width;
        if (used + w > width && n > 0)
            break;
        spans[n].w = MIN(w, width - used);
        used += spans[n].w + 1;
        n++;
    }
    int spare = width - used + 1;
    for (int c = 0; c < n && spare > 0; c++) {
        const ColumnDesc *cd = store_page_column(src, c);
        if (cd->is_right || cd->type == CELL_TIME || c >= COLS_MAX)
            continue;
        int grow = MIN(spare, tv->seen_w[c] - spans[c].w);
        if (grow > 0) {
            spans[c].w += grow;
            spare -= grow;
        }
    }
    for (int c = 0, at = x; c < n; c++) {
        spans[c].x = at;
        at += spans[c].w + 1;
    }
    if (n > 0 && !store_page_column(src, n - 1)->is_right)
        spans[n - 1].w = width - (spans[n - 1].x - x);
    return n;
}

/* The widest text of each column on the rows about to be shown. */
static void measure(TableView *tv, int rows_h)
{
    int n_cols = MIN(store_page_n_columns(tv->q.source), COLS_MAX);
    for (int r = 0; r < rows_h && tv->top + r < tv->n; r++) {
        const PageRow *row = tv->rows[tv->top + r];
        for (int c = 0; c < n_cols; c++) {
            const char *text = page_row_cell(row, c);
            if (text && text[0])
                tv->seen_w[c] = MAX(tv->seen_w[c], ui_width(text));
        }
    }
}

static void draw_header(const TableView *tv, const ColumnSpan *spans, int n, int y, int x,
                        int width)
{
    ui_fill(y, x, width, ROLE_COLUMN);
    for (int c = 0; c < n; c++) {
        const ColumnDesc *cd = store_page_column(tv->q.source, c);
        bool is_sorted = c == tv->q.sort_col;
        char title[64];
        g_snprintf(title, sizeof title, "%s%s", cd->title,
                   is_sorted ? (tv->q.is_desc ? theme_glyphs()->sort_down
                                              : theme_glyphs()->sort_up)
                             : "");
        ui_text(y, spans[c].x, spans[c].w, title, is_sorted ? ROLE_COLUMN_SORTED : ROLE_COLUMN,
                true, cd->is_right);
    }
}

static void draw_row(TableView *tv, View *v, const PageRow *row, bool is_selected,
                     const ColumnSpan *spans, int n, int y, int x, int width)
{
    UiRole base = is_selected ? ROLE_SELECTED : ROLE_NORMAL;
    ui_fill(y, x, width, base);
    for (int c = 0; c < n; c++) {
        if (v->desc->draw_cell &&
            v->desc->draw_cell(v, row, c, y, spans[c].x, spans[c].w, is_selected))
            continue;
        const ColumnDesc *cd = store_page_column(tv->q.source, c);
        const char *text = page_row_cell(row, c);
        char buf[64];
        if (text && cd->type == CELL_TIME)
            text = ui_time(text, buf, sizeof buf);
        UiRole role = base;
        if (!is_selected && v->desc->cell_role)
            role = v->desc->cell_role(v, row, c);
        ui_text_cut(y, spans[c].x, spans[c].w, text, role, cd->is_right);
    }
}

void tableview_draw(TableView *tv, View *v, int y, int x, int height, int width)
{
    if (height < 2)
        return;
    int rows_h = MIN(height - 1, HEIGHT_MAX);
    if (rows_h != tv->height) {
        tv->height = rows_h;
        settle(tv, tv->sel, tv->top);
    }
    ColumnSpan spans[COLS_MAX];
    measure(tv, rows_h);
    int n = layout(tv, x, width, spans, COLS_MAX);
    draw_header(tv, spans, n, y, x, width);
    for (int r = 0; r < rows_h; r++) {
        int i = tv->top + r;
        if (i < tv->n)
            draw_row(tv, v, tv->rows[i], i == tv->sel, spans, n, y + 1 + r, x, width);
        else
            ui_fill(y + 1 + r, x, width, ROLE_NORMAL);
    }
    if (tv->n == 0)
        ui_text(y + 1, x + 1, width - 1,
                tv->filter ? "(no rows match the filter; Esc clears it)" : "(no rows)", ROLE_DIM,
                false, false);
}
