/*
 * view-dashboard.c - the plant on one screen: assets by role and by Purdue
 * level, findings by severity, top talkers, protocol mix and traffic over
 * time, as six panels drawn from the summary read at start-up.
 *
 * No table and no query per key: everything comes from ConsoleSummary.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"
#include "otscope/util.h"

typedef enum ItemKind { ITEM_COUNT, ITEM_LEVEL, ITEM_SEVERITY, ITEM_BYTES } ItemKind;

static UiRole severity_role(int i)
{
    static const UiRole roles[SUMMARY_SEVERITIES] = { ROLE_SEV_CRITICAL, ROLE_SEV_HIGH,
                                                      ROLE_SEV_MEDIUM, ROLE_SEV_LOW,
                                                      ROLE_SEV_INFO };
    return i >= 0 && i < SUMMARY_SEVERITIES ? roles[i] : ROLE_NORMAL;
}

static void panel_title(int y, int x, int w, const char *title)
{
    ui_text(y, x, w, title, ROLE_DETAIL_HEAD, true, false);
}

static void item_row(int y, int x, int w, const SummaryItem *it, int index, ItemKind kind,
                     int64_t max)
{
    char name[SUMMARY_NAME_MAX + 16];
    char value[32];
    int64_t measure = kind == ITEM_BYTES ? it->value : it->count;
    UiRole role = kind == ITEM_SEVERITY ? severity_role(index) : ROLE_NORMAL;
    if (kind == ITEM_LEVEL)
        g_snprintf(name, sizeof name, strcmp(it->name, "?") == 0 ? "no level" : "level %s",
                   it->name);
    else
        g_strlcpy(name, it->name, sizeof name);
    if (kind == ITEM_BYTES)
        ui_bytes(it->value, value);
    else if (kind == ITEM_SEVERITY)
        g_snprintf(value, sizeof value, "%4" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " open)",
                   it->count, it->value); /* counts aligned on the right */
    else
        g_snprintf(value, sizeof value, "%" G_GINT64_FORMAT, it->count);
    int name_w = MIN(24, w / 2 - 1);
    int value_w = kind == ITEM_SEVERITY ? 16 : 9;
    ui_text(y, x, name_w, name, role, true, false);
    ui_text_cut(y, x, name_w, name, role, false);
    ui_text(y, x + name_w + 1, value_w, value, ROLE_NORMAL, true, kind != ITEM_SEVERITY);
    int bar_x = x + name_w + value_w + 2;
    ui_bar(y, bar_x, w - (bar_x - x), measure, max, ROLE_BAR);
}

static void draw_items(int y, int x, int w, int h, const char *title, const SummaryItem *items,
                       int n, ItemKind kind)
{
    panel_title(y, x, w, title);
    int64_t max = 0;
    for (int i = 0; i < n; i++)
        max = MAX(max, kind == ITEM_BYTES ? items[i].value : items[i].count);
    int shown = MIN(n, h - 1);
    for (int i = 0; i < shown; i++)
        item_row(y + 1 + i, x, w, &items[i], i, kind, max);
    if (n == 0 && h > 1)
        ui_text(y + 1, x + 1, w - 1, "(none)", ROLE_DIM, false, false);
}

/* The traffic steps as columns of a bar chart, height h rows. */
static void draw_traffic(const ConsoleSummary *sum, int y, int x, int w, int h)
{
    char title[96];
    char a[32];
    char b[32];
    g_snprintf(title, sizeof title, "Traffic (packets per %s)",
               sum->traffic_step_min > 1 ? "step" : "minute");
    panel_title(y, x, w, title);
    int ch = h - 2;
    if (sum->n_traffic == 0 || ch < 1 || w < 2) {
        if (h > 1)
            ui_text(y + 1, x + 1, w - 1, "(none)", ROLE_DIM, false, false);
        return;
    }
    int64_t *cells = g_new0(int64_t, w);
    int64_t max = 0;
    for (int c = 0; c < w; c++) {
        int lo = (int)((int64_t)c * sum->n_traffic / w);
        int hi = MAX(lo + 1, (int)((int64_t)(c + 1) * sum->n_traffic / w));
        for (int i = lo; i < hi && i < sum->n_traffic; i++)
            cells[c] = MAX(cells[c], sum->traffic[i]);
        max = MAX(max, cells[c]);
    }
    const Glyphs *g = theme_glyphs();
    for (int c = 0; c < w && max > 0; c++) {
        int64_t eighths = cells[c] * ch * 8 / max;
        if (cells[c] > 0 && eighths == 0)
            eighths = 1;
        for (int r = 0; r < ch && eighths > 0; r++, eighths -= 8) {
            const char *glyph = eighths >= 8 ? g->bar : g->spark[eighths - 1];
            ui_text(y + ch - r, x + c, 1, glyph, ROLE_SPARK, false, false);
        }
    }
    g_free(cells);
    int64_t start_ns = sum->traffic_start_min * INT64_C(60000000000);
    int64_t end_ns = start_ns + (int64_t)sum->n_traffic * sum->traffic_step_min *
                                    INT64_C(60000000000);
    ui_time_ns(start_ns, a, sizeof a);
    ui_time_ns(end_ns, b, sizeof b);
    char axis[96];
    g_snprintf(axis, sizeof axis, "peak %" G_GINT64_FORMAT, max);
    /* the ends as times of day within a day, else as dates */
    bool is_one_day = strncmp(a, b, 10) == 0 || end_ns - start_ns <= INT64_C(86400000000000);
    const char *from = is_one_day ? a + 11 : a;
    const char *to = is_one_day ? b + 11 : b;
    if (!is_one_day)
        a[10] = b[10] = '\0';
    ui_text(y + h - 1, x, w, from, ROLE_DIM, true, false);
    ui_text(y + h - 1, x + (w - ui_width(axis)) / 2, ui_width(axis), axis, ROLE_DIM, false, false);
    ui_text(y + h - 1, x + w - ui_width(to), ui_width(to), to, ROLE_DIM, false, true);
}

