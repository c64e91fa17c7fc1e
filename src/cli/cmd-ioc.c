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

static int load_iocs(const CmdDesc *self, Store *s, char **files, int n, TableFormat fmt,
                     bool quiet, void *user)
{
    (void)self;
    (void)n; /* files is NULL-terminated: it is the end of argv */
    (void)user;
    int status = cli_ioc_load(s, (const char *const *)files, quiet);
    return status == ERR_OK ? cli_site_rejudge_and_print(s, ioc_rules, fmt, quiet) : status;
}

static const SiteList ioc_list = {
    .name = "ioc",
    .load = "load",
    .files = "FILE...",
    .load_needs = "ioc load needs at least one IOC list file",
    .is_one_file = false,
    .columns = ioc_columns,
    .read = ioc_read,
    .clear = ioc_clear,
    .load_files = load_iocs,
};

static int run_ioc(const CmdDesc *self, int argc, char **argv)
{
    return cli_site_list_main(self, &ioc_list, argc, argv);
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
