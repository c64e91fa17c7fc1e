/*
 * capture.h - where frames come from: capture files (pcap, pcapng, gzip'ed,
 * stdin) and live interfaces, behind one Source interface.
 *
 * A Frame borrows libpcap's buffer until the next source_next() call.
 */
#ifndef OTS_CAPTURE_CAPTURE_H
#define OTS_CAPTURE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "otscope/cursor.h"
#include "otscope/err.h"

typedef struct Frame {
    int64_t ts_ns;
    uint32_t caplen;
    uint32_t wirelen;
    Cursor bytes; /* clipped when caplen < wirelen */
} Frame;

typedef enum SourceStatus {
    SOURCE_FRAME,   /* *frame holds the next frame */
    SOURCE_END,     /* end of file */
    SOURCE_TIMEOUT, /* live: no frame within the read timeout */
    SOURCE_ERROR,   /* damaged input or capture failure: err says what */
} SourceStatus;

typedef struct LiveOptions {
    const char *iface;
    const char *bpf;
    int snaplen;
    bool is_promisc;
    const char *run_as; /* user to drop to after opening (NULL: SUDO_USER or nobody) */
} LiveOptions;

typedef struct Source Source;

/* Opens a capture file ("-" = stdin); gzip is detected by its magic.  Sets
 * err ERR_INPUT on failure. */
Source *source_open_file(const char *path, Err *err);
/* Opens an interface, applies the filter, then drops privileges. */
Source *source_open_live(const LiveOptions *opts, Err *err);
/* Applies a BPF filter to an open source. */
bool source_set_filter(Source *s, const char *bpf, Err *err);

SourceStatus source_next(Source *s, Frame *frame, Err *err);
void source_close(Source *s);

int source_linktype(const Source *s);
const char *source_linktype_name(const Source *s);
const char *source_name(const Source *s);
/* Raw bytes consumed so far and the file's size (0 when unknown). */
uint64_t source_bytes_read(const Source *s);
uint64_t source_bytes_total(const Source *s);
/* "size:sha256-of-first-64KiB" for regular files, else NULL. */
const char *source_quick_id(const Source *s);
/* SHA-256 (hex) of the whole file, reading what libpcap left unread;
 * NULL for stdin/live or when the file cannot be read to its end. */
const char *source_finish_sha256(Source *s);
/* Live capture: packets dropped by the kernel and the interface. */
uint64_t source_drops(Source *s);

/* Drops root after a privileged open: to run_as, else $SUDO_USER, else
 * "nobody".  No-op when not root. */
bool privdrop(const char *run_as, Err *err);

#endif /* OTS_CAPTURE_CAPTURE_H */
