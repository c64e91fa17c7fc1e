/*
 * cli-site.h - what the commands about site knowledge share (baseline,
 * diff, zones, ledger, advisories, IOC lists): option parsing, the output format,
 * judging the DB again after a load, and printing the findings of a
 * group of rules.
 */
#ifndef OTS_CLI_CLI_SITE_H
#define OTS_CLI_CLI_SITE_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include "cli.h"
#include "otscope/store.h"
#include "table-print.h"

/* --format: table on a terminal, csv otherwise, when name is NULL. */
bool cli_site_format(const CmdDesc *self, const char *name, TableFormat *fmt, int *status);
/* Judges every capture again and reports it (unless quiet); returns the
 * exit status. */
int cli_site_rejudge(Store *s, bool quiet);
/* Prints the findings of the rules named (NULL-terminated) to stdout: the
 * contract columns in csv/json, a narrower set in a table. */
bool cli_site_print_findings(Store *s, const char *const *rules, TableFormat fmt, Err *err);
/* After a site list changed: cli_site_rejudge, then the findings of the
 * rules named printed; returns the exit status. */
int cli_site_rejudge_and_print(Store *s, const char *const *rules, TableFormat fmt, bool quiet);

/* Loads IOC lists (NULL-terminated paths) into the DB, replacing the
 * ones it had, says how many indicators of each type unless quiet, and
 * notes it in the audit trail (cmd-ioc.c; also analyze --ioc); does not
 * judge.  Returns the exit status. */
int cli_ioc_load(Store *s, const char *const *paths, bool quiet);

#endif /* OTS_CLI_CLI_SITE_H */
