/*
 * cmd-purge.c - `otscope purge CAPTURE_ID | --all`: remove a capture's
 * data (or all data) so that it cannot be recovered from the DB file:
 * secure_delete, then VACUUM and an emptied WAL.  The audit trail stays
 * and records the purge.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli.h"
#include "otscope/log.h"

static int run_purge(const CmdDesc *self, int argc, char **argv)
{
    gchar *db = NULL;
    gboolean all = FALSE;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "", "DB" },
        { "all", 0, 0, G_OPTION_ARG_NONE, &all, "", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    int64_t capture_id = 0;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (all == (argc > 1)) {
        status = cli_usage_error(self, "give one CAPTURE_ID or --all");
    } else if (argc > 2) {
        status = cli_usage_error(self, "one capture at a time");
    } else if (!all) {
        char *end;
        capture_id = g_ascii_strtoll(argv[1], &end, 10);
        if (*end || capture_id <= 0)
            status = cli_usage_error(self, "'%s' is not a capture id (see 'otscope captures')",
                                     argv[1]);
    }
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    Err err;
    err_clear(&err);
    char *db_path = cli_db_path(db);
    Store *s = NULL;
    if (status == ERR_OK && !(s = store_open(db_path, STORE_READ_WRITE, &err)))
        status = cli_fail(&err);
    int64_t rows = 0;
    char sha[65] = "";
    if (status == ERR_OK && !store_file_sha256(s, sha, &err))
        status = cli_fail(&err);
    if (status == ERR_OK && !store_purge(s, capture_id, &rows, &err))
        status = cli_fail(&err);
    if (status == ERR_OK) {
        char *detail = all ? g_strdup_printf("all captures; %" G_GINT64_FORMAT " rows", rows)
                           : g_strdup_printf("capture %" G_GINT64_FORMAT "; %" G_GINT64_FORMAT
                                             " rows", capture_id, rows);
        cli_audit(s, "purge", sha, detail, NULL);
        log_info("%s: purged %s", db_path, detail);
        g_free(detail);
    }
    store_close(s);
    g_free(db_path);
    g_free(db);
    return status;
}

const CmdDesc cmd_purge = {
    "purge",
    "otscope purge [--db DB] CAPTURE_ID | --all [-q]",
    "remove a capture's data, or all, beyond recovery from the DB file",
    "  --db DB      database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "  CAPTURE_ID   the capture to remove (see 'otscope captures'), with every row made\n"
    "               from it; assets are resolved again from what is left\n"
    "  --all        every capture, asset, finding, triage note and saved baseline\n"
    "               (zones, ledger and advisory data stay)\n"
    "  -q, --quiet  no summary\n"
    "Deleted pages are zeroed (secure_delete), the file is rebuilt (VACUUM) and the WAL\n"
    "emptied.  The audit trail is kept and records the purge.  Copies made earlier\n"
    "(exports, backups, file-system snapshots) are not touched.\n",
    run_purge,
};
