/*
 * cmd-advisories.c - `otscope advisories [show] | import FILE | clear`:
 * offline vulnerability data (the CISA KEV catalogue, otscope's own
 * advisory CSV/JSON; formats in src/baseline/advisories.c and man
 * otscope, ADVISORIES) and the vulnerable-firmware findings it yields.
 *
 * Importing judges every capture again and prints the vulnerable-firmware
 * findings; nothing is fetched: the files come from wherever the site
 * keeps its offline data (data/advisories-example.csv ships with a few
 * real ICS advisories for the sample's controllers).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli-site.h"
#include "otscope/baseline.h"
#include "otscope/log.h"

static const char *const advisory_rules[] = { "vulnerable-firmware", NULL };

static const char *format_label(AdvisoryFormat f)
{
    switch (f) {
    case ADVISORY_KEV:
        return "CISA KEV entries";
    case ADVISORY_JSON:
        return "advisory rows (JSON)";
    default:
        return "advisory rows";
    }
}

typedef struct ImportOpts {
    AdvisoryFormat kind;
    bool is_replacing;
} ImportOpts;

static int import_advisories(const CmdDesc *self, Store *s, char **files, int n, TableFormat fmt,
                             bool quiet, void *user)
{
    (void)self;
    const ImportOpts *o = user;
    Err err;
    err_clear(&err);
    for (int i = 0; i < n; i++) {
        AdvisoryStats st;
        if (!advisories_import(s, files[i], o->kind, o->is_replacing && i == 0, &st, &err))
            return cli_fail(&err);
        log_info("%s: %" G_GINT64_FORMAT " %s", files[i], st.rows, format_label(st.format));
        cli_audit(s, "advisories import", NULL, files[i], NULL);
    }
    return cli_site_rejudge_and_print(s, advisory_rules, fmt, quiet);
}

static const SiteList advisories_list = {
    .name = "advisories",
    .load = "import",
    .files = "FILE...",
    .load_needs = "advisories import needs a file",
    .is_one_file = false,
    .columns = advisories_columns,
    .read = advisories_read,
    .clear = advisories_clear,
    .load_files = import_advisories,
};

static int run_advisories(const CmdDesc *self, int argc, char **argv)
{
    gchar *db_opt = NULL;
    gchar *format = NULL;
    gchar *input = NULL;
    gboolean replace = FALSE;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_opt, "", "DB" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "", "FMT" },
        { "input-format", 0, 0, G_OPTION_ARG_STRING, &input, "", "KIND" },
        { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, "", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    TableFormat fmt = FORMAT_CSV;
    AdvisoryFormat kind = ADVISORY_AUTO;
    if (cli_parse_options(self, entries, &argc, &argv, &status) &&
        cli_site_format(self, format, &fmt, &status) && input &&
        !advisory_format_from_name(input, &kind))
        status = cli_usage_error(self, "unknown --input-format '%s' (auto, kev, csv, json)", input);
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    ImportOpts opts = { kind, replace };
    status = cli_site_list_run(self, &advisories_list, argc, argv, db_opt, fmt, quiet, status,
                               &opts);
    g_free(db_opt);
    g_free(format);
    g_free(input);
    return status;
}

const CmdDesc cmd_advisories = {
    "advisories",
    "otscope advisories [show] | import FILE... [--input-format auto|kev|csv|json] [--replace] "
    "| clear [--db DB] [--format table|csv|json] [-q]",
    "offline vulnerability data (CISA KEV, advisory files) and vulnerable firmware",
    "  show             the advisories and KEV entries loaded in the DB (default)\n"
    "  import FILE...   read advisory files into the DB, judge every capture again and print\n"
    "                   the vulnerable-firmware findings.  Own CSV/JSON rows replace those of\n"
    "                   a file with the same name; a KEV file replaces the catalogue\n"
    "  clear            forget all advisories and the KEV catalogue\n"
    "      --input-format KIND  auto (default: KEV by its columns, JSON by its first\n"
    "                   character), kev, csv or json\n"
    "      --replace    drop every advisory before importing\n"
    "      --db DB      database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "      --format FMT table (default on a terminal), csv or json\n"
    "  -q, --quiet      no summary on stderr\n"
    "Own CSV columns: advisory, cve, vendor, product, models (globs: 6ES7 21*;CPU 121*),\n"
    "affected (<4.5.0, >=2.0,<2.9.2, 1.0 - 1.4, *), cvss, title, fix, url.\n"
    "Example: data/advisories-example.csv.\n",
    run_advisories,
};
