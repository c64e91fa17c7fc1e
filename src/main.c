/*
 * main.c - argv -> command table.  Nothing else lives here.
 *
 * `otscope FILE...` (first argument not a command) analyzes the files into
 * the default DB (or --db) and then, when stdin and stdout are a terminal,
 * opens the console on that DB at the findings, as an investigator
 * replaying an incident wants it; otherwise it only analyzes.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"

static int analyze_then_console(int argc, char **argv)
{
    static char arg_console[] = "console";
    static char arg_view[] = "--view";
    static char arg_findings[] = "findings";
    static char arg_db[] = "--db";
    char *console_argv[] = { arg_console, arg_view, arg_findings, NULL, NULL, NULL };
    int console_argc = 3;
    /* before analyze: its option parsing takes --db out of argv */
    for (int i = 1; i < argc && console_argc == 3; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            console_argv[console_argc++] = arg_db;
            console_argv[console_argc++] = argv[i + 1];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            console_argv[console_argc++] = argv[i];
        }
    }
    int status = cmd_analyze.run(&cmd_analyze, argc, argv);
    /* a damaged capture is analyzed up to the damage: still worth a look */
    if ((status != ERR_OK && status != ERR_INPUT) || !isatty(STDIN_FILENO) ||
        !isatty(STDOUT_FILENO))
        return status;
    int console_status = cmd_console.run(&cmd_console, console_argc, console_argv);
    return status != ERR_OK ? status : console_status;
}

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
        return analyze_then_console(argc, argv);
    return cli_usage_error(NULL, "unknown command or file '%s'", name);
}
