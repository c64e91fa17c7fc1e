/*
 * console.c - the interactive console: terminal setup, the main loop, the
 * screen layout, the view stack (tabs and drill-downs) and the global
 * key actions.
 *
 * One key, one full redraw: ncurses sends only what changed, and every
 * row on screen is already held by the table widget, so a key costs at
 * most one page query.  With OTSCOPE_CONSOLE_TIMING=FILE each key's
 * handling time (key read to screen updated) is appended to FILE, which
 * is how tests/bench/console-db.sh measures the console on a big DB.
 *
 * Live (otscope live), a capture thread writes the DB in batches; here,
 * between keys, about once a second, the capture's figures are read and,
 * when a batch has landed, the summary and the rows on screen are read
 * again (other views when they are next shown).  A tick costs a summary
 * and a page, so keys never wait longer than that.
 *
 * What this file does not do: SQL (the store), drawing cells (theme.c,
 * tableview.c), anything view-specific (view-*.c).
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "console.h"

enum {
    MIN_COLS = 80,
    MIN_LINES = 24,
    HEADER_LINES = 3,
    TABS_Y = 3,
    TITLE_Y = 4,
    BODY_Y = 5,
    WIDE_COLS = 160, /* from here the detail pane sits right of the table */
    ESC_DELAY_MS = 25,
    KEY_WAIT_MS = 250, /* getch wakes up this often to see a quit signal */
    LIVE_TICK_US = 1000000, /* live: the DB is read again this often */
};

/* Set by SIGINT/SIGTERM/SIGHUP: the one piece of global state, as a signal
 * handler can reach nothing else.  Ctrl-C quits like q (exit 0) instead of
 * ncurses' default handler (exit 1, which the contract keeps for the
 * findings gate). */
static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
    (void)sig;
    quit_signal = 1;
}

bool console_is_quitting(void)
{
    return quit_signal != 0;
}

static const ViewDesc *const view_order[] = {
#define VIEW(name) &view_##name,
#include "views.def"
#undef VIEW
};

enum { VIEW_COUNT = (int)G_N_ELEMENTS(view_order) };

bool console_has_view(const char *name)
{
    for (int i = 0; i < VIEW_COUNT; i++)
        if (strcmp(view_order[i]->name, name) == 0)
            return true;
    return false;
}

static int view_index(const ViewDesc *desc)
{
    for (int i = 0; i < VIEW_COUNT; i++)
        if (view_order[i] == desc)
            return i;
    return 0;
}

void console_message(Console *con, UiRole role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(con->message, sizeof con->message, fmt, ap);
    va_end(ap);
    con->message_role = role;
}

/* ---- views ------------------------------------------------------------------ */

bool view_apply(View *v, Err *err)
{
    v->query.filter = v->filter;
    return tableview_set_query(v->table, &v->query, err);
}

static View *view_new(Console *con, const ViewDesc *desc, const PageScope *scope,
                      const char *crumb)
{
    View *v = g_new0(View, 1);
    v->desc = desc;
    v->con = con;
    v->query.source = desc->source;
    v->query.sort_col = desc->default_sort;
    v->query.is_desc = desc->is_default_desc;
    if (scope)
        v->query.scope = *scope;
    g_strlcpy(v->crumb, crumb ? crumb : "", sizeof v->crumb);
    if (desc->init)
        desc->init(v);
    if (desc->has_table) {
        v->table = tableview_new(con->store);
        Err err;
        err_clear(&err);
        if (!view_apply(v, &err))
            console_message(con, ROLE_ERROR, "%s", err.msg);
    }
    return v;
}

bool view_owns_body(const View *v)
{
    return v->desc->owns_body && v->desc->owns_body(v);
}

static void view_free(View *v)
{
    if (!v)
        return;
    if (v->desc->fini)
        v->desc->fini(v);
    tableview_free(v->table);
    g_free(v->filter);
    g_free(v);
}

View *console_view(Console *con)
{
    return con->stack[con->depth - 1];
}

void console_push(Console *con, const ViewDesc *desc, const PageScope *scope, const char *crumb)
{
    if (con->depth >= (int)G_N_ELEMENTS(con->stack)) {
        console_message(con, ROLE_ERROR, "too deep: press Esc to go back first");
        return;
    }
    con->stack[con->depth++] = view_new(con, desc, scope, crumb);
}

