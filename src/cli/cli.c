/*
 * cli.c - the command table and the helpers every command shares.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli.h"
#include "otscope/log.h"

const CmdDesc *const cmd_table[] = {
#define CMD(name) &cmd_##name,
#include "commands.def"
#undef CMD
    NULL,
};

const CmdDesc *cmd_find(const char *name)
{
    for (int i = 0; cmd_table[i]; i++)
        if (strcmp(cmd_table[i]->name, name) == 0)
            return cmd_table[i];
    return NULL;
}

char *cli_db_path(const char *given)
{
    if (given && given[0])
        return g_strdup(given);
    const char *env = g_getenv("OTSCOPE_DB");
    if (env && env[0])
        return g_strdup(env);
    return g_build_filename(g_get_user_data_dir(), "otscope", "otscope.db", NULL);
}

int cli_usage_error(const CmdDesc *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_error("%s", msg);
    if (cmd)
        fprintf(stderr, "usage: %s\nSee 'otscope help %s'.\n", cmd->usage, cmd->name);
    else
        fprintf(stderr, "See 'otscope help'.\n");
    g_free(msg);
    return ERR_USAGE;
}

int cli_fail(const Err *err)
{
    log_error("%s", err->msg);
    return err->code == ERR_OK ? ERR_DB : (int)err->code;
}

bool cli_parse_options(const CmdDesc *self, GOptionEntry *entries, int *argc, char ***argv,
                       int *status)
{
    GOptionContext *ctx = g_option_context_new(NULL);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    GError *error = NULL;
    bool ok = g_option_context_parse(ctx, argc, argv, &error);
    if (!ok) {
        *status = cli_usage_error(self, "%s", error->message);
        g_error_free(error);
    }
    g_option_context_free(ctx);
    return ok;
}
