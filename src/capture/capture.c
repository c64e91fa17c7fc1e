/*
 * capture.c - the Source interface over libpcap handles.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "source-int.h"

Source *source_alloc(const char *name)
{
    Source *s = g_new0(Source, 1);
    s->name = g_strdup(name);
    s->live_fd = -1;
    return s;
}

void source_close(Source *s)
{
    if (!s)
        return;
    if (s->pcap)
        pcap_close(s->pcap);
    source_file_free_cookie(s);
    g_free(s->name);
    g_free(s->quick_id);
    g_free(s->sha256);
    g_free(s);
}

bool source_set_filter(Source *s, const char *bpf, Err *err)
{
    if (!bpf || !bpf[0])
        return true;
    struct bpf_program prog;
    if (pcap_compile(s->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0)
        return err_set(err, ERR_USAGE, "filter '%s': %s", bpf, pcap_geterr(s->pcap));
    int rc = pcap_setfilter(s->pcap, &prog);
    pcap_freecode(&prog);
    if (rc != 0)
        return err_set(err, ERR_USAGE, "filter '%s': %s", bpf, pcap_geterr(s->pcap));
    return true;
}

SourceStatus source_next(Source *s, Frame *frame, Err *err)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc = pcap_next_ex(s->pcap, &hdr, &data);
    if (rc == 0 && s->live_fd >= 0 && source_live_wait(s))
        rc = pcap_next_ex(s->pcap, &hdr, &data);
    if (rc == 1) {
        /* opened with nanosecond precision, tv_usec holds nanoseconds */
        int64_t frac = s->is_micro ? (int64_t)hdr->ts.tv_usec * 1000 : hdr->ts.tv_usec;
        frame->ts_ns = (int64_t)hdr->ts.tv_sec * 1000000000 + frac;
        frame->caplen = hdr->caplen;
        frame->wirelen = hdr->len;
        frame->bytes = cursor_make(data, hdr->caplen, hdr->caplen < hdr->len);
        return SOURCE_FRAME;
    }
    if (rc == 0)
        return SOURCE_TIMEOUT;
    if (rc == PCAP_ERROR_BREAK)
        return SOURCE_END;
    err_set(err, ERR_INPUT, "%s", pcap_geterr(s->pcap));
    return SOURCE_ERROR;
}

int source_linktype(const Source *s)
{
    return pcap_datalink(s->pcap);
}

const char *source_linktype_name(const Source *s)
{
    const char *name = pcap_datalink_val_to_name(pcap_datalink(s->pcap));
    return name ? name : "unknown";
}

const char *source_name(const Source *s)
{
    return s->name;
}

uint64_t source_bytes_read(const Source *s)
{
    return source_file_bytes_read(s);
}

uint64_t source_bytes_total(const Source *s)
{
    return s->bytes_total;
}

const char *source_quick_id(const Source *s)
{
    return s->quick_id;
}

uint64_t source_drops(Source *s)
{
    struct pcap_stat st;
    if (!s->is_live || pcap_stats(s->pcap, &st) != 0)
        return 0;
    return (uint64_t)st.ps_drop + st.ps_ifdrop;
}
