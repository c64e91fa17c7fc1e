/*
 * cmd-baseline.c - `otscope baseline save|check|show|clear`: known-good
 * baselines and the checks against them.
 *
 * save writes a baseline file from a DB (or a window of it); check loads
 * one into the DB (or uses the one loaded before), judges every capture
 * again and prints the baseline rules' findings (new-asset, new-comm,
 * new-ot-function, changed-identity, traffic-anomaly), with --fail-on as
 * `otscope findings` has it.  The loaded baseline stays in the DB: later
 * analyses are judged against it too, until `baseline clear`.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli-site.h"
#include "otscope/baseline.h"
#include "otscope/log.h"

static const char *const baseline_rules[] = {
    "new-asset", "new-comm", "new-ot-function", "changed-identity", "traffic-anomaly", NULL,
};

typedef struct BaselineArgs {
    gchar *db;
    gchar *out;
    gchar *from;
    gchar *to;
    gchar *baseline;
    gchar *format;
    gchar *fail_on;
    gboolean quiet;
} BaselineArgs;

static void args_clear(BaselineArgs *a)
{
    g_free(a->db);
    g_free(a->out);
    g_free(a->from);
    g_free(a->to);
    g_free(a->baseline);
    g_free(a->format);
    g_free(a->fail_on);
}

static int do_save(const CmdDesc *self, const BaselineArgs *a)
{
    if (!a->out)
        return cli_usage_error(self, "baseline save needs -o FILE");
    Err err;
    err_clear(&err);
    TimeWindow w;
    if (!time_window_parse(a->from, a->to, &w, &err))
        return cli_usage_error(self, "%s", err.msg);
    char *db_path = cli_db_path(a->db);
    BaselineStats st;
    int status = ERR_OK;
    if (!baseline_save(db_path, &w, a->out, &st, &err))
        status = cli_fail(&err);
    else if (!a->quiet)
        log_info("%s: baseline of %s: %" G_GINT64_FORMAT " assets, %" G_GINT64_FORMAT
                 " conversations (%" G_GINT64_FORMAT " with a traffic band), %" G_GINT64_FORMAT
                 " functions (%" G_GINT64_FORMAT " polled), %" G_GINT64_FORMAT
                 " identity values, %" G_GINT64_FORMAT " findings",
                 a->out, db_path, st.assets, st.comms, st.profiled, st.ops, st.polled, st.idents,
                 st.findings);
    g_free(db_path);
    return status;
}

static bool count_row(const char *const *cells, void *user)
{
    (void)cells;
    (*(int64_t *)user)++;
    return true;
}

static int do_check(const CmdDesc *self, const BaselineArgs *a)
{
    TableFormat fmt;
    int status = ERR_OK;
    Severity gate;
    if (!cli_site_format(self, a->format, &fmt, &status))
        return status;
    if (a->fail_on && !severity_from_name(a->fail_on, &gate))
        return cli_usage_error(self, "unknown severity '%s' (critical, high, medium, low, info)",
                               a->fail_on);
    Err err;
    err_clear(&err);
    char *db_path = cli_db_path(a->db);
    Store *s = store_open(db_path, STORE_READ_WRITE, &err);
    g_free(db_path);
    if (!s)
        return cli_fail(&err);
    BaselineStats st;
    if (a->baseline) {
        if (!baseline_use(s, a->baseline, &st, &err)) {
            store_close(s);
            return cli_fail(&err);
        }
        if (!a->quiet)
            log_info("%s: baseline loaded: %" G_GINT64_FORMAT " assets, %" G_GINT64_FORMAT
                     " conversations, %" G_GINT64_FORMAT " functions, %" G_GINT64_FORMAT
                     " identity values", a->baseline, st.assets, st.comms, st.ops, st.idents);
    }
    int64_t n_meta = 0;
    if (!baseline_read_meta(s, count_row, &n_meta, &err))
        status = cli_fail(&err);
    else if (n_meta == 0)
        status = cli_usage_error(self, "%s has no baseline: give --baseline FILE", store_path(s));
    if (status == ERR_OK)
        status = cli_site_rejudge_and_print(s, baseline_rules, fmt, a->quiet);
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    if (status == ERR_OK)
        cli_audit(s, "baseline check", NULL, a->baseline, NULL);
    for (int i = 0; status == ERR_OK && a->fail_on && baseline_rules[i]; i++)
        status = cli_fail_on(s, a->fail_on, baseline_rules[i], status);
    store_close(s);
    return status;
}

static bool read_meta(void *source, StoreRowFn fn, void *user, Err *err)
{
    return baseline_read_meta(source, fn, user, err);
}

static int do_show(const CmdDesc *self, const BaselineArgs *a)
{
    TableFormat fmt;
    int status = ERR_OK;
    if (!cli_site_format(self, a->format, &fmt, &status))
        return status;
    Err err;
    err_clear(&err);
    char *db_path = cli_db_path(a->db);
    Store *s = store_open(db_path, STORE_READ, &err);
    g_free(db_path);
    int n;
    const ColumnDesc *cols = baseline_meta_columns(&n);
    if (!s || !table_print_rows(cols, n, read_meta, s, fmt, stdout, &err))
        status = cli_fail(&err);
    store_close(s);
    return status;
}

static int do_clear(const BaselineArgs *a)
{
    Err err;
    err_clear(&err);
    char *db_path = cli_db_path(a->db);
    Store *s = store_open(db_path, STORE_READ_WRITE, &err);
    g_free(db_path);
    int status = ERR_OK;
    if (!s || !baseline_forget(s, &err))
        status = cli_fail(&err);
    if (status == ERR_OK)
        status = cli_site_rejudge(s, a->quiet);
    store_close(s);
    return status;
}

static int run_baseline(const CmdDesc *self, int argc, char **argv)
{
    BaselineArgs a;
    memset(&a, 0, sizeof a);
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &a.db, "", "DB" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a.out, "", "FILE" },
        { "from", 0, 0, G_OPTION_ARG_STRING, &a.from, "", "TIME" },
        { "to", 0, 0, G_OPTION_ARG_STRING, &a.to, "", "TIME" },
        { "baseline", 'b', 0, G_OPTION_ARG_FILENAME, &a.baseline, "", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &a.format, "", "FMT" },
        { "fail-on", 0, 0, G_OPTION_ARG_STRING, &a.fail_on, "", "SEV" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        args_clear(&a);
        return status;
    }
    log_set_level(a.quiet ? LOG_QUIET : LOG_NORMAL);
    const char *sub = argc > 1 ? argv[1] : "";
    if (argc > 2)
        status = cli_usage_error(self, "unexpected argument '%s'", argv[2]);
    else if (strcmp(sub, "save") == 0)
        status = do_save(self, &a);
    else if (strcmp(sub, "check") == 0)
        status = do_check(self, &a);
    else if (strcmp(sub, "show") == 0)
        status = do_show(self, &a);
    else if (strcmp(sub, "clear") == 0)
        status = do_clear(&a);
    else
        status = cli_usage_error(self, "baseline save, check, show or clear%s%s",
                                 sub[0] ? ", not " : "", sub);
    args_clear(&a);
    return status;
}

const CmdDesc cmd_baseline = {
    "baseline",
    "otscope baseline save [--db DB] [--from TIME] [--to TIME] -o FILE | "
    "check [--baseline FILE] [--db DB] [--format FMT] [--fail-on SEV] | show | clear",
    "save a known-good baseline; check the DB against one",
    "  save               write a baseline of the DB (or of --from/--to) to -o FILE\n"
    "  check              load --baseline FILE into the DB (or use the one loaded before),\n"
    "                     judge every capture again, print the baseline findings\n"
    "  show               what the loaded baseline is (file, source, window, contents)\n"
    "  clear              forget the loaded baseline (and its findings)\n"
    "      --db DB        database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "  -o, --output FILE  the baseline file (SQLite, created 0600)\n"
    "      --from TIME    window start (2024-03-05T08:00:00Z, 2024-03-05 08:00; UTC by default)\n"
    "      --to TIME      window end (exclusive)\n"
    "  -b, --baseline FILE  the baseline to check against\n"
    "      --format FMT   table (default on a terminal), csv or json\n"
    "      --fail-on SEV  exit 1 when a baseline finding at or above SEV exists\n"
    "  -q, --quiet        no summary on stderr\n"
    "Findings: new-asset, new-comm, new-ot-function, changed-identity, traffic-anomaly\n"
    "(stopped conversation, polling period, volume outside the learned band).\n",
    run_baseline,
};
