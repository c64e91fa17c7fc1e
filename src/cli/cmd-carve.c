/*
 * cmd-carve.c - `otscope carve FINDING_ID -o FILE.pcap`: the packets
 * behind a finding, from the original capture, for Wireshark.
 *
 * The store says where the finding is: its capture file, its first and
 * last frame, its addresses and the frame span of the conversations
 * between them.  Carve re-reads the capture (the same reader as analyze,
 * so gzip'ed files work) from the first of those frames to the last and
 * keeps the finding's first and last frame plus every frame between src
 * and dst (either way; frames of src alone when the finding names no
 * single dst, as a sweep does).  An address matches a frame's IPs, MACs
 * or ARP sender/target addresses, or those of a packet the frame tunnels.
 * Output is classic pcap with nanosecond timestamps and the capture's link
 * type, written with pcap_dump.  Live
 * captures and stdin leave nothing to re-read: that is an input error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "cli.h"
#include "decode.h"
#include "otscope/log.h"
#include "otscope/store.h"

enum { CARVE_SNAPLEN = 262144 };

typedef struct Match {
    bool is_set;
    bool is_mac;
    bool is_group; /* broadcast/multicast: any frame matches */
    MacAddr mac;
    IpAddr ip;
} Match;

static void match_init(Match *m, const char *addr)
{
    memset(m, 0, sizeof *m);
    if (!addr || !addr[0])
        return;
    if (strlen(addr) == 17 && macaddr_parse(addr, &m->mac)) {
        m->is_set = true;
        m->is_mac = true;
        m->is_group = macaddr_is_group(&m->mac);
    } else if (ipaddr_parse(addr, &m->ip)) {
        m->is_set = true;
        m->is_group = ipaddr_is_multicast(&m->ip) || ipaddr_is_broadcast_v4(&m->ip) ||
                      ipaddr_is_zero(&m->ip);
    }
}

static bool mac_eq(const MacAddr *a, const MacAddr *b)
{
    return memcmp(a->b, b->b, sizeof a->b) == 0;
}

static bool ip_eq(const IpAddr *a, const IpAddr *b)
{
    return memcmp(a->b, b->b, sizeof a->b) == 0;
}

static bool matches(const Match *m, const Packet *p)
{
    if (m->is_mac)
        return (p->has_src_mac && mac_eq(&m->mac, &p->src_mac)) ||
               (p->has_dst_mac && mac_eq(&m->mac, &p->dst_mac)) ||
               (p->is_arp && (mac_eq(&m->mac, &p->arp.sha) || mac_eq(&m->mac, &p->arp.tha)));
    return (p->ip_ver && (ip_eq(&m->ip, &p->src_ip) || ip_eq(&m->ip, &p->dst_ip))) ||
           (p->is_arp && (ip_eq(&m->ip, &p->arp.spa) || ip_eq(&m->ip, &p->arp.tpa)));
}

typedef struct Carve {
    const FindingEvidence *ev;
    Match src;
    Match dst;
    uint64_t lo;
    uint64_t hi;
    uint64_t written;
} Carve;

static bool wanted_packet(const Carve *c, const Packet *p)
{
    const Match *one = c->src.is_set ? &c->src : &c->dst;
    if (!one->is_set || !matches(one, p))
        return false;
    const Match *other = c->src.is_set ? &c->dst : NULL;
    return !other || !other->is_set || other->is_group || matches(other, p);
}

/* The frame is wanted when it or a packet it tunnels matches. */
static bool wanted(const Carve *c, Decoder *dec, uint64_t pkt_no, const Packet *p, bool is_decoded)
{
    if (pkt_no == c->ev->first_pkt || pkt_no == c->ev->last_pkt)
        return true;
    if (!is_decoded)
        return false;
    Packet inner[2];
    for (int i = 0;; i ^= 1) {
        if (wanted_packet(c, p))
            return true;
        if (p->tunnel == TUN_NONE || decoder_tunnel(dec, p, &inner[i]) != SKIP_NONE)
            return false;
        p = &inner[i];
    }
}

static bool carve_frames(Carve *c, Source *src, pcap_dumper_t *dumper, Err *err)
{
    Decoder *dec = decoder_new();
    int linktype = source_linktype(src);
    guint8 *buf = g_malloc(CARVE_SNAPLEN);
    Frame frame;
    uint64_t pkt_no = 0;
    bool ok = true;
    for (;;) {
        SourceStatus st = source_next(src, &frame, err);
        if (st == SOURCE_END)
            break;
        if (st == SOURCE_ERROR) {
            ok = false;
            break;
        }
        if (st != SOURCE_FRAME)
            continue;
        if (++pkt_no < c->lo)
            continue;
        if (pkt_no > c->hi)
            break;
        Packet pkt;
        memset(&pkt, 0, sizeof pkt);
        pkt.pkt_no = pkt_no;
        pkt.ts_ns = frame.ts_ns;
        pkt.caplen = frame.caplen;
        pkt.wirelen = frame.wirelen;
        Cursor bytes = frame.bytes;
        bool is_decoded = decoder_supports_linktype(linktype) &&
                          decoder_frame(dec, linktype, &bytes, &pkt) == SKIP_NONE;
        if (!wanted(c, dec, pkt_no, &pkt, is_decoded))
            continue;
        Cursor copy = frame.bytes;
        size_t n = cursor_left(&copy) < CARVE_SNAPLEN ? cursor_left(&copy) : CARVE_SNAPLEN;
        cursor_copy(&copy, buf, n);
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = (time_t)(frame.ts_ns / 1000000000);
        h.ts.tv_usec = (suseconds_t)(frame.ts_ns % 1000000000); /* nanoseconds: see pcap_open_dead */
        h.caplen = (bpf_u_int32)n;
        h.len = frame.wirelen;
        pcap_dump((u_char *)dumper, &h, buf);
        c->written++;
    }
    g_free(buf);
    decoder_free(dec);
    return ok;
}

