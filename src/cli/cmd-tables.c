/*
 * cmd-tables.c - `otscope assets|comms|ops|protocols|captures`: one table
 * of the DB to stdout (findings, with filters, are cmd-findings.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"
#include "otscope/store.h"
#include "table-print.h"

static int run_table(const CmdDesc *self, int argc, char **argv)
{
    gchar *db_opt = NULL;
    gchar *format_opt = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_opt, "database file", "DB" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format_opt, "table, csv or json", "FMT" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (argc > 1) {
        status = cli_usage_error(self, "unexpected argument '%s'", argv[1]);
    }
    TableFormat fmt = isatty(fileno(stdout)) ? FORMAT_TABLE : FORMAT_CSV;
    if (status == ERR_OK && format_opt && !table_format_from_name(format_opt, &fmt))
        status = cli_usage_error(self, "unknown format '%s' (table, csv, json)", format_opt);
    StoreTable table;
    if (status == ERR_OK && !store_table_from_name(self->name, &table))
        status = ERR_USAGE;
    if (status == ERR_OK) {
        char *db_path = cli_db_path(db_opt);
        Err err;
        err_clear(&err);
        Store *s = store_open(db_path, STORE_READ, &err);
        if (!s || !table_print(s, table, fmt, stdout, &err))
            status = cli_fail(&err);
        store_close(s);
        g_free(db_path);
    }
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    g_free(db_opt);
    g_free(format_opt);
    return status;
}

#define TABLE_HELP                                                                                 \
    "  --db DB          database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"     \
    "  --format FMT     table (default on a terminal), csv (default otherwise) or json\n"

const CmdDesc cmd_assets = { "assets", "otscope assets [--db DB] [--format table|csv|json]",
                             "devices: MAC, IPs, vendor, names, role, traffic, protocols",
                             TABLE_HELP, run_table };
const CmdDesc cmd_comms = { "comms", "otscope comms [--db DB] [--format table|csv|json]",
                            "conversations: client, server, protocol, port, traffic", TABLE_HELP,
                            run_table };
const CmdDesc cmd_ops = { "ops", "otscope ops [--db DB] [--format table|csv|json]",
                          "industrial operations per conversation and function code", TABLE_HELP,
                          run_table };
const CmdDesc cmd_protocols = { "protocols",
                                "otscope protocols [--db DB] [--format table|csv|json]",
                                "protocol mix: conversations, clients, servers, traffic",
                                TABLE_HELP, run_table };
const CmdDesc cmd_captures = { "captures", "otscope captures [--db DB] [--format table|csv|json]",
                               "captures analyzed into the DB, with SHA-256 and status",
                               TABLE_HELP, run_table };
