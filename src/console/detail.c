/*
 * detail.c - the detail pane: labelled lines that views fill for the
 * selected row, wrapped under their label when drawn.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "console.h"

void detail_clear(Detail *d)
{
    for (int i = 0; i < d->n; i++)
        g_free(d->lines[i].text);
    d->n = 0;
}

void detail_add(Detail *d, UiRole role, const char *label, const char *fmt, ...)
{
    if (d->n >= DETAIL_MAX_LINES)
        return;
    DetailLine *l = &d->lines[d->n++];
    va_list ap;
    va_start(ap, fmt);
    l->text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    l->role = role;
    g_strlcpy(l->label, label, sizeof l->label);
}

void detail_head(Detail *d, const char *title)
{
    detail_add(d, ROLE_DETAIL_HEAD, "", "%s", title);
}

/* Bytes of text that fit in cells, broken after a space when one is near
 * (not for the last piece). */
static size_t wrap_at(const char *text, int cells)
{
    const char *p = text;
    const char *space = NULL;
    int used = 0;
    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        int w = (c != (gunichar)-1 && c != (gunichar)-2 && g_unichar_iswide(c)) ? 2 : 1;
        if (used + w > cells)
            break;
        used += w;
        const char *next =
            (c == (gunichar)-1 || c == (gunichar)-2) ? p + 1 : p + g_utf8_skip[*(const guchar *)p];
        if (*p == ' ')
            space = next;
        p = next;
    }
    if (*p && space && space - text > (p - text) / 2)
        return (size_t)(space - text);
    return (size_t)(p - text);
}

static bool is_visible(bool draw, int row, int top, int height)
{
    return draw && row >= top && row < top + height;
}

/* Lays the lines out in wrapped rows, drawing those from top on that fit
 * in height (none when draw is false); returns the rows in all. */
static int layout(const Detail *d, bool draw, int top, int y, int x, int height, int width)
{
    int row = 0;
    int text_x = x + DETAIL_LABEL_W + 1;
    int text_w = MAX(1, width - DETAIL_LABEL_W - 1);
    for (int i = 0; i < d->n; i++) {
        const DetailLine *l = &d->lines[i];
        if (l->role == ROLE_DETAIL_HEAD) {
            if (is_visible(draw, row, top, height))
                ui_text(y + row - top, x, width, l->text, ROLE_DETAIL_HEAD, true, false);
            row++;
            continue;
        }
        const char *p = l->text;
        do {
            size_t n = wrap_at(p, text_w);
            if (n == 0)
                n = strlen(p);
            if (is_visible(draw, row, top, height)) {
                int sy = y + row - top;
                char *piece = g_strndup(p, n);
                if (p == l->text)
                    ui_text(sy, x, DETAIL_LABEL_W + 1, l->label, ROLE_DETAIL_LABEL, true, false);
                else
                    ui_fill(sy, x, DETAIL_LABEL_W + 1, ROLE_NORMAL);
                ui_text(sy, text_x, text_w, piece, l->role, true, false);
                g_free(piece);
            }
            p += n;
            while (*p == ' ')
                p++;
            row++;
        } while (*p);
    }
    return row;
}

int detail_rows(const Detail *d, int width)
{
    return layout(d, false, 0, 0, 0, 0, width);
}

int detail_draw(const Detail *d, int top, int y, int x, int height, int width)
{
    int rows = detail_rows(d, width);
    top = CLAMP(top, 0, MAX(0, rows - height));
    for (int r = 0; r < height; r++)
        ui_fill(y + r, x, width, ROLE_NORMAL);
    layout(d, true, top, y, x, height, width);
    return top;
}
