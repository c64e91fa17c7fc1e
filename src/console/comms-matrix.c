/*
 * comms-matrix.c - the Comms view's matrix mode: conversations counted
 * per pair of Purdue levels (or zones) and protocol, one row per
 * "from -> to" pair, one column per protocol, busiest protocol first.
 *
 * The counts come from the store's comm_matrix table (store_comm_matrix,
 * kept by the writers) when the mode is entered and again when the DB has
 * news (live); the grid is held whole, as it is small: levels and zones
 * are few, protocols dozens.
 * Rows that skip a Purdue level (L4 -> L1, |from - to| >= 2) are marked
 * "!": they are what a segmentation review looks for.  Zero cells show
 * ".", so the gaps read as gaps.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum { LABEL_MIN_W = 14, CELL_GAP = 2, NUMBER_MIN_W = 5 };

typedef struct Axis {
    char *src;    /* NULL: no asset, or no level/zone */
    char *dst;
    char *name;   /* protocol (columns) */
    int64_t total;
    int idx;
} Axis;

typedef struct Entry {
    Axis *row;
    Axis *col;
    int64_t n;
} Entry;

struct CommMatrix {
    MatrixAxis axis;
    bool is_loaded;
    unsigned data_gen;
    Axis **rows;
    Axis **cols;
    int n_rows;
    int n_cols;
    int64_t *cells; /* n_rows x n_cols conversations */
    int64_t total;
    int top;  /* first row shown */
    int left; /* first protocol column shown */
    int page; /* rows shown at the last draw */
};

typedef struct Build {
    GHashTable *rows; /* "src\x1fdst" -> Axis */
    GHashTable *cols; /* protocol -> Axis */
    GArray *entries;
} Build;

static void axis_free(gpointer p)
{
    Axis *a = p;
    g_free(a->src);
    g_free(a->dst);
    g_free(a->name);
    g_free(a);
}

CommMatrix *comm_matrix_new(void)
{
    return g_new0(CommMatrix, 1);
}

static void drop(CommMatrix *m)
{
    for (int i = 0; i < m->n_rows; i++)
        axis_free(m->rows[i]);
    for (int i = 0; i < m->n_cols; i++)
        axis_free(m->cols[i]);
    g_free(m->rows);
    g_free(m->cols);
    g_free(m->cells);
    m->rows = m->cols = NULL;
    m->cells = NULL;
    m->n_rows = m->n_cols = 0;
    m->total = 0;
    m->is_loaded = false;
}

void comm_matrix_free(CommMatrix *m)
{
    if (!m)
        return;
    drop(m);
    g_free(m);
}

/* src_group, dst_group, protocol, conversations, packets */
static bool take(const char *const *c, void *user)
{
    Build *b = user;
    char *key = g_strdup_printf("%s\x1f%s", c[0] ? c[0] : "", c[1] ? c[1] : "");
    Axis *row = g_hash_table_lookup(b->rows, key);
    if (!row) {
        row = g_new0(Axis, 1);
        row->src = g_strdup(c[0]);
        row->dst = g_strdup(c[1]);
        g_hash_table_insert(b->rows, key, row);
    } else {
        g_free(key);
    }
    const char *proto = c[2] ? c[2] : "?";
    Axis *col = g_hash_table_lookup(b->cols, proto);
    if (!col) {
        col = g_new0(Axis, 1);
        col->name = g_strdup(proto);
        g_hash_table_insert(b->cols, col->name, col);
    }
    int64_t n = c[3] ? g_ascii_strtoll(c[3], NULL, 10) : 0;
    row->total += n;
    col->total += n;
    Entry e = { row, col, n };
    g_array_append_val(b->entries, e);
    return true;
}

/* Groups without a level or zone sort last. */
static int group_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

static int row_cmp(gconstpointer pa, gconstpointer pb)
{
    const Axis *a = *(Axis *const *)pa;
    const Axis *b = *(Axis *const *)pb;
    int c = group_cmp(a->src, b->src);
    return c ? c : group_cmp(a->dst, b->dst);
}

static int col_cmp(gconstpointer pa, gconstpointer pb)
{
    const Axis *a = *(Axis *const *)pa;
    const Axis *b = *(Axis *const *)pb;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->name, b->name);
}

