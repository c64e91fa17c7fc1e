/*
 * ingest.c - drives the pipeline for one capture source.
 *
 * Per packet: decode into a Packet on the stack, dissect, hand to the
 * model.  No allocation, SQL or printf per packet.  Every
 * --commit-interval seconds of wall time (5 by default) the model's
 * changes are written in one transaction, so a kill -9 loses at most one
 * batch and the DB stays consistent.  A file runs as three threads: the
 * reader (reader.c) reads frames, this one analyzes them, the writer
 * (store-writer.c) writes the batches; its first batch comes after one
 * second, so that the rows are inserted (the costly part: every index)
 * while packets are still read, and the last batch mostly updates
 * counters.  Batches are timed, not counted: a
 * batch costs in proportion to the entries that changed, so counting
 * packets would make a fast run pay for the same rows again and again.  A read error keeps what was read: the batch is
 * committed and the capture is marked partial.  The rules run over the
 * capture once it is closed (and at every batch of a live capture).
 *
 * A live capture ticks on the clock, not on a packet count: a quiet
 * plant sends a few packets a second, and its batches, drop counts and
 * stop requests must not wait for thousands of them.  Stopping is how a
 * live capture ends, so it is not "interrupted".
 */
#include "config.h"

#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "decode.h"
#include "reader.h"
#include "dissect.h"
#include "otscope/log.h"
#include "otscope/model.h"
#include "otscope/util.h"

enum {
    CHECK_EVERY = 1 << 14,  /* packets between clock/progress/signal checks */
    MAX_FLOWS = 1 << 18,    /* flow table cap (LRU eviction beyond) */
    /* Packets decoded ahead of the one analyzed: enough for a flow's
     * memory to arrive from DRAM while the packets before it are
     * analyzed, few enough to stay in L1. */
    LOOKAHEAD = 8,
    FLOW_AHEAD = 4,  /* the flow is fetched this many packets before its turn */
    MODEL_AHEAD = 2, /* and the model entries it caches, this many */
    SLOT_MIN_BYTES = 2048,
    MAX_PENDING_BUCKETS = 1 << 16, /* closed traffic minutes before a batch is due */
    LIVE_TICK_US = 100000,  /* live: clock, drops and stop checks this often */
    FIRST_BATCH_US = 1000000, /* files: the writer's first batch */
};

/* A decoded packet waiting its turn, with its own copy of the bytes. */
typedef struct Slot {
    Packet pkt;
    uint64_t flow_hash;
    uint8_t *bytes;
    size_t cap;
} Slot;

typedef struct Run {
    Store *store;
    Source *src;
    Reader *reader;      /* a file's frames, read on their own thread */
    StoreWriter *writer; /* a file's interim batches, written on their own thread */
    Model *model;
    Dissector *dissector;
    Decoder *decoder;
    int64_t capture_id;
    int linktype;
    IngestResult *res;
    int64_t first_ns;
    int64_t last_ns;
    int64_t next_commit_us;
    int64_t commit_interval_us;
    int64_t first_batch_us; /* files */
    size_t max_pending_buckets;
    int64_t started_us;
    int64_t next_tick_us; /* live */
    bool is_live; /* findings at every batch, not only at the end */
    Slot ring[LOOKAHEAD];
    unsigned ring_head; /* oldest */
    unsigned ring_len;
    IngestStats *stats;
} Run;

static void drain_flow(const Verdict *v, void *user)
{
    model_credit(user, v);
}

