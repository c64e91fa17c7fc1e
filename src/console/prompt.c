/*
 * prompt.c - one line of input on the footer row (search, filter, note,
 * export path) and y/n questions.
 *
 * Input is read as wide characters so that a note can hold any text; it
 * is kept as UTF-8.  Enter accepts, Esc cancels, Backspace deletes the
 * last character, Ctrl-U clears; a resize redraws the screen under it.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum { KEY_ESC = 27, KEY_CTRL_U = 21, KEY_DEL = 127, KEY_CTRL_H = 8 };

static void draw_prompt(int y, const char *label, const char *text)
{
    int w = COLS;
    ui_fill(y, 0, w, ROLE_NORMAL);
    int x = ui_text(y, 0, w, label, ROLE_MESSAGE, false, false);
    /* the end of long input stays visible */
    const char *shown = text;
    while (ui_width(shown) > w - x - 2 && *shown)
        shown += g_utf8_skip[*(const guchar *)shown];
    x += ui_text(y, x, w - x, shown, ROLE_NORMAL, false, false);
    move(y, MIN(x, w - 1));
}

static void backspace(GString *s)
{
    if (s->len == 0)
        return;
    const char *prev = g_utf8_find_prev_char(s->str, s->str + s->len);
    g_string_truncate(s, prev ? (gsize)(prev - s->str) : 0);
}

bool prompt_line(Console *con, const char *label, const char *initial, char *out, size_t size)
{
    GString *s = g_string_new(initial ? initial : "");
    bool accepted = false;
    bool done = false;
    curs_set(1);
    while (!done && !console_is_quitting()) {
        draw_prompt(LINES - 1, label, s->str);
        refresh();
        wint_t ch;
        int rc = get_wch(&ch);
        con->key_us = g_get_monotonic_time();
        if (rc == ERR)
            continue;
        if (rc == KEY_CODE_YES) {
            if (ch == KEY_RESIZE) {
                console_draw(con);
            } else if (ch == KEY_BACKSPACE) {
                backspace(s);
            } else if (ch == KEY_ENTER) {
                accepted = done = true;
            }
            continue;
        }
        if (ch == '\r' || ch == '\n') {
            accepted = done = true;
        } else if (ch == KEY_ESC) {
            done = true;
        } else if (ch == KEY_DEL || ch == KEY_CTRL_H) {
            backspace(s);
        } else if (ch == KEY_CTRL_U) {
            g_string_truncate(s, 0);
        } else if (ch >= ' ' && g_unichar_isprint((gunichar)ch) && s->len + 8 < size) {
            g_string_append_unichar(s, (gunichar)ch);
        }
    }
    curs_set(0);
    if (accepted)
        g_strlcpy(out, s->str, size);
    g_string_free(s, TRUE);
    return accepted;
}

bool prompt_yes_no(Console *con, const char *question)
{
    while (!console_is_quitting()) {
        draw_prompt(LINES - 1, question, "");
        refresh();
        int ch = getch();
        con->key_us = g_get_monotonic_time();
        if (ch == ERR) /* the key wait timed out */
            continue;
        if (ch == KEY_RESIZE) {
            console_draw(con);
            continue;
        }
        return ch == 'y' || ch == 'Y';
    }
    return false;
}
