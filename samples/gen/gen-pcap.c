/*
 * gen-pcap.c - classic pcap (nanosecond) writer; see gen-pcap.h.
 *
 * File format: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html
 *
 *   global header (24 bytes)           record header (16 bytes)
 *   +-------------------------+        +---------------------------+
 *   | magic       0xa1b23c4d  |        | ts seconds                |
 *   | major 2  | minor 4      |        | ts nanoseconds            |
 *   | reserved1 (thiszone) 0  |        | captured length           |
 *   | reserved2 (sigfigs)  0  |        | original length           |
 *   | snaplen                 |        +---------------------------+
 *   | linktype 1 (Ethernet)   |        | frame bytes ...
 *   +-------------------------+
 *
 * All fields little-endian, written byte by byte so the result does not
 * depend on the host.
 */
#include "gen-pcap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_LINKTYPE_ETHERNET 1u

static void put_le32(uint8_t *at, uint32_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
    at[2] = (uint8_t)(v >> 16);
    at[3] = (uint8_t)(v >> 24);
}

static void put_le16(uint8_t *at, uint16_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
}

static void flush(PcapWriter *w)
{
    if (w->len == 0 || w->has_failed)
        return;
    if (fwrite(w->buf, 1, w->len, w->fp) != w->len) {
        w->has_failed = true;
        snprintf(w->err_msg, sizeof w->err_msg, "write: %s", strerror(errno));
    }
    w->len = 0;
}

bool pcapw_open(PcapWriter *w, const char *path, size_t buf_cap)
{
    memset(w, 0, sizeof *w);
    if (buf_cap < PCAPW_SNAPLEN + PCAPW_REC_HDR_LEN)
        buf_cap = PCAPW_SNAPLEN + PCAPW_REC_HDR_LEN; /* one maximal record always fits */
    w->buf = malloc(buf_cap);
    if (w->buf == NULL) {
        snprintf(w->err_msg, sizeof w->err_msg, "out of memory");
        return false;
    }
    w->cap = buf_cap;
    w->is_stdout = strcmp(path, "-") == 0;
    w->fp = w->is_stdout ? stdout : fopen(path, "wb");
    if (w->fp == NULL) {
        snprintf(w->err_msg, sizeof w->err_msg, "%s: %s", path, strerror(errno));
        free(w->buf);
        w->buf = NULL;
        return false;
    }

    uint8_t *h = w->buf;
    put_le32(h, PCAP_MAGIC_NS);
    put_le16(h + 4, 2);
    put_le16(h + 6, 4);
    put_le32(h + 8, 0);
    put_le32(h + 12, 0);
    put_le32(h + 16, PCAPW_SNAPLEN);
    put_le32(h + 20, PCAP_LINKTYPE_ETHERNET);
    w->len = 24;
    return true;
}

uint8_t *pcapw_reserve(PcapWriter *w, size_t max_len)
{
    if (w->cap - w->len < PCAPW_REC_HDR_LEN + max_len)
        flush(w);
    return w->buf + w->len + PCAPW_REC_HDR_LEN;
}

void pcapw_commit(PcapWriter *w, uint64_t ts_ns, size_t frame_len)
{
    uint8_t *h = w->buf + w->len;
    put_le32(h, (uint32_t)(ts_ns / 1000000000u));
    put_le32(h + 4, (uint32_t)(ts_ns % 1000000000u));
    put_le32(h + 8, (uint32_t)frame_len);
    put_le32(h + 12, (uint32_t)frame_len);
    w->len += PCAPW_REC_HDR_LEN + frame_len;
    w->packet_count++;
    w->byte_count += frame_len;
}

void pcapw_write(PcapWriter *w, uint64_t ts_ns, const uint8_t *frame, size_t frame_len)
{
    uint8_t *at = pcapw_reserve(w, frame_len);
    memcpy(at, frame, frame_len);
    pcapw_commit(w, ts_ns, frame_len);
}

bool pcapw_close(PcapWriter *w)
{
    flush(w);
    if (!w->is_stdout) {
        if (fclose(w->fp) != 0 && !w->has_failed) {
            w->has_failed = true;
            snprintf(w->err_msg, sizeof w->err_msg, "close: %s", strerror(errno));
        }
    } else if (fflush(w->fp) != 0 && !w->has_failed) {
        w->has_failed = true;
        snprintf(w->err_msg, sizeof w->err_msg, "write: %s", strerror(errno));
    }
    free(w->buf);
    w->buf = NULL;
    w->fp = NULL;
    return !w->has_failed;
}
