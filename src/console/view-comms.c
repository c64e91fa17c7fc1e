/*
 * view-comms.c - the conversations: who opened what with whom, over which
 * protocol and port, how much.  The detail names both ends and lists the
 * operations seen on the pair; Enter lists those operations.  m turns the
 * list into a matrix of Purdue levels, then of zones, then back
 * (comms-matrix.c draws it).
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum { DETAIL_OPS = 10 };

typedef struct NameCtx {
    char text[160];
} NameCtx;

/* asset_id, role, name */
static bool take_name(const char *const *c, void *user)
{
    NameCtx *nc = user;
    g_snprintf(nc->text, sizeof nc->text, "asset %s, %s%s%s", c[0] ? c[0] : "?",
               c[1] ? c[1] : "unknown", c[2] ? ", " : "", c[2] ? c[2] : "");
    return false;
}

/* "10.10.1.10 (asset 3, plc, PLC-1)" */
static void describe_addr(Store *s, const char *addr, Detail *d, const char *label)
{
    NameCtx nc = { "not an asset" };
    Err err;
    err_clear(&err);
    if (!store_addr_asset(s, addr, take_name, &nc, &err))
        g_strlcpy(nc.text, err.msg, sizeof nc.text);
    detail_add(d, ROLE_NORMAL, label, "%s  (%s)", addr, nc.text);
}

typedef struct OpsCtx {
    Detail *d;
    const char *label;
} OpsCtx;

/* protocol, function, class, count */
static bool add_op(const char *const *c, void *user)
{
    OpsCtx *oc = user;
    detail_add(oc->d, view_class_role(c[2]), oc->label, "%s %s  [%s]  x%s", c[0] ? c[0] : "?",
               c[1] ? c[1] : "?", c[2] ? c[2] : "?", c[3] ? c[3] : "0");
    oc->label = "";
    return true;
}

static void comms_detail(View *v, const PageRow *row, Detail *d)
{
    Store *s = v->con->store;
    char first[32];
    char last[32];
    char bytes[16];
    detail_add(d, ROLE_DETAIL_HEAD, "", "%s %s/%s  %s > %s", view_cell(row, CCOL_PROTOCOL),
               view_cell(row, CCOL_TRANSPORT), view_cell(row, CCOL_PORT), view_cell(row, CCOL_SRC),
               view_cell(row, CCOL_DST));
    describe_addr(s, view_cell(row, CCOL_SRC), d, "client");
    describe_addr(s, view_cell(row, CCOL_DST), d, "server");
    detail_add(d, ROLE_NORMAL, "traffic", "%s packets, %s, vlan %s, %s anomalies",
               view_cell(row, CCOL_PACKETS),
               ui_bytes(g_ascii_strtoll(view_cell(row, CCOL_BYTES), NULL, 10), bytes),
               view_cell(row, CCOL_VLAN), view_cell(row, CCOL_ANOMALIES));
    detail_add(d, ROLE_NORMAL, "seen", "%s - %s",
               ui_time(view_cell(row, CCOL_FIRST), first, sizeof first),
               ui_time(view_cell(row, CCOL_LAST), last, sizeof last));
    OpsCtx oc = { d, "operations" };
    Err err;
    err_clear(&err);
    if (!store_pair_ops(s, view_cell(row, CCOL_SRC), view_cell(row, CCOL_DST), DETAIL_OPS, add_op,
                        &oc, &err))
        detail_add(d, ROLE_ERROR, "error", "%s", err.msg);
    else if (oc.label[0])
        detail_add(d, ROLE_DIM, "operations", "none decoded");
}

typedef enum CommsMode { MODE_LIST, MODE_LEVELS, MODE_ZONES, MODE_COUNT } CommsMode;

typedef struct CommsState {
    CommsMode mode;
    CommMatrix *matrix;
} CommsState;

static CommsState *state(View *v)
{
    if (!v->priv)
        v->priv = g_new0(CommsState, 1);
    return v->priv;
}

static void comms_fini(View *v)
{
    CommsState *st = v->priv;
    if (st)
        comm_matrix_free(st->matrix);
    g_free(st);
    v->priv = NULL;
}

static bool comms_owns_body(const View *v)
{
    const CommsState *st = v->priv;
    return st && st->mode != MODE_LIST;
}

