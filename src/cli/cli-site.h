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

/* A site list kept in the DB (zones, ledger, advisories, IOC lists) and
 * its command's subcommands: show (the default), a load that replaces or
 * adds to the list and judges the DB again, and clear. */
typedef struct SiteList {
    const char *name;       /* the command: "zones" */
    const char *load;       /* its load subcommand: "load" or "import" */
    const char *files;      /* what load takes, in messages: "FILE" or "FILE..." */
    const char *load_needs; /* the usage error when load has the wrong number of files */
    bool is_one_file;       /* load takes exactly one file, else one or more */
    const ColumnDesc *(*columns)(int *n_columns); /* show */
    bool (*read)(Store *s, StoreRowFn fn, void *user, Err *err);
    bool (*clear)(Store *s, Err *err);
    /* Loads files[0..n-1] into s, judges again and prints what it found;
     * returns the exit status. */
    int (*load_files)(const CmdDesc *self, Store *s, char **files, int n, TableFormat fmt,
                      bool quiet, void *user);
    /* A usage error about the command's own options for this subcommand,
     * or NULL (may be NULL itself). */
    const char *(*check)(bool is_load, void *user);
} SiteList;

/* Runs the subcommand in argv (argv[1], after option parsing; status is
 * the parsing's) on the DB of db_opt; returns the exit status. */
int cli_site_list_run(const CmdDesc *self, const SiteList *list, int argc, char **argv,
                      const char *db_opt, TableFormat fmt, bool quiet, int status, void *user);

/* The whole command of a list whose command has no options of its own
 * (--db, --format and -q only); returns the exit status. */
int cli_site_list_main(const CmdDesc *self, const SiteList *list, int argc, char **argv);

/* Loads IOC lists (NULL-terminated paths) into the DB, replacing the
 * ones it had, says how many indicators of each type unless quiet, and
 * notes it in the audit trail (cmd-ioc.c; also analyze --ioc); does not
 * judge.  Returns the exit status. */
int cli_ioc_load(Store *s, const char *const *paths, bool quiet);

#endif /* OTS_CLI_CLI_SITE_H */