ViewResult console_push_pair(View *v, const ViewDesc *desc, int src_col, int dst_col)
{
    const PageRow *row = tableview_selected(v->table);
    if (!row)
        return VIEW_HANDLED;
    PageScope scope = { .kind = SCOPE_PAIR };
    g_strlcpy(scope.a, view_cell(row, src_col), sizeof scope.a);
    g_strlcpy(scope.b, view_cell(row, dst_col), sizeof scope.b);
    char crumb[96];
    g_snprintf(crumb, sizeof crumb, "of %s > %s", scope.a, scope.b);
    console_push(v->con, desc, &scope, crumb);
    return VIEW_PUSH;
}

static void pop_to_root(Console *con)
{
    while (con->depth > 1)
        view_free(con->stack[--con->depth]);
}

void console_switch(Console *con, const ViewDesc *desc)
{
    int i = view_index(desc);
    pop_to_root(con);
    con->tab = i;
    if (!con->roots[i])
        con->roots[i] = view_new(con, desc, NULL, NULL);
    con->stack[0] = con->roots[i];
    con->depth = 1;
}

void console_refresh_summary(Console *con)
{
    Err err;
    err_clear(&err);
    if (!store_console_summary_findings(con->store, &con->summary, &err))
        console_message(con, ROLE_ERROR, "%s", err.msg);
}

StoreTriage *console_triage(Console *con)
{
    if (con->opts.is_readonly) {
        console_message(con, ROLE_ERROR, "read-only console (--readonly): triage is off");
        return NULL;
    }
    if (!con->triage) {
        Err err;
        err_clear(&err);
        con->triage = store_triage_open(con->store, &err);
        if (!con->triage)
            console_message(con, ROLE_ERROR, "%s", err.msg);
    }
    return con->triage;
}

/* ---- drawing ------------------------------------------------------------------ */

static void draw_too_small(void)
{
    erase();
    static const char msg[] = "terminal too small (need 80x24)";
    int len = (int)sizeof msg - 1;
    int y = LINES / 2;
    int x = MAX(0, (COLS - len) / 2);
    ui_text(y, x, MIN(len, COLS), msg, ROLE_MESSAGE, false, false);
}

static void draw_title(Console *con, View *v, int y, int width)
{
    ui_fill(y, 0, width, ROLE_NORMAL);
    char left[256];
    const char *extra = v->desc->title_extra ? v->desc->title_extra(v) : NULL;
    g_snprintf(left, sizeof left, "%s%s%s%s%s%s", con->show_help ? "Help: " : "",
               v->desc->title, v->crumb[0] ? " " : "", v->crumb, extra ? "  " : "",
               extra ? extra : "");
    int x = ui_text(y, 0, width, left, ROLE_TITLE, false, false);
    if (!v->table || con->show_help || view_owns_body(v))
        return;
    char right[160];
    char pos[64];
    tableview_position(v->table, pos, sizeof pos);
    const PageQuery *q = tableview_query(v->table);
    const ColumnDesc *sort = store_page_column(q->source, q->sort_col);
    g_snprintf(right, sizeof right, "sort %s %s  %s", sort->title,
               q->is_desc ? theme_glyphs()->sort_down : theme_glyphs()->sort_up, pos);
    int rw = ui_width(right);
    if (v->filter && v->filter[0]) {
        char filter[160];
        g_snprintf(filter, sizeof filter, "filter: %s", v->filter);
        ui_text(y, x + 2, MAX(0, width - rw - x - 4), filter, ROLE_MESSAGE, false, false);
    }
    ui_text(y, width - rw, rw, right, ROLE_HEADER, false, false);
}

static void update_detail(Console *con, View *v)
{
    unsigned gen = tableview_selection_gen(v->table);
    if (con->detail_view == v && con->detail_gen == gen)
        return;
    /* The same row read again (live, triage) keeps its scroll: its
     * heading names it. */
    char *was = con->detail_view == v && con->detail.n ? g_strdup(con->detail.lines[0].text) : NULL;
    detail_clear(&con->detail);
    const PageRow *row = tableview_selected(v->table);
    if (row && v->desc->detail)
        v->desc->detail(v, row, &con->detail);
    if (!was || !con->detail.n || strcmp(was, con->detail.lines[0].text) != 0)
        con->detail_top = 0;
    g_free(was);
    con->detail_view = v;
    con->detail_gen = gen;
}

