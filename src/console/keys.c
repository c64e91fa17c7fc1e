/*
 * keys.c - the global key bindings, in one table from which the help
 * screen and the footer are generated (so neither can go stale).
 *
 * A view's own keys (ViewDesc.keys) are handled by the view first; what
 * it leaves goes through this table.  Keys follow htop/less/tmux habits:
 * F1/? help, q/F10 quit, Esc back, Tab/1-6 views, / n N search, f filter,
 * s < > S sort, j/k as arrows.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum { KEY_ESC = 27, KEY_TAB = '\t', KEY_CTRL_L = 12 };

const KeyBinding key_bindings[] = {
    { { KEY_F(1), '?', 'h' }, ACT_HELP, "F1 ? h", "this help (any key closes it)", "Help" },
    { { KEY_TAB }, ACT_NEXT_VIEW, "Tab", "next view", "Views" },
    { { KEY_BTAB }, ACT_PREV_VIEW, "Shift-Tab", "previous view", NULL },
    { { '1', '2', '3', '4', '5', '6' }, ACT_VIEW_N, "1-6", "view 1 to 6 (see the tab bar)",
      NULL },
    { { KEY_UP, 'k' }, ACT_UP, "Up k", "previous row", NULL },
    { { KEY_DOWN, 'j' }, ACT_DOWN, "Down j", "next row", NULL },
    { { KEY_PPAGE, 'b' }, ACT_PAGE_UP, "PgUp b", "previous page", NULL },
    { { KEY_NPAGE, ' ' }, ACT_PAGE_DOWN, "PgDn Space", "next page", NULL },
    { { KEY_HOME, 'g' }, ACT_HOME, "Home g", "first row", NULL },
    { { KEY_END, 'G' }, ACT_END, "End G", "last row", NULL },
    { { '\r', '\n', KEY_ENTER }, ACT_ENTER, "Enter", "drill down (see below)", "Open" },
    { { KEY_ESC, KEY_BACKSPACE, KEY_LEFT }, ACT_BACK, "Esc Left",
      "back from a drill-down; on a view's root, clear its filter", "Back" },
    { { '/', KEY_F(3) }, ACT_SEARCH, "/ F3", "search (same syntax as the filter)", "Search" },
    { { 'n' }, ACT_SEARCH_NEXT, "n", "next match", NULL },
    { { 'N', KEY_F(15) }, ACT_SEARCH_PREV, "N Shift-F3",
      "previous match (in Findings N writes a note: use Shift-F3)", NULL },
    { { 'f', KEY_F(4) }, ACT_FILTER, "f F4", "filter the rows; empty shows all", "Filter" },
    { { 's', '>', KEY_F(6) }, ACT_SORT_NEXT, "s > F6", "sort by the next column", "Sort" },
    { { '<' }, ACT_SORT_PREV, "<", "sort by the previous column", NULL },
    { { 'S', 'r' }, ACT_SORT_REVERSE, "S r", "reverse the sort", NULL },
    { { 'e' }, ACT_EXPORT, "e", "export this view (its filter and sort) to CSV", "Export" },
    { { 'd' }, ACT_DETAIL, "d", "detail pane: normal or full height", NULL },
    { { 'J', KEY_SF }, ACT_DETAIL_DOWN, "J Shift-Down", "scroll the detail pane down", NULL },
    { { 'K', KEY_SR }, ACT_DETAIL_UP, "K Shift-Up", "scroll the detail pane up", NULL },
    { { KEY_CTRL_L }, ACT_REDRAW, "Ctrl-L", "redraw the screen", NULL },
    { { 'q', KEY_F(10) }, ACT_QUIT, "q F10", "quit", "Quit" },
};

const int key_binding_count = (int)G_N_ELEMENTS(key_bindings);

Action keys_action(int key, int *arg)
{
    *arg = 0;
    for (int i = 0; i < key_binding_count; i++) {
        const KeyBinding *b = &key_bindings[i];
        for (int k = 0; k < KEYS_PER_BINDING && b->keys[k]; k++) {
            if (b->keys[k] != key)
                continue;
            if (b->action == ACT_VIEW_N)
                *arg = key - '1';
            return b->action;
        }
    }
    return ACT_NONE;
}

const char *keys_name(int key)
{
    static char buf[16];
    if (key == KEY_ESC)
        return "Esc";
    if (key == '\r' || key == '\n' || key == KEY_ENTER)
        return "Enter";
    if (key == ' ')
        return "Space";
    if (key > ' ' && key < 127) {
        g_snprintf(buf, sizeof buf, "%c", key);
        return buf;
    }
    const char *name = keyname(key);
    return name ? name : "?";
}

bool keys_action_works(const View *v, Action a, bool can_go_back)
{
    bool has_list = v->table && !view_owns_body(v);
    switch (a) {
    case ACT_UP:
    case ACT_DOWN:
    case ACT_PAGE_UP:
    case ACT_PAGE_DOWN:
    case ACT_HOME:
    case ACT_END:
    case ACT_SEARCH:
    case ACT_SEARCH_NEXT:
    case ACT_SEARCH_PREV:
    case ACT_FILTER:
    case ACT_SORT_NEXT:
    case ACT_SORT_PREV:
    case ACT_SORT_REVERSE:
    case ACT_DETAIL:
    case ACT_DETAIL_DOWN:
    case ACT_DETAIL_UP:
        return has_list;
    case ACT_ENTER:
        return has_list && v->desc->enter_help;
    case ACT_BACK: /* a root's list: clears its filter */
        return has_list || (can_go_back && !view_owns_body(v));
    case ACT_EXPORT:
        return has_list || v->desc->export_csv;
    default:
        return true;
    }
}