/* Reads the matrix when first shown and when the DB has news (live). */
static CommMatrix *matrix(View *v)
{
    CommsState *st = state(v);
    if (!st->matrix)
        st->matrix = comm_matrix_new();
    Err err;
    err_clear(&err);
    MatrixAxis axis = st->mode == MODE_ZONES ? MATRIX_ZONES : MATRIX_LEVELS;
    if (!comm_matrix_load(st->matrix, v->con->store, axis, v->con->data_gen, &err))
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
    return st->matrix;
}

static void comms_draw(View *v, int y, int x, int h, int w)
{
    comm_matrix_draw(matrix(v), y, x, h, w);
}

static const char *comms_title_extra(View *v)
{
    const CommsState *st = v->priv;
    if (!st || st->mode == MODE_LIST)
        return NULL;
    return st->mode == MODE_LEVELS ? "matrix of all conversations by Purdue level and protocol"
                                   : "matrix of all conversations by zone and protocol";
}

static bool comms_export(View *v, FILE *f, int64_t *n_rows, Err *err)
{
    (void)err;
    return comm_matrix_export(matrix(v), f, n_rows);
}

static ViewResult matrix_key(View *v, int key)
{
    CommMatrix *m = matrix(v);
    int page = comm_matrix_page(m);
    switch (key) {
    case KEY_UP:
    case 'k':
        comm_matrix_scroll(m, -1, 0);
        break;
    case KEY_DOWN:
    case 'j':
        comm_matrix_scroll(m, 1, 0);
        break;
    case KEY_PPAGE:
    case 'b':
        comm_matrix_scroll(m, -page, 0);
        break;
    case KEY_NPAGE:
    case ' ':
        comm_matrix_scroll(m, page, 0);
        break;
    case KEY_HOME:
    case 'g':
        comm_matrix_scroll(m, INT32_MIN / 2, 0);
        break;
    case KEY_END:
    case 'G':
        comm_matrix_scroll(m, INT32_MAX / 2, 0);
        break;
    case KEY_LEFT:
        comm_matrix_scroll(m, 0, -1);
        break;
    case KEY_RIGHT:
        comm_matrix_scroll(m, 0, 1);
        break;
    case 27: /* Esc: back to the list */
        state(v)->mode = MODE_LIST;
        break;
    default:
        return VIEW_UNHANDLED;
    }
    return VIEW_HANDLED;
}

static ViewResult comms_on_key(View *v, int key)
{
    CommsState *st = state(v);
    if (key == 'm') {
        st->mode = (st->mode + 1) % MODE_COUNT;
        return VIEW_HANDLED;
    }
    if (st->mode != MODE_LIST)
        return matrix_key(v, key);
    if (key != KEY_ENTER)
        return VIEW_UNHANDLED;
    return console_push_pair(v, &view_ops, CCOL_SRC, CCOL_DST);
}

static const ViewKey comms_keys[] = {
    { "m", "matrix of all conversations: Purdue level pairs x protocols, then zone pairs, "
           "then the list again; the arrows scroll it, Esc leaves it", "Matrix" },
    { NULL, NULL, NULL },
};

/* The matrix hides the list: only these and the view keys work there. */
static const ViewKey matrix_keys[] = {
    { "m", "the next matrix (levels, zones), then the list again", "Matrix" },
    { "Esc", "back to the list", "List" },
    { "Up Down k j", "scroll the pairs a row", NULL },
    { "PgUp PgDn", "scroll the pairs a page (b Space too; Home g, End G: first, last)",
      NULL },
    { "Left Right", "scroll the protocols a column", NULL },
    { NULL, NULL, NULL },
};

static const ViewKey *comms_keys_now(const View *v)
{
    return comms_owns_body(v) ? matrix_keys : comms_keys;
}

const ViewDesc view_comms = {
    .name = "comms",
    .title = "Comms",
    .has_table = true,
    .source = PAGE_COMMS,
    .default_sort = CCOL_SRC,
    .enter_help = "the operations of this client > server pair",
    .detail = comms_detail,
    .on_key = comms_on_key,
    .draw = comms_draw,
    .title_extra = comms_title_extra,
    .export_csv = comms_export,
    .owns_body = comms_owns_body,
    .fini = comms_fini,
    .keys = comms_keys,
    .keys_now = comms_keys_now,
};
