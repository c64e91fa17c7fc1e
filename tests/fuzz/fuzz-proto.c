/*
 * fuzz-proto.c - libFuzzer target for one dissector, compiled once per
 * protocol in protocols.def with -DFUZZ_PROTO=<name> (the C name, e.g.
 * s7comm_plus).
 *
 * An input is one payload, exactly as the seed corpora and the dissect
 * vectors hold it: no selector byte.  Instead, every input is run in every
 * packet context the protocol can meet, because the bytes alone rarely
 * reach the paths that depend on the context (a selector byte would also
 * shift every seed by one byte).  The contexts are:
 *
 *   - from the descriptor: each transport it declares; for TCP/UDP each
 *     hint port as the server port plus one pair of non-hint ports; for L2
 *     each ethertype (or an untyped LLC frame); ICMP and ICMPv6; for other
 *     IP protocols (PT_IP) each protocol number its ports[] hold;
 *   - from the protocol's vectors (.hex headers in tests/dissect/<name>/, read
 *     at start-up): their transport, ports, IP protocol, ethertype, LLC DSAP and SNAP
 *     OUI/PID, which reach e.g. CDP (SNAP only) or BACnet/LLC.
 *
 * In each flow context the input runs as small conversations on one
 * zeroed per-flow state of exactly ProtoDesc.state_size bytes (so ASan
 * sees a dissector that writes past its state): client then server,
 * server then client, a clipped capture, and for TCP-framed protocols the
 * PDUs alternating direction.  Like the core (dissect.c, stream.c), it
 * probes first (on TCP also an empty window, as the core does for a
 * retransmitted first segment), cuts TCP PDUs with pdu_len, never hands an
 * empty payload to a flow's dissector, and in L2 context dissects only
 * what the probe accepted, with no state.  Carried protocols (PROTO_CARRIED) have no
 * probe: their dissect is called directly.
 *
 * Besides memory errors, a few contracts of dissect.h are checked and
 * abort(): probes emit no facts and leave the state alone; facts carry
 * enum values in range and terminated strings; DISSECT_MALFORMED comes
 * with an anomaly.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "fuzz.h"
#include "stream.h"

#ifndef FUZZ_PROTO
#error "compile with -DFUZZ_PROTO=<name from protocols.def>"
#endif
#ifndef FUZZ_VECTOR_DIR
#define FUZZ_VECTOR_DIR ""
#endif

/* Token pasting needs two levels so that FUZZ_PROTO expands first. */
#define FUZZ_ID_(name) PROTO_ID_##name
#define FUZZ_ID(name) FUZZ_ID_(name)

enum {
    MAX_CONTEXTS = 96,
    PORT_CLIENT = 49152,   /* an ephemeral client port */
    PORT_NOHINT_A = 40001, /* a port pair no descriptor hints at */
    PORT_NOHINT_B = 40002,
    CLIPPED_EXTRA = 64, /* wire bytes beyond the capture in a clipped run */
};

typedef struct FuzzContext {
    Transport transport;
    uint16_t sport;
    uint16_t dport;
    uint16_t ethertype;
    uint8_t ip_proto; /* TP_IP: the IP protocol number */
    uint8_t dsap;
    uint32_t snap_oui;
    uint16_t snap_pid;
} FuzzContext;

static const ProtoId fuzz_id = FUZZ_ID(FUZZ_PROTO);
static const ProtoDesc *fuzz_desc;
static bool is_carried;
static FuzzContext contexts[MAX_CONTEXTS];
static size_t n_contexts;

static void die(const char *what)
{
    fprintf(stderr, "fuzz-proto: %s: contract broken: %s\n", fuzz_desc ? fuzz_desc->name : "?",
            what);
    abort();
}

static uint8_t transport_bit(Transport tp)
{
    switch (tp) {
    case TP_TCP:
        return PT_TCP;
    case TP_UDP:
        return PT_UDP;
    case TP_ICMP:
    case TP_ICMPV6:
        return PT_ICMP;
    case TP_ETHER:
        return PT_ETHER;
    case TP_IP:
        return PT_IP;
    default:
        return 0;
    }
}

