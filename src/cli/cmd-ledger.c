/*
 * cmd-ledger.c - `otscope ledger [show] | import FILE.csv | clear`: the
 * plant's asset ledger and its reconciliation with what the network shows
 * (import and matching in src/baseline/ledger.c and rules/ledger-match.c).
 *
 * Importing replaces the ledger in the DB, judges every capture again and
 * prints the ledger findings (ledger-unlisted, ledger-missing,
 * ledger-mismatch); `otscope ledger` prints the reconciliation: each
 * ledger row and the device it matched, devices on no row, rows no
 * device answers, and every attribute that differs.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli-site.h"
#include "otscope/baseline.h"
#include "otscope/log.h"

static const char *const ledger_rules[] = { "ledger-unlisted", "ledger-missing",
                                            "ledger-mismatch", NULL };

static int import_ledger(const CmdDesc *self, Store *s, char **files, int n, TableFormat fmt,
                         bool quiet, void *user)
{
    (void)n;
    LedgerImport li = *(const LedgerImport *)user;
    li.path = files[0];
    Err err;
    err_clear(&err);
    int64_t rows = 0;
    if (!ledger_import(s, &li, &rows, &err))
        return err.code == ERR_USAGE ? cli_usage_error(self, "%s", err.msg) : cli_fail(&err);
    log_info("%s: %" G_GINT64_FORMAT " ledger rows", files[0], rows);
    int status = cli_site_rejudge_and_print(s, ledger_rules, fmt, quiet);
    if (status == ERR_OK)
        cli_audit(s, "ledger import", NULL, files[0], NULL);
    return status;
}

/* --map and --encoding say how to read an import. */
static const char *check_options(bool is_import, void *user)
{
    const LedgerImport *li = user;
    return !is_import && (li->map || li->encoding) ? "--map and --encoding go with ledger import"
                                                    : NULL;
}

static const SiteList ledger_list = {
    .name = "ledger",
    .load = "import",
    .files = "FILE",
    .load_needs = "ledger import needs one CSV file",
    .is_one_file = true,
    .columns = ledger_columns,
    .read = ledger_read,
    .clear = ledger_clear,
    .load_files = import_ledger,
    .check = check_options,
};

static int run_ledger(const CmdDesc *self, int argc, char **argv)
{
    gchar *db_opt = NULL;
    gchar *format = NULL;
    gchar *encoding = NULL;
    gchar **maps = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_opt, "", "DB" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "", "FMT" },
        { "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &maps, "", "COLUMN=FIELD" },
        { "encoding", 'e', 0, G_OPTION_ARG_STRING, &encoding, "", "ENC" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    TableFormat fmt = FORMAT_CSV;
    if (cli_parse_options(self, entries, &argc, &argv, &status))
        cli_site_format(self, format, &fmt, &status);
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    LedgerImport li = { NULL, encoding, (const char *const *)maps };
    status = cli_site_list_run(self, &ledger_list, argc, argv, db_opt, fmt, quiet, status, &li);
    g_free(db_opt);
    g_free(format);
    g_free(encoding);
    g_strfreev(maps);
    return status;
}

const CmdDesc cmd_ledger = {
    "ledger",
    "otscope ledger [show] | import FILE.csv [--map COLUMN=FIELD]... [--encoding ENC] | clear "
    "[--db DB] [--format table|csv|json] [-q]",
    "the plant's asset ledger against what the network shows",
    "  show             the reconciliation (default): matched, unlisted, missing, mismatch\n"
    "  import FILE.csv  read the ledger (a header row; replaces the one in the DB), judge\n"
    "                   every capture again, print the ledger findings\n"
    "  clear            forget the ledger\n"
    "  -m, --map COLUMN=FIELD  take FIELD (ip, mac, name, vendor, model, firmware, serial,\n"
    "                   location, ignore) from COLUMN; repeatable.  Without it, columns are\n"
    "                   found by common English and Japanese header names\n"
    "  -e, --encoding ENC  the file's encoding (shift_jis for Japanese Excel, cp1252, ...;\n"
    "                   default UTF-8, a byte order mark is skipped)\n"
    "      --db DB      database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "      --format FMT table (default on a terminal), csv or json\n"
    "  -q, --quiet      no summary on stderr\n",
    run_ledger,
};
