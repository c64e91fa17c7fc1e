/*
 * reader.h - a capture file read on its own thread (reader.c).
 */
#ifndef OTS_CAPTURE_READER_H
#define OTS_CAPTURE_READER_H

#include "capture.h"

typedef struct Reader Reader;

/* Starts reading src (a file: a live source is read in line) on a thread
 * of its own, stopping after max_frames frames (0: at the end).  Until
 * reader_stop, only the reader may call source_next and
 * source_bytes_read on src. */
Reader *reader_start(Source *src, uint64_t max_frames);
/* The next frame, as source_next gives it; its bytes stay valid until the
 * next call.  At the end, the source's last status (and error) again on
 * every call. */
SourceStatus reader_next(Reader *rd, Frame *frame, Err *err);
/* Raw bytes the reader has consumed, as of its last full chunk. */
uint64_t reader_bytes_read(const Reader *rd);
/* Stops the thread (it may have read ahead) and frees the reader. */
void reader_stop(Reader *rd);

#endif /* OTS_CAPTURE_READER_H */
