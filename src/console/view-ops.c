/*
 * view-ops.c - industrial operations per pair and function code, with
 * write, control and program operations highlighted by class (and always
 * named in the CLASS column, so nothing depends on colour).  Enter lists
 * the findings of the pair.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"
#include "otscope/fact.h"

static const char *cell(const PageRow *row, int col)
{
    const char *t = page_row_cell(row, col);
    return t ? t : "";
}

UiRole view_class_role(const char *cls)
{
    OpClass c;
    if (!cls || !opclass_from_name(cls, &c))
        return ROLE_NORMAL;
    switch (c) {
    case OP_WRITE:
        return ROLE_CLASS_WRITE;
    case OP_CONTROL:
        return ROLE_CLASS_CONTROL;
    case OP_PROGRAM:
        return ROLE_CLASS_PROGRAM;
    default:
        return ROLE_NORMAL;
    }
}

static UiRole ops_cell_role(const View *v, const PageRow *row, int col)
{
    (void)v;
    if (col == OCOL_CLASS || col == OCOL_FUNCTION)
        return view_class_role(page_row_cell(row, OCOL_CLASS));
    return ROLE_NORMAL;
}

static void ops_detail(View *v, const PageRow *row, Detail *d)
{
    (void)v;
    char first[32];
    char last[32];
    detail_add(d, ROLE_DETAIL_HEAD, "", "%s %s (code %s)  %s > %s", cell(row, OCOL_PROTOCOL),
               cell(row, OCOL_FUNCTION), cell(row, OCOL_CODE), cell(row, OCOL_SRC),
               cell(row, OCOL_DST));
    detail_add(d, view_class_role(cell(row, OCOL_CLASS)), "class", "%s", cell(row, OCOL_CLASS));
    detail_add(d, ROLE_NORMAL, "requests", "%s, %s responses, %s errors", cell(row, OCOL_COUNT),
               cell(row, OCOL_RESPONSES), cell(row, OCOL_ERRORS));
    detail_add(d, ROLE_NORMAL, "seen", "%s - %s",
               page_row_cell(row, OCOL_FIRST) ? ui_time(cell(row, OCOL_FIRST), first, sizeof first)
                                              : "-",
               page_row_cell(row, OCOL_LAST) ? ui_time(cell(row, OCOL_LAST), last, sizeof last)
                                             : "-");
    detail_add(d, ROLE_NORMAL, "first packet", "%s",
               cell(row, OCOL_FIRST_PKT)[0] ? cell(row, OCOL_FIRST_PKT) : "-");
    if (cell(row, OCOL_DETAIL)[0])
        detail_add(d, ROLE_NORMAL, "detail", "%s", cell(row, OCOL_DETAIL));
}

static ViewResult ops_on_key(View *v, int key)
{
    if (key != KEY_ENTER)
        return VIEW_UNHANDLED;
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return VIEW_HANDLED;
    PageScope scope = { .kind = SCOPE_PAIR };
    g_strlcpy(scope.a, cell(row, OCOL_SRC), sizeof scope.a);
    g_strlcpy(scope.b, cell(row, OCOL_DST), sizeof scope.b);
    char crumb[96];
    g_snprintf(crumb, sizeof crumb, "of %s > %s", scope.a, scope.b);
    console_push(v->con, &view_findings, &scope, crumb);
    return VIEW_PUSH;
}

const ViewDesc view_ops = {
    .name = "ops",
    .title = "Ops",
    .has_table = true,
    .source = PAGE_OPS,
    .default_sort = OCOL_SRC,
    .enter_help = "the findings of this client > server pair",
    .detail = ops_detail,
    .cell_role = ops_cell_role,
    .on_key = ops_on_key,
};