static bool same_context(const FuzzContext *a, const FuzzContext *b)
{
    if (a->transport != b->transport || a->ethertype != b->ethertype ||
        a->ip_proto != b->ip_proto || a->dsap != b->dsap || a->snap_oui != b->snap_oui ||
        a->snap_pid != b->snap_pid)
        return false;
    /* Every conversation runs in both directions: a reversed pair is the same. */
    return (a->sport == b->sport && a->dport == b->dport) ||
           (a->sport == b->dport && a->dport == b->sport);
}

static void add_context(const FuzzContext *fc)
{
    if (!(fuzz_desc->transports & transport_bit(fc->transport)))
        return;
    for (size_t i = 0; i < n_contexts; i++) {
        if (same_context(&contexts[i], fc))
            return;
    }
    if (n_contexts < MAX_CONTEXTS)
        contexts[n_contexts++] = *fc;
}

static void add_descriptor_contexts(void)
{
    static const Transport flow_tps[] = {TP_TCP, TP_UDP};
    for (size_t t = 0; t < sizeof flow_tps / sizeof flow_tps[0]; t++) {
        for (int i = 0; i < PROTO_MAX_PORTS && fuzz_desc->ports[i]; i++) {
            FuzzContext fc = {
                .transport = flow_tps[t], .sport = PORT_CLIENT, .dport = fuzz_desc->ports[i]};
            add_context(&fc);
        }
        FuzzContext fc = {.transport = flow_tps[t], .sport = PORT_NOHINT_A, .dport = PORT_NOHINT_B};
        add_context(&fc);
    }
    /* PT_IP: ports[] are IP protocol numbers */
    for (int i = 0; i < PROTO_MAX_PORTS && fuzz_desc->ports[i]; i++) {
        FuzzContext fc = {.transport = TP_IP, .ip_proto = (uint8_t)fuzz_desc->ports[i]};
        add_context(&fc);
    }
    FuzzContext icmp = {.transport = TP_ICMP};
    add_context(&icmp);
    FuzzContext icmp6 = {.transport = TP_ICMPV6};
    add_context(&icmp6);
    for (int i = 0; i < PROTO_MAX_ETHERTYPES && fuzz_desc->ethertypes[i]; i++) {
        FuzzContext fc = {.transport = TP_ETHER, .ethertype = fuzz_desc->ethertypes[i]};
        add_context(&fc);
    }
    if (!fuzz_desc->ethertypes[0]) {
        FuzzContext llc = {.transport = TP_ETHER};
        add_context(&llc);
    }
}

static bool parse_transport(const char *val, Transport *out)
{
    static const struct {
        const char *name;
        Transport tp;
    } names[] = {
        {"tcp", TP_TCP},   {"udp", TP_UDP},       {"ether", TP_ETHER},
        {"icmp", TP_ICMP}, {"icmpv6", TP_ICMPV6}, {"ip", TP_IP},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].name, val) == 0) {
            *out = names[i].tp;
            return true;
        }
    }
    return false;
}

/* Reads the '# key: value' header lines of one vector (the format of
 * tests/dissect/dissect-vectors.c) into a context. */
