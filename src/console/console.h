/*
 * console.h - what the console's files share: the app state, the view
 * descriptor, the paged table widget, drawing helpers with semantic colour
 * roles, the key table, prompts.
 *
 * The console reads only the store (store.h, store-console.h): it never
 * sees a capture, the model or SQL.  One ncurses screen (stdscr), drawn
 * whole after every key; the layout is header, tab bar, title line, body
 * (a table and a detail pane, or a view's own drawing), footer.
 */
#ifndef OTS_CONSOLE_CONSOLE_H
#define OTS_CONSOLE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "otscope/err.h"
#include "otscope/store-console.h"
#include "otscope/store.h"

/* ---- entry (cli/cmd-console.c) ------------------------------------------- */

/* Where a live capture stands (`otscope live`), as its owner reports it. */
typedef struct ConsoleLiveStats {
    uint64_t packets;
    uint64_t drops;   /* by the kernel and the interface */
    uint64_t batches; /* batches committed so far: when it moves, the DB has news */
    bool is_running;
    char status[160]; /* why the capture stopped ("" while it runs or when it ended well) */
} ConsoleLiveStats;

/* A capture running beside the console: the console polls it about once
 * a second and then re-reads the DB, never touching the capture itself. */
typedef struct ConsoleLive {
    const char *source; /* the interface, for the header */
    void (*read)(void *user, ConsoleLiveStats *out);
    void *user;
} ConsoleLive;

typedef struct ConsoleOptions {
    const char *start_view; /* view name, or NULL for the first tab */
    bool is_ascii;          /* no line drawing or UTF-8 glyphs */
    bool is_mono;           /* no colour (NO_COLOR, --no-color) */
    bool is_readonly;       /* no triage writes */
    int64_t started_us;     /* monotonic time the command started (timing log) */
    const ConsoleLive *live; /* NULL unless a capture runs beside the console */
    /* The triage writer when the caller opened it (live: before dropping
     * privileges, after which the DB could not be opened again); the
     * console closes it.  NULL: opened on first use. */
    StoreTriage *triage;
} ConsoleOptions;

/* Runs the console on an open store until the user quits.  Takes over the
 * terminal only after the summary is read; restores it on every return.
 * False + err when the store fails under it. */
bool console_run(Store *store, const ConsoleOptions *opts, Err *err);

/* The names start_view accepts, for usage errors. */
bool console_has_view(const char *name);

/* ---- drawing: colour roles and glyphs (theme.c) -------------------------- */

#define CONSOLE_ROLE_LIST(X)                                                                       \
    X(NORMAL)                                                                                      \
    X(HEADER)                                                                                      \
    X(HEADER_VALUE)                                                                                \
    X(TAB)                                                                                         \
    X(TAB_ACTIVE)                                                                                  \
    X(TITLE)                                                                                       \
    X(COLUMN)                                                                                      \
    X(COLUMN_SORTED)                                                                               \
    X(SELECTED)                                                                                    \
    X(DETAIL_LABEL)                                                                                \
    X(DETAIL_HEAD)                                                                                 \
    X(BAR)                                                                                         \
    X(SPARK)                                                                                       \
    X(KEY)                                                                                         \
    X(KEY_LABEL)                                                                                   \
    X(MESSAGE)                                                                                     \
    X(ERROR)                                                                                       \
    X(SEV_CRITICAL)                                                                                \
    X(SEV_HIGH)                                                                                    \
    X(SEV_MEDIUM)                                                                                  \
    X(SEV_LOW)                                                                                     \
    X(SEV_INFO)                                                                                    \
    X(CLASS_WRITE)                                                                                 \
    X(CLASS_CONTROL)                                                                               \
    X(CLASS_PROGRAM)                                                                               \
    X(DIM)

typedef enum UiRole {
#define X(id) ROLE_##id,
    CONSOLE_ROLE_LIST(X)
#undef X
        ROLE_COUNT
} UiRole;

typedef struct Glyphs {
    const char *spark[8]; /* lowest to highest */
    const char *bar;      /* one full cell of a bar */
    const char *hline;
    const char *sort_up;
    const char *sort_down;
    const char *cut; /* the last cell of a table cell too narrow for its text */
} Glyphs;

/* Colours (or monochrome attributes) and glyphs; call after initscr. */
void theme_init(bool is_mono, bool is_ascii);
const Glyphs *theme_glyphs(void);
bool theme_is_utf8(void);

