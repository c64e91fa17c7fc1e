/*
 * header.c - the three header lines (DB, captures, time range, counts,
 * traffic sparkline) and the tab bar.
 *
 * Everything here comes from the summary read at start-up (and after
 * triage, and at live ticks) and, live, the capture's own figures read at
 * the last tick: drawing the header never touches the DB.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

/* "label value  " pairs along a line; returns the next x. */
static int pair(int y, int x, int limit, const char *label, const char *value)
{
    if (x >= limit)
        return x;
    x += ui_text(y, x, limit - x, label, ROLE_HEADER, false, false);
    x += ui_text(y, x, limit - x, " ", ROLE_NORMAL, false, false);
    x += ui_text_cut(y, x, limit - x, value, ROLE_HEADER_VALUE, false);
    return x + ui_text(y, x, limit - x, "  ", ROLE_NORMAL, false, false);
}

/* "first-lastZ", the second date only when it differs; in room cells,
 * without the seconds, then as dates only, rather than cut. */
static void time_range(const ConsoleSummary *sum, int room, char *buf, size_t size)
{
    if (sum->last_ns <= 0) {
        g_strlcpy(buf, "no packets", size);
        return;
    }
    char a[32];
    char b[32];
    ui_time_ns(sum->first_ns, a, sizeof a);
    ui_time_ns(sum->last_ns, b, sizeof b);
    bool is_same_day = strncmp(a, b, 10) == 0;
    g_snprintf(buf, size, "%s-%sZ", a, is_same_day ? b + 11 : b);
    if ((int)strlen(buf) <= room || strlen(a) < 16 || strlen(b) < 16)
        return;
    /* "YYYY-MM-DD HH:MM" */
    g_snprintf(buf, size, "%.16s-%.*sZ", a, is_same_day ? 5 : 16, is_same_day ? b + 11 : b);
    if ((int)strlen(buf) <= room || is_same_day)
        return;
    g_snprintf(buf, size, "%.10s..%.10s", a, b);
}

/* The traffic steps resampled to width cells: the busiest step of each
 * cell when there are more steps than cells (so every cell still reads
 * as packets per step), repeated when there are fewer. */
static void resample(const ConsoleSummary *sum, int width, int64_t *cells)
{
    int n = sum->n_traffic;
    for (int c = 0; c < width; c++) {
        int lo = (int)((int64_t)c * n / width);
        int hi = MAX(lo + 1, (int)((int64_t)(c + 1) * n / width));
        cells[c] = 0;
        for (int i = lo; i < hi && i < n; i++)
            cells[c] = MAX(cells[c], sum->traffic[i]);
    }
}

static void sparkline(const ConsoleSummary *sum, int y, int x, int width)
{
    if (width <= 0 || sum->n_traffic == 0)
        return;
    int64_t *cells = g_new(int64_t, width);
    resample(sum, width, cells);
    int64_t max = 0;
    for (int i = 0; i < width; i++)
        max = MAX(max, cells[i]);
    const Glyphs *g = theme_glyphs();
    for (int i = 0; i < width; i++) {
        int level = max > 0 ? (int)((cells[i] * 7 + max - 1) / max) : 0;
        const char *glyph = cells[i] == 0 ? " " : g->spark[CLAMP(level, 0, 7)];
        ui_text(y, x + i, 1, glyph, ROLE_SPARK, false, false);
    }
    g_free(cells);
}

/* "live eth1  pkts 1234  drops 0  rate 56/s": first, as they move. */
static int live_pairs(const Console *con, int x, int width)
{
    char buf[64];
    const ConsoleLiveStats *st = &con->live;
    g_snprintf(buf, sizeof buf, "%s%s", con->opts.live->source, st->is_running ? "" : " (stopped)");
    x = pair(0, x, width, "live", buf);
    g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, st->packets);
    x = pair(0, x, width, "pkts", buf);
    g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, st->drops);
    x = pair(0, x, width, "drops", buf);
    g_snprintf(buf, sizeof buf, "%.0f/s", con->live_rate);
    return pair(0, x, width, "rate", buf);
}

void header_draw(Console *con, int width)
{
    const ConsoleSummary *sum = &con->summary;
    char buf[320];
    for (int y = 0; y < 3; y++)
        ui_fill(y, 0, width, ROLE_NORMAL);
    int x = ui_text(0, 0, width, "otscope  ", ROLE_TITLE, false, false);
    if (con->opts.live)
        x = live_pairs(con, x, width);
    x = pair(0, x, width, "DB", store_path(con->store));
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT "%s%s", sum->n_captures,
               sum->captures[0] ? ": " : "", sum->captures);
    x = pair(0, x, width, "captures", buf);
    if (con->opts.is_readonly)
        pair(0, x, width, "mode", "read-only");

    /* counts first: on a narrow screen the time range is what gets cut */
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, sum->n_assets);
    x = pair(1, 0, width, "assets", buf);
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, sum->n_comms);
    x = pair(1, x, width, "comms", buf);
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, sum->n_ops);
    x = pair(1, x, width, "ops", buf);
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " open)",
               sum->n_findings, sum->n_open_findings);
    x = pair(1, x, width, "findings", buf);
    time_range(sum, width - x, buf, sizeof buf);
    ui_text_cut(1, x, width - x, buf, ROLE_HEADER_VALUE, false);

    x = ui_text(2, 0, width, "pkts/min ", ROLE_HEADER, false, false);
    int64_t peak = 0;
    for (int i = 0; i < sum->n_traffic; i++)
        peak = MAX(peak, sum->traffic[i]);
    g_snprintf(buf, sizeof buf, " peak %" G_GINT64_FORMAT "/%s", peak,
               sum->traffic_step_min > 1 ? "step" : "min");
    int tail = ui_width(buf);
    sparkline(sum, 2, x, width - x - tail - 1);
    if (sum->n_traffic > 0)
        ui_text(2, width - tail, tail, buf, ROLE_HEADER, false, false);
}

void tabs_draw(Console *con, int y, int width)
{
    ui_fill(y, 0, width, ROLE_TAB);
    int x = 0;
    static const ViewDesc *const order[] = {
#define VIEW(name) &view_##name,
#include "views.def"
#undef VIEW
    };
    for (size_t i = 0; i < G_N_ELEMENTS(order) && x < width; i++) {
        bool is_active = (int)i == con->tab;
        char label[64];
        /* brackets too, so the active tab shows without colour */
        g_snprintf(label, sizeof label, is_active ? "[%zu %s]" : " %zu %s ", i + 1,
                   order[i]->title);
        x += ui_text(y, x, width - x, label, is_active ? ROLE_TAB_ACTIVE : ROLE_TAB, false, false);
        x += ui_text(y, x, width - x, " ", ROLE_TAB, false, false);
    }
}