static void progress(const Run *r, bool is_done)
{
    uint64_t total = source_bytes_total(r->src);
    uint64_t done = r->reader ? reader_bytes_read(r->reader) : source_bytes_read(r->src);
    double secs = (double)(g_get_monotonic_time() - r->started_us) / 1e6;
    double pps = secs > 0 ? (double)r->res->packets / secs : 0;
    char bar[31];
    int filled = total ? (int)(30.0 * (double)done / (double)total) : 0;
    filled = filled > 30 ? 30 : filled;
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '.', (size_t)(30 - filled));
    bar[30] = '\0';
    double eta = (total && done && done < total) ? secs * (double)(total - done) / (double)done : 0;
    fprintf(stderr, "\r%s [%s] %5.1f%% %" G_GUINT64_FORMAT " pkts %.0f pkt/s ETA %.0fs   %s",
            source_name(r->src), bar, total ? 100.0 * (double)done / (double)total : 0.0,
            r->res->packets, pps, eta, is_done ? "\n" : "");
}

/* Wall and CPU time of one phase, for -v: on a busy machine the wall
 * time alone says little about what the phase itself cost. */
typedef struct Stopwatch {
    int64_t wall_us;
    int64_t cpu_us;        /* every thread's */
    int64_t thread_cpu_us; /* this thread's: the analysis, the critical path */
} Stopwatch;

static int64_t cpu_now_us(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static Stopwatch stopwatch_start(void)
{
    return (Stopwatch){ g_get_monotonic_time(), cpu_now_us(CLOCK_PROCESS_CPUTIME_ID),
                        cpu_now_us(CLOCK_THREAD_CPUTIME_ID) };
}

/* "1234.5 ms (cpu 1100.2 ms, this thread 900.1 ms)" since sw started. */
static const char *stopwatch_text(const Stopwatch *sw, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f ms (cpu %.1f ms, this thread %.1f ms)",
             (double)(g_get_monotonic_time() - sw->wall_us) / 1000.0,
             (double)(cpu_now_us(CLOCK_PROCESS_CPUTIME_ID) - sw->cpu_us) / 1000.0,
             (double)(cpu_now_us(CLOCK_THREAD_CPUTIME_ID) - sw->thread_cpu_us) / 1000.0);
    return buf;
}

/* What the flow table and the stream framing went through, for -v: an
 * eviction count above zero means the flow cap cut conversations. */
static void log_flow_stats(Run *r)
{
    const DissectStats *st = dissector_stats(r->dissector);
    log_verbose("flows: %" G_GUINT64_FORMAT " created, %" G_GUINT64_FORMAT
                " expired idle, %" G_GUINT64_FORMAT " evicted by the cap, %zu open;"
                " stream gaps %" G_GUINT64_FORMAT ", oversized PDUs %" G_GUINT64_FORMAT
                ", truncated PDUs %" G_GUINT64_FORMAT ", facts dropped %" G_GUINT64_FORMAT,
                st->flows_created, st->flows_expired, st->flows_evicted,
                dissector_flow_count(r->dissector), st->stream_gaps, st->pdus_too_large,
                st->truncated_pdus, st->facts_dropped);
}

/* Runs the rules over what is stored of this capture.  Missing or wrong
 * rule metadata is a warning (the capture is analyzed all the same); a
 * DB error is an error. */
static bool update_findings(Run *r, Err *err)
{
    Err rules_err;
    err_clear(&rules_err);
    Stopwatch sw = stopwatch_start();
    char took[96];
    if (store_findings_update(r->store, r->capture_id, &rules_err)) {
        log_verbose("findings: rules and risk scores in %s", stopwatch_text(&sw, took, sizeof took));
        return true;
    }
    if (rules_err.code != ERR_DB) {
        log_warn("no findings: %s", rules_err.msg);
        return true;
    }
    *err = rules_err;
    return false;
}

static void count_batch(Run *r)
{
    if (r->stats)
        atomic_fetch_add_explicit(&r->stats->batches, 1, memory_order_relaxed);
    r->next_commit_us = g_get_monotonic_time() + r->commit_interval_us;
}

/* The writer thread takes the batch.  While it still writes the one
 * before, the changes wait for the next check, the packets never.  Live,
 * the capture's figures go with it, and the writer counts the batch once
 * it is committed with its roles and findings (batch_written). */