/* Text at (y, x) in at most width cells, sanitized (control bytes and, in
 * ASCII mode, non-ASCII become '?': names come from the network), padded
 * to width when is_pad, right-aligned when is_right.  Returns cells used. */
int ui_text(int y, int x, int width, const char *text, UiRole role, bool is_pad, bool is_right);
/* ui_text, but a text cut to width ends in the cut glyph ("10.0.0.1;10.0~"
 * does not read as an address).  Not padded. */
int ui_text_cut(int y, int x, int width, const char *text, UiRole role, bool is_right);
void ui_fill(int y, int x, int width, UiRole role);
/* A horizontal bar of value/max of width cells (at least one cell when
 * value > 0). */
void ui_bar(int y, int x, int width, int64_t value, int64_t max, UiRole role);
/* Display cells of text as ui_text draws it. */
int ui_width(const char *text);
/* "1.2 MB" style; buf holds 16. */
const char *ui_bytes(int64_t bytes, char *buf);
/* Capture time (ISO-8601 text) for the screen: "2024-03-05 08:00:01". */
const char *ui_time(const char *iso, char *buf, size_t size);
/* An int64 nanosecond time the same way. */
const char *ui_time_ns(int64_t ns, char *buf, size_t size);

/* ---- the detail pane -------------------------------------------------------- */

enum { DETAIL_MAX_LINES = 96, DETAIL_LABEL_W = 12 };

typedef struct DetailLine {
    UiRole role;
    char label[24];
    char *text; /* owned */
} DetailLine;

typedef struct Detail {
    DetailLine lines[DETAIL_MAX_LINES];
    int n;
} Detail;