static const ViewKey *view_keys(const View *v)
{
    return v->desc->keys_now ? v->desc->keys_now(v) : v->desc->keys;
}

typedef struct HelpLine {
    const char *label; /* NULL for a heading */
    char text[160];
} HelpLine;

enum { HELP_MAX = 64 };

static void help_add(HelpLine *lines, int *n, const char *label, const char *text)
{
    if (*n >= HELP_MAX)
        return;
    lines[*n].label = label;
    g_strlcpy(lines[*n].text, text, sizeof lines[*n].text);
    (*n)++;
}

/* The help as lines: the binding table, the view's keys, the filter
 * syntax. */
static int help_lines(const View *v, HelpLine *lines)
{
    int n = 0;
    help_add(lines, &n, NULL, "Keys (Up/Down/PgUp/PgDn scroll, any other key closes)");
    /* Back is listed wherever it can work: the help has no view depth */
    for (int i = 0; i < key_binding_count; i++)
        if (keys_action_works(v, key_bindings[i].action, true))
            help_add(lines, &n, key_bindings[i].label, key_bindings[i].help);
    char head[80];
    g_snprintf(head, sizeof head, "In %s", v->desc->title);
    help_add(lines, &n, NULL, head);
    bool has_enter = keys_action_works(v, ACT_ENTER, true);
    if (has_enter)
        help_add(lines, &n, "Enter", v->desc->enter_help);
    const ViewKey *keys = view_keys(v);
    for (const ViewKey *k = keys; k && k->label; k++)
        if (k->help) /* NULL: a footer item standing for the keys that follow */
            help_add(lines, &n, k->label, k->help);
    if (!has_enter && !keys)
        help_add(lines, &n, "", "no keys of its own");
    if (!keys_action_works(v, ACT_FILTER, true))
        return n;
    help_add(lines, &n, NULL, "Filter and search");
    help_add(lines, &n, "text", "any text column contains text (case-insensitive)");
    help_add(lines, &n, "col=value", "the column equals value; col!=value: differs");
    help_add(lines, &n, "col~text", "the column contains text");
    help_add(lines, &n, "col>n col<n", "number columns; several terms must all hold");
    help_add(lines, &n, "", "col is a CSV column name or a title: protocol=modbus role=plc");
    return n;
}

int keys_draw_help(const View *v, int top, int y, int x, int h, int w)
{
    HelpLine lines[HELP_MAX];
    int n = help_lines(v, lines);
    top = CLAMP(top, 0, MAX(0, n - h));
    for (int r = 0; r < h; r++) {
        int i = top + r;
        ui_fill(y + r, x, w, ROLE_NORMAL);
        if (i >= n)
            continue;
        if (!lines[i].label) {
            ui_text(y + r, x, w, lines[i].text, ROLE_DETAIL_HEAD, true, false);
            continue;
        }
        ui_text(y + r, x, 14, lines[i].label, ROLE_DETAIL_LABEL, true, false);
        ui_text(y + r, x + 14, w - 14, lines[i].text, ROLE_NORMAL, true, false);
    }
    return top;
}

