/*
 * pcap-loop.c - the benchmark baseline: a bare libpcap read loop.
 *
 * Opens a capture file with nanosecond timestamps and calls pcap_next_ex
 * until the end, touching nothing but the record headers, then prints
 *
 *   packets=N bytes=N seconds=S pps=P
 *
 * (bytes = captured bytes). otscope's ingest speed is reported as a
 * fraction of this figure over the same file, so the loop must stay as
 * cheap as libpcap allows: no decoding, no per-packet output.
 *
 * usage: pcap-loop FILE
 */
/* glibc hides the BSD u_int/u_char types pcap.h uses under strict -std=c11 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <pcap/pcap.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pcap-loop FILE\n");
        return 2;
    }

    char errbuf[PCAP_ERRBUF_SIZE];
    double t0 = now_s();
    pcap_t *p =
        pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == NULL) {
        fprintf(stderr, "pcap-loop: %s\n", errbuf);
        return 3;
    }

    uint64_t packets = 0;
    uint64_t bytes = 0;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        packets++;
        bytes += hdr->caplen;
    }
    /* PCAP_ERROR_BREAK (-2) is the normal end of a savefile; -1 is a read error. */
    int status = 0;
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "pcap-loop: %s: packet %" PRIu64 ": %s\n", argv[1], packets + 1,
                pcap_geterr(p));
        status = 3;
    }
    pcap_close(p);
    double secs = now_s() - t0;

    printf("packets=%" PRIu64 " bytes=%" PRIu64 " seconds=%.6f pps=%.0f\n", packets, bytes, secs,
           secs > 0 ? (double)packets / secs : 0.0);
    return status;
}