static void dashboard_draw(View *v, int y, int x, int h, int w)
{
    const ConsoleSummary *sum = &v->con->summary;
    for (int r = 0; r < h; r++)
        ui_fill(y + r, x, w, ROLE_NORMAL);
    int lw = (w - 2) / 2;
    int rx = x + lw + 2;
    int rw = w - lw - 2;
    int ph = h / 3;
    int last_h = h - 2 * ph;
    char title[64];
    g_snprintf(title, sizeof title, "Assets by role (%" G_GINT64_FORMAT ")", sum->n_assets);
    draw_items(y, x, lw, ph, title, sum->roles, sum->n_roles, ITEM_COUNT);
    g_snprintf(title, sizeof title, "Findings by severity (%" G_GINT64_FORMAT ")",
               sum->n_findings);
    draw_items(y, rx, rw, ph, title, sum->severities, SUMMARY_SEVERITIES, ITEM_SEVERITY);
    draw_items(y + ph, x, lw, ph, "Assets by Purdue level", sum->levels, sum->n_levels,
               ITEM_LEVEL);
    draw_items(y + ph, rx, rw, ph, "Top talkers (bytes)", sum->talkers, sum->n_talkers,
               ITEM_BYTES);
    draw_items(y + 2 * ph, x, lw, last_h, "Protocol mix (conversations)", sum->protocols,
               sum->n_protocols, ITEM_COUNT);
    draw_traffic(sum, y + 2 * ph, rx, rw, last_h);
}

static void csv_item(FILE *f, const char *section, const char *name, int64_t count,
                     int64_t value)
{
    fprintf(f, "%s,", section);
    csv_write_field(f, name);
    fprintf(f, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\r\n", count, value);
}

static int64_t csv_items(FILE *f, const char *section, const SummaryItem *items, int n)
{
    for (int i = 0; i < n; i++)
        csv_item(f, section, items[i].name, items[i].count, items[i].value);
    return n;
}

/* section,name,count,value: the panels' numbers (value: bytes for talkers,
 * open findings for severities, packets for traffic minutes). */
static bool dashboard_export(View *v, FILE *f, int64_t *n_rows, Err *err)
{
    (void)err;
    const ConsoleSummary *sum = &v->con->summary;
    fputs("section,name,count,value\r\n", f);
    *n_rows = csv_items(f, "role", sum->roles, sum->n_roles) +
              csv_items(f, "purdue_level", sum->levels, sum->n_levels) +
              csv_items(f, "severity", sum->severities, SUMMARY_SEVERITIES) +
              csv_items(f, "talker", sum->talkers, sum->n_talkers) +
              csv_items(f, "protocol", sum->protocols, sum->n_protocols) + sum->n_traffic;
    for (int i = 0; i < sum->n_traffic; i++) {
        char iso[OTS_TIME_STRLEN];
        int64_t ns = (sum->traffic_start_min + (int64_t)i * sum->traffic_step_min) *
                     INT64_C(60000000000);
        csv_item(f, "traffic", time_iso(ns, iso), 1, sum->traffic[i]);
    }
    return true;
}

const ViewDesc view_dashboard = {
    .name = "dashboard",
    .title = "Dashboard",
    .draw = dashboard_draw,
    .export_csv = dashboard_export,
};