static void hand_to_writer(Run *r)
{
    if (store_writer_is_busy(r->writer))
        return;
    CaptureEnd sofar = {
        .packets = r->res->packets,
        .bytes = r->res->bytes,
        .first_ns = r->first_ns,
        .last_ns = r->last_ns,
    };
    store_writer_submit(r->writer, model_snapshot(r->model), r->is_live ? &sofar : NULL);
    if (r->is_live)
        r->next_commit_us = g_get_monotonic_time() + r->commit_interval_us;
    else
        count_batch(r);
}

/* Live, on the writer thread: the console may re-read. */
static void batch_written(void *user)
{
    Run *r = user;
    if (r->stats)
        atomic_fetch_add_explicit(&r->stats->batches, 1, memory_order_relaxed);
}

/* The last batch follows the one in flight; a batch that failed there
 * fails the run. */
static bool stop_writer(Run *r, Err *err)
{
    bool ok = store_writer_stop(r->writer, err);
    r->writer = NULL;
    return ok;
}

/* An interim batch, by the writer thread.  A live capture stops at the
 * first batch that failed (a file finds out at its end). */
static bool commit(Run *r, Err *err)
{
    if (r->first_ns || r->last_ns)
        dissector_expire(r->dissector, r->last_ns, false);
    if (r->is_live && store_writer_has_failed(r->writer))
        return stop_writer(r, err);
    hand_to_writer(r);
    return true;
}

static void analyze_packet(Run *r, const Packet *pkt)
{
    DissectCtx ctx;
    Verdict v;
    dissector_packet(r->dissector, pkt, &ctx, &v);
    model_packet(r->model, pkt, &v, ctx.facts, ctx.n_facts);
}

/* The packets a tunnel packet carries, each analyzed as traffic of its
 * own; the tunnel packet itself was analyzed as the tunnel's.  Decode
 * bounds the nesting. */
static void analyze_tunneled(Run *r, const Packet *outer)
{
    Packet inner[2];
    const Packet *carrier = outer;
    for (int i = 0; carrier->tunnel != TUN_NONE; i ^= 1) {
        if (decoder_tunnel(r->decoder, carrier, &inner[i]) != SKIP_NONE)
            return;
        analyze_packet(r, &inner[i]);
        carrier = &inner[i];
    }
}

/* Hands the oldest decoded packet on; the two after it take their next
 * prefetch step first, so their flow and model entries travel while this
 * one is analyzed. */
static void analyze_oldest(Run *r)
{
    Slot *slot = &r->ring[r->ring_head];
    r->ring_head = (r->ring_head + 1) % LOOKAHEAD;
    r->ring_len--;
    if (r->ring_len > MODEL_AHEAD)
        dissector_prefetch(r->dissector, r->ring[(r->ring_head + MODEL_AHEAD) % LOOKAHEAD].flow_hash,
                           PREFETCH_MODEL);
    if (r->ring_len > FLOW_AHEAD)
        dissector_prefetch(r->dissector, r->ring[(r->ring_head + FLOW_AHEAD) % LOOKAHEAD].flow_hash,
                           PREFETCH_FLOW);
    analyze_packet(r, &slot->pkt);
}

static void analyze_pending(Run *r)
{
    while (r->ring_len)
        analyze_oldest(r);
}

/* The frame's bytes in slot (libpcap reuses its buffer at the next
 * read).  The slot grows to the largest frame seen, once. */
static Cursor copy_frame(Slot *slot, const Frame *frame)
{
    Cursor src = frame->bytes;
    size_t len = cursor_left(&src);
    if (len > slot->cap) {
        slot->cap = len > SLOT_MIN_BYTES ? len : SLOT_MIN_BYTES;
        slot->bytes = g_realloc(slot->bytes, slot->cap);
    }
    cursor_copy(&src, slot->bytes, len);
    return cursor_make(slot->bytes, len, cursor_is_clipped(&frame->bytes));
}

