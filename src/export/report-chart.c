/*
 * report-chart.c - horizontal bar charts for the report, as inline SVG
 * (no script, no style attributes: colours come from CSS classes so the
 * Content-Security-Policy can forbid inline styles).
 */
#include "config.h"

#include "report.h"

enum {
    CHART_W = 640,
    CHART_LABEL_W = 150,
    CHART_VALUE_W = 70,
    BAR_H = 24,
    BAR_GAP = 10,
    CHART_PAD = 8,
};

void report_bars(GString *out, const char *title, const char *const *labels,
                 const int64_t *values, const char *const *classes, int n)
{
    int64_t max = 1;
    for (int i = 0; i < n; i++) {
        if (values[i] > max)
            max = values[i];
    }
    int height = CHART_PAD * 2 + n * (BAR_H + BAR_GAP);
    g_string_append_printf(out,
                           "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
                           " viewBox=\"0 0 %d %d\" role=\"img\"><title>",
                           CHART_W, height);
    html_text(out, title);
    g_string_append(out, "</title>");
    int span = CHART_W - CHART_LABEL_W - CHART_VALUE_W;
    for (int i = 0; i < n; i++) {
        int y = CHART_PAD + i * (BAR_H + BAR_GAP);
        int w = values[i] > 0 ? (int)(span * values[i] / max) : 0;
        if (values[i] > 0 && w < 3)
            w = 3;
        g_string_append_printf(out, "<text class=\"clabel\" x=\"0\" y=\"%d\">", y + 17);
        html_text(out, labels[i]);
        g_string_append_printf(out,
                               "</text><rect class=\"cbar %s\" x=\"%d\" y=\"%d\" width=\"%d\""
                               " height=\"%d\" rx=\"3\"/><text class=\"cvalue\" x=\"%d\""
                               " y=\"%d\">%" G_GINT64_FORMAT "</text>",
                               classes[i], CHART_LABEL_W, y, w, BAR_H, CHART_LABEL_W + w + 8,
                               y + 17, values[i]);
    }
    g_string_append(out, "</svg>");
}
