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

static bool read_advisories(void *source, StoreRowFn fn, void *user, Err *err)
{
    return advisories_read(source, fn, user, err);
}

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
    const char *sub = argc > 1 ? argv[1] : "show";
    bool is_import = strcmp(sub, "import") == 0;
    bool is_clear = strcmp(sub, "clear") == 0;
    if (status == ERR_OK && !is_import && !is_clear && strcmp(sub, "show") != 0)
        status = cli_usage_error(self, "advisories import FILE..., show or clear, not '%s'", sub);
    else if (status == ERR_OK && is_import && argc < 3)
        status = cli_usage_error(self, "advisories import needs a file");
    else if (status == ERR_OK && !is_import && argc > 2)
        status = cli_usage_error(self, "unexpected argument '%s'", argv[2]);
    Err err;
    err_clear(&err);
    Store *s = NULL;
    if (status == ERR_OK) {
        char *db_path = cli_db_path(db_opt);
        s = store_open(db_path, is_import || is_clear ? STORE_READ_WRITE : STORE_READ, &err);
        g_free(db_path);
        if (!s)
            status = cli_fail(&err);
    }
    if (status == ERR_OK && is_import) {
        for (int i = 2; status == ERR_OK && i < argc; i++) {
            AdvisoryStats st;
            if (!advisories_import(s, argv[i], kind, replace && i == 2, &st, &err)) {
                status = cli_fail(&err);
            } else {
                log_info("%s: %" G_GINT64_FORMAT " %s", argv[i], st.rows, format_label(st.format));
                cli_audit(s, "advisories import", NULL, argv[i], NULL);
            }
        }
        if (status == ERR_OK)
            status = cli_site_rejudge_and_print(s, advisory_rules, fmt, quiet);
    } else if (status == ERR_OK && is_clear) {
        if (!advisories_clear(s, &err))
            status = cli_fail(&err);
        else
            status = cli_site_rejudge(s, quiet);
    } else if (status == ERR_OK) {
        int n;
        const ColumnDesc *cols = advisories_columns(&n);
        if (!table_print_rows(cols, n, read_advisories, s, fmt, stdout, &err))
            status = cli_fail(&err);
    }
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    store_close(s);
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