/* Counts and decodes a frame into the look-ahead ring; the packet is
 * analyzed once the ring is full (at once for live captures, whose
 * packets must not wait for the next ones). */
static void take_frame(Run *r, const Frame *frame)
{
    IngestResult *res = r->res;
    res->packets++;
    res->bytes += frame->wirelen;
    if (res->packets == 1 || frame->ts_ns < r->first_ns)
        r->first_ns = frame->ts_ns;
    if (frame->ts_ns > r->last_ns)
        r->last_ns = frame->ts_ns;

    if (r->ring_len == LOOKAHEAD)
        analyze_oldest(r);
    Slot *slot = &r->ring[(r->ring_head + r->ring_len) % LOOKAHEAD];
    Packet *pkt = &slot->pkt;
    memset(pkt, 0, sizeof *pkt);
    pkt->pkt_no = res->packets;
    pkt->ts_ns = frame->ts_ns;
    pkt->caplen = frame->caplen;
    pkt->wirelen = frame->wirelen;
    Cursor bytes = copy_frame(slot, frame);
    SkipReason why = decoder_frame(r->decoder, r->linktype, &bytes, pkt);
    if (why != SKIP_NONE) {
        res->skipped[why]++;
        return;
    }
    if (pkt->is_reassembled || pkt->tunnel || r->is_live) {
        /* A reassembled packet lives in the decoder's buffer, which the
         * next frame may reuse, and so may the packets a tunnel carries:
         * everything before it goes first. */
        analyze_pending(r);
        analyze_packet(r, pkt);
        analyze_tunneled(r, pkt);
        return;
    }
    slot->flow_hash = dissector_flow_hash(pkt);
    dissector_prefetch(r->dissector, slot->flow_hash, PREFETCH_SLOT);
    r->ring_len++;
}

static bool housekeeping(Run *r, const IngestOptions *opts, Err *err)
{
    if (opts->show_progress)
        progress(r, false);
    /* Idle flows leave often (the walk stops at the first live one), so
     * the flow table holds what the idle timeout allows, not what happened
     * to arrive between two batches. */
    if (r->first_ns || r->last_ns)
        dissector_expire(r->dissector, r->last_ns, false);
    /* Closed traffic minutes wait in memory for a batch: one per
     * conversation and minute of capture time, so a dense capture would
     * pile them up between two timed batches.  Past a bound they make the
     * batch due, and memory stays flat in packets. */
    ModelCounts counts;
    model_counts(r->model, &counts);
    bool is_due = g_get_monotonic_time() >= r->next_commit_us ||
                  counts.pending_buckets > r->max_pending_buckets;
    return !is_due || commit(r, err);
}

static void publish(Run *r, bool with_drops)
{
    if (!r->stats)
        return;
    atomic_store_explicit(&r->stats->packets, r->res->packets, memory_order_relaxed);
    atomic_store_explicit(&r->stats->bytes, r->res->bytes, memory_order_relaxed);
    if (with_drops) /* pcap_stats is a system call: once a tick */
        atomic_store_explicit(&r->stats->drops, source_drops(r->src), memory_order_relaxed);
}

/* Live: housekeeping once a tick, whatever the packet rate. */
static bool live_tick(Run *r, const IngestOptions *opts, Err *err)
{
    int64_t now = g_get_monotonic_time();
    if (now < r->next_tick_us)
        return true;
    r->next_tick_us = now + LIVE_TICK_US;
    publish(r, true);
    analyze_pending(r); /* live packets are analyzed as they come: a no-op kept for safety */
    return housekeeping(r, opts, err);
}

static bool live_loop(Run *r, const IngestOptions *opts, Err *err)
{
    Frame frame;
    while (!(opts->stop && *opts->stop)) {
        if (opts->max_packets && r->res->packets >= opts->max_packets)
            break;
        SourceStatus st = source_next(r->src, &frame, err);
        if (st == SOURCE_ERROR) {
            r->res->is_damaged = true;
            break;
        }
        if (st == SOURCE_FRAME) {
            take_frame(r, &frame);
            publish(r, false);
        }
        if (st == SOURCE_END)
            break;
        if (!live_tick(r, opts, err))
            return false;
    }
    publish(r, true);
    return true;
}

