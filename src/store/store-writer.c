/*
 * store-writer.c - batches written on a thread of their own.
 *
 * A batch's SQL (rows into B-trees, the asset resolution, the commit) was
 * a quarter of an analyze run, all of it on the thread that analyzes
 * packets.  The analysis thread now only copies what changed
 * (model_snapshot, a few ms) and hands it here; the packets after it are
 * analyzed while this thread writes.  One batch is in flight at a time:
 * a snapshot waits for the batch before it, so batches commit in order
 * and memory holds at most two snapshots.  The Store (its connection and
 * prepared statements) belongs to this thread between start and stop.
 * pthread's mutex, not GLib's: ThreadSanitizer cannot see GLib's futexes.
 *
 * A live capture's batches come here too, with what follows them (the
 * capture row, the roles and console tables, the rules): done on the
 * capture thread, the first batch into a big DB held up the capture for
 * seconds while the kernel dropped packets.  The console learns that a
 * batch is in (written) only once all of it is committed.
 */
#include "config.h"

#include <pthread.h>

#include <glib.h>

#include "otscope/log.h"
#include "otscope/store.h"
#include "otscope/util.h"

struct StoreWriter {
    Store *store;
    int64_t capture_id;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    ModelSnapshot *pending; /* handed over, not yet taken */
    CaptureEnd sofar;       /* live: the capture's figures with pending */
    bool is_live;
    void (*written)(void *user); /* live: after each batch */
    void *user;
    bool is_busy;           /* a snapshot handed over and not yet written */
    bool is_stopping;
    bool is_failed;
    Err err; /* the first failure */
};

static double ms_since(int64_t started_us)
{
    return (double)(g_get_monotonic_time() - started_us) / 1000.0;
}

/* Live: what follows a batch.  Missing or wrong rule metadata is a
 * warning (the capture goes on); a DB error fails the batch. */
static bool after_live_batch(StoreWriter *w, const CaptureEnd *sofar, Err *err)
{
    int64_t started = g_get_monotonic_time();
    if (!store_capture_progress(w->store, w->capture_id, sofar, err))
        return false;
    log_verbose("batch: capture row, roles and console tables in %.1f ms (writer thread)",
                ms_since(started));
    started = g_get_monotonic_time();
    Err rules_err;
    err_clear(&rules_err);
    if (store_findings_update_touched(w->store, w->capture_id, &rules_err)) {
        log_verbose("findings: rules and risk scores in %.1f ms (writer thread)", ms_since(started));
        return true;
    }
    if (rules_err.code != ERR_DB) {
        log_warn("no findings: %s", rules_err.msg);
        return true;
    }
    *err = rules_err;
    return false;
}

static void write_one(StoreWriter *w, ModelSnapshot *snap, const CaptureEnd *sofar)
{
    Err err;
    err_clear(&err);
    int64_t started = g_get_monotonic_time();
    bool ok = w->is_failed || store_flush(w->store, w->capture_id, snap, &err);
    if (ok && !w->is_failed)
        log_verbose("batch: interim written in %.1f ms (writer thread)", ms_since(started));
    model_snapshot_free(snap);
    if (ok && !w->is_failed && w->is_live) {
        ok = after_live_batch(w, sofar, &err);
        if (ok)
            w->written(w->user);
    }
    pthread_mutex_lock(&w->lock);
    if (!ok && !w->is_failed) {
        w->is_failed = true;
        w->err = err;
    }
    w->is_busy = false;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

static void *writer_main(void *data)
{
    StoreWriter *w = data;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->pending && !w->is_stopping)
            pthread_cond_wait(&w->changed, &w->lock);
        ModelSnapshot *snap = w->pending;
        if (!snap)
            break;
        w->pending = NULL;
        CaptureEnd sofar = w->sofar;
        pthread_mutex_unlock(&w->lock);
        write_one(w, snap, &sofar);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

StoreWriter *store_writer_start(Store *s, int64_t capture_id)
{
    StoreWriter *w = g_new0(StoreWriter, 1);
    w->store = s;
    w->capture_id = capture_id;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    if (!ots_thread_start(&w->thread, writer_main, w))
        g_error("cannot start the writer thread"); /* out of resources at startup */
    return w;
}

StoreWriter *store_writer_start_live(Store *s, int64_t capture_id, void (*written)(void *user),
                                     void *user)
{
    StoreWriter *w = store_writer_start(s, capture_id);
    pthread_mutex_lock(&w->lock);
    w->is_live = true;
    w->written = written;
    w->user = user;
    pthread_mutex_unlock(&w->lock);
    return w;
}

bool store_writer_is_busy(StoreWriter *w)
{
    pthread_mutex_lock(&w->lock);
    bool is_busy = w->is_busy;
    pthread_mutex_unlock(&w->lock);
    return is_busy;
}

bool store_writer_has_failed(StoreWriter *w)
{
    pthread_mutex_lock(&w->lock);
    bool is_failed = w->is_failed;
    pthread_mutex_unlock(&w->lock);
    return is_failed;
}

void store_writer_submit(StoreWriter *w, ModelSnapshot *snap, const CaptureEnd *sofar)
{
    pthread_mutex_lock(&w->lock);
    while (w->is_busy)
        pthread_cond_wait(&w->changed, &w->lock);
    w->pending = snap;
    if (sofar) { /* only the figures: the strings of a CaptureEnd are the end's */
        w->sofar = (CaptureEnd){ .packets = sofar->packets,
                                 .bytes = sofar->bytes,
                                 .first_ns = sofar->first_ns,
                                 .last_ns = sofar->last_ns };
    }
    w->is_busy = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

bool store_writer_stop(StoreWriter *w, Err *err)
{
    if (!w)
        return true;
    pthread_mutex_lock(&w->lock);
    while (w->is_busy)
        pthread_cond_wait(&w->changed, &w->lock);
    w->is_stopping = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    bool ok = !w->is_failed;
    if (!ok)
        *err = w->err;
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->changed);
    g_free(w);
    return ok;
}
