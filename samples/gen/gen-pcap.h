/*
 * gen-pcap.h - streaming writer for classic pcap files (not pcapng).
 *
 * Writes the nanosecond variant of the libpcap savefile format: magic
 * 0xa1b23c4d, version 2.4, linktype 1 (Ethernet), little-endian on every
 * host so the output is byte-identical everywhere. Records are staged in one
 * large caller-sized buffer and flushed with fwrite, so writing a packet is
 * a memcpy; the bench generator builds frames straight into that buffer
 * (pcapw_reserve/pcapw_commit) to avoid even that copy. It does no
 * allocation per packet and never reorders: callers hand packets in
 * timestamp order.
 */
#ifndef OTS_GEN_PCAP_H
#define OTS_GEN_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPW_SNAPLEN 262144u
#define PCAPW_REC_HDR_LEN 16u

typedef struct PcapWriter {
    FILE *fp;
    bool is_stdout;
    uint8_t *buf; /* staging area, flushed when the next record might not fit */
    size_t cap;
    size_t len;
    bool has_failed; /* a write failed; errno-style detail went to err_msg */
    char err_msg[160];
    uint64_t packet_count;
    uint64_t byte_count; /* frame bytes, not counting pcap headers */
} PcapWriter;

/*
 * Open path ("-" for stdout) and write the global header. buf_cap is the
 * staging size in bytes (at least 64 KiB is sensible). Returns false and
 * fills w->err_msg on failure; w needs no pcapw_close then.
 */
bool pcapw_open(PcapWriter *w, const char *path, size_t buf_cap);

/*
 * Return room for one frame of up to max_len bytes; the caller writes the
 * frame there and calls pcapw_commit with its real length. Never NULL
 * while max_len <= PCAPW_SNAPLEN (the buffer is flushed first if needed).
 */
uint8_t *pcapw_reserve(PcapWriter *w, size_t max_len);

/* Finish the record started by pcapw_reserve: ts is nanoseconds since the epoch. */
void pcapw_commit(PcapWriter *w, uint64_t ts_ns, size_t frame_len);

/* Copy one whole frame in as a record. */
void pcapw_write(PcapWriter *w, uint64_t ts_ns, const uint8_t *frame, size_t frame_len);

/* Flush and close. Returns false (message in err_msg) if any write failed. */
bool pcapw_close(PcapWriter *w);

#endif /* OTS_GEN_PCAP_H */
