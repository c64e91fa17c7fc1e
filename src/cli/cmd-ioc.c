/*
 * cmd-ioc.c - `otscope ioc [show] | load FILE... | clear`: the site's
 * lists of indicators of compromise (format in src/baseline/ioc.c and
 * man otscope, IOC LISTS).
 *
 * Like the zone policy, the lists are kept in the DB rather than given
 * per command, so that every later analysis (and `analyze --ioc`) is
 * judged against them; loading them judges every capture of the DB
 * again and prints the ioc-match findings.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli-site.h"
#include "otscope/baseline.h"
#include "otscope/log.h"

static const char *const ioc_rules[] = { "ioc-match", NULL };

static bool read_iocs(void *source, StoreRowFn fn, void *user, Err *err)
{
    return ioc_read(source, fn, user, err);
}

static void summarize(const IocStats *st)
{
    GString *s = g_string_new(NULL);
    for (int t = 0; t < IOC_STATS_TYPES; t++)
        if (st->by_type[t])
            g_string_append_printf(s, "%s%" G_GINT64_FORMAT " %s", s->len ? ", " : "",
                                   st->by_type[t], ioc_stats_type_name(t));
    log_info("%" G_GINT64_FORMAT " indicators%s%s%s", st->indicators, s->len ? " (" : "", s->str,
             s->len ? ")" : "");
    if (st->duplicates)
        log_info("%" G_GINT64_FORMAT " listed twice (the first line kept)", st->duplicates);
    g_string_free(s, TRUE);
}

int cli_ioc_load(Store *s, const char *const *paths, bool quiet)
{
    Err err;
    err_clear(&err);
    IocStats st;
    if (!ioc_load(s, paths, &st, &err))
        return cli_fail(&err);
    if (!quiet)
        summarize(&st);
    GString *joined = g_string_new(NULL);
    for (const char *const *p = paths; *p; p++)
        g_string_append_printf(joined, "%s%s", joined->len ? " " : "", *p);
    cli_audit(s, "ioc load", NULL, joined->str, NULL);
    g_string_free(joined, TRUE);
    return ERR_OK;
}

static int run_ioc(const CmdDesc *self, int argc, char **argv)
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
    if (!cli_parse_options(self, entries, &argc, &argv, &status) ||
        !cli_site_format(self, format, &fmt, &status)) {
        g_free(db_opt);
        g_free(format);
        return status;
    }
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    const char *sub = argc > 1 ? argv[1] : "show";
    bool is_load = strcmp(sub, "load") == 0;
    bool is_clear = strcmp(sub, "clear") == 0;
    if (!is_load && !is_clear && strcmp(sub, "show") != 0)
        status = cli_usage_error(self, "ioc load FILE..., show or clear, not '%s'", sub);
    else if (is_load && argc < 3)
        status = cli_usage_error(self, "ioc load needs at least one IOC list file");
    else if (!is_load && argc > 2)
        status = cli_usage_error(self, "unexpected argument '%s'", argv[2]);
    Err err;
    err_clear(&err);
    Store *s = NULL;
    if (status == ERR_OK) {
        char *db_path = cli_db_path(db_opt);
        s = store_open(db_path, is_load || is_clear ? STORE_READ_WRITE : STORE_READ, &err);
        g_free(db_path);
        if (!s)
            status = cli_fail(&err);
    }
    if (status == ERR_OK && is_load) {
        status = cli_ioc_load(s, (const char *const *)argv + 2, quiet);
        if (status == ERR_OK)
            status = cli_site_rejudge_and_print(s, ioc_rules, fmt, quiet);
    } else if (status == ERR_OK && is_clear) {
        if (!ioc_clear(s, &err))
            status = cli_fail(&err);
        else
            status = cli_site_rejudge(s, quiet);
    } else if (status == ERR_OK) {
        int n;
        const ColumnDesc *cols = ioc_columns(&n);
        if (!table_print_rows(cols, n, read_iocs, s, fmt, stdout, &err))
            status = cli_fail(&err);
    }
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    store_close(s);
    g_free(db_opt);
    g_free(format);
    return status;
}

const CmdDesc cmd_ioc = {
    "ioc",
    "otscope ioc [show] | load FILE... | clear [--db DB] [--format table|csv|json] [-q]",
    "IOC lists (addresses, networks, domains, TLS fingerprints); ioc-match findings",
    "  show             the indicators loaded in the DB, with how many findings name each\n"
    "                   (default)\n"
    "  load FILE...     read IOC list files into the DB (replacing the lists it had),\n"
    "                   judge every capture again, print the ioc-match findings\n"
    "  clear            forget the lists\n"
    "      --db DB      database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "      --format FMT table (default on a terminal), csv or json\n"
    "  -q, --quiet      no summary on stderr\n"
    "File: one indicator per line, its type inferred or written TYPE:VALUE (ip, cidr, domain,\n"
    "ja3, ja3s, ja4, cert-sha1, cert-sha256), then an optional note; '#' starts a comment.\n"
    "Example: data/ioc-example.txt.  analyze --ioc FILE loads lists before analyzing.\n",
    run_ioc,
};
