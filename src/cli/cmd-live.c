/*
 * cmd-live.c - `otscope live`: capture from an interface into the DB and
 * watch it in the console as it fills.
 *
 * Two threads, two connections to one WAL database, nothing else shared:
 * the capture thread runs the same ingest pipeline as `analyze -i` and
 * commits a batch every second; the console runs on the main thread on a
 * read-only connection and re-reads after each batch (console.c).  What
 * the console learns of the capture itself (packets, drops, batches) goes
 * through relaxed atomics (IngestStats).
 *
 * Order of setup: the DB connections (writer, reader, triage) are opened,
 * and the interface opened, before privileges are dropped
 * (source_open_live), so the dropped user keeps using what root opened;
 * the terminal is taken over only after all of that has worked or failed
 * on a plain terminal.  q in the console stops the capture, which commits
 * its last batch and runs the rules once more before the command returns.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "capture.h"
#include "cli-audit.h"
#include "cli.h"
#include "console.h"
#include "ingest.h"
#include "otscope/baseline.h"
#include "otscope/log.h"
#include "otscope/store.h"

enum {
    DEFAULT_SNAPLEN = 262144,
    DEFAULT_COMMIT_INTERVAL_S = 1, /* what the console can show is what is committed */
    MAX_COMMIT_INTERVAL_S = 3600,
};

typedef struct LiveArgs {
    gchar *iface;
    gchar *bpf;
    gchar *db;
    gchar *run_as;
    gchar *view;
    gint snaplen;
    gint64 count;
    gint commit_interval;
    gboolean no_promisc;
    gboolean is_ascii;
    gboolean is_no_color;
    gboolean verbose;
} LiveArgs;

/* The capture thread's world: written by it, read by the main thread
 * only through the atomics, and whole once is_running is false. */
typedef struct LiveRun {
    Store *writer;
    Source *src;
    IngestOptions opts;
    IngestStats stats;
    IngestResult res;
    Err err;
    bool ok;
    atomic_bool is_running;
    volatile sig_atomic_t stop;
} LiveRun;

static gpointer capture_thread(gpointer data)
{
    LiveRun *r = data;
    r->ok = ingest_source(r->writer, r->src, &r->opts, &r->res, &r->err);
    /* the findings of the last batch are in now: one more reason to re-read */
    atomic_fetch_add_explicit(&r->stats.batches, 1, memory_order_relaxed);
    atomic_store_explicit(&r->is_running, false, memory_order_release);
    return NULL;
}

static void read_stats(void *user, ConsoleLiveStats *out)
{
    LiveRun *r = user;
    out->is_running = atomic_load_explicit(&r->is_running, memory_order_acquire);
    out->packets = atomic_load_explicit(&r->stats.packets, memory_order_relaxed);
    out->drops = atomic_load_explicit(&r->stats.drops, memory_order_relaxed);
    out->batches = atomic_load_explicit(&r->stats.batches, memory_order_relaxed);
    out->status[0] = '\0';
    if (!out->is_running && r->err.code) /* r->err is final once is_running is false */
        g_strlcpy(out->status, r->err.msg, sizeof out->status);
}

static bool parse_args(const CmdDesc *self, int *argc, char ***argv, LiveArgs *a, int *status)
{
    GOptionEntry entries[] = {
        { "interface", 'i', 0, G_OPTION_ARG_STRING, &a->iface, "interface", "IFACE" },
        { "filter", 'f', 0, G_OPTION_ARG_STRING, &a->bpf, "BPF filter", "BPF" },
        { "snaplen", 's', 0, G_OPTION_ARG_INT, &a->snaplen, "snapshot length", "N" },
        { "count", 'c', 0, G_OPTION_ARG_INT64, &a->count, "stop after N packets", "N" },
        { "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &a->no_promisc, "", NULL },
        { "user", 'Z', 0, G_OPTION_ARG_STRING, &a->run_as, "drop privileges to", "USER" },
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &a->db, "database", "DB" },
        { "commit-interval", 0, 0, G_OPTION_ARG_INT, &a->commit_interval, "seconds", "SECS" },
        { "view", 0, 0, G_OPTION_ARG_STRING, &a->view, "view to open", "NAME" },
        { "ascii", 0, 0, G_OPTION_ARG_NONE, &a->is_ascii, "ASCII only", NULL },
        { "no-color", 0, 0, G_OPTION_ARG_NONE, &a->is_no_color, "no colour", NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &a->verbose, "batch timings", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    if (!cli_parse_options(self, entries, argc, argv, status))
        return false;
    const char *why = NULL;
    if (*argc > 1)
        why = "unexpected argument: live reads an interface (-i IFACE); files go to "
              "'otscope FILE...'";
    else if (!a->iface)
        why = "no interface: give -i IFACE ('ip link' lists them)";
    else if (a->count < 0 || a->snaplen < 0)
        why = "-c and -s take a positive number";
    else if (a->commit_interval < 0 || a->commit_interval > MAX_COMMIT_INTERVAL_S)
        why = "--commit-interval takes 1 to 3600 seconds";
    else if (a->view && !console_has_view(a->view))
        why = "no such view (dashboard, assets, comms, ops, findings, timeline)";
    else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        why = "the console needs a terminal; to capture without one use 'otscope analyze -i'";
    if (why)
        *status = cli_usage_error(self, "%s", why);
    return why == NULL;
}

/* Runs the console while the capture thread runs; stops and joins it. */
static bool watch(LiveRun *r, Store *reader, StoreTriage *triage, const LiveArgs *a,
                  int64_t started_us, Err *err)
{
    const char *no_color = g_getenv("NO_COLOR");
    ConsoleLive live = { a->iface, read_stats, r };
    ConsoleOptions copts = { a->view,     a->is_ascii, a->is_no_color || (no_color && no_color[0]),
                             false,       started_us,  &live,
                             triage };
    /* The capture thread takes no signals: Ctrl-C, SIGTERM and SIGWINCH
     * belong to the console's loop. */
    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    atomic_store(&r->is_running, true);
    GThread *t = g_thread_new("capture", capture_thread, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    /* Warnings from the capture thread (rules data, ...) would scribble
     * over the screen: held in a file, shown after the console. */
    fflush(stderr);
    FILE *held = tmpfile();
    int saved = held ? dup(STDERR_FILENO) : -1;
    if (saved >= 0)
        dup2(fileno(held), STDERR_FILENO);
    bool ok = console_run(reader, &copts, err);
    r->stop = 1;
    g_thread_join(t);
    if (saved >= 0) {
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        rewind(held);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, held)) > 0)
            fwrite(buf, 1, n, stderr);
    }
    if (held)
        fclose(held);
    return ok;
}

