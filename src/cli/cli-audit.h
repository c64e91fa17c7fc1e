/*
 * cli-audit.h - what the commands that write files share: opening the DB
 * so that an audit entry can be written, the command line as typed, and
 * the audit entry itself.
 */
#ifndef OTS_CLI_CLI_AUDIT_H
#define OTS_CLI_CLI_AUDIT_H

#include <stdbool.h>

#include "otscope/store-export.h"

/* Opens an existing DB read-write when the file and its folder are
 * writable (so the audit entry can be written), read-only otherwise
 * (cli_audit then warns).  NULL + err when it cannot be opened at all. */
Store *cli_open_audited(const char *path, Err *err);

/* The process's command line as typed ("otscope export -o x"), from
 * /proc/self/cmdline (argv is rewritten by option parsing); arguments
 * with spaces are quoted.  A new string. */
char *cli_cmdline(void);

/* Appends an audit entry (command line from cli_cmdline()); on a
 * read-only store or a failure it warns and carries on: the audit trail
 * must never make a finished export fail.  input_sha256 NULL with since
 * set: the captures an analyze run wrote since that time. */
void cli_audit(Store *s, const char *command, const char *input_sha256, const char *detail,
               const char *since);

/* The entry of an analyze run: its command line and the SHA-256 of every
 * capture this process wrote.  Called once, at the end of cmd-analyze. */
void cli_audit_analyze(Store *s);

/* The current UTC time in the audit's format, for cli_audit's since. */
char *cli_audit_now(void);

#endif /* OTS_CLI_CLI_AUDIT_H */