static bool read_vector_context(const char *path, FuzzContext *fc)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    memset(fc, 0, sizeof *fc);
    bool has_transport = false;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (line[0] != '#')
            continue;
        char key[32];
        char val[64];
        if (sscanf(line, "# %31[a-z_-] : %63s", key, val) != 2)
            continue;
        unsigned long num = strtoul(val, NULL, 0);
        if (strcmp(key, "transport") == 0)
            has_transport = parse_transport(val, &fc->transport);
        else if (strcmp(key, "sport") == 0)
            fc->sport = (uint16_t)num;
        else if (strcmp(key, "dport") == 0)
            fc->dport = (uint16_t)num;
        else if (strcmp(key, "ethertype") == 0)
            fc->ethertype = (uint16_t)num;
        else if (strcmp(key, "ip-proto") == 0)
            fc->ip_proto = (uint8_t)num;
        else if (strcmp(key, "dsap") == 0)
            fc->dsap = (uint8_t)num;
        else if (strcmp(key, "snap") == 0) {
            char *slash;
            fc->snap_oui = (uint32_t)strtoul(val, &slash, 0);
            if (*slash == '/')
                fc->snap_pid = (uint16_t)strtoul(slash + 1, NULL, 0);
        }
    }
    fclose(f);
    return has_transport;
}

static int is_hex_vector(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".hex") == 0;
}

static void add_vector_contexts(void)
{
    const char *dir = getenv("OTSCOPE_FUZZ_VECTORS");
    if (!dir || !*dir)
        dir = FUZZ_VECTOR_DIR;
    if (!*dir)
        return;
    struct dirent **names;
    int n = scandir(dir, &names, is_hex_vector, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        char path[4096];
        FuzzContext fc;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (read_vector_context(path, &fc))
            add_context(&fc);
        free(names[i]);
    }
    free(names);
}

