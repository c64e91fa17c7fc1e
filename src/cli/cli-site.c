/*
 * cli-site.c - helpers of the site-knowledge commands (cli-site.h).
 */
#include "config.h"

#include "cli-site.h"

#include <string.h>
#include <unistd.h>

#include "otscope/baseline.h"
#include "otscope/log.h"

bool cli_site_format(const CmdDesc *self, const char *name, TableFormat *fmt, int *status)
{
    *fmt = isatty(fileno(stdout)) ? FORMAT_TABLE : FORMAT_CSV;
    if (name && !table_format_from_name(name, fmt)) {
        *status = cli_usage_error(self, "unknown format '%s' (table, csv, json)", name);
        return false;
    }
    return true;
}

int cli_site_rejudge(Store *s, bool quiet)
{
    Err err;
    err_clear(&err);
    int64_t n = 0;
    if (!site_rejudge(s, &n, &err))
        return cli_fail(&err);
    if (!quiet)
        log_info("%s: judged %" G_GINT64_FORMAT " capture%s again", store_path(s), n,
                 n == 1 ? "" : "s");
    return ERR_OK;
}

/* Columns of the aligned table (the rest: csv and json only). */
static const char *const table_columns[] = {
    "finding_id", "severity", "rule", "title", "src", "dst", "protocol", "count", "evidence",
};

enum { FINDING_COLUMNS_MAX = 24 };

typedef struct Source {
    Store *s;
    const char *const *rules;
    int pick[FINDING_COLUMNS_MAX];
    int n_pick; /* 0: every column */
    StoreRowFn fn;
    void *user;
} Source;

static bool pick_row(const char *const *cells, void *user)
{
    const Source *src = user;
    if (!src->n_pick)
        return src->fn(cells, src->user);
    const char *picked[FINDING_COLUMNS_MAX];
    for (int i = 0; i < src->n_pick; i++)
        picked[i] = cells[src->pick[i]];
    return src->fn(picked, src->user);
}

static bool read_rules(void *source, StoreRowFn fn, void *user, Err *err)
{
    Source *src = source;
    src->fn = fn;
    src->user = user;
    for (const char *const *r = src->rules; *r; r++) {
        FindingQuery q = { SEV_INFO, *r, false };
        if (!store_read_findings(src->s, &q, pick_row, src, err))
            return false;
    }
    return true;
}

bool cli_site_print_findings(Store *s, const char *const *rules, TableFormat fmt, Err *err)
{
    int n_cols;
    const ColumnDesc *cols = store_table_columns(TABLE_FINDINGS, &n_cols);
    Source src;
    memset(&src, 0, sizeof src);
    src.s = s;
    src.rules = rules;
    if (fmt != FORMAT_TABLE)
        return table_print_rows(cols, n_cols, read_rules, &src, fmt, stdout, err);
    ColumnDesc picked[FINDING_COLUMNS_MAX];
    for (size_t i = 0; i < G_N_ELEMENTS(table_columns); i++) {
        for (int c = 0; c < n_cols; c++) {
            if (strcmp(cols[c].name, table_columns[i]) == 0) {
                picked[src.n_pick] = cols[c];
                src.pick[src.n_pick++] = c;
            }
        }
    }
    return table_print_rows(picked, src.n_pick, read_rules, &src, fmt, stdout, err);
}

int cli_site_rejudge_and_print(Store *s, const char *const *rules, TableFormat fmt, bool quiet)
{
    int status = cli_site_rejudge(s, quiet);
    Err err;
    err_clear(&err);
    if (status == ERR_OK && !cli_site_print_findings(s, rules, fmt, &err))
        status = cli_fail(&err);
    return status;
}

/* The subcommand's argument count and the command's own options; false
 * with *status set when they are wrong. */
static bool check_subcommand(const CmdDesc *self, const SiteList *list, int argc, char **argv,
                             bool *is_load, bool *is_clear, int *status, void *user)
{
    const char *sub = argc > 1 ? argv[1] : "show";
    *is_load = strcmp(sub, list->load) == 0;
    *is_clear = strcmp(sub, "clear") == 0;
    const char *why = list->check ? list->check(*is_load, user) : NULL;
    if (!*is_load && !*is_clear && strcmp(sub, "show") != 0)
        *status = cli_usage_error(self, "%s %s %s, show or clear, not '%s'", list->name,
                                  list->load, list->files, sub);
    else if (*is_load && (list->is_one_file ? argc != 3 : argc < 3))
        *status = cli_usage_error(self, "%s", list->load_needs);
    else if (!*is_load && argc > 2)
        *status = cli_usage_error(self, "unexpected argument '%s'", argv[2]);
    else if (why)
        *status = cli_usage_error(self, "%s", why);
    return *status == ERR_OK;
}

typedef struct ListSource {
    const SiteList *list;
    Store *s;
} ListSource;

static bool read_list(void *source, StoreRowFn fn, void *user, Err *err)
{
    const ListSource *src = source;
    return src->list->read(src->s, fn, user, err);
}

int cli_site_list_run(const CmdDesc *self, const SiteList *list, int argc, char **argv,
                      const char *db_opt, TableFormat fmt, bool quiet, int status, void *user)
{
    bool is_load;
    bool is_clear;
    if (status != ERR_OK ||
        !check_subcommand(self, list, argc, argv, &is_load, &is_clear, &status, user))
        return status;
    Err err;
    err_clear(&err);
    char *db_path = cli_db_path(db_opt);
    Store *s = store_open(db_path, is_load || is_clear ? STORE_READ_WRITE : STORE_READ, &err);
    g_free(db_path);
    if (!s)
        return cli_fail(&err);
    if (is_load) {
        status = list->load_files(self, s, argv + 2, argc - 2, fmt, quiet, user);
    } else if (is_clear) {
        status = list->clear(s, &err) ? cli_site_rejudge(s, quiet) : cli_fail(&err);
    } else {
        int n;
        const ColumnDesc *cols = list->columns(&n);
        ListSource src = { list, s };
        if (!table_print_rows(cols, n, read_list, &src, fmt, stdout, &err))
            status = cli_fail(&err);
    }
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    store_close(s);
    return status;
}

int cli_site_list_main(const CmdDesc *self, const SiteList *list, int argc, char **argv)
{
    gchar *db_opt = NULL;
    gchar *format = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_opt, "", "DB" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "", "FMT" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    TableFormat fmt = FORMAT_CSV;
    if (cli_parse_options(self, entries, &argc, &argv, &status) &&
        cli_site_format(self, format, &fmt, &status)) {
        log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
        status = cli_site_list_run(self, list, argc, argv, db_opt, fmt, quiet, status, NULL);
    }
    g_free(db_opt);
    g_free(format);
    return status;
}
