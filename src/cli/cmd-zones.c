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

static int load_zones(const CmdDesc *self, Store *s, char **files, int n, TableFormat fmt,
                      bool quiet, void *user)
{
    (void)self;
    (void)n;
    (void)user;
    Err err;
    err_clear(&err);
    ZonesStats st;
    if (!zones_load(s, files[0], &st, &err))
        return cli_fail(&err);
    log_info("%s: %" G_GINT64_FORMAT " zones, %" G_GINT64_FORMAT " networks, %" G_GINT64_FORMAT
             " conduits", files[0], st.zones, st.nets, st.conduits);
    int status = cli_site_rejudge_and_print(s, zone_rules, fmt, quiet);
    if (status == ERR_OK)
        cli_audit(s, "zones load", NULL, files[0], NULL);
    return status;
}

static const SiteList zones_list = {
    .name = "zones",
    .load = "load",
    .files = "FILE",
    .load_needs = "zones load needs one policy file",
    .is_one_file = true,
    .columns = zones_columns,
    .read = zones_read,
    .clear = zones_clear,
    .load_files = load_zones,
};

static int run_zones(const CmdDesc *self, int argc, char **argv)
{
    return cli_site_list_main(self, &zones_list, argc, argv);
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