void detail_clear(Detail *d);
/* A line "label  text" (label "" continues the previous label). */
void detail_add(Detail *d, UiRole role, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void detail_head(Detail *d, const char *title);
/* Wrapped rows the lines take at this width. */
int detail_rows(const Detail *d, int width);
/* Draws the lines, wrapping text under its label, within the box, from
 * wrapped row top on (clamped so the box stays full); returns that top. */
int detail_draw(const Detail *d, int top, int y, int x, int height, int width);

/* ---- the paged table widget (tableview.c) ------------------------------------ */

typedef struct TableView TableView;
struct View;

TableView *tableview_new(Store *s);
void tableview_free(TableView *tv);
/* Runs q from its first row; false + err when refused (bad filter: the
 * message is for the user; the previous query stays). */
bool tableview_set_query(TableView *tv, const PageQuery *q, Err *err);
const PageQuery *tableview_query(const TableView *tv);
/* Re-reads the rows on screen (after a triage write), keeping the place. */
bool tableview_reload(TableView *tv, Err *err);
/* The same after new rows may have come (live): counts them again too. */
bool tableview_refresh(TableView *tv, Err *err);
void tableview_move(TableView *tv, int rows);
void tableview_page(TableView *tv, int pages);
void tableview_home(TableView *tv);
void tableview_end(TableView *tv);
/* Moves to the next (previous) row matching text; wraps once.  *found
 * false when no row matches; *is_wrapped when it went round. */
bool tableview_search(TableView *tv, const char *text, bool backward, bool *found,
                      bool *is_wrapped, Err *err);
const PageRow *tableview_selected(const TableView *tv);
/* The text of a row's cell, "" for SQL NULL (what views show and copy). */
const char *view_cell(const PageRow *row, int col);
/* Changes whenever the selected row changes (detail caching). */
unsigned tableview_selection_gen(const TableView *tv);
/* "12/70", "12/10000+", "12/?" */
void tableview_position(const TableView *tv, char *buf, size_t size);
/* Header line plus rows; the view colours cells and may draw some. */
void tableview_draw(TableView *tv, struct View *v, int y, int x, int height, int width);
/* The largest value of a number column over the rows held (the screen
 * and a page either side): enough to scale bars without a query. */
int64_t tableview_column_max(const TableView *tv, int col);
/* The last error while paging (a DB failure), or NULL. */
const char *tableview_error(const TableView *tv);

/* ---- views ------------------------------------------------------------------ */

typedef struct Console Console;
typedef struct View View;

/* What a view's key handler did. */
typedef enum ViewResult {
    VIEW_UNHANDLED = 0,
    VIEW_HANDLED = 1,
    VIEW_PUSH = 2, /* console_push() was called */
} ViewResult;

/* A view's own keys, for the help screen and the footer. */
typedef struct ViewKey {
    const char *label;  /* "a" */
    const char *help;   /* "acknowledge the finding (asks first)"; NULL: a footer item
                         * only, standing for the keys that follow ("a/x/N") */
    const char *footer; /* "Ack", or NULL when too minor for the footer */
} ViewKey;

typedef struct ViewDesc {
    const char *name;  /* "assets": --view, export file names */
    const char *title; /* tab label */
    bool has_table;
    PageSource source;
    int default_sort;
    bool is_default_desc;
    const char *enter_help; /* what Enter does here, for the help screen */
    /* optional hooks */
    void (*init)(View *v);                            /* before the first query */
    void (*draw)(View *v, int y, int x, int h, int w); /* the body of table-less views */
    void (*detail)(View *v, const PageRow *row, Detail *d);
    UiRole (*cell_role)(const View *v, const PageRow *row, int col);
    /* Draws a cell itself (bars); false to leave it to the table. */
    bool (*draw_cell)(View *v, const PageRow *row, int col, int y, int x, int w,
                      bool is_selected);
    ViewResult (*on_key)(View *v, int key);
    /* A mode in which a table view draws its body itself through draw and
     * exports through export_csv (the comms matrix); NULL: never. */
    bool (*owns_body)(const View *v);
    void (*fini)(View *v); /* frees priv */
    const char *(*title_extra)(View *v); /* more for the title line ("zoom 1m") */
    bool (*export_csv)(View *v, FILE *f, int64_t *n_rows, Err *err); /* table-less views */
    const ViewKey *keys;                              /* NULL-label terminated */
    /* The keys of the mode the view is in (the comms matrix has its own);
     * NULL: always keys. */
    const ViewKey *(*keys_now)(const View *v);
} ViewDesc;

#define VIEW(name) extern const ViewDesc view_##name;
#include "views.def"
#undef VIEW

struct View {
    const ViewDesc *desc;
    Console *con;
    TableView *table; /* NULL for table-less views */
    PageQuery query;  /* the query asked for; filter owned */
    char crumb[96];   /* after the title on drill-downs ("of 10.10.1.10"), "" on a root */
    int zoom;         /* view-specific state (timeline) */
    char *filter;     /* owned copy behind query.filter */
    unsigned data_gen; /* the console's data_gen its rows were read at */
    void *priv;        /* view-specific state, freed by desc->fini */
};

/* Whether the view draws its own body now (owns_body). */
bool view_owns_body(const View *v);

/* Sets the view's query (sort, scope, filter) and runs it. */
bool view_apply(View *v, Err *err);
/* The colour role of an operation class (view-ops.c) and of a severity
 * (view-findings.c), by contract name; ROLE_NORMAL for the others. */
UiRole view_class_role(const char *cls);
UiRole view_severity_role(const char *severity);

/* ---- the console ---------------------------------------------------------------- */

struct Console {
    Store *store;
    StoreTriage *triage; /* opened on the first triage write */
    ConsoleOptions opts;
    ConsoleSummary summary;
    View *roots[16];
    View *stack[32];
    int depth;
    int tab;
    char message[256];
    UiRole message_role;
    char search[128];
    bool show_help;
    int help_top; /* first help line shown */
    bool is_detail_full;
    bool is_quit;
    Detail detail;
    const View *detail_view;
    unsigned detail_gen;
    int detail_top; /* first wrapped detail row shown (J/K scroll it) */
    FILE *timing;
    int64_t key_us; /* when the key being handled was read */
    /* live: the capture's figures at the last tick, the packet rate over
     * the last tick, and data_gen, bumped whenever the DB has news */
    ConsoleLiveStats live;
    double live_rate;
    int64_t live_tick_us;
    unsigned data_gen;
};

/* The view on top of the stack. */
View *console_view(Console *con);
/* Opens desc as a drill-down step with this scope (crumb says what it
 * shows); the view's key handler then returns VIEW_PUSH. */
void console_push(Console *con, const ViewDesc *desc, const PageScope *scope, const char *crumb);
/* Enter on a client > server row (columns src_col, dst_col): desc for
 * that pair, as a drill-down step; returns what the key handler returns. */
ViewResult console_push_pair(View *v, const ViewDesc *desc, int src_col, int dst_col);
/* Whether Ctrl-C or SIGTERM asked to quit (prompts give up then). */
bool console_is_quitting(void);
/* Switches to another tab's root. */
void console_switch(Console *con, const ViewDesc *desc);
void console_message(Console *con, UiRole role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Draws the whole screen (prompts call it on resize). */
void console_draw(Console *con);
/* Re-reads the finding counts after triage. */
void console_refresh_summary(Console *con);
/* The triage writer, opened on first use; NULL (and a message) when the
 * console is read-only or the DB cannot be written. */
StoreTriage *console_triage(Console *con);

/* ---- the comms matrix (comms-matrix.c) ------------------------------------------ */

typedef struct CommMatrix CommMatrix;

CommMatrix *comm_matrix_new(void);
void comm_matrix_free(CommMatrix *m);
/* Reads the matrix of axis from the store, unless what it holds is of
 * that axis and data_gen already.  False + err on a DB failure. */
bool comm_matrix_load(CommMatrix *m, Store *s, MatrixAxis axis, unsigned data_gen, Err *err);
/* Scrolls by rows and protocol columns (clamped). */
void comm_matrix_scroll(CommMatrix *m, int rows, int cols);
/* Rows a page key moves. */
int comm_matrix_page(const CommMatrix *m);
void comm_matrix_draw(CommMatrix *m, int y, int x, int h, int w);
/* The matrix as CSV: one row per pair, one column per protocol. */
bool comm_matrix_export(const CommMatrix *m, FILE *f, int64_t *n_rows);

/* ---- keys (keys.c) ------------------------------------------------------------- */

typedef enum Action {
    ACT_NONE,
    ACT_HELP,
    ACT_QUIT,
    ACT_BACK,
    ACT_NEXT_VIEW,
    ACT_PREV_VIEW,
    ACT_VIEW_N,
    ACT_UP,
    ACT_DOWN,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_HOME,
    ACT_END,
    ACT_ENTER,
    ACT_SEARCH,
    ACT_SEARCH_NEXT,
    ACT_SEARCH_PREV,
    ACT_FILTER,
    ACT_SORT_NEXT,
    ACT_SORT_PREV,
    ACT_SORT_REVERSE,
    ACT_EXPORT,
    ACT_DETAIL,
    ACT_DETAIL_DOWN,
    ACT_DETAIL_UP,
    ACT_REDRAW,
} Action;

enum { KEYS_PER_BINDING = 6 };

typedef struct KeyBinding {
    int keys[KEYS_PER_BINDING]; /* 0-terminated */
    Action action;
    const char *label;  /* as the help shows it: "F1 ?" */
    const char *help;
    const char *footer; /* footer label, or NULL */
} KeyBinding;

extern const KeyBinding key_bindings[];
extern const int key_binding_count;

/* The action bound to key; *arg is the view index for ACT_VIEW_N. */
Action keys_action(int key, int *arg);
/* Whether action does anything in the view as it is now (a matrix hides
 * the list that search, filter, sort and Enter act on): the keys that do
 * not are ignored, and left out of the help and the footer. */
bool keys_action_works(const View *v, Action a, bool can_go_back);
/* A printable name for the timing log ("KEY_NPAGE", "j"). */
const char *keys_name(int key);
/* The help screen, generated from the binding table and the view's keys,
 * from line top on; returns top clamped to what there is to show. */
int keys_draw_help(const View *v, int top, int y, int x, int h, int w);
/* The footer: help, the view's keys, the global ones as many as fit, and
 * quit always at the right; Back only when there is somewhere to go. */
void keys_draw_footer(const View *v, bool can_go_back, int y, int width);

/* ---- prompts (prompt.c) ----------------------------------------------------------- */

/* A line of input on the footer row; Enter accepts (true), Esc cancels. */
bool prompt_line(Console *con, const char *label, const char *initial, char *out, size_t size);
/* y/n on the footer row; anything but y is no. */
bool prompt_yes_no(Console *con, const char *question);

/* ---- header, tabs and CSV (header.c, csv-save.c) ----------------------------------- */

void header_draw(Console *con, int width);
void tabs_draw(Console *con, int y, int width);
/* One CSV field, quoted (RFC 4180) only when it must be; NULL is empty. */
void csv_write_field(FILE *out, const char *text);
/* Writes the view (its query: scope, filter, sort) as CSV to path. */
bool csv_save_view(View *v, const char *path, int64_t *n_rows, Err *err);

#endif /* OTS_CONSOLE_CONSOLE_H */