static int live_on(const char *db_path, const LiveArgs *a, int64_t started_us)
{
    Err err;
    err_clear(&err);
    LiveRun *r = g_new0(LiveRun, 1);
    Store *reader = NULL;
    int status = ERR_OK;
    r->writer = store_open(db_path, STORE_READ_WRITE, &err);
    if (r->writer)
        reader = store_open(db_path, STORE_READ, &err);
    /* Triage writes too go through a connection opened before privileges
     * are dropped: the dropped user may not open a DB root made (0600, or
     * in root's home).  Without it the console says why on first use. */
    Err triage_err;
    err_clear(&triage_err);
    StoreTriage *triage = reader ? store_triage_open(reader, &triage_err) : NULL;
    LiveOptions lo = { a->iface, a->bpf, a->snaplen ? a->snaplen : DEFAULT_SNAPLEN,
                       !a->no_promisc, a->run_as };
    if (reader)
        r->src = source_open_live(&lo, &err);
    if (!r->src) {
        store_triage_close(triage);
        status = cli_fail(&err);
    } else {
        log_info("capturing on %s, link-type %s, into %s", a->iface,
                 source_linktype_name(r->src), db_path);
        r->opts = (IngestOptions){ .max_packets = (uint64_t)a->count,
                                   .commit_interval_s = a->commit_interval
                                                            ? a->commit_interval
                                                            : DEFAULT_COMMIT_INTERVAL_S,
                                   .is_live = true,
                                   .stop = &r->stop,
                                   .stats = &r->stats };
        if (!watch(r, reader, triage, a, started_us, &err))
            status = cli_fail(&err);
        if (!r->ok)
            status = cli_fail(&r->err) == ERR_DB ? ERR_DB : ERR_INPUT;
        else if (r->res.is_damaged)
            log_warn("%s", r->err.msg);
        log_info("%s: %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                 " bytes, %" G_GUINT64_FORMAT " dropped by the kernel",
                 a->iface, r->res.packets, r->res.bytes, source_drops(r->src));
    }
    source_close(r->src);
    store_close(reader);
    if (r->writer && r->src) {
        cli_audit_analyze(r->writer);
        if (status != ERR_DB && !site_after_analyze(r->writer, &err))
            status = cli_fail(&err);
    }
    store_close(r->writer);
    g_free(r);
    return status;
}

static int run_live(const CmdDesc *self, int argc, char **argv)
{
    int64_t started_us = g_get_monotonic_time();
    LiveArgs a;
    memset(&a, 0, sizeof a);
    int status = ERR_OK;
    if (parse_args(self, &argc, &argv, &a, &status)) {
        log_set_level(a.verbose ? LOG_VERBOSE : LOG_NORMAL);
        char *db_path = cli_db_path(a.db);
        status = live_on(db_path, &a, started_us);
        g_free(db_path);
    }
    g_free(a.iface);
    g_free(a.bpf);
    g_free(a.db);
    g_free(a.run_as);
    g_free(a.view);
    return status;
}

const CmdDesc cmd_live = {
    "live",
    "otscope live " CLI_USAGE_CAPTURE_OPTIONS " [--view NAME] [--ascii] [--no-color] [-v]",
    "capture from an interface and watch the console fill up live",
    CLI_HELP_CAPTURE_OPTIONS("stop capturing after N packets (the console stays)")
    "      --commit-interval SECS  write a batch every SECS seconds (default 1): the console\n"
    "                         shows what is written\n"
    "      --view NAME        open on dashboard (default), assets, comms, ops, findings or "
    "timeline\n"
    "      --ascii            no line drawing or UTF-8 glyphs\n"
    "      --no-color         no colour (also when NO_COLOR is set)\n"
    "  -v, --verbose          what each batch took, on stderr once the console closes\n"
    "\n"
    "The header shows the interface, packets captured, packets dropped by the kernel and\n"
    "the packet rate; the views are re-read after every batch.  q stops the capture, writes\n"
    "the last batch and runs the rules once more.  The console's keys are those of\n"
    "'otscope help console'.\n",
    run_live,
};
