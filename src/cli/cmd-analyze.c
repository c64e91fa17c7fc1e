/*
 * cmd-analyze.c - `otscope analyze`: captures (or an interface) into the DB.
 *
 * Inputs are -r FILE (repeatable, "-" for stdin), --file-list, positional
 * files, or -i IFACE; -r with -i is a usage error, never a silent choice.
 * A damaged file is analyzed up to the damage and the run exits 3 after
 * committing everything read; SIGINT/SIGTERM commit and stop cleanly.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "capture.h"
#include "cli-audit.h"
#include "cli-site.h"
#include "cli.h"
#include "ingest.h"
#include "otscope/baseline.h"
#include "otscope/log.h"
#include "otscope/store.h"
#include "table-print.h"

enum {
    DEFAULT_SNAPLEN = 262144,
    DEFAULT_COMMIT_INTERVAL_S = 5,
    MAX_COMMIT_INTERVAL_S = 3600,
};

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct AnalyzeArgs {
    gchar **files;
    gchar *file_list;
    gchar *iface;
    gchar *bpf;
    gchar *db;
    gchar *run_as;
    gchar *fail_on;
    gchar *baseline;
    gchar **iocs;
    gint snaplen;
    gint64 count;
    gint commit_interval;
    gboolean no_promisc;
    gboolean quiet;
    gboolean verbose;
} AnalyzeArgs;

static void add_files_from_list(GPtrArray *inputs, const char *list_path, Err *err)
{
    gchar *text;
    GError *error = NULL;
    if (!g_file_get_contents(list_path, &text, NULL, &error)) {
        err_set(err, ERR_INPUT, "%s: %s", list_path, error->message);
        g_error_free(error);
        return;
    }
    gchar **lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        char *line = g_strstrip(*l);
        if (line[0] && line[0] != '#')
            g_ptr_array_add(inputs, g_strdup(line));
    }
    g_strfreev(lines);
    g_free(text);
}

static void summarize(const char *name, const IngestResult *res)
{
    if (res->is_duplicate) {
        log_info("%s: already analyzed into this DB (capture %" G_GINT64_FORMAT "); nothing added",
                 name, res->duplicate_of);
        return;
    }
    GString *skipped = g_string_new(NULL);
    for (int i = SKIP_NONE + 1; i < SKIP_COUNT; i++) {
        if (res->skipped[i])
            g_string_append_printf(skipped, ", %" G_GUINT64_FORMAT " skipped (%s)",
                                   res->skipped[i], skip_reason_name((SkipReason)i));
    }
    log_info("%s: %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " bytes%s%s", name,
             res->packets, res->bytes, skipped->str, res->is_interrupted ? ", interrupted" : "");
    g_string_free(skipped, TRUE);
}

static int analyze_one(Store *store, Source *src, const IngestOptions *opts, int status)
{
    Err err;
    err_clear(&err);
    IngestResult res;
    log_info("reading from %s, link-type %s", source_name(src), source_linktype_name(src));
    if (!ingest_source(store, src, opts, &res, &err))
        return err.code == ERR_DB ? cli_fail(&err) : (cli_fail(&err), ERR_INPUT);
    summarize(source_name(src), &res);
    if (res.is_damaged) {
        log_warn("%s", err.msg);
        return ERR_INPUT;
    }
    return status;
}

static bool parse_args(const CmdDesc *self, int *argc, char ***argv, AnalyzeArgs *a, int *status)
{
    GOptionEntry entries[] = {
        { "read", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &a->files, "capture file", "FILE" },
        { "file-list", 0, 0, G_OPTION_ARG_FILENAME, &a->file_list, "file of paths", "LIST" },
        { "interface", 'i', 0, G_OPTION_ARG_STRING, &a->iface, "interface", "IFACE" },
        { "filter", 'f', 0, G_OPTION_ARG_STRING, &a->bpf, "BPF filter", "BPF" },
        { "snaplen", 's', 0, G_OPTION_ARG_INT, &a->snaplen, "snapshot length", "N" },
        { "count", 'c', 0, G_OPTION_ARG_INT64, &a->count, "stop after N packets", "N" },
        { "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &a->no_promisc, "", NULL },
        { "user", 'Z', 0, G_OPTION_ARG_STRING, &a->run_as, "drop privileges to", "USER" },
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &a->db, "database", "DB" },
        { "commit-interval", 0, 0, G_OPTION_ARG_INT, &a->commit_interval, "seconds", "SECS" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "no progress or summary", NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &a->verbose, "more detail", NULL },
        { "fail-on", 0, 0, G_OPTION_ARG_STRING, &a->fail_on, "exit 1 at or above", "SEV" },
        { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &a->baseline, "check against", "FILE" },
        { "ioc", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a->iocs, "IOC list", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    if (!cli_parse_options(self, entries, argc, argv, status))
        return false;
    if (a->count < 0 || a->snaplen < 0)
        *status = cli_usage_error(self, "-c and -s take a positive number");
    else if (a->fail_on && !severity_from_name(a->fail_on, &(Severity){ SEV_INFO }))
        *status = cli_usage_error(self, "unknown severity '%s' (critical, high, medium, low, info)",
                                  a->fail_on);
    else if (a->commit_interval < 0 || a->commit_interval > MAX_COMMIT_INTERVAL_S)
        *status = cli_usage_error(self, "--commit-interval takes 1 to %d seconds",
                                  MAX_COMMIT_INTERVAL_S);
    return *status == ERR_OK;
}

static int run_analyze(const CmdDesc *self, int argc, char **argv)
{
    AnalyzeArgs a;
    memset(&a, 0, sizeof a);
    int status = ERR_OK;
    if (!parse_args(self, &argc, &argv, &a, &status))
        return status;
    log_set_level(a.quiet ? LOG_QUIET : (a.verbose ? LOG_VERBOSE : LOG_NORMAL));

    Err err;
    err_clear(&err);
    GPtrArray *inputs = g_ptr_array_new_with_free_func(g_free);
    for (gchar **f = a.files; f && *f; f++)
        g_ptr_array_add(inputs, g_strdup(*f));
    for (int i = 1; i < argc; i++)
        g_ptr_array_add(inputs, g_strdup(argv[i]));
    if (a.file_list)
        add_files_from_list(inputs, a.file_list, &err);
    if (err.code)
        status = cli_fail(&err);
    else if (a.iface && inputs->len)
        status = cli_usage_error(self, "-r/files and -i cannot be combined: pick one source");
    else if (!a.iface && inputs->len == 0)
        status = cli_usage_error(self, "nothing to analyze: give -r FILE or -i IFACE");

    Store *store = NULL;
    char *db_path = cli_db_path(a.db);
    if (status == ERR_OK) {
        store = store_open(db_path, STORE_READ_WRITE, &err);
        if (!store)
            status = cli_fail(&err);
    }
    /* site knowledge: the baseline to judge against (kept in the DB) */
    if (status == ERR_OK && a.baseline &&
        !baseline_use(store, a.baseline, &(BaselineStats){ 0 }, &err))
        status = cli_fail(&err);
    /* and the IOC lists (kept in the DB too, replacing the ones it had):
     * the captures already in the DB are judged against the new lists
     * now, as `otscope ioc load` does, so that no finding is left from
     * the lists they replaced */
    if (status == ERR_OK && a.iocs)
        status = cli_ioc_load(store, (const char *const *)a.iocs, a.quiet);
    if (status == ERR_OK && a.iocs)
        status = cli_site_rejudge(store, true);
    if (status == ERR_OK) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        IngestOptions opts = { (uint64_t)a.count,
                               a.commit_interval ? a.commit_interval : DEFAULT_COMMIT_INTERVAL_S,
                               !a.quiet && isatty(STDERR_FILENO), a.iface != NULL,
                               &stop_requested };
        if (a.iface) {
            LiveOptions live = { a.iface, a.bpf, a.snaplen ? a.snaplen : DEFAULT_SNAPLEN,
                                 !a.no_promisc, a.run_as };
            Source *src = source_open_live(&live, &err);
            status = src ? analyze_one(store, src, &opts, status) : cli_fail(&err);
            if (src && !a.quiet)
                log_info("%s: %" G_GUINT64_FORMAT " packets dropped by the kernel", a.iface,
                         source_drops(src));
            source_close(src);
        }
        for (guint i = 0; i < inputs->len && !stop_requested && status != ERR_DB; i++) {
            const char *path = g_ptr_array_index(inputs, i);
            Source *src = source_open_file(path, &err);
            if (src && a.bpf && !source_set_filter(src, a.bpf, &err)) {
                source_close(src);
                status = cli_fail(&err);
                break;
            }
            int one = src ? analyze_one(store, src, &opts, ERR_OK) : cli_fail(&err);
            if (one != ERR_OK && status == ERR_OK)
                status = one;
            if (one == ERR_DB)
                status = ERR_DB;
            source_close(src);
        }
    }
    if (store)
        cli_audit_analyze(store);
    if (store && status != ERR_DB && !site_after_analyze(store, &err))
        status = cli_fail(&err);
    if (store)
        status = cli_fail_on(store, a.fail_on, NULL, status);
    store_close(store);
    g_free(db_path);
    g_ptr_array_unref(inputs);
    g_strfreev(a.files);
    g_free(a.file_list);
    g_free(a.iface);
    g_free(a.bpf);
    g_free(a.db);
    g_free(a.run_as);
    g_free(a.fail_on);
    g_free(a.baseline);
    g_strfreev(a.iocs);
    return status;
}

const CmdDesc cmd_analyze = {
    "analyze",
    "otscope analyze [-r FILE]... [--file-list LIST] [FILE...] | " CLI_USAGE_CAPTURE_OPTIONS
    " [--fail-on SEV] [--baseline FILE] [--ioc FILE]... [-q] [-v]",
    "read captures or an interface into the DB (no console)",
    "  -r, --read FILE        capture file (pcap, pcapng, gzip'ed); repeatable; '-' is stdin\n"
    "      --file-list LIST   a file with one capture path per line\n"
    CLI_HELP_CAPTURE_OPTIONS("stop after N packets")
    "      --commit-interval SECS  write a batch to the DB every SECS seconds (default 5)\n"
    "      --fail-on SEV      exit 1 when the DB then holds a finding at or above SEV\n"
    "      --baseline FILE    judge against this baseline (otscope baseline save); kept in the DB\n"
    "      --ioc FILE         judge against this IOC list (repeatable; otscope ioc); kept in the DB\n"
    "  -q, --quiet            no progress bar or summary\n"
    "  -v, --verbose          more detail\n",
    run_analyze,
};
