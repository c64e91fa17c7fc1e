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
 */
#include "config.h"

#include <glib.h>

#include "otscope/log.h"
#include "otscope/store.h"

struct StoreWriter {
    Store *store;
    int64_t capture_id;
    GThread *thread;
    GMutex lock;
    GCond changed;
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
    g_mutex_lock(&w->lock);
    if (!ok && !w->is_failed) {
        w->is_failed = true;
        w->err = err;
    }
    w->is_busy = false;
    g_cond_broadcast(&w->changed);
    g_mutex_unlock(&w->lock);
}

static gpointer writer_main(gpointer data)
{
    StoreWriter *w = data;
    g_mutex_lock(&w->lock);
    for (;;) {
        while (!w->pending && !w->is_stopping)
            g_cond_wait(&w->changed, &w->lock);
        ModelSnapshot *snap = w->pending;
        if (!snap)
            break;
        w->pending = NULL;
        g_mutex_unlock(&w->lock);
        write_one(w, snap);
        g_mutex_lock(&w->lock);
    }
    g_mutex_unlock(&w->lock);
    return NULL;
}

StoreWriter *store_writer_start(Store *s, int64_t capture_id)
{
    StoreWriter *w = g_new0(StoreWriter, 1);
    w->store = s;
    w->capture_id = capture_id;
    g_mutex_init(&w->lock);
    g_cond_init(&w->changed);
    w->thread = g_thread_new("otscope-writer", writer_main, w);
    return w;
}

bool store_writer_is_busy(StoreWriter *w)
{
    g_mutex_lock(&w->lock);
    bool is_busy = w->is_busy;
    g_mutex_unlock(&w->lock);
    return is_busy;
}

void store_writer_submit(StoreWriter *w, ModelSnapshot *snap)
{
    g_mutex_lock(&w->lock);
    while (w->is_busy)
        g_cond_wait(&w->changed, &w->lock);
    w->pending = snap;
    w->is_busy = true;
    g_cond_broadcast(&w->changed);
    g_mutex_unlock(&w->lock);
}

bool store_writer_stop(StoreWriter *w, Err *err)
{
    if (!w)
        return true;
    g_mutex_lock(&w->lock);
    while (w->is_busy)
        g_cond_wait(&w->changed, &w->lock);
    w->is_stopping = true;
    g_cond_broadcast(&w->changed);
    g_mutex_unlock(&w->lock);
    g_thread_join(w->thread);
    bool ok = !w->is_failed;
    if (!ok)
        *err = w->err;
    g_mutex_clear(&w->lock);
    g_cond_clear(&w->changed);
    g_free(w);
    return ok;
}