/* "Detail" and, when it does not all fit, which rows show: "Detail
 * 7-12/30 J/K". */
static void detail_title(const Console *con, int rows, int h, char *buf, size_t size)
{
    if (rows <= h)
        g_strlcpy(buf, "Detail", size);
    else
        g_snprintf(buf, size, "Detail %d-%d/%d J/K", con->detail_top + 1,
                   MIN(rows, con->detail_top + h), rows);
}

static void draw_table_body(Console *con, View *v, int y, int h, int width)
{
    update_detail(con, v);
    char title[64];
    if (con->is_detail_full) {
        con->detail_top = detail_draw(&con->detail, con->detail_top, y, 0, h, width);
        return;
    }
    if (width >= WIDE_COLS) {
        int dw = width * 2 / 5;
        int tw = width - dw - 1;
        tableview_draw(v->table, v, y, 0, h, tw);
        for (int r = 0; r < h; r++)
            ui_text(y + r, tw, 1, " ", ROLE_NORMAL, false, false);
        con->detail_top = detail_draw(&con->detail, con->detail_top, y + 1, tw + 1, h - 1, dw);
        detail_title(con, detail_rows(&con->detail, dw), h - 1, title, sizeof title);
        ui_text(y, tw + 1, dw, title, ROLE_COLUMN, true, false);
        return;
    }
    int dh = MAX(6, h / 3);
    int th = h - dh - 1;
    tableview_draw(v->table, v, y, 0, th, width);
    for (int i = 0; i < width; i++)
        ui_text(y + th, i, 1, theme_glyphs()->hline, ROLE_DIM, false, false);
    con->detail_top = detail_draw(&con->detail, con->detail_top, y + th + 1, 0, dh, width);
    detail_title(con, detail_rows(&con->detail, width), dh, title + 1, sizeof title - 2);
    title[0] = ' ';
    g_strlcat(title, " ", sizeof title);
    ui_text(y + th, 2, ui_width(title), title, ROLE_DIM, false, false);
}

void console_draw(Console *con)
{
    if (LINES < MIN_LINES || COLS < MIN_COLS) {
        draw_too_small();
        refresh();
        return;
    }
    View *v = console_view(con);
    int width = COLS;
    int body_h = LINES - BODY_Y - 1;
    header_draw(con, width);
    tabs_draw(con, TABS_Y, width);
    draw_title(con, v, TITLE_Y, width);
    if (con->show_help)
        con->help_top = keys_draw_help(v, con->help_top, BODY_Y, 0, body_h, width);
    else if (v->table && !view_owns_body(v))
        draw_table_body(con, v, BODY_Y, body_h, width);
    else if (v->desc->draw)
        v->desc->draw(v, BODY_Y, 0, body_h, width);
    if (con->message[0])
        ui_text(LINES - 1, 0, width, con->message, con->message_role, true, false);
    else
        keys_draw_footer(v, con->depth > 1 || (v->filter && v->filter[0]), LINES - 1, width);
    refresh();
}

/* ---- actions ------------------------------------------------------------------ */

static void next_sort(View *v, int dir)
{
    const PageQuery *q = tableview_query(v->table);
    int n = store_page_n_columns(q->source);
    int col = q->sort_col;
    for (int i = 0; i < n; i++) {
        col = (col + dir + n) % n;
        if (store_page_is_sortable(q->source, col))
            break;
    }
    const ColumnDesc *cd = store_page_column(q->source, col);
    /* numbers and times read best biggest and newest first */
    v->query.sort_col = col;
    v->query.is_desc = cd->type != CELL_TEXT;
    console_message(v->con, ROLE_MESSAGE, "sorting by %s...", cd->title);
    console_draw(v->con);
    Err err;
    err_clear(&err);
    if (view_apply(v, &err))
        console_message(v->con, ROLE_MESSAGE, "sorted by %s", cd->title);
    else
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
}

static void reverse_sort(View *v)
{
    v->query.is_desc = !v->query.is_desc;
    Err err;
    err_clear(&err);
    if (!view_apply(v, &err))
        console_message(v->con, ROLE_ERROR, "%s", err.msg);
}

