/*
 * reader.c - a capture file read on its own thread.
 *
 * Reading a file (libpcap's record parsing, the stdio cookie, gunzip and
 * the SHA-256 of every byte) is a fifth of what analyzing a packet costs,
 * and none of it depends on the analysis: a second core does it while the
 * first analyzes.  Frames travel in chunks (a byte arena plus a record per
 * frame), so the two threads meet once per few thousand frames, not once
 * per frame; a handful of chunks circulate between a queue of filled ones
 * and a queue of free ones, so memory is fixed and the reader stays at
 * most that many chunks ahead.
 *
 * Order and end are kept exactly: the reader stops at the same frame,
 * with the same status and error, as reading in line would.
 */
#include "config.h"

#include "reader.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <glib.h>

#include "otscope/util.h"

enum {
    N_CHUNKS = 4,
    CHUNK_BYTES = 1 << 20,  /* a frame larger than this gets a chunk of its own size */
    CHUNK_FRAMES = 8192,
};

typedef struct FrameRec {
    int64_t ts_ns;
    size_t off;
    size_t len; /* bytes kept: caplen, or less where the cursor was cut */
    uint32_t caplen;
    uint32_t wirelen;
    bool is_clipped;
} FrameRec;

typedef struct Chunk {
    uint8_t *bytes;
    size_t cap;
    size_t used;
    FrameRec recs[CHUNK_FRAMES];
    unsigned n;
    unsigned pos;        /* consumer: next record */
    SourceStatus status; /* SOURCE_FRAME: more chunks follow; else how the source ended */
    Err err;
} Chunk;

/* A FIFO of chunks.  pthread's mutex, not GLib's: GLib's futex-based
 * GMutex is invisible to ThreadSanitizer, which then sees races that are
 * not there. */
typedef struct ChunkQueue {
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    Chunk *items[N_CHUNKS];
    unsigned head;
    unsigned len;
} ChunkQueue;

struct Reader {
    Source *src;
    uint64_t max_frames; /* 0: all */
    pthread_t thread;
    ChunkQueue full;
    ChunkQueue free;
    Chunk *cur; /* consumer's */
    atomic_bool is_cancelled;
    atomic_uint_fast64_t bytes_read;
    Chunk chunks[N_CHUNKS];
};

static void queue_init(ChunkQueue *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    q->head = q->len = 0;
}

static void queue_destroy(ChunkQueue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->nonempty);
}

/* Never full: it holds at most the N_CHUNKS chunks there are. */
static void queue_push(ChunkQueue *q, Chunk *c)
{
    pthread_mutex_lock(&q->lock);
    q->items[(q->head + q->len++) % N_CHUNKS] = c;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->lock);
}

/* The oldest chunk; waits for one unless is_waiting is false (NULL then). */
static Chunk *queue_pop(ChunkQueue *q, bool is_waiting)
{
    pthread_mutex_lock(&q->lock);
    while (!q->len && is_waiting)
        pthread_cond_wait(&q->nonempty, &q->lock);
    Chunk *c = NULL;
    if (q->len) {
        c = q->items[q->head];
        q->head = (q->head + 1) % N_CHUNKS;
        q->len--;
    }
    pthread_mutex_unlock(&q->lock);
    return c;
}

/* Copies a frame into c; false when it does not fit (c has frames). */
static bool chunk_add(Chunk *c, const Frame *f)
{
    size_t len = cursor_left(&f->bytes);
    if (c->n == CHUNK_FRAMES || (c->n && c->used + len > c->cap))
        return false;
    if (len > c->cap) { /* an empty chunk grows to a giant frame */
        c->cap = len;
        c->bytes = g_realloc(c->bytes, c->cap);
    }
    Cursor bytes = f->bytes;
    cursor_copy(&bytes, c->bytes + c->used, len);
    c->recs[c->n++] = (FrameRec){ f->ts_ns, c->used, len, f->caplen, f->wirelen,
                                  cursor_is_clipped(&f->bytes) };
    c->used += len;
    return true;
}

