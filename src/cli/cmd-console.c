/*
 * cmd-console.c - `otscope console`: the interactive console on a DB.
 *
 * The DB is opened read-only; only triage (acknowledge, false positive,
 * note) writes, on a connection of its own opened at the first triage
 * key.  A DB from an older otscope is migrated first when the file is
 * writable (migrations need to write), then opened read-only.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"
#include "console.h"
#include "otscope/store.h"

typedef struct ConsoleArgs {
    gchar *db;
    gchar *view;
    gboolean is_ascii;
    gboolean is_no_color;
    gboolean is_readonly;
    gboolean is_showing_secrets;
} ConsoleArgs;

static bool parse_args(const CmdDesc *self, int *argc, char ***argv, ConsoleArgs *a, int *status)
{
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &a->db, "database", "DB" },
        { "view", 0, 0, G_OPTION_ARG_STRING, &a->view, "view to open", "NAME" },
        { "ascii", 0, 0, G_OPTION_ARG_NONE, &a->is_ascii, "ASCII only", NULL },
        { "no-color", 0, 0, G_OPTION_ARG_NONE, &a->is_no_color, "no colour", NULL },
        { "readonly", 0, 0, G_OPTION_ARG_NONE, &a->is_readonly, "no triage writes", NULL },
        { "show-secrets", 0, 0, G_OPTION_ARG_NONE, &a->is_showing_secrets, "secrets in clear",
          NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    if (!cli_parse_options(self, entries, argc, argv, status))
        return false;
    if (*argc > 1)
        *status = cli_usage_error(self, "unexpected argument '%s'", (*argv)[1]);
    else if (a->view && !console_has_view(a->view))
        *status = cli_usage_error(self, "no view '%s' (dashboard, assets, comms, ops, findings, "
                                        "timeline)",
                                  a->view);
    return *status == ERR_OK;
}

/* Read-only, migrating an older schema first when the file allows it. */
static Store *open_store(const char *path, bool is_readonly, Err *err)
{
    Store *s = store_open(path, STORE_READ, err);
    if (s || is_readonly || err->code != ERR_DB || access(path, W_OK) != 0)
        return s;
    Err rw_err;
    err_clear(&rw_err);
    Store *rw = store_open(path, STORE_READ_WRITE, &rw_err);
    if (!rw)
        return NULL;
    store_close(rw);
    err_clear(err);
    return store_open(path, STORE_READ, err);
}

static bool is_no_color_env(void)
{
    const char *v = g_getenv("NO_COLOR"); /* no-color.org: set and not empty */
    return v && v[0];
}

static int console_on(const char *db_path, const ConsoleArgs *a, int64_t started_us)
{
    Err err;
    err_clear(&err);
    Store *s = open_store(db_path, a->is_readonly, &err);
    if (!s)
        return cli_fail(&err);
    store_show_secrets(s, a->is_showing_secrets);
    ConsoleOptions opts = { a->view, a->is_ascii, a->is_no_color || is_no_color_env(),
                            a->is_readonly, started_us };
    int status = console_run(s, &opts, &err) ? ERR_OK : cli_fail(&err);
    store_close(s);
    return status;
}

static int run_console(const CmdDesc *self, int argc, char **argv)
{
    int64_t started_us = g_get_monotonic_time();
    ConsoleArgs a;
    memset(&a, 0, sizeof a);
    int status = ERR_OK;
    if (parse_args(self, &argc, &argv, &a, &status)) {
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
            status = cli_usage_error(self, "the console needs a terminal; for text use "
                                           "'otscope assets' and the other table commands");
        } else {
            char *db_path = cli_db_path(a.db);
            status = console_on(db_path, &a, started_us);
            g_free(db_path);
        }
    }
    g_free(a.db);
    g_free(a.view);
    return status;
}

const CmdDesc cmd_console = {
    "console",
    "otscope console [--db DB] [--view NAME] [--ascii] [--no-color] [--readonly] "
    "[--show-secrets]",
    "the interactive console: dashboard, assets, comms, ops, findings, timeline",
    "      --db DB        database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "      --view NAME    open on dashboard (default), assets, comms, ops, findings or timeline\n"
    "      --ascii        no line drawing or UTF-8 glyphs (automatic when the locale is not "
    "UTF-8)\n"
    "      --no-color     no colour (also when NO_COLOR is set)\n"
    "      --readonly     never write to the DB: triage keys are off\n"
    "      --show-secrets passwords and community strings unmasked in the detail panes\n"
    "\n"
    "Keys (F1 or ? in the console lists them all):\n"
    "  F1 ?           help              q F10         quit\n"
    "  Tab Shift-Tab  next/previous view 1-6          view 1 to 6\n"
    "  Up Down j k    move              PgUp PgDn     page\n"
    "  Home End g G   first/last row    Enter         drill down\n"
    "  Esc            back (or clear the filter)     d             full-height detail\n"
    "  / F3           search            n N           next/previous match\n"
    "  f F4           filter            s > < S       sort column, reverse\n"
    "  e              export the view to CSV (./otscope-VIEW.csv)\n"
    "  J K            scroll the detail pane\n"
    "  Comms: m matrix of Purdue levels x protocols, then zones, then the list.\n"
    "  Findings: a acknowledge, x false positive (both ask first), N note.\n"
    "  Timeline: + and - zoom; Enter opens a bucket or an event.\n"
    "Filter and search: text, column=value, column!=value, column~text, column>n, column<n.\n"
    "\n"
    "Environment: NO_COLOR, ESCDELAY (default 25 ms), OTSCOPE_CONSOLE_TIMING=FILE (per-key\n"
    "handling times, for benchmarks).\n",
    run_console,
};