static void set_filter(View *v, const char *text)
{
    char *old = v->filter;
    v->filter = text && text[0] ? g_strdup(text) : NULL;
    Err err;
    err_clear(&err);
    if (view_apply(v, &err)) {
        g_free(old);
        return;
    }
    g_free(v->filter);
    v->filter = old;
    v->query.filter = old;
    console_message(v->con, ROLE_ERROR, "%s", err.msg);
}

static void do_search(Console *con, View *v, bool backward)
{
    if (!con->search[0]) {
        console_message(con, ROLE_MESSAGE, "nothing to search for yet: press /");
        return;
    }
    Err err;
    err_clear(&err);
    bool found = false;
    bool wrapped = false;
    if (!tableview_search(v->table, con->search, backward, &found, &wrapped, &err))
        console_message(con, ROLE_ERROR, "%s", err.msg);
    else if (!found)
        console_message(con, ROLE_ERROR, "not found: %s", con->search);
    else if (wrapped)
        console_message(con, ROLE_MESSAGE, "search wrapped around: %s", con->search);
}

static void do_export(Console *con, View *v)
{
    char path[512];
    char initial[512];
    g_snprintf(initial, sizeof initial, "./otscope-%s.csv", v->desc->name);
    if (!prompt_line(con, "Export to: ", initial, path, sizeof path) || !path[0])
        return;
    Err err;
    err_clear(&err);
    int64_t n = 0;
    if (csv_save_view(v, path, &n, &err))
        console_message(con, ROLE_MESSAGE, "exported %" G_GINT64_FORMAT " rows to %s", n, path);
    else
        console_message(con, ROLE_ERROR, "%s", err.msg);
}

static void go_back(Console *con, View *v)
{
    if (con->depth > 1) {
        view_free(con->stack[--con->depth]);
        return;
    }
    if (v->table && v->filter)
        set_filter(v, NULL);
}

static void table_action(View *v, Action a)
{
    if (!v->table)
        return;
    switch (a) {
    case ACT_UP:
        tableview_move(v->table, -1);
        break;
    case ACT_DOWN:
        tableview_move(v->table, 1);
        break;
    case ACT_PAGE_UP:
        tableview_page(v->table, -1);
        break;
    case ACT_PAGE_DOWN:
        tableview_page(v->table, 1);
        break;
    case ACT_HOME:
        tableview_home(v->table);
        break;
    case ACT_END:
        tableview_end(v->table);
        break;
    default:
        break;
    }
}

static void prompt_search(Console *con, View *v)
{
    char text[128];
    if (v->table && prompt_line(con, "Search: ", con->search, text, sizeof text)) {
        g_strlcpy(con->search, text, sizeof con->search);
        do_search(con, v, false);
    }
}

static void prompt_filter(Console *con, View *v)
{
    char text[256];
    if (v->table && prompt_line(con, "Filter: ", v->filter, text, sizeof text))
        set_filter(v, text);
}

static void run_action(Console *con, View *v, Action a, int arg)
{
    switch (a) {
    case ACT_HELP:
        con->show_help = true;
        con->help_top = 0;
        break;
    case ACT_QUIT:
        con->is_quit = true;
        break;
    case ACT_BACK:
        go_back(con, v);
        break;
    case ACT_NEXT_VIEW:
    case ACT_PREV_VIEW:
        console_switch(
            con, view_order[(con->tab + (a == ACT_NEXT_VIEW ? 1 : VIEW_COUNT - 1)) % VIEW_COUNT]);
        break;
    case ACT_VIEW_N:
        if (arg >= 0 && arg < VIEW_COUNT)
            console_switch(con, view_order[arg]);
        break;
    case ACT_SEARCH:
        prompt_search(con, v);
        break;
    case ACT_SEARCH_NEXT:
    case ACT_SEARCH_PREV:
        if (v->table)
            do_search(con, v, a == ACT_SEARCH_PREV);
        break;
    case ACT_FILTER:
        prompt_filter(con, v);
        break;
    case ACT_SORT_NEXT:
    case ACT_SORT_PREV:
        if (v->table)
            next_sort(v, a == ACT_SORT_NEXT ? 1 : -1);
        break;
    case ACT_SORT_REVERSE:
        if (v->table)
            reverse_sort(v);
        break;
    case ACT_EXPORT:
        do_export(con, v);
        break;
    case ACT_DETAIL:
        con->is_detail_full = !con->is_detail_full;
        break;
    case ACT_DETAIL_DOWN:
    case ACT_DETAIL_UP:
        con->detail_top += a == ACT_DETAIL_DOWN ? 1 : -1; /* clamped when drawn */
        break;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        break;
    case ACT_ENTER:
    case ACT_NONE:
        break;
    default:
        table_action(v, a);
        break;
    }
}

