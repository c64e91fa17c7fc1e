/*
 * source-live.c - live capture: open the interface as root, set the
 * filter, then drop privileges before any packet is parsed.
 *
 * The handle is non-blocking and we poll it ourselves: on Linux (TPACKET_V3)
 * libpcap's own read timeout is the kernel's block timer, which only
 * fires once a packet has come, so a blocking read on a quiet interface
 * would never return: no batch committed, no stop request seen.
 */
#include "config.h"

#include <poll.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "source-int.h"

enum {
    LIVE_TIMEOUT_MS = 250, /* lets the caller tick the console and see signals */
    LIVE_BUFFER_BYTES = 16 * 1024 * 1024,
};

static bool check(pcap_t *p, int rc, const char *what, const char *iface, Err *err)
{
    if (rc >= 0)
        return true;
    return err_set(err, ERR_INPUT, "%s: %s: %s", iface, what, pcap_geterr(p));
}

Source *source_open_live(const LiveOptions *opts, Err *err)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(opts->iface, errbuf);
    if (!p) {
        err_set(err, ERR_INPUT, "%s: %s", opts->iface, errbuf);
        return NULL;
    }
    Source *s = source_alloc(opts->iface);
    s->pcap = p;
    s->is_live = true;
    /* Nanoseconds where the interface has them; frames say which they got. */
    s->is_micro = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0;
    bool ok = check(p, pcap_set_snaplen(p, opts->snaplen), "snaplen", opts->iface, err) &&
              check(p, pcap_set_promisc(p, opts->is_promisc), "promisc", opts->iface, err) &&
              check(p, pcap_set_timeout(p, LIVE_TIMEOUT_MS), "timeout", opts->iface, err) &&
              check(p, pcap_set_buffer_size(p, LIVE_BUFFER_BYTES), "buffer", opts->iface, err) &&
              check(p, pcap_activate(p), "cannot capture", opts->iface, err) &&
              privdrop(opts->run_as, err) && source_set_filter(s, opts->bpf, err);
    if (!ok) {
        source_close(s);
        return NULL;
    }
    /* Where there is no descriptor to poll, the blocking read stays. */
    int fd = pcap_get_selectable_fd(p);
    if (fd >= 0 && pcap_setnonblock(p, 1, errbuf) == 0)
        s->live_fd = fd;
    return s;
}

bool source_live_wait(Source *s)
{
    struct pollfd pfd = { .fd = s->live_fd, .events = POLLIN };
    return poll(&pfd, 1, LIVE_TIMEOUT_MS) > 0;
}
