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
    detail_add(d, ROLE_DETAIL_HEAD, "", "%s %s (code %s)  %s > %s", view_cell(row, OCOL_PROTOCOL),
               view_cell(row, OCOL_FUNCTION), view_cell(row, OCOL_CODE), view_cell(row, OCOL_SRC),
               view_cell(row, OCOL_DST));
    detail_add(d, view_class_role(view_cell(row, OCOL_CLASS)), "class", "%s",
               view_cell(row, OCOL_CLASS));
    detail_add(d, ROLE_NORMAL, "requests", "%s, %s responses, %s errors",
               view_cell(row, OCOL_COUNT), view_cell(row, OCOL_RESPONSES),
               view_cell(row, OCOL_ERRORS));
    detail_add(d, ROLE_NORMAL, "seen", "%s - %s",
               page_row_cell(row, OCOL_FIRST)
                   ? ui_time(view_cell(row, OCOL_FIRST), first, sizeof first)
                   : "-",
               page_row_cell(row, OCOL_LAST) ? ui_time(view_cell(row, OCOL_LAST), last, sizeof last)
                                             : "-");
    detail_add(d, ROLE_NORMAL, "first packet", "%s",
               view_cell(row, OCOL_FIRST_PKT)[0] ? view_cell(row, OCOL_FIRST_PKT) : "-");
    if (view_cell(row, OCOL_DETAIL)[0])
        detail_add(d, ROLE_NORMAL, "detail", "%s", view_cell(row, OCOL_DETAIL));
}

static ViewResult ops_on_key(View *v, int key)
{
    if (key != KEY_ENTER)
        return VIEW_UNHANDLED;
    return console_push_pair(v, &view_findings, OCOL_SRC, OCOL_DST);
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
