/*
 * ingest.h - the pipeline driver: capture -> decode -> dissect -> model ->
 * store, for one source at a time, with batched commits.
 */
#ifndef OTS_CLI_INGEST_H
#define OTS_CLI_INGEST_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "otscope/packet.h"
#include "otscope/store.h"

/* What a live capture shows while it runs (`otscope live`): the capture
 * thread stores, another thread loads; relaxed atomics, as each figure
 * stands alone. */
typedef struct IngestStats {
    atomic_uint_fast64_t packets;
    atomic_uint_fast64_t bytes;
    atomic_uint_fast64_t drops;   /* kernel and interface (pcap_stats) */
    atomic_uint_fast64_t batches; /* batches committed: the DB has changed */
} IngestStats;

typedef struct IngestOptions {
    uint64_t max_packets;    /* -c: stop after this many (0: all) */
    int commit_interval_s;   /* wall-clock seconds between batches */
    bool show_progress;      /* progress bar on stderr */
    bool is_live;
    volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM (or the console's q) */
    IngestStats *stats;          /* live: published every tick when not NULL */
} IngestOptions;

typedef struct IngestResult {
    uint64_t packets;
    uint64_t bytes;
    uint64_t skipped[SKIP_COUNT];
    bool is_damaged;    /* stopped early on a read error */
    bool is_interrupted;
    bool is_duplicate;  /* same file already in the DB */
    int64_t duplicate_of;
} IngestResult;

/* Runs one source into the store.  Returns false with err on a DB error
 * (ERR_DB) or unusable input (ERR_INPUT); a damaged file returns true with
 * is_damaged and err describing the damage. */
bool ingest_source(Store *store, Source *src, const IngestOptions *opts, IngestResult *res,
                   Err *err);

#endif /* OTS_CLI_INGEST_H */
