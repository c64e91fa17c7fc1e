/*
 * cli.h - subcommand descriptors and the helpers they share.
 *
 * Each src/cli/cmd-*.c defines `const CmdDesc cmd_<name>` listed once in
 * commands.def; main.c dispatches, `otscope help CMD` prints the usage.
 * Commands return the process exit status (ErrCode values).
 */
#ifndef OTS_CLI_CLI_H
#define OTS_CLI_CLI_H

#include <stdbool.h>

#include "otscope/err.h"

typedef struct CmdDesc {
    const char *name;
    const char *usage;   /* "otscope NAME [options] ..." */
    const char *summary; /* one line for `otscope help` */
    const char *help;    /* option list, printed by `otscope help NAME` */
    int (*run)(const struct CmdDesc *self, int argc, char **argv);
} CmdDesc;

#define CMD(name) extern const CmdDesc cmd_##name;
#include "commands.def"
#undef CMD

/* The capture options analyze and live share, in their usage lines... */
#define CLI_USAGE_CAPTURE_OPTIONS                                                                  \
    "-i IFACE [-f BPF] [-s N] [-c N] [-p] [-Z USER] [--db DB] [--commit-interval SECS]"
/* ...and in their help: -i to --db in their order; what -c does after
 * the count differs. */
#define CLI_HELP_CAPTURE_OPTIONS(count_help)                                                       \
    "  -i, --interface IFACE  capture live from IFACE (drops root after opening)\n"                 \
    "  -f, --filter BPF       capture filter (tcpdump syntax)\n"                                    \
    "  -s, --snaplen N        bytes per packet to capture (default 262144)\n"                      \
    "  -c, --count N          " count_help "\n"                                                     \
    "  -p                     do not put the interface in promiscuous mode\n"                      \
    "  -Z, --user USER        user to run as after opening the interface\n"                        \
    "      --db DB            database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"

/* All commands in commands.def order, NULL-terminated. */
extern const CmdDesc *const cmd_table[];
const CmdDesc *cmd_find(const char *name);

/* The DB path: --db, else $OTSCOPE_DB, else $XDG_DATA_HOME/otscope/otscope.db.
 * Returns a new string. */
char *cli_db_path(const char *given);

/* Prints "otscope: msg" and the usage hint; returns ERR_USAGE. */
int cli_usage_error(const CmdDesc *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses argv with entries (GLib's own --help off: `otscope help CMD` is
 * the help); on a bad option prints the usage error and returns false
 * with *status set. */
bool cli_parse_options(const CmdDesc *self, GOptionEntry *entries, int *argc, char ***argv,
                       int *status);
/* Prints the error and returns its code. */
int cli_fail(const Err *err);

/* The --fail-on gate (cmd-findings.c): returns ERR_FINDINGS, after saying
 * so on stderr, when the DB holds a finding at or above the severity named
 * (of rule, when not NULL); status unchanged when sev_name is NULL or
 * status is already an error. */
struct Store;
int cli_fail_on(struct Store *s, const char *sev_name, const char *rule, int status);

#endif /* OTS_CLI_CLI_H */
