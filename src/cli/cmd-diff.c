/*
 * cmd-diff.c - `otscope diff A B`: assets, conversations, OT functions,
 * identities and findings that appeared, disappeared or changed from A to
 * B (comparison in src/baseline/diff.c).
 *
 * A and B are each a site DB, a window of one (DB@FROM..TO, either end
 * may be left open), a baseline file, or a capture, which is analyzed
 * into a temporary DB first (removed afterwards).  --fail-on-change exits
 * 1 when anything differs, for scripts.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "capture.h"
#include "cli-site.h"
#include "ingest.h"
#include "otscope/baseline.h"
#include "otscope/log.h"

enum { DIFF_COMMIT_INTERVAL_S = 5 };

typedef struct Side {
    DiffSide side;
    char *tmp_dir; /* a capture analyzed for the diff */
} Side;

static volatile sig_atomic_t never_stop;

/* A capture becomes a temporary DB: its analysis, rules included. */
static bool analyze_capture(const char *path, Side *out, Err *err)
{
    GError *error = NULL;
    out->tmp_dir = g_dir_make_tmp("otscope-diff-XXXXXX", &error);
    if (!out->tmp_dir) {
        err_set(err, ERR_INPUT, "temporary folder: %s", error->message);
        g_error_free(error);
        return false;
    }
    char *base = g_path_get_basename(path);
    char *db = g_build_filename(out->tmp_dir, base, NULL);
    char *db_path = g_strconcat(db, ".db", NULL);
    g_free(db);
    g_free(base);
    Store *s = store_open(db_path, STORE_READ_WRITE, err);
    Source *src = s ? source_open_file(path, err) : NULL;
    IngestOptions opts = { 0, DIFF_COMMIT_INTERVAL_S, false, false, &never_stop };
    IngestResult res;
    bool ok = src && ingest_source(s, src, &opts, &res, err);
    if (ok && res.is_damaged)
        log_warn("%s", err->msg);
    if (ok)
        log_info("%s: %" G_GUINT64_FORMAT " packets analyzed for the diff", path, res.packets);
    source_close(src);
    store_close(s);
    out->side.path = db_path;
    time_window_all(&out->side.window);
    return ok;
}

static bool side_open(const char *spec, Side *out, Err *err)
{
    memset(out, 0, sizeof *out);
    if (!g_file_test(spec, G_FILE_TEST_EXISTS) && strchr(spec, '@'))
        return diff_side_parse(spec, &out->side, err);
    if (!g_file_test(spec, G_FILE_TEST_IS_REGULAR))
        return err_set(err, ERR_INPUT, "%s: no such file", spec);
    if (diff_is_sqlite(spec))
        return diff_side_parse(spec, &out->side, err);
    return analyze_capture(spec, out, err);
}

static void side_close(Side *s)
{
    if (s->tmp_dir && s->side.path) {
        static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
        for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
            char *f = g_strconcat(s->side.path, suffixes[i], NULL);
            g_unlink(f);
            g_free(f);
        }
        g_rmdir(s->tmp_dir);
    }
    g_free(s->tmp_dir);
    diff_side_clear(&s->side);
}

typedef struct Run {
    const Side *a;
    const Side *b;
    DiffCounts counts;
} Run;

static bool read_diff(void *source, StoreRowFn fn, void *user, Err *err)
{
    Run *r = source;
    return diff_run(&r->a->side, &r->b->side, fn, user, &r->counts, err);
}

static int run_diff(const CmdDesc *self, int argc, char **argv)
{
    gchar *format = NULL;
    gboolean fail_on_change = FALSE;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "", "FMT" },
        { "fail-on-change", 0, 0, G_OPTION_ARG_NONE, &fail_on_change, "", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    TableFormat fmt = FORMAT_CSV;
    if (!cli_parse_options(self, entries, &argc, &argv, &status) ||
        !cli_site_format(self, format, &fmt, &status)) {
        g_free(format);
        return status;
    }
    g_free(format);
    if (argc != 3)
        return cli_usage_error(self, "diff needs two things to compare, A and B");
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    Err err;
    err_clear(&err);
    Side a;
    Side b;
    memset(&b, 0, sizeof b);
    if (!side_open(argv[1], &a, &err) || !side_open(argv[2], &b, &err)) {
        status = err.code == ERR_USAGE ? cli_usage_error(self, "%s", err.msg) : cli_fail(&err);
    } else {
        int n;
        const ColumnDesc *cols = diff_columns(&n);
        Run r = { &a, &b, { 0, 0, 0 } };
        if (!table_print_rows(cols, n, read_diff, &r, fmt, stdout, &err))
            status = err.code == ERR_USAGE ? cli_usage_error(self, "%s", err.msg) : cli_fail(&err);
        if (fflush(stdout) != 0 && status == ERR_OK)
            status = ERR_INPUT;
        if (status == ERR_OK)
            log_info("%s -> %s: %" G_GINT64_FORMAT " appeared, %" G_GINT64_FORMAT
                     " disappeared, %" G_GINT64_FORMAT " changed", argv[1], argv[2],
                     r.counts.appeared, r.counts.disappeared, r.counts.changed);
        if (status == ERR_OK && fail_on_change &&
            r.counts.appeared + r.counts.disappeared + r.counts.changed > 0)
            status = ERR_FINDINGS;
    }
    side_close(&a);
    side_close(&b);
    return status;
}

const CmdDesc cmd_diff = {
    "diff",
    "otscope diff A B [--format table|csv|json] [--fail-on-change] [-q]",
    "what appeared, disappeared or changed between two DBs, windows or captures",
    "  A, B               a site DB, a window of one (DB@FROM..TO, DB@FROM.., DB@..TO), a\n"
    "                     baseline file (otscope baseline save), or a capture (analyzed into\n"
    "                     a temporary DB first)\n"
    "      --format FMT   table (default on a terminal), csv or json\n"
    "      --fail-on-change  exit 1 when anything differs\n"
    "  -q, --quiet        no summary on stderr\n"
    "Times: 2024-03-05T08:00:00Z, 2024-03-05 08:00 (UTC unless a zone is given), 2024-03-05.\n"
    "Columns: change (appeared, disappeared, changed), kind (asset, comm, function, identity,\n"
    "finding), item, a, b, detail.\n",
    run_diff,
};
