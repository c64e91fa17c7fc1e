/*
 * theme.c - semantic colour roles, the monochrome theme (NO_COLOR), the
 * UTF-8 and ASCII glyph tables, and the text primitives every drawing
 * goes through.
 *
 * Text from the store comes from the network (host names, banners,
 * vendor strings): ui_text never passes a control byte to the terminal,
 * and in ASCII mode nothing but printable ASCII.  Widths are counted in
 * display cells, so wide characters do not push columns out of line.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "console.h"
#include "otscope/util.h"

typedef struct RoleStyle {
    short fg;
    short bg;
    attr_t attr; /* with colour */
    attr_t mono; /* without */
} RoleStyle;

/* No dark blue anywhere: it vanishes on black terminals. */
static const RoleStyle styles[ROLE_COUNT] = {
    [ROLE_NORMAL] = { -1, -1, 0, 0 },
    [ROLE_HEADER] = { COLOR_CYAN, -1, 0, 0 },
    [ROLE_HEADER_VALUE] = { -1, -1, A_BOLD, A_BOLD },
    [ROLE_TAB] = { -1, -1, 0, 0 },
    [ROLE_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
    [ROLE_TITLE] = { -1, -1, A_BOLD, A_BOLD },
    [ROLE_COLUMN] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
    [ROLE_COLUMN_SORTED] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
    [ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
    [ROLE_DETAIL_LABEL] = { COLOR_CYAN, -1, 0, A_BOLD },
    [ROLE_DETAIL_HEAD] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
    [ROLE_BAR] = { COLOR_GREEN, -1, 0, 0 },
    [ROLE_SPARK] = { COLOR_GREEN, -1, 0, 0 },
    [ROLE_KEY] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
    [ROLE_KEY_LABEL] = { -1, -1, 0, 0 },
    [ROLE_MESSAGE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
    [ROLE_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
    [ROLE_SEV_CRITICAL] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
    [ROLE_SEV_HIGH] = { COLOR_RED, -1, A_BOLD, A_BOLD },
    [ROLE_SEV_MEDIUM] = { COLOR_YELLOW, -1, 0, A_BOLD },
    [ROLE_SEV_LOW] = { COLOR_CYAN, -1, 0, 0 },
    [ROLE_SEV_INFO] = { -1, -1, 0, 0 },
    [ROLE_CLASS_WRITE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
    [ROLE_CLASS_CONTROL] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
    [ROLE_CLASS_PROGRAM] = { COLOR_RED, -1, A_BOLD, A_BOLD },
    [ROLE_DIM] = { -1, -1, A_DIM, A_DIM },
};

static const Glyphs glyphs_utf8 = {
    { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
    "\u2588",
    "\u2500",
    "\u25b2",
    "\u25bc",
    "\u2026",
};

static const Glyphs glyphs_ascii = {
    { "_", ".", ",", ":", "-", "=", "+", "#" }, "#", "-", "^", "v", "~",
};

typedef struct Theme {
    attr_t attrs[ROLE_COUNT];
    const Glyphs *glyphs;
    bool is_utf8;
} Theme;

/* Set once by theme_init before the first draw; read-only afterwards. */
static Theme theme;

void theme_init(bool is_mono, bool is_ascii)
{
    const char *codeset = nl_langinfo(CODESET);
    theme.is_utf8 = !is_ascii && codeset && g_ascii_strcasecmp(codeset, "UTF-8") == 0;
    theme.glyphs = theme.is_utf8 ? &glyphs_utf8 : &glyphs_ascii;
    bool has_color = !is_mono && has_colors() && start_color() == OK && COLORS >= 8;
    if (has_color)
        use_default_colors();
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (!has_color) {
            theme.attrs[i] = styles[i].mono;
            continue;
        }
        init_pair((short)(i + 1), styles[i].fg, styles[i].bg);
        theme.attrs[i] = COLOR_PAIR(i + 1) | styles[i].attr;
    }
}

const Glyphs *theme_glyphs(void)
{
    return theme.glyphs ? theme.glyphs : &glyphs_ascii;
}

bool theme_is_utf8(void)
{
    return theme.is_utf8;
}

/* Copies what fits in max_cells of text into out as bytes safe to print;
 * returns the cells used. */
static int sanitize(const char *text, int max_cells, char *out, size_t size)
{
    size_t n = 0;
    int cells = 0;
    const char *p = text;
    while (*p && cells < max_cells && n + 8 < size) {
        gunichar c = theme.is_utf8 ? g_utf8_get_char_validated(p, -1) : (gunichar)(guchar)*p;
        int len = 1;
        int w = 1;
        bool is_ok = c < 0x80 ? g_ascii_isprint((int)c) : theme.is_utf8;
        if (theme.is_utf8 && c != (gunichar)-1 && c != (gunichar)-2) {
            len = g_utf8_skip[*(const guchar *)p];
            is_ok = is_ok && g_unichar_isprint(c) && !g_unichar_iszerowidth(c);
            w = g_unichar_iswide(c) ? 2 : 1;
        } else if (theme.is_utf8) {
            is_ok = false;
        }
        if (!is_ok) {
            w = 1;
            out[n++] = '?';
        } else if (cells + w > max_cells) {
            break;
        } else {
            memcpy(out + n, p, (size_t)len);
            n += (size_t)len;
        }
        cells += w;
        p += len;
    }
    out[n] = '\0';
    return cells;
}

int ui_width(const char *text)
{
    char buf[1024];
    return text ? sanitize(text, (int)sizeof buf / 8, buf, sizeof buf) : 0;
}

int ui_text(int y, int x, int width, const char *text, UiRole role, bool is_pad, bool is_right)
{
    if (width <= 0)
        return 0;
    char buf[2048];
    int cells = sanitize(text ? text : "", width, buf, sizeof buf);
    attrset(theme.attrs[role]);
    int pad = width - cells;
    if (is_right && pad > 0) {
        mvhline(y, x, ' ', pad);
        mvaddstr(y, x + pad, buf);
        cells = width;
    } else {
        mvaddstr(y, x, buf);
        if (is_pad && pad > 0) {
            mvhline(y, x + cells, ' ', pad);
            cells = width;
        }
    }
    attrset(A_NORMAL);
    return cells;
}

int ui_text_cut(int y, int x, int width, const char *text, UiRole role, bool is_right)
{
    if (width < 2 || !text || ui_width(text) <= width)
        return ui_text(y, x, width, text, role, false, is_right);
    int cells = ui_text(y, x, width - 1, text, role, false, false);
    return cells + ui_text(y, x + cells, 1, theme.glyphs->cut, role, false, false);
}

void ui_fill(int y, int x, int width, UiRole role)
{
    if (width <= 0)
        return;
    attrset(theme.attrs[role]);
    mvhline(y, x, ' ', width);
    attrset(A_NORMAL);
}

void ui_bar(int y, int x, int width, int64_t value, int64_t max, UiRole role)
{
    if (width <= 0 || value <= 0 || max <= 0)
        return;
    int n = (int)((value * width + max / 2) / max);
    if (n < 1)
        n = 1;
    if (n > width)
        n = width;
    attrset(theme.attrs[role]);
    move(y, x);
    for (int i = 0; i < n; i++)
        addstr(theme_glyphs()->bar);
    attrset(A_NORMAL);
}

const char *ui_bytes(int64_t bytes, char *buf)
{
    static const char *const units[] = { "kB", "MB", "GB", "TB", "PB" };
    if (bytes < 1000) {
        g_snprintf(buf, 16, "%" G_GINT64_FORMAT " B", bytes);
        return buf;
    }
    double v = (double)bytes / 1000.0;
    size_t u = 0;
    while (v >= 999.95 && u + 1 < G_N_ELEMENTS(units)) {
        v /= 1000.0;
        u++;
    }
    g_snprintf(buf, 16, "%.1f %s", v, units[u]);
    return buf;
}

const char *ui_time(const char *iso, char *buf, size_t size)
{
    /* "2024-03-05T08:00:01.123456Z" -> "2024-03-05 08:00:01" */
    if (!iso || strlen(iso) < 19 || iso[10] != 'T') {
        g_strlcpy(buf, iso ? iso : "", size);
        return buf;
    }
    g_snprintf(buf, size, "%.10s %.8s", iso, iso + 11);
    return buf;
}

const char *ui_time_ns(int64_t ns, char *buf, size_t size)
{
    char iso[OTS_TIME_STRLEN];
    return ui_time(time_iso(ns, iso), buf, size);
}