static void chunk_reset(Chunk *c)
{
    c->used = 0;
    c->n = 0;
    c->pos = 0;
    c->status = SOURCE_FRAME;
    err_clear(&c->err);
}

/* Fills chunks until the source ends (or the consumer is gone).  A frame
 * that does not fit in the chunk being filled opens the next one:
 * libpcap's buffer holds it until the next read. */
static void *reader_main(void *data)
{
    Reader *rd = data;
    Chunk *c = queue_pop(&rd->free, true);
    chunk_reset(c);
    uint64_t n_frames = 0;
    for (;;) {
        if (atomic_load(&rd->is_cancelled))
            return NULL;
        Frame frame;
        SourceStatus st = SOURCE_END;
        if (!rd->max_frames || n_frames < rd->max_frames)
            st = source_next(rd->src, &frame, &c->err);
        if (st == SOURCE_TIMEOUT)
            continue;
        if (st != SOURCE_FRAME) {
            c->status = st;
            atomic_store(&rd->bytes_read, source_bytes_read(rd->src));
            queue_push(&rd->full, c);
            return NULL;
        }
        n_frames++;
        if (!chunk_add(c, &frame)) {
            atomic_store(&rd->bytes_read, source_bytes_read(rd->src));
            queue_push(&rd->full, c);
            c = queue_pop(&rd->free, true);
            chunk_reset(c);
            chunk_add(c, &frame);
        }
    }
}

Reader *reader_start(Source *src, uint64_t max_frames)
{
    Reader *rd = g_new0(Reader, 1);
    rd->src = src;
    rd->max_frames = max_frames;
    queue_init(&rd->full);
    queue_init(&rd->free);
    for (int i = 0; i < N_CHUNKS; i++) {
        Chunk *c = &rd->chunks[i];
        c->cap = CHUNK_BYTES;
        c->bytes = g_malloc(c->cap);
        chunk_reset(c);
        queue_push(&rd->free, c);
    }
    if (!ots_thread_start(&rd->thread, reader_main, rd))
        g_error("cannot start the reader thread"); /* out of resources at startup */
    return rd;
}

SourceStatus reader_next(Reader *rd, Frame *frame, Err *err)
{
    Chunk *c = rd->cur;
    if (c && c->pos == c->n && c->status == SOURCE_FRAME) {
        queue_push(&rd->free, c);
        c = NULL;
    }
    if (!c)
        c = rd->cur = queue_pop(&rd->full, true);
    if (c->pos == c->n) { /* the source's end: said again on every call */
        if (c->status == SOURCE_ERROR)
            *err = c->err;
        return c->status;
    }
    const FrameRec *f = &c->recs[c->pos++];
    frame->ts_ns = f->ts_ns;
    frame->caplen = f->caplen;
    frame->wirelen = f->wirelen;
    frame->bytes = cursor_make(c->bytes + f->off, f->len, f->is_clipped);
    return SOURCE_FRAME;
}

uint64_t reader_bytes_read(const Reader *rd)
{
    return atomic_load(&rd->bytes_read);
}

void reader_stop(Reader *rd)
{
    if (!rd)
        return;
    atomic_store(&rd->is_cancelled, true);
    /* The reader may wait for a free chunk: give it every one it filled. */
    if (rd->cur && rd->cur->status == SOURCE_FRAME)
        queue_push(&rd->free, rd->cur);
    rd->cur = NULL;
    Chunk *c;
    while ((c = queue_pop(&rd->full, false)) != NULL)
        queue_push(&rd->free, c);
    pthread_join(rd->thread, NULL);
    queue_destroy(&rd->full);
    queue_destroy(&rd->free);
    for (int i = 0; i < N_CHUNKS; i++)
        g_free(rd->chunks[i].bytes);
    g_free(rd);
}