static Axis **sorted(GHashTable *h, int *n, GCompareFunc cmp)
{
    *n = (int)g_hash_table_size(h);
    Axis **out = g_new(Axis *, MAX(*n, 1));
    GHashTableIter it;
    gpointer value;
    int i = 0;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, NULL, &value))
        out[i++] = value;
    qsort(out, (size_t)*n, sizeof *out, (int (*)(const void *, const void *))cmp);
    for (i = 0; i < *n; i++)
        out[i]->idx = i;
    return out;
}

bool comm_matrix_load(CommMatrix *m, Store *s, MatrixAxis axis, unsigned data_gen, Err *err)
{
    if (m->is_loaded && m->axis == axis && m->data_gen == data_gen)
        return true;
    if (m->axis != axis)
        m->top = m->left = 0;
    drop(m);
    Build b = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                g_hash_table_new(g_str_hash, g_str_equal),
                g_array_new(FALSE, FALSE, sizeof(Entry)) };
    bool ok = store_comm_matrix(s, axis, take, &b, err);
    /* the Axis structs move to the sorted arrays, which own them from here */
    m->rows = sorted(b.rows, &m->n_rows, row_cmp);
    m->cols = sorted(b.cols, &m->n_cols, col_cmp);
    m->cells = g_new0(int64_t, MAX(m->n_rows * m->n_cols, 1));
    for (guint i = 0; i < b.entries->len; i++) {
        const Entry *e = &g_array_index(b.entries, Entry, i);
        m->cells[e->row->idx * m->n_cols + e->col->idx] += e->n;
        m->total += e->n;
    }
    g_hash_table_destroy(b.rows);
    g_hash_table_destroy(b.cols);
    g_array_free(b.entries, TRUE);
    m->axis = axis;
    m->data_gen = data_gen;
    m->is_loaded = ok;
    return ok;
}

void comm_matrix_scroll(CommMatrix *m, int rows, int cols)
{
    int64_t top = (int64_t)m->top + rows;
    m->top = (int)CLAMP(top, 0, MAX(0, m->n_rows - 1));
    m->left = CLAMP(m->left + cols, 0, MAX(0, m->n_cols - 1));
}

int comm_matrix_page(const CommMatrix *m)
{
    return MAX(1, m->page - 1);
}

static const char *group_name(const CommMatrix *m, const char *g)
{
    return g ? g : (m->axis == MATRIX_ZONES ? "(no zone)" : "?");
}

/* "L4 -> L1": two levels apart or more */
static bool is_skip(const CommMatrix *m, const Axis *row)
{
    if (m->axis != MATRIX_LEVELS || !row->src || !row->dst || row->src[0] != 'L' ||
        row->dst[0] != 'L')
        return false;
    int a = atoi(row->src + 1);
    int b = atoi(row->dst + 1);
    return a - b >= 2 || b - a >= 2;
}

static const char *corner(const CommMatrix *m)
{
    return m->axis == MATRIX_ZONES ? "FROM ZONE -> TO" : "FROM LEVEL -> TO";
}

static int label_width(const CommMatrix *m)
{
    int w = MAX(LABEL_MIN_W, ui_width(corner(m)) + 2);
    for (int i = 0; i < m->n_rows; i++) {
        const Axis *r = m->rows[i];
        w = MAX(w, ui_width(group_name(m, r->src)) + ui_width(group_name(m, r->dst)) + 6);
    }
    return MIN(w, 40);
}

static int col_width(const Axis *c)
{
    char buf[24];
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, c->total);
    return MAX(NUMBER_MIN_W, MAX(ui_width(c->name), (int)strlen(buf))) + CELL_GAP;
}

static void draw_number(int y, int x, int w, int64_t n, UiRole role)
{
    char buf[24];
    if (n)
        g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, n);
    ui_text(y, x, w, n ? buf : ".", n ? role : ROLE_DIM, true, true);
}

static bool has_groups(const CommMatrix *m)
{
    for (int i = 0; i < m->n_rows; i++)
        if (m->rows[i]->src || m->rows[i]->dst)
            return true;
    return false;
}

