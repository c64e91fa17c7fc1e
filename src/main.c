/*
 * main.c - argv -> command table.  Nothing else lives here.
 *
 * `otscope FILE...` (first argument not a command) analyzes the files into
 * the default DB and prints the assets.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "cli.h"

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_help.run(&cmd_help, argc, argv);
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return cmd_help.run(&cmd_help, 1, argv);
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        return cmd_version.run(&cmd_version, 1, argv);
    const CmdDesc *cmd = cmd_find(name);
    if (cmd)
        return cmd->run(cmd, argc - 1, argv + 1);
    if (name[0] != '-' && g_file_test(name, G_FILE_TEST_EXISTS))
        return cmd_analyze.run(&cmd_analyze, argc, argv);
    return cli_usage_error(NULL, "unknown command or file '%s'", name);
}
