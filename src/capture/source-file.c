/*
 * source-file.c - capture files through libpcap, behind a stdio cookie.
 *
 * Every file is read through fopencookie so that one pass both feeds
 * libpcap and computes the file's SHA-256 (the capture's identity in the
 * DB) and progress; gzip'ed files (detected by magic, not name) are
 * inflated there with GIO's GZlibDecompressor.  Timestamps are read at
 * nanosecond precision whatever the file holds.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib.h>
#include <pcap/pcap.h>

#include "otscope/sha256.h"

#include "capture.h"
#include "source-int.h"

enum {
    RAW_CHUNK = 256 * 1024,
    COOKIE_BUFFER = 256 * 1024, /* libpcap's freads come from here */
    QUICK_ID_BYTES = 64 * 1024,
};

typedef struct FileCookie {
    FILE *raw;
    bool is_gzip;
    bool at_eof;
    GConverter *inflate;
    uint8_t *in;
    size_t in_len;
    size_t in_pos;
    Sha256 sha;
    uint64_t bytes_read;
    bool had_error;
    char *buffer; /* the cookie stream's: one refill per COOKIE_BUFFER */
} FileCookie;

static size_t read_raw(FileCookie *fc, void *buf, size_t size)
{
    size_t n = fread(buf, 1, size, fc->raw);
    if (n < size) {
        fc->at_eof = true;
        fc->had_error |= ferror(fc->raw) != 0;
    }
    if (n) {
        sha256_update(&fc->sha, buf, n);
        fc->bytes_read += n;
    }
    return n;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
    FileCookie *fc = cookie;
    if (!fc->is_gzip)
        return (ssize_t)read_raw(fc, buf, size);
    for (;;) {
        if (fc->in_pos == fc->in_len && !fc->at_eof) {
            fc->in_len = read_raw(fc, fc->in, RAW_CHUNK);
            fc->in_pos = 0;
        }
        gsize used = 0;
        gsize made = 0;
        GError *error = NULL;
        GConverterFlags flags = fc->at_eof ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS;
        GConverterResult r = g_converter_convert(fc->inflate, fc->in + fc->in_pos,
                                                 fc->in_len - fc->in_pos, buf, size, flags, &used,
                                                 &made, &error);
        fc->in_pos += used;
        if (r == G_CONVERTER_ERROR) {
            bool need_input = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
            g_error_free(error);
            if (need_input && !fc->at_eof)
                continue;
            fc->had_error = true;
            errno = EIO;
            return made ? (ssize_t)made : -1;
        }
        if (made > 0 || r == G_CONVERTER_FINISHED)
            return (ssize_t)made;
        if (fc->at_eof && fc->in_pos == fc->in_len)
            return 0;
    }
}

static int cookie_close(void *cookie)
{
    (void)cookie; /* the Source frees the cookie: it still needs the hash */
    return 0;
}

static char *quick_id_of(FILE *raw, uint64_t size)
{
    uint8_t *buf = g_malloc(QUICK_ID_BYTES);
    size_t n = fread(buf, 1, QUICK_ID_BYTES, raw);
    gchar *digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256, buf, n);
    char *id = g_strdup_printf("%" G_GUINT64_FORMAT ":%s", size, digest);
    g_free(digest);
    g_free(buf);
    rewind(raw);
    return id;
}

static bool detect_gzip(FILE *raw, bool is_seekable, FileCookie *fc)
{
    int b0 = fgetc(raw);
    int b1 = b0 == EOF ? EOF : fgetc(raw);
    bool is_gzip = b0 == 0x1f && b1 == 0x8b;
    if (is_seekable) {
        rewind(raw);
        return is_gzip;
    }
    /* stdin cannot rewind: the two bytes become the first input chunk */
    if (b1 != EOF)
        ungetc(b1, raw);
    if (b0 != EOF)
        ungetc(b0, raw);
    (void)fc;
    return is_gzip;
}

static void cookie_free(FileCookie *fc)
{
    if (!fc)
        return;
    if (fc->raw && fc->raw != stdin)
        fclose(fc->raw);
    if (fc->inflate)
        g_object_unref(fc->inflate);
    g_free(fc->in);
    g_free(fc->buffer);
    g_free(fc);
}

Source *source_open_file(const char *path, Err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *raw = is_stdin ? stdin : fopen(path, "rb");
    if (!raw) {
        err_set(err, ERR_INPUT, "%s: %s", path, g_strerror(errno));
        return NULL;
    }
    struct stat st;
    bool is_regular = fstat(fileno(raw), &st) == 0 && S_ISREG(st.st_mode);
    if (!is_stdin && !is_regular) {
        err_set(err, ERR_INPUT, "%s: not a regular file", path);
        fclose(raw);
        return NULL;
    }
    if (is_regular)
        setvbuf(raw, NULL, _IONBF, 0); /* see the cookie's buffer below */
    Source *s = source_alloc(path);
    FileCookie *fc = g_new0(FileCookie, 1);
    fc->raw = raw;
    sha256_init(&fc->sha);
    if (is_regular) {
        s->bytes_total = (uint64_t)st.st_size;
        s->quick_id = quick_id_of(raw, s->bytes_total);
    }
    fc->is_gzip = detect_gzip(raw, is_regular, fc);
    if (fc->is_gzip) {
        fc->inflate = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP));
        fc->in = g_malloc(RAW_CHUNK);
    }
    s->cookie = fc;
    cookie_io_functions_t io = { cookie_read, NULL, NULL, cookie_close };
    FILE *fp = fopencookie(fc, "r", io);
    /* stdio's default buffer is a page: libpcap's two freads per frame
     * then refill it through the cookie every few dozen frames, each
     * refill a fread of its own on the raw file.  A large buffer makes
     * the raw reads large enough to bypass the raw FILE's own buffer. */
    if (fp) {
        fc->buffer = g_malloc(COOKIE_BUFFER);
        setvbuf(fp, fc->buffer, _IOFBF, COOKIE_BUFFER);
    }
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    if (fp)
        s->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!s->pcap) {
        err_set(err, ERR_INPUT, "%s: not a capture file libpcap can read (%s)", path,
                fp ? errbuf : g_strerror(errno));
        if (fp)
            fclose(fp);
        source_close(s);
        return NULL;
    }
    return s;
}

uint64_t source_file_bytes_read(const Source *s)
{
    const FileCookie *fc = s->cookie;
    return fc ? fc->bytes_read : 0;
}

const char *source_finish_sha256(Source *s)
{
    FileCookie *fc = s->cookie;
    if (!fc || fc->raw == stdin)
        return NULL;
    if (!s->sha256) {
        uint8_t *buf = g_malloc(RAW_CHUNK);
        while (!fc->at_eof)
            read_raw(fc, buf, RAW_CHUNK);
        g_free(buf);
        if (fc->had_error)
            return NULL;
        uint8_t digest[SHA256_DIGEST_LEN];
        char hex[SHA256_HEX_LEN];
        sha256_final(&fc->sha, digest);
        sha256_hex(digest, hex);
        s->sha256 = g_strdup(hex);
    }
    return s->sha256;
}

void source_file_free_cookie(Source *s)
{
    cookie_free(s->cookie);
    s->cookie = NULL;
}