static void fuzz_setup(void)
{
    if (fuzz_desc)
        return;
    fuzz_desc = proto_desc(fuzz_id);
    if (!fuzz_desc || !fuzz_desc->dissect) {
        fprintf(stderr, "fuzz-proto: protocol id %d has no descriptor linked\n", (int)fuzz_id);
        abort();
    }
    is_carried = (fuzz_desc->flags & PROTO_CARRIED) != 0;
    add_descriptor_contexts();
    add_vector_contexts();
    if (getenv("OTSCOPE_FUZZ_SHOW_CONTEXTS")) {
        for (size_t i = 0; i < n_contexts; i++) {
            const FuzzContext *fc = &contexts[i];
            fprintf(stderr,
                    "context %zu: %s ports %u/%u ip-proto %u ethertype 0x%04x dsap 0x%02x "
                    "snap 0x%06x/0x%04x\n",
                    i, transport_name(fc->transport), fc->sport, fc->dport, fc->ip_proto,
                    fc->ethertype, fc->dsap, fc->snap_oui, fc->snap_pid);
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup();
    return 0;
}

/* ---- contracts ---------------------------------------------------------- */

static bool is_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static volatile size_t sink; /* keeps the name reads below from being optimised out */

static void check_facts(const DissectCtx *ctx, uint32_t first)
{
    if (ctx->n_facts > DISSECT_MAX_FACTS)
        die("n_facts beyond DISSECT_MAX_FACTS");
    if (ctx->dir_hint != DIR_UNKNOWN && ctx->dir_hint != DIR_REQUEST &&
        ctx->dir_hint != DIR_RESPONSE)
        die("dir_hint out of range");
    if ((unsigned)ctx->label >= PROTO_COUNT)
        die("label out of range");
    for (uint32_t i = first; i < ctx->n_facts; i++) {
        const Fact *f = &ctx->facts[i];
        if (f->side != SIDE_SRC && f->side != SIDE_DST)
            die("fact side out of range");
        if (f->proto >= PROTO_COUNT || !proto_desc((ProtoId)f->proto))
            die("fact proto is not a registered protocol");
        switch (f->kind) {
        case FACT_OP:
            if ((unsigned)f->u.op.cls >= OP_CLASS_COUNT)
                die("op class out of range");
            if (!is_terminated(f->u.op.detail, sizeof f->u.op.detail))
                die("op detail not terminated");
            if (f->u.op.name)
                sink += strlen(f->u.op.name);
            break;
        case FACT_ATTR:
            if ((unsigned)f->u.attr.key >= ATTR_COUNT)
                die("attr key out of range");
            if (!is_terminated(f->u.attr.value, sizeof f->u.attr.value))
                die("attr value not terminated");
            break;
        case FACT_ANOM:
            if ((unsigned)f->u.anom >= ANOM_COUNT)
                die("anomaly out of range");
            break;
        default:
            die("fact kind out of range");
        }
    }
}

static bool has_anomaly_since(const DissectCtx *ctx, uint32_t first, uint32_t dropped_before)
{
    if (ctx->n_dropped_facts > dropped_before)
        return true; /* the anomaly may be among the facts beyond the cap */
    for (uint32_t i = first; i < ctx->n_facts; i++) {
        if (ctx->facts[i].kind == FACT_ANOM)
            return true;
    }
    return false;
}

/* ---- one packet, the way the core runs it -------------------------------- */

typedef struct Flow1 {
    const FuzzContext *fc;
    const uint8_t *bytes;
    size_t len;
    bool is_clipped;
    void *state;  /* state_size bytes or NULL */
    void *shadow; /* copy of state, to see a probe write to it */
    unsigned n_packets;
    DissectCtx ctx; /* carries the child slot across the conversation's packets */
} Flow1;

static void make_packet(const Flow1 *fl, const uint8_t *bytes, size_t len, bool is_from_client,
                        uint8_t mac0, Packet *pkt)
{
    const FuzzContext *fc = fl->fc;
    memset(pkt, 0, sizeof *pkt);
    pkt->pkt_no = 1;
    pkt->ts_ns = (int64_t)1700000000 * 1000000000;
    pkt->transport = fc->transport;
    pkt->has_src_mac = true;
    pkt->has_dst_mac = true;
    uint8_t client_mac[6] = {mac0, 0x1b, 0x1b, 0x00, 0x00, 0x01};
    uint8_t server_mac[6] = {0x00, 0x0e, 0x8c, 0x00, 0x00, 0x02};
    memcpy(pkt->src_mac.b, is_from_client ? client_mac : server_mac, 6);
    memcpy(pkt->dst_mac.b, is_from_client ? server_mac : client_mac, 6);
    switch (fc->transport) {
    case TP_ETHER:
        pkt->ethertype = fc->ethertype;
        pkt->llc_dsap = fc->dsap;
        pkt->snap_oui = fc->snap_oui;
        pkt->snap_pid = fc->snap_pid;
        break;
    case TP_ICMPV6:
        pkt->ip_ver = 6;
        pkt->src_ip.b[0] = 0xfe;
        pkt->src_ip.b[1] = 0x80;
        pkt->dst_ip = pkt->src_ip;
        pkt->src_ip.b[15] = is_from_client ? 1 : 2;
        pkt->dst_ip.b[15] = is_from_client ? 2 : 1;
        pkt->ip_proto = 58;
        break;
    default:
        pkt->ip_ver = 4;
        ipaddr_from_v4(&pkt->src_ip, is_from_client ? 0x0a000001 : 0x0a000002);
        ipaddr_from_v4(&pkt->dst_ip, is_from_client ? 0x0a000002 : 0x0a000001);
        pkt->ip_proto = fc->transport == TP_TCP   ? 6
                        : fc->transport == TP_UDP ? 17
                        : fc->transport == TP_IP  ? fc->ip_proto
                                                  : 1;
        break;
    }
    pkt->ttl = 64;
    pkt->sport = is_from_client ? fc->sport : fc->dport;
    pkt->dport = is_from_client ? fc->dport : fc->sport;
    if (fc->transport == TP_TCP)
        pkt->tcp_flags = TCP_PSH | TCP_ACK;
    if ((fc->transport == TP_ICMP || fc->transport == TP_ICMPV6) && len >= 2) {
        pkt->icmp_type = bytes[0];
        pkt->icmp_code = bytes[1];
    }
    pkt->payload = cursor_make(bytes, len, fl->is_clipped);
    pkt->payload_wire_len = (uint32_t)(fl->is_clipped ? len + CLIPPED_EXTRA : len);
    pkt->caplen = (uint32_t)len;
    pkt->wirelen = pkt->payload_wire_len;
}

static void run_dissect(Flow1 *fl, Cursor *pdu)
{
    DissectCtx *ctx = &fl->ctx;
    uint32_t first = ctx->n_facts;
    uint32_t dropped = ctx->n_dropped_facts;
    DissectResult r = fuzz_desc->dissect(pdu, ctx);
    if ((unsigned)r > DISSECT_MALFORMED)
        die("dissect result out of range");
    check_facts(ctx, first);
    if (r == DISSECT_MALFORMED && !has_anomaly_since(ctx, first, dropped))
        die("DISSECT_MALFORMED without an anomaly fact");
}

/* Probes view (the packet's payload, or what the core's stream keeps). */
static DissectResult run_probe(Flow1 *fl, const Cursor *view)
{
    DissectCtx *ctx = &fl->ctx;
    size_t state_size = fl->state ? fuzz_desc->state_size : 0;
    if (state_size)
        memcpy(fl->shadow, fl->state, state_size);
    uint32_t n_before = ctx->n_facts;
    Cursor c = *view;
    DissectResult r = fuzz_desc->probe(&c, ctx);
    if ((unsigned)r > DISSECT_MALFORMED)
        die("probe result out of range");
    if (ctx->n_facts != n_before || ctx->n_dropped_facts != 0)
        die("probe emitted a fact");
    if (state_size && memcmp(fl->shadow, fl->state, state_size) != 0)
        die("probe changed the flow state");
    return r;
}

/* One packet of a flow (TCP/UDP/ICMP): probe, then dissect the whole
 * payload or the PDUs pdu_len cuts from it (stream.c's cut_pdus()). */
static void flow_packet(Flow1 *fl, const uint8_t *bytes, size_t len, bool is_from_client)
{
    Packet pkt;
    make_packet(fl, bytes, len, is_from_client, 0x00, &pkt);
    DissectCtx *ctx = &fl->ctx;
    dissect_ctx_reset(ctx, &pkt, is_from_client);
    ctx->proto = fuzz_id;
    ctx->state = fl->state;
    bool has_probe = fuzz_desc->probe && !is_carried;
    if (has_probe && pkt.transport == TP_TCP && fl->n_packets++ == 0) {
        /* A retransmitted first segment: the core probes what the stream
         * kept so far, which is nothing (stream_probe_view()). */
        Cursor nothing = cursor_empty();
        run_probe(fl, &nothing);
    }
    if (cursor_left(&pkt.payload) == 0)
        return; /* the core offers no empty payload to a flow's protocol */
    if (has_probe)
        run_probe(fl, &pkt.payload);
    if (pkt.transport != TP_TCP || !fuzz_desc->pdu_len) {
        Cursor body = pkt.payload;
        run_dissect(fl, &body);
        return;
    }
    Cursor c = pkt.payload;
    while (cursor_left(&c) > 0) {
        Cursor peek = c;
        size_t n = fuzz_desc->pdu_len(&peek);
        if (n == PDU_LEN_BAD || n > STREAM_MAX_PDU)
            return;
        if (n == 0 || n > cursor_left(&c))
            return; /* the core would wait for more bytes */
        /* Each PDU in its own exactly-sized buffer, so that ASan also
         * sees a read into the next PDU (the core dissects in place). */
        bool is_last_clipped = cursor_is_clipped(&c) && n == cursor_left(&c);
        uint8_t *copy = malloc(n);
        if (!copy || !cursor_copy(&c, copy, n))
            abort();
        Cursor pdu = cursor_make(copy, n, is_last_clipped);
        run_dissect(fl, &pdu);
        free(copy);
    }
}

static void flow_begin(Flow1 *fl, const FuzzContext *fc, const uint8_t *bytes, size_t len,
                       bool is_clipped, void *state, void *shadow, void *child_state)
{
    fl->fc = fc;
    fl->bytes = bytes;
    fl->len = len;
    fl->is_clipped = is_clipped;
    fl->state = fuzz_desc->state_size ? state : NULL;
    fl->shadow = shadow;
    fl->n_packets = 0;
    if (fl->state)
        memset(fl->state, 0, fuzz_desc->state_size);
    memset(child_state, 0, dissect_max_state_size());
    memset(&fl->ctx, 0, sizeof fl->ctx);
    fl->ctx.child_state_ = child_state;
    fl->ctx.child_proto_ = PROTO_NONE;
}

/* The PDUs of one input alternating direction on one state, each its own
 * packet: request/response state machines in a single input. */
static void flow_ping_pong(Flow1 *fl)
{
    Cursor c = cursor_make(fl->bytes, fl->len, false);
    bool is_from_client = true;
    while (cursor_left(&c) > 0) {
        Cursor peek = c;
        size_t n = fuzz_desc->pdu_len(&peek);
        if (n == 0 || n == PDU_LEN_BAD || n > cursor_left(&c))
            return;
        uint8_t *copy = malloc(n);
        if (!copy || !cursor_copy(&c, copy, n))
            abort();
        flow_packet(fl, copy, n, is_from_client);
        free(copy);
        is_from_client = !is_from_client;
    }
}

/* An L2 frame (dissect.c's dissect_l2()): no flow, no state, always "from
 * the client"; dissected only when the probe accepts it. */
static void l2_frame(Flow1 *fl, uint8_t mac0)
{
    Packet pkt;
    make_packet(fl, fl->bytes, fl->len, true, mac0, &pkt);
    DissectCtx *ctx = &fl->ctx;
    dissect_ctx_reset(ctx, &pkt, true);
    ctx->proto = fuzz_id;
    ctx->state = NULL;
    ctx->child_state_ = NULL;
    if (fuzz_desc->probe && !is_carried && run_probe(fl, &pkt.payload) != DISSECT_OK)
        return;
    Cursor body = pkt.payload;
    run_dissect(fl, &body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_setup();
    /* Our own exactly-sized copy: one byte past the input is a redzone,
     * whatever the caller's buffer looks like. */
    uint8_t *bytes = malloc(size ? size : 1);
    size_t state_size = fuzz_desc->state_size ? fuzz_desc->state_size : 1;
    void *state = malloc(state_size);
    void *shadow = malloc(state_size);
    void *child_state = malloc(dissect_max_state_size());
    if (!bytes || !state || !shadow || !child_state)
        abort();
    if (size)
        memcpy(bytes, data, size);
    Flow1 fl;
    for (size_t i = 0; i < n_contexts; i++) {
        const FuzzContext *fc = &contexts[i];
        if (fc->transport == TP_ETHER) {
            /* mac0 0x02: the locally-administered bit (EtherCAT marks a
             * returned frame with it). */
            flow_begin(&fl, fc, bytes, size, false, state, shadow, child_state);
            l2_frame(&fl, 0x00);
            l2_frame(&fl, 0x02);
            flow_begin(&fl, fc, bytes, size, true, state, shadow, child_state);
            l2_frame(&fl, 0x00);
            continue;
        }
        flow_begin(&fl, fc, bytes, size, false, state, shadow, child_state);
        flow_packet(&fl, bytes, size, true);
        flow_packet(&fl, bytes, size, false);
        flow_begin(&fl, fc, bytes, size, false, state, shadow, child_state);
        flow_packet(&fl, bytes, size, false);
        flow_packet(&fl, bytes, size, true);
        flow_begin(&fl, fc, bytes, size, true, state, shadow, child_state);
        flow_packet(&fl, bytes, size, true);
        if (fc->transport == TP_TCP && fuzz_desc->pdu_len) {
            flow_begin(&fl, fc, bytes, size, false, state, shadow, child_state);
            flow_ping_pong(&fl);
        }
    }
    free(child_state);
    free(shadow);
    free(state);
    free(bytes);
    return 0;
}
