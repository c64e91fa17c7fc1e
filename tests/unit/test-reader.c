/*
 * test-reader.c - the reader thread gives exactly the frames, end and
 * error that reading in line gives: frames that cross chunks (more frames
 * than a chunk holds, bytes that overflow one), a frame count limit, a
 * file cut in the middle of a record, and a stop long before the end.
 * TAP output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "capture.h"
#include "reader.h"
#include "../tap.h"

static void put32(FILE *f, uint32_t v)
{
    fwrite(&v, 4, 1, f);
}

/* A pcap of n Ethernet frames whose sizes cycle through small and large
 * ones (9000 + 60000 B every 97th), each filled with its own number;
 * cut_last_by > 0 truncates the file inside the last record. */
static char *write_pcap(const char *dir, int n, long cut_last_by)
{
    char *path = g_build_filename(dir, "t.pcap", NULL);
    FILE *f = fopen(path, "wb");
    put32(f, 0xa1b2c3d4);
    put32(f, 0x00040002);
    put32(f, 0);
    put32(f, 0);
    put32(f, 262144);
    put32(f, 1);
    static uint8_t buf[70000];
    for (int i = 0; i < n; i++) {
        uint32_t len = (i % 97 == 0) ? 60000u : (uint32_t)(60 + (i * 37) % 1400);
        put32(f, 1700000000u + (uint32_t)i);
        put32(f, (uint32_t)i % 1000000u);
        put32(f, len);
        put32(f, len + (i % 5 == 0 ? 4u : 0u)); /* some frames clipped */
        memset(buf, i & 0xff, len);
        fwrite(buf, 1, len, f);
    }
    long size = ftell(f);
    fclose(f);
    if (cut_last_by > 0 && truncate(path, size - cut_last_by) != 0)
        perror("truncate");
    return path;
}

typedef struct Seen {
    GChecksum *sum;
    uint64_t frames;
    SourceStatus end;
    char err[256];
} Seen;

static void seen_frame(Seen *s, const Frame *f)
{
    s->frames++;
    g_checksum_update(s->sum, (const guchar *)&f->ts_ns, sizeof f->ts_ns);
    g_checksum_update(s->sum, (const guchar *)&f->caplen, sizeof f->caplen);
    g_checksum_update(s->sum, (const guchar *)&f->wirelen, sizeof f->wirelen);
    Cursor c = f->bytes;
    size_t len = cursor_left(&c);
    uint8_t *copy = g_malloc(len ? len : 1);
    cursor_copy(&c, copy, len);
    g_checksum_update(s->sum, copy, len);
    g_free(copy);
}

/* Reads path to its end (or max frames), through the thread or in line. */
static char *read_all(const char *path, bool is_threaded, uint64_t max, Seen *s)
{
    Err err;
    err_clear(&err);
    memset(s, 0, sizeof *s);
    s->sum = g_checksum_new(G_CHECKSUM_SHA256);
    Source *src = source_open_file(path, &err);
    if (!src)
        return NULL;
    Reader *rd = is_threaded ? reader_start(src, max) : NULL;
    Frame f;
    for (;;) {
        if (max && s->frames >= max) {
            s->end = SOURCE_END;
            break;
        }
        SourceStatus st = rd ? reader_next(rd, &f, &err) : source_next(src, &f, &err);
        if (st != SOURCE_FRAME) {
            s->end = st;
            g_strlcpy(s->err, st == SOURCE_ERROR ? err.msg : "", sizeof s->err);
            break;
        }
        seen_frame(s, &f);
    }
    if (rd) {
        SourceStatus again = reader_next(rd, &f, &err);
        if (s->end != SOURCE_END || !max)
            tap_ok(again == s->end, "the end is said again on the next call");
        reader_stop(rd);
    }
    source_close(src);
    char *hex = g_strdup(g_checksum_get_string(s->sum));
    g_checksum_free(s->sum);
    return hex;
}

static void same_as_inline(const char *path, uint64_t max, const char *what)
{
    Seen a;
    Seen b;
    char *ha = read_all(path, false, max, &a);
    char *hb = read_all(path, true, max, &b);
    char msg[200];
    snprintf(msg, sizeof msg, "%s: %" G_GUINT64_FORMAT " frames, same bytes, end and error", what,
             b.frames);
    tap_ok(ha && hb && strcmp(ha, hb) == 0 && a.frames == b.frames && a.end == b.end &&
           strcmp(a.err, b.err) == 0,
       msg);
    g_free(ha);
    g_free(hb);
}

int main(void)
{
    char *dir = g_dir_make_tmp("otscope-reader-XXXXXX", NULL);
    /* 20 000 frames: more than two chunks' worth of records and, with the
     * 60 kB ones, more than several chunks' worth of bytes */
    char *path = write_pcap(dir, 20000, 0);
    same_as_inline(path, 0, "whole file");
    same_as_inline(path, 12345, "frame limit");
    same_as_inline(path, 1, "one frame");
    g_unlink(path);
    g_free(path);

    path = write_pcap(dir, 9000, 100);
    same_as_inline(path, 0, "file cut inside its last record");
    Seen s;
    g_free(read_all(path, true, 0, &s));
    tap_ok(s.end == SOURCE_ERROR && s.frames == 8999, "the cut is an error after 8999 frames");

    /* stopped early: the thread, maybe waiting for a free chunk, ends */
    Err err;
    err_clear(&err);
    Source *src = source_open_file(path, &err);
    Reader *rd = reader_start(src, 0);
    Frame f;
    int n = 0;
    while (n < 10 && reader_next(rd, &f, &err) == SOURCE_FRAME)
        n++;
    g_usleep(50000); /* let it fill every chunk and wait */
    reader_stop(rd);
    source_close(src);
    tap_ok(n == 10, "stopped after 10 frames of 9000");

    g_unlink(path);
    g_free(path);
    g_rmdir(dir);
    g_free(dir);
    return tap_end();
}
