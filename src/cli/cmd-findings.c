/*
 * cmd-findings.c - `otscope findings`: the findings table, filtered, and
 * the --fail-on gate CI pipelines use.
 *
 * CSV and JSON carry every column of the contract (plus why); the aligned
 * table for people leaves out the long recommendation and explanation
 * (`otscope findings --format csv` has them).  Secrets in evidence stay
 * masked unless --show-secrets.  With --fail-on SEV the command exits 1
 * when any finding at or above SEV exists (of --rule, when given), after
 * printing.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"
#include "otscope/store.h"
#include "table-print.h"

/* Columns of the aligned table, by name (all others: csv/json only). */
static const char *const table_columns[] = {
    "finding_id", "severity", "rule", "title", "src", "dst", "protocol", "count",
    "first_seen", "last_seen", "evidence", "attack_id",
};

enum { FINDINGS_COLUMNS_MAX = 24 };

typedef struct Source {
    Store *s;
    FindingQuery q;
    /* aligned table: which source columns to keep */
    int pick[FINDINGS_COLUMNS_MAX];
    int n_pick;
    StoreRowFn fn;
    void *user;
} Source;

static bool pick_row(const char *const *cells, void *user)
{
    const Source *src = user;
    const char *picked[FINDINGS_COLUMNS_MAX];
    for (int i = 0; i < src->n_pick; i++)
        picked[i] = cells[src->pick[i]];
    return src->fn(picked, src->user);
}

static bool read_all(void *source, StoreRowFn fn, void *user, Err *err)
{
    Source *src = source;
    return store_read_findings(src->s, &src->q, fn, user, err);
}

static bool read_picked(void *source, StoreRowFn fn, void *user, Err *err)
{
    Source *src = source;
    src->fn = fn;
    src->user = user;
    return store_read_findings(src->s, &src->q, pick_row, src, err);
}

static bool print_findings(Store *s, const FindingQuery *q, TableFormat fmt, Err *err)
{
    int n_cols;
    const ColumnDesc *cols = store_table_columns(TABLE_FINDINGS, &n_cols);
    Source src;
    memset(&src, 0, sizeof src);
    src.s = s;
    src.q = *q;
    if (fmt != FORMAT_TABLE)
        return table_print_rows(cols, n_cols, read_all, &src, fmt, stdout, err);
    ColumnDesc picked[FINDINGS_COLUMNS_MAX];
    for (size_t i = 0; i < G_N_ELEMENTS(table_columns); i++) {
        for (int c = 0; c < n_cols; c++) {
            if (strcmp(cols[c].name, table_columns[i]) == 0) {
                picked[src.n_pick] = cols[c];
                src.pick[src.n_pick++] = c;
            }
        }
    }
    return table_print_rows(picked, src.n_pick, read_picked, &src, fmt, stdout, err);
}

/* --fail-on: ERR_FINDINGS when a finding at or above sev exists. */
int cli_fail_on(Store *s, const char *sev_name, const char *rule, int status)
{
    if (!sev_name || status != ERR_OK)
        return status;
    Severity sev;
    if (!severity_from_name(sev_name, &sev))
        return ERR_USAGE; /* checked by the callers before any work */
    int64_t n = 0;
    Err err;
    err_clear(&err);
    if (!store_count_findings(s, sev, rule, &n, &err))
        return cli_fail(&err);
    if (n > 0) {
        fprintf(stderr, "otscope: %" G_GINT64_FORMAT " finding%s at or above %s (--fail-on)\n", n,
                n == 1 ? "" : "s", sev_name);
        return ERR_FINDINGS;
    }
    return ERR_OK;
}

static int run_findings(const CmdDesc *self, int argc, char **argv)
{
    gchar *db_opt = NULL;
    gchar *format_opt = NULL;
    gchar *min_sev_opt = NULL;
    gchar *rule_opt = NULL;
    gchar *fail_on_opt = NULL;
    gboolean show_secrets = FALSE;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_opt, "database file", "DB" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, "table, csv or json", "FMT" },
        { "min-severity", 0, 0, G_OPTION_ARG_STRING, &min_sev_opt, "lowest severity", "SEV" },
        { "rule", 0, 0, G_OPTION_ARG_STRING, &rule_opt, "one rule", "RULE" },
        { "fail-on", 0, 0, G_OPTION_ARG_STRING, &fail_on_opt, "exit 1 at or above", "SEV" },
        { "show-secrets", 0, 0, G_OPTION_ARG_NONE, &show_secrets, "secrets in clear", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (argc > 1) {
        status = cli_usage_error(self, "unexpected argument '%s'", argv[1]);
    }
    TableFormat fmt = isatty(fileno(stdout)) ? FORMAT_TABLE : FORMAT_CSV;
    FindingQuery q = { SEV_INFO, rule_opt, show_secrets };
    Severity gate;
    if (status == ERR_OK && format_opt && !table_format_from_name(format_opt, &fmt))
        status = cli_usage_error(self, "unknown format '%s' (table, csv, json)", format_opt);
    if (status == ERR_OK && min_sev_opt && !severity_from_name(min_sev_opt, &q.min_severity))
        status = cli_usage_error(self, "unknown severity '%s' (critical, high, medium, low, info)",
                                 min_sev_opt);
    if (status == ERR_OK && fail_on_opt && !severity_from_name(fail_on_opt, &gate))
        status = cli_usage_error(self, "unknown severity '%s' (critical, high, medium, low, info)",
                                 fail_on_opt);
    if (status == ERR_OK) {
        char *db_path = cli_db_path(db_opt);
        Err err;
        err_clear(&err);
        Store *s = store_open(db_path, STORE_READ, &err);
        if (!s || !print_findings(s, &q, fmt, &err))
            status = cli_fail(&err);
        if (fflush(stdout) != 0 && status == ERR_OK)
            status = ERR_INPUT;
        if (s)
            status = cli_fail_on(s, fail_on_opt, rule_opt, status);
        store_close(s);
        g_free(db_path);
    }
    g_free(db_opt);
    g_free(format_opt);
    g_free(min_sev_opt);
    g_free(rule_opt);
    g_free(fail_on_opt);
    return status;
}

const CmdDesc cmd_findings = {
    "findings",
    "otscope findings [--db DB] [--format table|csv|json] [--min-severity SEV] [--rule RULE] "
    "[--fail-on SEV] [--show-secrets]",
    "risk findings with evidence, why they matter and what to do",
    "  --db DB             database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "  --format FMT        table (default on a terminal), csv (default otherwise) or json\n"
    "  --min-severity SEV  only findings at or above SEV (critical, high, medium, low, info)\n"
    "  --rule RULE         only findings of RULE (plc-stop, ot-write, scan, ...)\n"
    "  --fail-on SEV       exit 1 when a finding at or above SEV exists (after printing)\n"
    "  --show-secrets      show passwords and community strings in the evidence unmasked\n",
    run_findings,
};
