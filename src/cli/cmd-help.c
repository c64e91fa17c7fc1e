/*
 * cmd-help.c - `otscope help [CMD]` and `otscope version`, generated from
 * the command table so they cannot go stale.
 */
#include "config.h"

#include <stdio.h>

#include <glib.h>

#include "cli.h"
#include "otscope/util.h"

static int run_help(const CmdDesc *self, int argc, char **argv)
{
    if (argc >= 2) {
        const CmdDesc *cmd = cmd_find(argv[1]);
        if (!cmd)
            return cli_usage_error(self, "no command '%s'", argv[1]);
        printf("usage: %s\n\n%s.\n\n%s", cmd->usage, cmd->summary, cmd->help);
        return ERR_OK;
    }
    printf("usage: otscope COMMAND [options]\n"
           "       otscope FILE...   (analyze the captures into the default DB, open the console)\n\n"
           "OT/ICS network visibility from captures: assets, conversations, operations.\n\n"
           "Commands:\n");
    for (int i = 0; cmd_table[i]; i++)
        printf("  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
    printf("\nExit status: 0 ok, 1 findings gate, 2 usage, 3 input unreadable, 4 DB error.\n"
           "See 'otscope help COMMAND' and man otscope.\n");
    return ERR_OK;
}

static int run_version(const CmdDesc *self, int argc, char **argv)
{
    (void)self;
    (void)argc;
    (void)argv;
    const char *oui = oui_source();
    printf("otscope %s\nMAC vendors: %s\n", OTS_VERSION, oui[0] ? oui : "ieee-data not found");
    return ERR_OK;
}

const CmdDesc cmd_help = { "help", "otscope help [COMMAND]", "show commands or one command's usage",
                           "", run_help };
const CmdDesc cmd_version = { "version", "otscope version",
                              "version and the MAC vendor data in use", "", run_version };