/* "key label ", or htop's "keylabel " when the bar is short of room; the
 * key stands out by its colour (by its case and place under NO_COLOR). */
static int footer_item(int y, int x, int limit, const char *key, const char *label,
                       bool is_compact)
{
    x += ui_text(y, x, limit - x, key, ROLE_KEY, false, false);
    if (!is_compact)
        x += ui_text(y, x, limit - x, " ", ROLE_KEY_LABEL, false, false);
    x += ui_text(y, x, limit - x, label, ROLE_KEY_LABEL, false, false);
    x += ui_text(y, x, limit - x, " ", ROLE_KEY_LABEL, false, false);
    return x;
}

static void binding_key(const KeyBinding *b, char *key, size_t size)
{
    /* the first key name only: "F1" */
    g_strlcpy(key, b->label, size);
    char *sp = strchr(key, ' ');
    if (sp)
        *sp = '\0';
}

static bool footer_wants(const KeyBinding *b, const View *v, bool can_go_back)
{
    if (!keys_action_works(v, b->action, can_go_back))
        return false;
    switch (b->action) {
    case ACT_BACK:
        return can_go_back; /* clearing a filter goes without saying */
    case ACT_HELP:
    case ACT_QUIT:
        return false; /* placed first and last */
    default:
        return b->footer != NULL;
    }
}

enum { FOOTER_MAX = 32 };

typedef struct FooterItem {
    char key[16];
    const char *label;
    bool is_optional; /* shown when there is room (Tab: the tab bar shows the views) */
} FooterItem;

static int footer_width(const FooterItem *items, int n, bool is_compact, bool with_optional)
{
    int w = 0;
    for (int i = 0; i < n; i++)
        if (with_optional || !items[i].is_optional)
            w += ui_width(items[i].key) + ui_width(items[i].label) + (is_compact ? 1 : 2);
    return w;
}

/* Every key that works in the view, quit at the right: spelled out when
 * they fit, else htop-style ("F1Help"), else without Tab. */
void keys_draw_footer(const View *v, bool can_go_back, int y, int width)
{
    ui_fill(y, 0, width, ROLE_KEY_LABEL);
    FooterItem items[FOOTER_MAX];
    int n = 0;
    const KeyBinding *quit = NULL;
    for (int i = 0; i < key_binding_count; i++) {
        const KeyBinding *b = &key_bindings[i];
        if (b->action == ACT_QUIT)
            quit = b;
        if (b->action != ACT_HELP)
            continue;
        binding_key(b, items[n].key, sizeof items[n].key);
        items[n].label = b->footer;
        items[n++].is_optional = false;
    }
    for (const ViewKey *k = view_keys(v); k && k->label && n < FOOTER_MAX; k++) {
        if (!k->footer)
            continue;
        g_strlcpy(items[n].key, k->label, sizeof items[n].key);
        items[n].label = k->footer;
        items[n++].is_optional = false;
    }
    for (int i = 0; i < key_binding_count && n < FOOTER_MAX; i++) {
        const KeyBinding *b = &key_bindings[i];
        if (!footer_wants(b, v, can_go_back))
            continue;
        binding_key(b, items[n].key, sizeof items[n].key);
        items[n].label = b->footer;
        items[n++].is_optional = b->action == ACT_NEXT_VIEW;
    }
    char qkey[16];
    binding_key(quit, qkey, sizeof qkey);
    bool is_compact = false;
    bool with_optional = true;
    int limit = width - (ui_width(qkey) + ui_width(quit->footer) + 2);
    if (footer_width(items, n, false, true) > limit) {
        is_compact = true;
        limit = width - (ui_width(qkey) + ui_width(quit->footer) + 1);
        with_optional = footer_width(items, n, true, true) <= limit;
    }
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!with_optional && items[i].is_optional)
            continue;
        int need = ui_width(items[i].key) + ui_width(items[i].label) + (is_compact ? 1 : 2);
        if (x + need > limit)
            break; /* a view with more keys than room: the help lists them all */
        x = footer_item(y, x, limit, items[i].key, items[i].label, is_compact);
    }
    footer_item(y, width - (ui_width(qkey) + ui_width(quit->footer) + (is_compact ? 1 : 2)), width,
                qkey, quit->footer, is_compact);
}
