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
    bool is_busy;           /* a snapshot handed over and not yet written */
    bool is_stopping;
    bool is_failed;
    Err err; /* the first failure */
};

static void write_one(StoreWriter *w, ModelSnapshot *snap)
{
    Err err;
    err_clear(&err);
    int64_t started = g_get_monotonic_time();
    bool ok = w->is_failed || store_flush(w->store, w->capture_id, snap, &err);
    if (ok && !w->is_failed)
        log_verbose("batch: interim written in %.1f ms (writer thread)",
                    (double)(g_get_monotonic_time() - started) / 1000.0);
    model_snapshot_free(snap);
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
        pthread_mutex_unlock(&w->lock);
        write_one(w, snap);
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

bool store_writer_is_busy(StoreWriter *w)
{
    pthread_mutex_lock(&w->lock);
    bool is_busy = w->is_busy;
    pthread_mutex_unlock(&w->lock);
    return is_busy;
}

void store_writer_submit(StoreWriter *w, ModelSnapshot *snap)
{
    pthread_mutex_lock(&w->lock);
    while (w->is_busy)
        pthread_cond_wait(&w->changed, &w->lock);
    w->pending = snap;
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
