/*
 * view-timeline.c - the control plane over time: operations of class
 * control and program (run/stop, downloads, firmware) and findings,
 * counted per time bucket with + and - zooming, or listed one by one at
 * the finest zoom.  Enter on a bucket lists its events; Enter on an event
 * jumps to its operations or its finding.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

static const struct {
    int64_t ns;
    const char *name;
} zooms[] = {
    { 0, "events" },
    { INT64_C(1000000000), "1s" },
    { INT64_C(10000000000), "10s" },
    { INT64_C(60000000000), "1m" },
    { INT64_C(600000000000), "10m" },
    { INT64_C(3600000000000), "1h" },
    { INT64_C(86400000000000), "1d" },
};

enum { ZOOM_COUNT = (int)G_N_ELEMENTS(zooms), BUCKETS_WANTED = 40 };

/* The finest zoom that shows the whole capture in about a screenful. */
static int auto_zoom(const ConsoleSummary *sum)
{
    int64_t span = sum->last_ns - sum->first_ns;
    for (int z = 1; z < ZOOM_COUNT; z++)
        if (span / zooms[z].ns <= BUCKETS_WANTED)
            return z;
    return ZOOM_COUNT - 1;
}

static void set_zoom_query(View *v)
{
    if (zooms[v->zoom].ns == 0) {
        v->query.source = PAGE_EVENTS;
        v->query.sort_col = ECOL_TIME;
    } else {
        v->query.source = PAGE_BUCKETS;
        v->query.sort_col = BCOL_TIME;
        v->query.scope.bucket_ns = zooms[v->zoom].ns;
    }
    v->query.is_desc = false;
}

static void timeline_init(View *v)
{
    v->zoom = v->query.scope.kind == SCOPE_ALL ? auto_zoom(&v->con->summary) : 0;
    set_zoom_query(v);
}

static const char *timeline_title_extra(View *v)
{
    static const char *const labels[ZOOM_COUNT] = {
        "zoom: events (+/-)", "zoom: 1s (+/-)", "zoom: 10s (+/-)", "zoom: 1m (+/-)",
        "zoom: 10m (+/-)",    "zoom: 1h (+/-)", "zoom: 1d (+/-)",
    };
    return v->query.scope.kind == SCOPE_ALL ? labels[v->zoom] : NULL;
}

static bool timeline_draw_cell(View *v, const PageRow *row, int col, int y, int x, int w,
                               bool is_selected)
{
    if (v->query.source != PAGE_BUCKETS || col != BCOL_ACTIVITY)
        return false;
    int64_t max = tableview_column_max(v->table, BCOL_EVENTS);
    UiRole role = is_selected ? ROLE_SELECTED : ROLE_BAR;
    ui_fill(y, x, w, is_selected ? ROLE_SELECTED : ROLE_NORMAL);
    ui_bar(y, x, w, g_ascii_strtoll(view_cell(row, BCOL_EVENTS), NULL, 10), max, role);
    return true;
}

static UiRole timeline_cell_role(const View *v, const PageRow *row, int col)
{
    if (v->query.source != PAGE_EVENTS || (col != ECOL_CLASS && col != ECOL_WHAT))
        return ROLE_NORMAL;
    const char *cls = view_cell(row, ECOL_CLASS);
    UiRole role = view_severity_role(cls);
    return role != ROLE_NORMAL ? role : view_class_role(cls);
}

static void timeline_detail(View *v, const PageRow *row, Detail *d)
{
    char a[32];
    char b[32];
    if (v->query.source == PAGE_BUCKETS) {
        detail_add(d, ROLE_DETAIL_HEAD, "", "%s, %s",
                   ui_time(view_cell(row, BCOL_TIME), a, sizeof a), zooms[v->zoom].name);
        detail_add(d, ROLE_NORMAL, "events", "%s: %s control, %s program, %s findings",
                   view_cell(row, BCOL_EVENTS), view_cell(row, BCOL_CONTROL),
                   view_cell(row, BCOL_PROGRAM), view_cell(row, BCOL_FINDINGS));
        detail_add(d, ROLE_DIM, "Enter", "lists them");
        return;
    }
    bool is_finding = page_row_cell(row, ECOL_FINDING_ID) != NULL;
    detail_add(d, ROLE_DETAIL_HEAD, "", "%s  %s%s%s", view_cell(row, ECOL_WHAT),
               view_cell(row, ECOL_SRC), view_cell(row, ECOL_DST)[0] ? " > " : "",
               view_cell(row, ECOL_DST));
    detail_add(d, timeline_cell_role(v, row, ECOL_CLASS), is_finding ? "severity" : "class",
               "%s", view_cell(row, ECOL_CLASS));
    detail_add(d, ROLE_NORMAL, "protocol", "%s", view_cell(row, ECOL_PROTOCOL));
    detail_add(d, ROLE_NORMAL, "seen", "count %s, %s - %s", view_cell(row, ECOL_COUNT),
               ui_time(view_cell(row, ECOL_TIME), a, sizeof a),
               ui_time(view_cell(row, ECOL_LAST), b, sizeof b));
    detail_add(d, ROLE_DIM, "Enter",
               is_finding ? "opens the finding %s" : "lists the pair's operations%s",
               is_finding ? view_cell(row, ECOL_FINDING_ID) : "");
}