static bool read_frames(Run *r, const IngestOptions *opts, Err *err)
{
    Frame frame;
    for (;;) {
        if (opts->max_packets && r->res->packets >= opts->max_packets)
            return true;
        SourceStatus st = reader_next(r->reader, &frame, err);
        if (st == SOURCE_END)
            return true;
        if (st == SOURCE_ERROR) {
            r->res->is_damaged = true;
            return true;
        }
        take_frame(r, &frame);
        if ((r->res->packets % CHECK_EVERY) == 0) {
            analyze_pending(r); /* a batch holds every packet read before it */
            if (opts->stop && *opts->stop) {
                r->res->is_interrupted = true;
                return true;
            }
            if (!housekeeping(r, opts, err))
                return false;
        }
    }
}

static bool read_loop(Run *r, const IngestOptions *opts, Err *err)
{
    if (r->is_live) {
        r->writer = store_writer_start_live(r->store, r->capture_id, batch_written, r);
        bool ok = live_loop(r, opts, err);
        analyze_pending(r);
        return ok;
    }
    r->reader = reader_start(r->src, opts->max_packets);
    r->writer = store_writer_start(r->store, r->capture_id);
    r->next_commit_us = r->started_us + r->first_batch_us;
    bool ok = read_frames(r, opts, err);
    analyze_pending(r);
    reader_stop(r->reader); /* before the source is read to its end for the SHA-256 */
    r->reader = NULL;
    return ok;
}

static char *skipped_text(const IngestResult *res)
{
    GString *s = g_string_new(NULL);
    for (int i = SKIP_NONE + 1; i < SKIP_COUNT; i++) {
        if (res->skipped[i])
            g_string_append_printf(s, "%s%s=%" G_GUINT64_FORMAT, s->len ? ";" : "",
                                   skip_reason_name((SkipReason)i), res->skipped[i]);
    }
    return g_string_free(s, FALSE);
}

static bool finish(Run *r, Err *damage, Err *err)
{
    IngestResult *res = r->res;
    bool is_complete = !res->is_damaged && !res->is_interrupted;
    const char *sha = is_complete ? source_finish_sha256(r->src) : NULL;
    char *skipped = skipped_text(res);
    CaptureEnd end = {
        .sha256 = sha,
        .linktype = source_linktype_name(r->src),
        .status = is_complete ? "complete" : "partial",
        .skipped = skipped,
        .error = res->is_damaged ? damage->msg : (res->is_interrupted ? "interrupted" : ""),
        .packets = res->packets,
        .bytes = res->bytes,
        .first_ns = r->first_ns,
        .last_ns = r->last_ns,
    };
    /* The flows still open hand their held packets on, then the last
     * batch is written with the capture's end. */
    if (r->first_ns || r->last_ns)
        dissector_expire(r->dissector, r->last_ns, true);
    bool ok = !r->writer || stop_writer(r, err);
    if (ok) {
        Stopwatch sw = stopwatch_start();
        char took[96];
        ModelSnapshot *snap = model_snapshot_last(r->model);
        ok = store_capture_end(r->store, r->capture_id, snap, &end, &res->duplicate_of, err);
        model_snapshot_free(snap);
        log_verbose("batch: last, with assets, roles and summaries, written in %s",
                    stopwatch_text(&sw, took, sizeof took));
        count_batch(r);
    }
    res->is_duplicate = res->duplicate_of != 0;
    g_free(skipped);
    return ok && (res->is_duplicate || update_findings(r, err));
}

/* A batch's copies are a few large arrays, freed when it is written.
 * glibc raises its mmap threshold to the size of each mmap'd block freed,
 * so after the first batches those arrays land in the heap, whose top
 * rarely shrinks: peak memory then grew with the number of batches a
 * run had.  A fixed threshold keeps them mmap'd, returned when freed. */