void comm_matrix_draw(CommMatrix *m, int y, int x, int h, int w)
{
    for (int r = 0; r < h; r++)
        ui_fill(y + r, x, w, ROLE_NORMAL);
    if (!m->is_loaded)
        return;
    if (m->axis == MATRIX_ZONES && !has_groups(m)) {
        ui_text(y + 1, x + 1, w - 1,
                "No zones defined: load a zone policy with 'otscope zones load FILE'.",
                ROLE_MESSAGE, false, false);
        return;
    }
    int lw = label_width(m);
    int body = MAX(1, h - 2);
    m->page = body;
    m->top = CLAMP(m->top, 0, MAX(0, m->n_rows - body));
    m->left = CLAMP(m->left, 0, MAX(0, m->n_cols - 1));
    ui_text(y, x, lw, corner(m), ROLE_COLUMN, true, false);
    int total_w = NUMBER_MIN_W + CELL_GAP + 1;
    ui_text(y, x + lw, total_w, "ALL", ROLE_COLUMN, true, true);
    int cx = x + lw + total_w;
    int last = m->left;
    for (int c = m->left; c < m->n_cols && cx + col_width(m->cols[c]) <= x + w; c++) {
        int cw = col_width(m->cols[c]);
        ui_text(y, cx, cw, m->cols[c]->name, ROLE_COLUMN, true, true);
        cx += cw;
        last = c + 1;
    }
    ui_fill(y, cx, x + w - cx, ROLE_COLUMN);
    for (int r = 0; r < body && m->top + r < m->n_rows; r++) {
        const Axis *row = m->rows[m->top + r];
        bool skip = is_skip(m, row);
        char label[96];
        g_snprintf(label, sizeof label, "%s -> %s%s", group_name(m, row->src),
                   group_name(m, row->dst), skip ? " !" : "");
        UiRole role = skip ? ROLE_SEV_HIGH : ROLE_NORMAL;
        ui_text(y + 1 + r, x, lw, label, role, true, false);
        draw_number(y + 1 + r, x + lw, total_w, row->total, role);
        cx = x + lw + total_w;
        for (int c = m->left; c < last; c++) {
            int cw = col_width(m->cols[c]);
            draw_number(y + 1 + r, cx, cw, m->cells[(m->top + r) * m->n_cols + c], role);
            cx += cw;
        }
    }
    /* the marks explained only when shown, so that the scroll hint fits */
    bool has_skip = false;
    bool has_none = false;
    for (int r = 0; r < body && m->top + r < m->n_rows; r++) {
        const Axis *row = m->rows[m->top + r];
        has_skip = has_skip || is_skip(m, row);
        has_none = has_none || !row->src || !row->dst;
    }
    char legend[256];
    bool is_cut = m->top > 0 || m->top + body < m->n_rows || m->left > 0 || last < m->n_cols;
    g_snprintf(legend, sizeof legend,
               "pairs %d-%d/%d, protocols %d-%d/%d  %" G_GINT64_FORMAT " conversations%s",
               m->n_rows ? m->top + 1 : 0, MIN(m->n_rows, m->top + body), m->n_rows,
               m->n_cols ? m->left + 1 : 0, last, m->n_cols, m->total,
               is_cut ? "  arrows scroll" : "");
    const char *marks = m->axis != MATRIX_LEVELS ? ""
                        : has_skip && has_none ? "  ! skips a level, ? none"
                        : has_skip             ? "  ! skips a level"
                        : has_none             ? "  ? no level"
                                               : "";
    static const char *const shorter[][2] = {
        { "  ! skips a level, ? none", "  ! skip, ? none" },
        { "  ! skips a level", "  ! skip" },
        { "  ? no level", "  ? none" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(shorter); i++)
        if (strcmp(marks, shorter[i][0]) == 0 && ui_width(legend) + ui_width(marks) > w)
            marks = shorter[i][1];
    if (ui_width(legend) + ui_width(marks) <= w)
        g_strlcat(legend, marks, sizeof legend);
    ui_text(y + h - 1, x, w, legend, ROLE_DIM, true, false);
}

bool comm_matrix_export(const CommMatrix *m, FILE *f, int64_t *n_rows)
{
    fputs(m->axis == MATRIX_ZONES ? "src_zone,dst_zone,conversations"
                                  : "src_level,dst_level,conversations",
          f);
    for (int c = 0; c < m->n_cols; c++) {
        fputc(',', f);
        csv_write_field(f, m->cols[c]->name);
    }
    fputs("\r\n", f);
    for (int r = 0; r < m->n_rows; r++) {
        const Axis *row = m->rows[r];
        csv_write_field(f, row->src);
        fputc(',', f);
        csv_write_field(f, row->dst);
        fprintf(f, ",%" G_GINT64_FORMAT, row->total);
        for (int c = 0; c < m->n_cols; c++)
            fprintf(f, ",%" G_GINT64_FORMAT, m->cells[r * m->n_cols + c]);
        fputs("\r\n", f);
    }
    *n_rows = m->n_rows;
    return !ferror(f);
}