/* In the help: moving keys scroll it, any other key closes it. */
static void help_key(Console *con, int key)
{
    int arg = 0;
    int page = MAX(1, LINES - BODY_Y - 2);
    switch (keys_action(key, &arg)) {
    case ACT_DOWN:
        con->help_top++;
        break;
    case ACT_UP:
        con->help_top = MAX(0, con->help_top - 1);
        break;
    case ACT_PAGE_DOWN:
        con->help_top += page;
        break;
    case ACT_PAGE_UP:
        con->help_top = MAX(0, con->help_top - page);
        break;
    default:
        con->show_help = false;
        break;
    }
}

static void handle_key(Console *con, int key)
{
    con->message[0] = '\0';
    if (key == KEY_RESIZE)
        return;
    if (con->show_help) {
        help_key(con, key);
        return;
    }
    if (LINES < MIN_LINES || COLS < MIN_COLS) {
        if (key == 'q' || key == KEY_F(10))
            con->is_quit = true;
        return;
    }
    if (key == '\r' || key == '\n')
        key = KEY_ENTER;
    View *v = console_view(con);
    if (v->desc->on_key && v->desc->on_key(v, key) != VIEW_UNHANDLED)
        return;
    int arg = 0;
    Action a = keys_action(key, &arg);
    if (keys_action_works(v, a, true))
        run_action(con, v, a, arg);
    v = console_view(con);
    if (v->table && tableview_error(v->table) && !con->message[0])
        console_message(con, ROLE_ERROR, "%s", tableview_error(v->table));
}

/* ---- terminal and loop ------------------------------------------------------------ */

static SCREEN *term_start(Console *con, Err *err)
{
    setlocale(LC_CTYPE, "");
    if (!getenv("ESCDELAY"))
        set_escdelay(ESC_DELAY_MS); /* or Esc waits a second for a sequence */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_quit_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* the SSH session went: quit as cleanly as q */
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        err_set(err, ERR_USAGE, "cannot start the console on this terminal (TERM=%s)",
                g_getenv("TERM") ? g_getenv("TERM") : "");
        return NULL;
    }
    set_term(scr);
    cbreak(); /* not raw: Ctrl-C and Ctrl-Z keep working */
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    timeout(KEY_WAIT_MS);
    curs_set(0);
    /* no mousemask(): the mouse stays the terminal's, for copying addresses */
    theme_init(con->opts.is_mono, con->opts.is_ascii);
    return scr;
}

static void log_timing(Console *con, const char *what, const char *view, int64_t since_us)
{
    if (!con->timing)
        return;
    fprintf(con->timing, "%.3f\t%s%s%s\n", (double)(g_get_monotonic_time() - since_us) / 1000.0,
            what, view[0] ? "\t" : "", view);
    fflush(con->timing);
}

static int start_tab(const ConsoleOptions *opts)
{
    for (int i = 0; opts->start_view && i < VIEW_COUNT; i++)
        if (strcmp(view_order[i]->name, opts->start_view) == 0)
            return i;
    return 0;
}

static void console_free(Console *con)
{
    pop_to_root(con);
    for (int i = 0; i < VIEW_COUNT; i++)
        view_free(con->roots[i]);
    detail_clear(&con->detail);
    store_triage_close(con->triage);
    store_console_summary_clear(&con->summary);
    if (con->timing)
        fclose(con->timing);
}

/* Re-reads the view's rows when the DB had news since they were read. */
static void sync_view(Console *con, View *v)
{
    if (v->data_gen == con->data_gen)
        return;
    v->data_gen = con->data_gen;
    Err err;
    err_clear(&err);
    if (v->table && !tableview_refresh(v->table, &err))
        console_message(con, ROLE_ERROR, "%s", err.msg);
}

