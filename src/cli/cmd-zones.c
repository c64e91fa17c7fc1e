/*
 * cmd-zones.c - `otscope zones [load FILE | clear]`: the site's zone
 * policy (zones, networks and VLANs, conduits; format in
 * src/baseline/zones.c and man otscope, ZONES).
 *
 * The policy is stored in the DB rather than given per command: every
 * later analysis is judged against it (zone-violation findings) and the
 * assets table shows each device's zone.  Loading it judges every capture
 * again and prints the zone-violation findings.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli-site.h"
#include "otscope/baseline.h"
#include "otscope/log.h"

static const char *const zone_rules[] = { "zone-violation", NULL };

static bool read_zones(void *source, StoreRowFn fn, void *user, Err *err)
{
    return zones_read(source, fn, user, err);
}

static int run_zones(const CmdDesc *self, int argc, char **argv)
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
        status = cli_usage_error(self, "zones load FILE, show or clear, not '%s'", sub);
    else if (is_load && argc != 3)
        status = cli_usage_error(self, "zones load needs one policy file");
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
        ZonesStats st;
        if (!zones_load(s, argv[2], &st, &err)) {
            status = cli_fail(&err);
        } else {
            log_info("%s: %" G_GINT64_FORMAT " zones, %" G_GINT64_FORMAT " networks, %"
                     G_GINT64_FORMAT " conduits", argv[2], st.zones, st.nets, st.conduits);
            status = cli_site_rejudge_and_print(s, zone_rules, fmt, quiet);
            if (status == ERR_OK)
                cli_audit(s, "zones load", NULL, argv[2], NULL);
        }
    } else if (status == ERR_OK && is_clear) {
        if (!zones_clear(s, &err))
            status = cli_fail(&err);
        else
            status = cli_site_rejudge(s, quiet);
    } else if (status == ERR_OK) {
        int n;
        const ColumnDesc *cols = zones_columns(&n);
        if (!table_print_rows(cols, n, read_zones, s, fmt, stdout, &err))
            status = cli_fail(&err);
    }
    if (fflush(stdout) != 0 && status == ERR_OK)
        status = ERR_INPUT;
    store_close(s);
    g_free(db_opt);
    g_free(format);
    return status;
}

const CmdDesc cmd_zones = {
    "zones",
    "otscope zones [show] | load FILE | clear [--db DB] [--format table|csv|json] [-q]",
    "the zone policy: zones, networks, conduits; zone-violation findings",
    "  show             the policy loaded in the DB and the zone of each asset (default)\n"
    "  load FILE        read a zone policy file into the DB (replacing the one it had),\n"
    "                   judge every capture again, print the zone-violation findings\n"
    "  clear            forget the policy\n"
    "      --db DB      database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "      --format FMT table (default on a terminal), csv or json\n"
    "  -q, --quiet      no summary on stderr\n"
    "File: 'zone NAME [level L] [description]', 'net CIDR [vlan N] ZONE', 'vlan N ZONE',\n"
    "'conduit ZONE -> ZONE PROTO...' ('<->' both ways; PROTO: name, tcp/PORT, udp/PORT, any).\n"
    "Example: data/zones-example.conf.  The assets table shows each device's zone.\n",
    run_zones,
};
