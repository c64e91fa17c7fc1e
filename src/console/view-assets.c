/*
 * view-assets.c - the devices: one row per asset; the detail shows every
 * identity attribute with the protocol and packet that revealed it, what
 * the asset serves, whom it talks to and its findings.  Enter lists the
 * asset's conversations.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum { DETAIL_ROWS = 8 }; /* per section of the detail */

typedef struct DetailCtx {
    Detail *d;
    const char *label; /* on the first line of a section, then "" */
} DetailCtx;

static const char *next_label(DetailCtx *dc)
{
    const char *l = dc->label;
    dc->label = "";
    return l;
}

/* name, value, protocol, confidence, first_pkt */
static bool add_attr(const char *const *c, void *user)
{
    DetailCtx *dc = user;
    detail_add(dc->d, ROLE_NORMAL, c[0] ? c[0] : "?", "%s  (%s, packet %s)", c[1] ? c[1] : "",
               c[2] ? c[2] : "?", c[4] ? c[4] : "?");
    return true;
}

/* protocol, transport, port, clients, packets */
static bool add_service(const char *const *c, void *user)
{
    DetailCtx *dc = user;
    detail_add(dc->d, ROLE_NORMAL, next_label(dc), "%s %s/%s: %s clients, %s packets",
               c[0] ? c[0] : "?", c[1] ? c[1] : "?", c[2] ? c[2] : "?", c[3] ? c[3] : "0",
               c[4] ? c[4] : "0");
    return true;
}

/* peer, protocols, packets */
static bool add_peer(const char *const *c, void *user)
{
    DetailCtx *dc = user;
    detail_add(dc->d, ROLE_NORMAL, next_label(dc), "%s  [%s]  %s packets", c[0] ? c[0] : "?",
               c[1] ? c[1] : "", c[2] ? c[2] : "0");
    return true;
}

/* severity, title, finding_id */
static bool add_finding(const char *const *c, void *user)
{
    DetailCtx *dc = user;
    detail_add(dc->d, ROLE_NORMAL, next_label(dc), "#%s %s: %s", c[2] ? c[2] : "?",
               c[0] ? c[0] : "?", c[1] ? c[1] : "");
    return true;
}

static void assets_detail(View *v, const PageRow *row, Detail *d)
{
    Store *s = v->con->store;
    int64_t id = g_ascii_strtoll(view_cell(row, ACOL_ID), NULL, 10);
    char first[32];
    char last[32];
    char bytes[16];
    const char *name = view_cell(row, ACOL_NAME);
    detail_add(d, ROLE_DETAIL_HEAD, "", "Asset %s  %s%s%s", view_cell(row, ACOL_ID),
               view_cell(row, ACOL_IPS)[0] ? view_cell(row, ACOL_IPS) : view_cell(row, ACOL_MAC),
               name[0] ? "  " : "", name);
    detail_add(d, ROLE_NORMAL, "role", "%s%s%s", view_cell(row, ACOL_ROLE),
               view_cell(row, ACOL_EVIDENCE)[0] ? " - " : "", view_cell(row, ACOL_EVIDENCE));
    detail_add(d, ROLE_NORMAL, "mac", "%s  %s",
               view_cell(row, ACOL_MAC)[0] ? view_cell(row, ACOL_MAC) : "-",
               view_cell(row, ACOL_VENDOR));
    detail_add(d, ROLE_NORMAL, "level", "%s",
               view_cell(row, ACOL_LEVEL)[0] ? view_cell(row, ACOL_LEVEL) : "unknown");
    detail_add(d, ROLE_NORMAL, "seen", "%s - %s, %s packets, %s",
               ui_time(view_cell(row, ACOL_FIRST), first, sizeof first),
               ui_time(view_cell(row, ACOL_LAST), last, sizeof last), view_cell(row, ACOL_PACKETS),
               ui_bytes(g_ascii_strtoll(view_cell(row, ACOL_BYTES), NULL, 10), bytes));
    Err err;
    err_clear(&err);
    DetailCtx dc = { d, "" };
    bool ok = store_asset_attrs(s, id, DETAIL_ROWS * 2, add_attr, &dc, &err);
    dc.label = "serves";
    ok = ok && store_asset_services(s, id, DETAIL_ROWS, add_service, &dc, &err);
    dc.label = "talks to";
    ok = ok && store_asset_peers(s, id, DETAIL_ROWS, add_peer, &dc, &err);
    dc.label = "findings";
    ok = ok && store_asset_findings(s, id, DETAIL_ROWS, add_finding, &dc, &err);
    if (!ok)
        detail_add(d, ROLE_ERROR, "error", "%s", err.msg);
}

static ViewResult assets_on_key(View *v, int key)
{
    if (key != KEY_ENTER)
        return VIEW_UNHANDLED;
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return VIEW_HANDLED;
    PageScope scope = { .kind = SCOPE_ASSET };
    scope.id = g_ascii_strtoll(view_cell(row, ACOL_ID), NULL, 10);
    char crumb[96];
    const char *addr =
        view_cell(row, ACOL_IPS)[0] ? view_cell(row, ACOL_IPS) : view_cell(row, ACOL_MAC);
    g_snprintf(crumb, sizeof crumb, "of %.*s", (int)strcspn(addr, ";"), addr);
    console_push(v->con, &view_comms, &scope, crumb);
    return VIEW_PUSH;
}

const ViewDesc view_assets = {
    .name = "assets",
    .title = "Assets",
    .has_table = true,
    .source = PAGE_ASSETS,
    .default_sort = ACOL_ID,
    .enter_help = "the asset's conversations",
    .detail = assets_detail,
    .on_key = assets_on_key,
};
