/*
 * gen-sched.h - time-ordered merge of frames produced out of order.
 *
 * Plant recipes each generate one host's or one protocol's traffic over the
 * whole capture, so frames arrive grouped by recipe, not by time. The
 * scheduler keeps a copy of every frame with its timestamp and, once all
 * recipes ran, sorts them by (time, insertion order) and writes them. The
 * insertion order tie-break keeps the result deterministic even when two
 * recipes pick the same nanosecond. Memory grows with the frame count, so
 * this is for the small bundled samples; the bench generator streams.
 */
#ifndef OTS_GEN_SCHED_H
#define OTS_GEN_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "gen-pcap.h"

typedef struct SchedEntry {
    uint64_t t_ns;  /* time since capture start */
    uint32_t order; /* insertion order, the tie-break */
    uint32_t off;   /* frame bytes at Sched.bytes + off */
    uint32_t len;
} SchedEntry;

typedef struct Sched {
    SchedEntry *ents;
    size_t ent_count;
    size_t ent_cap;
    uint8_t *bytes;
    size_t bytes_len;
    size_t bytes_cap;
} Sched;

void sched_init(Sched *s);
void sched_free(Sched *s);

/* Copy a frame in to be sent t_ns after capture start. Aborts when out of memory. */
void sched_add(Sched *s, uint64_t t_ns, const uint8_t *frame, size_t len);

/* Sort into capture order; after this, index i is the i-th packet of the file. */
void sched_sort(Sched *s);

/* The i-th frame (mutable, for final fix-ups such as IP ids) and its length. */
uint8_t *sched_frame(Sched *s, size_t i, size_t *len);

/* Write every frame, in the current order, with timestamps base_ns + t_ns. */
void sched_write(const Sched *s, PcapWriter *w, uint64_t base_ns);

#endif /* OTS_GEN_SCHED_H */