static void keep_big_blocks_returnable(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

bool ingest_source(Store *store, Source *src, const IngestOptions *opts, IngestResult *res,
                   Err *err)
{
    memset(res, 0, sizeof *res);
    int64_t done = store_capture_find_complete(store, source_quick_id(src));
    if (done) {
        res->is_duplicate = true;
        res->duplicate_of = done;
        return true;
    }
    int linktype = source_linktype(src);
    if (!decoder_supports_linktype(linktype))
        return err_set(err, ERR_INPUT, "%s: link type %s is not supported", source_name(src),
                       source_linktype_name(src));
    /* the first batch names the assets' vendors: read the registries on
     * the side meanwhile instead of on the batch's path */
    oui_preload();
    keep_big_blocks_returnable();
    CaptureInfo info = { source_name(src), opts->is_live ? "live" : "file", source_quick_id(src) };
    Run r;
    memset(&r, 0, sizeof r);
    r.store = store;
    r.src = src;
    r.res = res;
    r.linktype = linktype;
    r.is_live = opts->is_live;
    r.stats = opts->stats;
    r.capture_id = store_capture_begin(store, &info, err);
    if (!r.capture_id)
        return false;
    r.model = model_new();
    r.dissector = dissector_new(MAX_FLOWS, drain_flow, r.model);
    r.decoder = decoder_new();
    r.started_us = g_get_monotonic_time();
    r.commit_interval_us = (int64_t)(opts->commit_interval_s > 0 ? opts->commit_interval_s : 5) * 1000000;
    r.first_batch_us = FIRST_BATCH_US;
    /* Tests: batches every N ms, so a small capture goes through many
     * (tests/cli/batches.sh compares it with one batch). */
    const char *batch_ms = g_getenv("OTSCOPE_BATCH_MS");
    if (batch_ms && atoi(batch_ms) > 0)
        r.commit_interval_us = r.first_batch_us = (int64_t)atoi(batch_ms) * 1000;
    /* and after N closed traffic minutes (tests/cli/batches.sh) */
    const char *max_buckets = g_getenv("OTSCOPE_MAX_PENDING_BUCKETS");
    r.max_pending_buckets = max_buckets && atoi(max_buckets) > 0 ? (size_t)atoi(max_buckets)
                                                                  : MAX_PENDING_BUCKETS;
    r.next_commit_us = r.started_us + r.commit_interval_us;

    Err damage;
    err_clear(&damage);
    Stopwatch sw = stopwatch_start();
    char took[96];
    bool ok = read_loop(&r, opts, &damage);
    log_verbose("packets: %" G_GUINT64_FORMAT " read and analyzed in %s", res->packets,
                stopwatch_text(&sw, took, sizeof took));
    log_flow_stats(&r);
    if (!ok)
        *err = damage; /* a DB error while committing a batch */
    if (ok)
        ok = finish(&r, &damage, err);
    if (opts->show_progress)
        progress(&r, true);
    if (ok && res->is_damaged)
        err_set(err, ERR_INPUT,
                "%s: packet %" G_GUINT64_FORMAT ": %s; the %" G_GUINT64_FORMAT
                " packets before it were analyzed and kept%s",
                source_name(src), res->packets + 1, damage.msg, res->packets,
                strstr(damage.msg, "link") ? " (mixed link types: convert with "
                                             "'editcap -F pcap IN OUT' and analyze per interface)"
                                           : " (the file is truncated or corrupt)");
    Err ignored; /* a DB error already failed the run */
    if (r.writer)
        stop_writer(&r, &ignored);
    for (int i = 0; i < LOOKAHEAD; i++)
        g_free(r.ring[i].bytes);
    decoder_free(r.decoder);
    dissector_free(r.dissector);
    model_free(r.model);
    return ok;
}
