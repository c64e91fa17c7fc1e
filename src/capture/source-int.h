/*
 * source-int.h - the Source struct shared by capture.c and its backends.
 */
#ifndef OTS_CAPTURE_SOURCE_INT_H
#define OTS_CAPTURE_SOURCE_INT_H

#include <pcap/pcap.h>

#include "capture.h"

struct Source {
    char *name;
    pcap_t *pcap;
    void *cookie; /* file backend state */
    bool is_live;
    bool is_micro; /* timestamps in microseconds (live fallback) */
    int live_fd;   /* live, non-blocking: the descriptor to poll; -1 when blocking */
    uint64_t bytes_total;
    char *quick_id;
    char *sha256;
};

Source *source_alloc(const char *name);
uint64_t source_file_bytes_read(const Source *s);
void source_file_free_cookie(Source *s);
/* Live, non-blocking: waits up to the read timeout for the interface to
 * have packets; false when none came. */
bool source_live_wait(Source *s);

#endif /* OTS_CAPTURE_SOURCE_INT_H */
