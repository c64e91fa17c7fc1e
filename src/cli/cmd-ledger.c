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

static bool read_ledger(void *source, StoreRowFn fn, void *user, Err *err)
{
    return ledger_read(source, fn, user, err);
}

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
    const char *sub = argc > 1 ? argv[1] : "show";
    bool is_import = strcmp(sub, "import") == 0;
    bool is_clear = strcmp(sub, "clear") == 0;
    if (status == ERR_OK && !is_import && !is_clear && strcmp(sub, "show") != 0)
        status = cli_usage_error(self, "ledger import FILE, show or clear, not '%s'", sub);
    else if (status == ERR_OK && is_import && argc != 3)
        status = cli_usage_error(self, "ledger import needs one CSV file");
    else if (status == ERR_OK && !is_import && argc > 2)
        status = cli_usage_error(self, "unexpected argument '%s'", argv[2]);
    else if (status == ERR_OK && !is_import && (maps || encoding))
        status = cli_usage_error(self, "--map and --encoding go with ledger import");
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
        LedgerImport li = { argv[2], encoding, (const char *const *)maps };
        int64_t rows = 0;
        if (!ledger_import(s, &li, &rows, &err)) {
            status = err.code == ERR_USAGE ? cli_usage_error(self, "%s", err.msg) : cli_fail(&err);
        } else {
            log_info("%s: %" G_GINT64_FORMAT " ledger rows", argv[2], rows);
            status = cli_site_rejudge_and_print(s, ledger_rules, fmt, quiet);
            if (status == ERR_OK)
                cli_audit(s, "ledger import", NULL, argv[2], NULL);
        }
    } else if (status == ERR_OK && is_clear) {
        if (!ledger_clear(s, &err))
            status = cli_fail(&err);
        else
            status = cli_site_rejudge(s, quiet);
    } else if (status == ERR_OK) {
        int n;
        const ColumnDesc *cols = ledger_columns(&n);
        if (!table_print_rows(cols, n, read_ledger, s, fmt, stdout, &err))
            status = cli_fail(&err);
    }
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    store_close(s);
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
