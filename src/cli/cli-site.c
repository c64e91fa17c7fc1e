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