/* The capture as recorded ("as the user named it"): a relative path is
 * relative to where analyze ran; failing that, to the DB's folder. */
static char *capture_file(const char *recorded, const char *db_path)
{
    if (g_path_is_absolute(recorded) || g_file_test(recorded, G_FILE_TEST_EXISTS))
        return g_strdup(recorded);
    char *dir = g_path_get_dirname(db_path);
    char *beside_db = g_build_filename(dir, recorded, NULL);
    g_free(dir);
    if (g_file_test(beside_db, G_FILE_TEST_EXISTS))
        return beside_db;
    g_free(beside_db);
    return g_strdup(recorded);
}

static int carve(const FindingEvidence *ev, const char *db_path, const char *out_path)
{
    Err err;
    err_clear(&err);
    if (strcmp(ev->capture_source, "file") != 0 || strcmp(ev->capture_path, "-") == 0) {
        err_set(&err, ERR_INPUT, "%s: the finding comes from a live capture or stdin; there is no "
                "file to carve from", ev->capture_path);
        return cli_fail(&err);
    }
    Carve c;
    memset(&c, 0, sizeof c);
    c.ev = ev;
    match_init(&c.src, ev->src);
    match_init(&c.dst, ev->dst);
    c.lo = ev->first_pkt;
    c.hi = ev->last_pkt;
    if (ev->conv_first_pkt && (!c.lo || ev->conv_first_pkt < c.lo))
        c.lo = ev->conv_first_pkt;
    if (ev->conv_last_pkt > c.hi)
        c.hi = ev->conv_last_pkt;
    if (!c.lo) {
        err_set(&err, ERR_INPUT, "the finding names no frames to carve");
        return cli_fail(&err);
    }
    char *path = capture_file(ev->capture_path, db_path);
    Source *src = source_open_file(path, &err);
    if (!src) {
        if (!g_path_is_absolute(path))
            log_warn("%s was recorded relative to the folder 'otscope analyze' ran in: run carve "
                     "from there", path);
        g_free(path);
        return cli_fail(&err);
    }
    pcap_t *dead = pcap_open_dead_with_tstamp_precision(source_linktype(src), CARVE_SNAPLEN,
                                                        PCAP_TSTAMP_PRECISION_NANO);
    pcap_dumper_t *dumper = dead ? pcap_dump_open(dead, out_path) : NULL;
    int status = ERR_OK;
    if (!dumper) {
        err_set(&err, ERR_INPUT, "%s: cannot write: %s", out_path,
                dead ? pcap_geterr(dead) : g_strerror(errno));
        status = cli_fail(&err);
    } else {
        if (!carve_frames(&c, src, dumper, &err)) {
            log_warn("%s: %s; the frames before the damage were written", path, err.msg);
            status = ERR_INPUT;
        }
        if (pcap_dump_flush(dumper) != 0) {
            err_set(&err, ERR_INPUT, "%s: write failed", out_path);
            status = cli_fail(&err);
        }
        pcap_dump_close(dumper);
        log_info("%s: %" G_GUINT64_FORMAT " packets (frames %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                 " of %s)",
                 out_path, c.written, c.lo, c.hi, path);
    }
    if (dead)
        pcap_close(dead);
    source_close(src);
    g_free(path);
    return status;
}

static int run_carve(const CmdDesc *self, int argc, char **argv)
{
    gchar *db_opt = NULL;
    gchar *out_opt = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_opt, "database file", "DB" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_opt, "pcap to write", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    gint64 finding_id = 0;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (argc != 2) {
        status = cli_usage_error(self, "give one FINDING_ID (see 'otscope findings')");
    } else if (!g_ascii_string_to_signed(argv[1], 10, 1, G_MAXINT64, &finding_id, NULL)) {
        status = cli_usage_error(self, "'%s' is not a finding id", argv[1]);
    } else if (!out_opt) {
        status = cli_usage_error(self, "-o FILE.pcap is required");
    }
    if (status == ERR_OK) {
        char *db_path = cli_db_path(db_opt);
        Err err;
        err_clear(&err);
        FindingEvidence ev;
        memset(&ev, 0, sizeof ev);
        Store *s = store_open(db_path, STORE_READ, &err);
        if (!s || !store_finding_evidence(s, finding_id, &ev, &err))
            status = err.code == ERR_USAGE ? cli_usage_error(self, "%s", err.msg) : cli_fail(&err);
        store_close(s);
        if (status == ERR_OK)
            status = carve(&ev, db_path, out_opt);
        store_finding_evidence_clear(&ev);
        g_free(db_path);
    }
    g_free(db_opt);
    g_free(out_opt);
    return status;
}

const CmdDesc cmd_carve = {
    "carve",
    "otscope carve FINDING_ID -o FILE.pcap [--db DB]",
    "write the packets behind a finding to a pcap for Wireshark",
    "  -o, --output FILE  pcap file to write (nanosecond timestamps, the capture's link type)\n"
    "      --db DB        database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n",
    run_carve,
};
