/*
 * view-comms.c - the conversations: who opened what with whom, over which
 * protocol and port, how much.  The detail names both ends and lists the
 * operations seen on the pair; Enter lists those operations.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum { DETAIL_OPS = 10 };

static const char *cell(const PageRow *row, int col)
{
    const char *t = page_row_cell(row, col);
    return t ? t : "";
}

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
    detail_add(d, ROLE_DETAIL_HEAD, "", "%s %s/%s  %s > %s", cell(row, CCOL_PROTOCOL),
               cell(row, CCOL_TRANSPORT), cell(row, CCOL_PORT), cell(row, CCOL_SRC),
               cell(row, CCOL_DST));
    describe_addr(s, cell(row, CCOL_SRC), d, "client");
    describe_addr(s, cell(row, CCOL_DST), d, "server");
    detail_add(d, ROLE_NORMAL, "traffic", "%s packets, %s, vlan %s, %s anomalies",
               cell(row, CCOL_PACKETS),
               ui_bytes(g_ascii_strtoll(cell(row, CCOL_BYTES), NULL, 10), bytes),
               cell(row, CCOL_VLAN), cell(row, CCOL_ANOMALIES));
    detail_add(d, ROLE_NORMAL, "seen", "%s - %s",
               ui_time(cell(row, CCOL_FIRST), first, sizeof first),
               ui_time(cell(row, CCOL_LAST), last, sizeof last));
    OpsCtx oc = { d, "operations" };
    Err err;
    err_clear(&err);
    if (!store_pair_ops(s, cell(row, CCOL_SRC), cell(row, CCOL_DST), DETAIL_OPS, add_op, &oc,
                        &err))
        detail_add(d, ROLE_ERROR, "error", "%s", err.msg);
    else if (oc.label[0])
        detail_add(d, ROLE_DIM, "operations", "none decoded");
}

static ViewResult comms_on_key(View *v, int key)
{
    if (key != KEY_ENTER)
        return VIEW_UNHANDLED;
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return VIEW_HANDLED;
    PageScope scope = { .kind = SCOPE_PAIR };
    g_strlcpy(scope.a, cell(row, CCOL_SRC), sizeof scope.a);
    g_strlcpy(scope.b, cell(row, CCOL_DST), sizeof scope.b);
    char crumb[96];
    g_snprintf(crumb, sizeof crumb, "of %s > %s", scope.a, scope.b);
    console_push(v->con, &view_ops, &scope, crumb);
    return VIEW_PUSH;
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
};