static void live_reread(Console *con)
{
    ConsoleSummary fresh;
    memset(&fresh, 0, sizeof fresh);
    Err err;
    err_clear(&err);
    if (!store_console_summary(con->store, &fresh, &err)) {
        store_console_summary_clear(&fresh);
        console_message(con, ROLE_ERROR, "%s", err.msg);
        return;
    }
    store_console_summary_clear(&con->summary);
    con->summary = fresh;
    con->data_gen++;
}

/* True when a key is waiting (left for getch). */
static bool is_key_waiting(void)
{
    timeout(0);
    int key = getch();
    timeout(KEY_WAIT_MS);
    if (key == ERR)
        return false;
    ungetch(key);
    return true;
}

/* Live: the capture's figures once a second, and the DB when it moved.
 * A key typed meanwhile goes first: the re-read after a batch (the
 * summary and a page, from a page cache the batch emptied) would hold it
 * up, so the tick waits for the keys, at most LIVE_TICK_US more.  True
 * when the screen needs drawing. */
static bool live_tick(Console *con)
{
    const ConsoleLive *live = con->opts.live;
    int64_t now = g_get_monotonic_time();
    if (!live || now - con->live_tick_us < LIVE_TICK_US)
        return false;
    if (now - con->live_tick_us < 2 * LIVE_TICK_US && is_key_waiting())
        return false;
    ConsoleLiveStats st;
    memset(&st, 0, sizeof st);
    live->read(live->user, &st);
    if (con->live_tick_us && st.packets >= con->live.packets)
        con->live_rate = (double)(st.packets - con->live.packets) * 1e6 /
                         (double)(now - con->live_tick_us);
    con->live_tick_us = now;
    bool is_news = st.batches != con->live.batches;
    if (con->live.is_running && !st.is_running && st.status[0])
        console_message(con, ROLE_ERROR, "capture stopped: %s", st.status);
    con->live = st;
    if (is_news)
        live_reread(con);
    return true;
}

/* A key first, drawn at once; then, at most once a second, the live tick
 * with a drawing of its own: a tick never delays the key before it. */
static void main_loop(Console *con)
{
    while (!con->is_quit && !quit_signal) {
        int key = getch();
        con->key_us = g_get_monotonic_time();
        if (key != ERR) {
            handle_key(con, key);
            if (con->is_quit)
                break;
            sync_view(con, console_view(con));
            console_draw(con);
            log_timing(con, keys_name(key), console_view(con)->desc->name, con->key_us);
        }
        int64_t tick_us = g_get_monotonic_time();
        if (live_tick(con)) {
            sync_view(con, console_view(con));
            console_draw(con);
            log_timing(con, "live-tick", console_view(con)->desc->name, tick_us);
        }
    }
}

bool console_run(Store *store, const ConsoleOptions *opts, Err *err)
{
    Console *con = g_new0(Console, 1);
    con->store = store;
    con->opts = *opts;
    con->triage = opts->triage;
    const char *timing = g_getenv("OTSCOPE_CONSOLE_TIMING");
    if (timing && timing[0])
        con->timing = fopen(timing, "a");
    /* the summary first: its errors are printed on a terminal not yet taken over */
    int64_t entry_us = g_get_monotonic_time();
    SCREEN *scr = NULL;
    bool ok = store_console_summary(store, &con->summary, err);
    int64_t summary_us = g_get_monotonic_time();
    ok = ok && (scr = term_start(con, err));
    if (ok && opts->live) {
        opts->live->read(opts->live->user, &con->live);
        con->live_tick_us = g_get_monotonic_time();
    }
    if (ok) {
        console_switch(con, view_order[start_tab(opts)]);
        console_draw(con);
        char what[96];
        /* where start-up went: opening the DB (its integrity check), the summary */
        g_snprintf(what, sizeof what, "start\t%s\topen %.1f ms, summary %.1f ms",
                   console_view(con)->desc->name, (double)(entry_us - opts->started_us) / 1000.0,
                   (double)(summary_us - entry_us) / 1000.0);
        log_timing(con, what, "", opts->started_us);
        main_loop(con);
        endwin();
        delscreen(scr);
    }
    console_free(con);
    g_free(con);
    return ok;
}