static ViewResult zoom_by(View *v, int dir)
{
    if (v->query.scope.kind != SCOPE_ALL) {
        console_message(v->con, ROLE_MESSAGE, "this list is one bucket: Esc goes back to zoom");
        return VIEW_HANDLED;
    }
    int z = CLAMP(v->zoom + dir, 0, ZOOM_COUNT - 1);
    if (z == v->zoom)
        return VIEW_HANDLED;
    v->zoom = z;
    set_zoom_query(v);
    Err err;
    err_clear(&err);
    if (!view_apply(v, &err))
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
    return VIEW_HANDLED;
}

/* Buckets start on whole seconds, so the ISO text of the TIME cell gives
 * the start back exactly. */
static int64_t bucket_start_ns(const PageRow *row)
{
    GDateTime *t = g_date_time_new_from_iso8601(view_cell(row, BCOL_TIME), NULL);
    if (!t)
        return 0;
    int64_t ns = g_date_time_to_unix(t) * INT64_C(1000000000);
    g_date_time_unref(t);
    return ns;
}

static ViewResult open_row(View *v)
{
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return VIEW_HANDLED;
    char crumb[96];
    char t[32];
    if (v->query.source == PAGE_BUCKETS) {
        PageScope scope = { .kind = SCOPE_WINDOW };
        scope.from_ns = bucket_start_ns(row);
        scope.to_ns = scope.from_ns + zooms[v->zoom].ns;
        g_snprintf(crumb, sizeof crumb, "%s + %s", ui_time(view_cell(row, BCOL_TIME), t, sizeof t),
                   zooms[v->zoom].name);
        console_push(v->con, &view_timeline, &scope, crumb);
        return VIEW_PUSH;
    }
    const char *finding = page_row_cell(row, ECOL_FINDING_ID);
    if (finding) {
        PageScope scope = { .kind = SCOPE_FINDING, .id = g_ascii_strtoll(finding, NULL, 10) };
        g_snprintf(crumb, sizeof crumb, "#%s", finding);
        console_push(v->con, &view_findings, &scope, crumb);
        return VIEW_PUSH;
    }
    PageScope scope = { .kind = SCOPE_PAIR };
    g_strlcpy(scope.a, view_cell(row, ECOL_SRC), sizeof scope.a);
    g_strlcpy(scope.b, view_cell(row, ECOL_DST), sizeof scope.b);
    g_snprintf(crumb, sizeof crumb, "of %s > %s", scope.a, scope.b);
    console_push(v->con, &view_ops, &scope, crumb);
    return VIEW_PUSH;
}

static ViewResult timeline_on_key(View *v, int key)
{
    switch (key) {
    case '+':
    case '=':
        return zoom_by(v, -1);
    case '-':
        return zoom_by(v, 1);
    case KEY_ENTER:
        return open_row(v);
    default:
        return VIEW_UNHANDLED;
    }
}

static const ViewKey timeline_keys[] = {
    { "+", "zoom in (shorter buckets; finest: one row per event)", "Zoom" },
    { "-", "zoom out (longer buckets)", NULL },
    { NULL, NULL, NULL },
};

const ViewDesc view_timeline = {
    .name = "timeline",
    .title = "Timeline",
    .has_table = true,
    .source = PAGE_BUCKETS,
    .default_sort = BCOL_TIME,
    .enter_help = "a bucket: its events; an event: its operations or finding",
    .init = timeline_init,
    .detail = timeline_detail,
    .cell_role = timeline_cell_role,
    .draw_cell = timeline_draw_cell,
    .on_key = timeline_on_key,
    .title_extra = timeline_title_extra,
    .keys = timeline_keys,
};
