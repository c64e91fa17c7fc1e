/*
 * test-osfp.c - OS fingerprints of hand-built SYNs against p0f's signature
 * file: a Windows 7 SYN, a Linux 3.11+ SYN, the same Linux SYN seen two
 * routers away, an Nmap probe, and a SYN that fits nothing.  Skipped when
 * no signature file is installed (package p0f, or $OTSCOPE_P0F_FP).  A
 * signature file of its own checks the option layouts p0f writes as text
 * (eol+N, ?K) and a second look-up of the same SYN (the cache).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "osfp.h"

static int n_test;
static int n_fail;

static void syn(Packet *pkt, uint8_t ttl, bool df, uint16_t win, const uint8_t *opts, size_t n)
{
    memset(pkt, 0, sizeof *pkt);
    pkt->ip_ver = 4;
    pkt->ttl = ttl;
    pkt->ip_df = df;
    pkt->ip_id = df ? 0x1234 : 0;
    pkt->transport = TP_TCP;
    pkt->tcp_flags = TCP_SYN;
    pkt->tcp_seq = 0x01020304;
    pkt->tcp_win = win;
    pkt->tcp_opts = cursor_make(opts, n, false);
    pkt->payload = cursor_make(NULL, 0, false);
}

static void expect(OsFp *fp, const Packet *pkt, const char *want, const char *what)
{
    OsGuess g;
    bool hit = osfp_match(fp, pkt, &g);
    int ok = want ? hit && strcmp(g.label, want) == 0 : !hit;
    printf("%s %d - %s: %s\n", ok ? "ok" : "not ok", ++n_test, what, hit ? g.label : "(none)");
    n_fail += !ok;
}

/* Layouts only a file of our own holds: "eol+N" and an unknown kind. */
static void own_file(void)
{
    static const char text[] = "[tcp:request]\n"
                               "label = s:unix:EolOS:1\n"
                               "sig = *:64:0:*:*,*:mss,nop,eol+2:df,id+:0\n"
                               "label = s:unix:OddOS:1\n"
                               "sig = *:64:0:*:*,*:mss,?30:df,id+:0\n";
    gchar *path = NULL;
    int fd = g_file_open_tmp("test-osfp-XXXXXX", &path, NULL);
    if (fd >= 0)
        close(fd);
    g_file_set_contents(path, text, -1, NULL);
    gchar *was = g_strdup(g_getenv("OTSCOPE_P0F_FP"));
    g_setenv("OTSCOPE_P0F_FP", path, TRUE);
    OsFp *fp = osfp_open();
    static const uint8_t eol[] = { 2, 4, 0x05, 0xb4, 1, 0, 0, 0 };
    static const uint8_t odd[] = { 2, 4, 0x05, 0xb4, 30, 2 };
    static const uint8_t eol1[] = { 2, 4, 0x05, 0xb4, 1, 0, 0 };
    Packet pkt;
    syn(&pkt, 64, true, 1000, eol, sizeof eol);
    expect(fp, &pkt, "EolOS 1", "own file: mss,nop,eol+2");
    expect(fp, &pkt, "EolOS 1", "own file: the same SYN again (cached)");
    syn(&pkt, 64, true, 1000, odd, sizeof odd);
    expect(fp, &pkt, "OddOS 1", "own file: mss,?30");
    syn(&pkt, 64, true, 1000, eol1, sizeof eol1);
    expect(fp, &pkt, NULL, "own file: mss,nop,eol+1 is another layout");
    osfp_close(fp);
    if (was)
        g_setenv("OTSCOPE_P0F_FP", was, TRUE);
    else
        g_unsetenv("OTSCOPE_P0F_FP");
    g_free(was);
    g_unlink(path);
    g_free(path);
}

int main(void)
{
    own_file();
    OsFp *fp = osfp_open();
    if (osfp_count(fp) == 0) {
        printf("# SKIP no p0f signature file (install p0f or set OTSCOPE_P0F_FP)\n");
        osfp_close(fp);
        printf("1..%d\n", n_test);
        return n_fail ? 1 : 0;
    }
    static const uint8_t win7[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
    static const uint8_t linux311[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
    static const uint8_t odd[] = { 2, 4, 0x01, 0x00, 30, 2 };
    Packet pkt;
    syn(&pkt, 128, true, 8192, win7, sizeof win7);
    expect(fp, &pkt, "Windows 7 or 8", "Windows 7 SYN");
    syn(&pkt, 64, true, 1460 * 20, linux311, sizeof linux311);
    expect(fp, &pkt, "Linux 3.11 and newer", "Linux SYN");
    syn(&pkt, 62, true, 1460 * 20, linux311, sizeof linux311);
    expect(fp, &pkt, "Linux 3.11 and newer", "Linux SYN two hops away");
    syn(&pkt, 50, false, 1024, odd, sizeof odd);
    expect(fp, &pkt, NULL, "a SYN no signature fits");
    pkt.tcp_flags = TCP_SYN | TCP_ACK;
    pkt.tcp_ack = 0;
    expect(fp, &pkt, NULL, "a SYN+ACK is matched against responses only");
    osfp_close(fp);
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
