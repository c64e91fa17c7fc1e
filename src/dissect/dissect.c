/*
 * dissect.c - the dissect core: protocol identification per flow, dispatch
 * of PDUs to dissectors, and the fact helpers protocol files call.
 *
 * Identification never trusts ports: a flow is labelled only when a
 * descriptor's probe accepts its bytes.  Ports only order the candidates
 * (hinted protocols first, then the heuristic list in protocols.def order).
 * Until the label is decided, the flow's packets are held as a Tally and
 * handed to the model with the deciding packet, so one conversation is
 * never split between "unknown" and its protocol.
 */
#include "config.h"

#include "dissect.h"

#include <string.h>

#include <glib.h>

#include "otscope/err.h"

#include "flow.h"
#include "osfp.h"
#include "stream.h"

enum {
    /* Payload-bearing packets a flow gets for identification. */
    IDENT_MAX_TRIES = 8,
    /* Datagrams a UDP conversation on a service's port gets to show that
     * service after one was refused (a malformed or foreign first datagram
     * must not make a BACnet or DNP3 conversation unknown for good). */
    IDENT_HINTED_UDP_TRIES = 4,
    CARRIER_HOLD_MAX = 32, /* packets a carrier conversation waits for its carried name */
    /* Idle time after which dissector_expire() ends a flow: TCP as before,
     * other flows after a minute, Zeek's UDP inactivity timeout. */
    FLOW_IDLE_NS_STREAM = 120 * (int64_t)1000000000,
    FLOW_IDLE_NS_DATAGRAM = 60 * (int64_t)1000000000,
};

struct Dissector {
    FlowTable *flows;
    DissectStats stats;
    StreamCounters stream;
    FlowDrainFn drain;
    void *drain_user;
    size_t state_size;
    OsFp *osfp; /* p0f signatures, loaded with the dissector */
    /* OTSCOPE_NO_DISSECT set: flows are tracked and counted as unknown,
     * no probe or dissector runs (the benchmark's baseline, bench.sh). */
    bool is_dissection_off;
};

/* ---- facts -------------------------------------------------------------- */

/* A slot for the next fact; the caller sets every field of its kind (no
 * memset of the whole Fact: an op is written for nearly every PDU). */
static Fact *fact_slot(DissectCtx *ctx, FactKind kind, FactSide side)
{
    if (ctx->n_facts >= DISSECT_MAX_FACTS) {
        ctx->n_dropped_facts++;
        return NULL;
    }
    Fact *f = &ctx->facts[ctx->n_facts++];
    f->kind = kind;
    f->side = side;
    f->proto = (uint16_t)ctx->proto;
    return f;
}

/* g_strlcpy without its byte loop and its walk to src's end. */
static void copy_capped(char *dst, size_t dstsz, const char *src)
{
    size_t n = src ? strnlen(src, dstsz - 1) : 0;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

void dissect_op(DissectCtx *ctx, uint32_t code, const char *name, OpClass cls, bool is_response,
                int32_t status, const char *detail)
{
    Fact *f = fact_slot(ctx, FACT_OP, SIDE_SRC);
    if (!f)
        return;
    f->u.op.code = code;
    f->u.op.name = name;
    f->u.op.cls = cls;
    f->u.op.is_response = is_response;
    f->u.op.status = status;
    copy_capped(f->u.op.detail, sizeof f->u.op.detail, detail);
}

void dissect_attr(DissectCtx *ctx, FactSide side, AttrKind key, const char *value,
                  uint8_t confidence)
{
    if (!value || !value[0])
        return;
    Fact *f = fact_slot(ctx, FACT_ATTR, side);
    if (!f)
        return;
    f->u.attr.key = key;
    f->u.attr.confidence = confidence;
    copy_capped(f->u.attr.value, sizeof f->u.attr.value, value);
}

void dissect_anomaly(DissectCtx *ctx, Anomaly anom)
{
    Fact *f = fact_slot(ctx, FACT_ANOM, SIDE_SRC);
    if (f)
        f->u.anom = anom;
}

DissectResult dissect_fail(DissectCtx *ctx, const Cursor *c, Anomaly anom)
{
    if (cursor_fail(c) == CUR_CAPTRUNC)
        return DISSECT_SHORT;
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

DissectResult dissect_child(DissectCtx *ctx, ProtoId child, Cursor *pdu)
{
    const ProtoDesc *desc = proto_desc(child);
    OTS_ASSERT(desc != NULL && desc->dissect != NULL);
    if (ctx->child_proto_ != child && ctx->child_state_) {
        /* A flow that switches carried protocols starts the new one afresh. */
        memset(ctx->child_state_, 0, dissect_max_state_size());
        ctx->child_proto_ = child;
    }
    ProtoId parent = ctx->proto;
    void *parent_state = ctx->state;
    ctx->proto = child;
    ctx->state = desc->state_size ? ctx->child_state_ : NULL;
    DissectResult r = desc->dissect(pdu, ctx);
    ctx->proto = parent;
    ctx->state = parent_state;
    if (r == DISSECT_OK && !(desc->flags & PROTO_NO_LABEL))
        ctx->label = child;
    return r;
}

void dissect_label(DissectCtx *ctx, ProtoId carried)
{
    ctx->label = carried;
}

void dissect_ctx_reset(DissectCtx *ctx, const Packet *pkt, bool is_from_client)
{
    ctx->pkt = pkt;
    ctx->is_from_client = is_from_client;
    ctx->dir_hint = DIR_UNKNOWN;
    ctx->sender_spoke_first = false;
    ctx->label = PROTO_NONE;
    ctx->n_facts = 0;
    ctx->n_dropped_facts = 0;
}

size_t dissect_max_state_size(void)
{
    static size_t max_size;
    if (max_size == 0) {
        max_size = sizeof(uint64_t);
        for (unsigned id = 0; id < PROTO_COUNT; id++) {
            const ProtoDesc *desc = proto_desc((ProtoId)id);
            if (desc && desc->state_size > max_size)
                max_size = desc->state_size;
        }
    }
    return max_size;
}

bool dissect_port_is(const DissectCtx *ctx, uint16_t port)
{
    return ctx->pkt && (ctx->pkt->sport == port || ctx->pkt->dport == port);
}

/* ---- identification ----------------------------------------------------- */

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

static bool has_port(const ProtoDesc *desc, uint16_t port)
{
    for (int i = 0; i < PROTO_MAX_PORTS && desc->ports[i]; i++) {
        if (desc->ports[i] == port)
            return true;
    }
    return false;
}

static bool is_excluded(const Flow *f, ProtoId id)
{
    return (f->excluded[id / 64] >> (id % 64)) & 1;
}

static void exclude(Flow *f, ProtoId id)
{
    f->excluded[id / 64] |= (uint64_t)1 << (id % 64);
}

typedef struct ProbeOutcome {
    ProtoId proto;
    bool any_need_more;
    bool any_hinted_refused; /* a protocol whose port the packet uses said NOT_MINE */
} ProbeOutcome;

/* Offers the payload to one candidate; returns true when it accepted. */
static bool offer(Flow *f, ProtoId id, const DissectCtx *ctx, const Cursor *view,
                  bool may_exclude, bool is_hinted, ProbeOutcome *out)
{
    const ProtoDesc *desc = proto_desc(id);
    if (!desc->probe || (desc->flags & PROTO_CARRIED) || is_excluded(f, id))
        return false;
    Cursor c = *view;
    DissectResult r = desc->probe(&c, ctx);
    if (r == DISSECT_OK) {
        out->proto = id;
        return true;
    }
    if (r == DISSECT_NEED_MORE) {
        out->any_need_more = true;
        return false;
    }
    /* A datagram stands alone: the next one may be the port's protocol. */
    if (is_hinted && ctx->pkt->transport == TP_UDP) {
        out->any_hinted_refused = true;
        return false;
    }
    if (may_exclude)
        exclude(f, id);
    return false;
}

static ProbeOutcome identify(Flow *f, const DissectCtx *ctx, const Cursor *view,
                             bool may_exclude)
{
    const Packet *pkt = ctx->pkt;
    uint8_t tbit = transport_bit(pkt->transport);
    /* Mid-stream TCP may start inside a PDU: only exclude a protocol for
     * good once the flow's first bytes were seen. */
    may_exclude = may_exclude && (pkt->transport != TP_TCP || f->has_seen_start);
    ProbeOutcome out = { PROTO_NONE, false, false };
    /* Hinted protocols first, then the others, each in registry order:
     * one walk of the table offers the hinted ones and keeps the others
     * for the second round (their ports are compared once). */
    ProtoId rest[PROTO_COUNT];
    size_t n_rest = 0;
    for (unsigned id = PROTO_UNKNOWN + 1; id < PROTO_COUNT; id++) {
        const ProtoDesc *desc = proto_desc((ProtoId)id);
        if (!desc || !(desc->transports & tbit))
            continue;
        bool hinted = pkt->transport == TP_IP
                          ? has_port(desc, pkt->ip_proto)
                          : has_port(desc, pkt->sport) || has_port(desc, pkt->dport);
        if (!hinted)
            rest[n_rest++] = (ProtoId)id;
        else if (offer(f, (ProtoId)id, ctx, view, may_exclude, true, &out))
            return out;
    }
    for (size_t i = 0; i < n_rest; i++)
        if (offer(f, rest[i], ctx, view, may_exclude, false, &out))
            return out;
    return out;
}

/* Orients an undecided flow by the decided protocol's ports: the side that
 * uses the service port is the server. */
static void orient_by_ports(Flow *f, const ProtoDesc *desc)
{
    if (f->is_orient_certain || !desc)
        return;
    bool p0 = has_port(desc, f->key.port[0]);
    bool p1 = has_port(desc, f->key.port[1]);
    if (p0 != p1)
        f->client_side = p0 ? 1 : 0;
}

/* ---- conversations ------------------------------------------------------ */

static void conv_from_flow(const Flow *f, Conv *conv)
{
    memset(conv, 0, sizeof *conv);
    uint8_t cs = f->client_side;
    uint8_t ss = 1 - cs;
    conv->transport = (Transport)f->key.transport;
    conv->ip_ver = ipaddr_is_v4(&f->key.addr[0]) ? 4 : 6;
    conv->vlan = f->key.vlan;
    conv->client_ip = f->key.addr[cs];
    conv->server_ip = f->key.addr[ss];
    conv->client_mac = f->mac[cs];
    conv->server_mac = f->mac[ss];
    if (conv->transport == TP_TCP || conv->transport == TP_UDP)
        conv->port = f->key.port[ss];
    else if (conv->transport == TP_IP)
        conv->port = f->key.ip_proto;
}

/* The name a conversation is reported under: its carried protocol once
 * one was seen, else the protocol that frames it. */
static ProtoId flow_reported_proto(const Flow *f)
{
    return f->label != PROTO_NONE ? f->label : f->proto;
}

static void on_flow_leave(Flow *f, void *user)
{
    Dissector *d = user;
    if (f->backlog.packets == 0)
        return;
    Verdict v;
    memset(&v, 0, sizeof v);
    conv_from_flow(f, &v.conv);
    v.proto = f->proto == PROTO_NONE ? PROTO_UNKNOWN : flow_reported_proto(f);
    v.backlog = f->backlog;
    v.is_counted = false;
    f->backlog.packets = 0;
    if (d->drain)
        d->drain(&v, d->drain_user);
}

Dissector *dissector_new(size_t max_flows, FlowDrainFn drain, void *drain_user)
{
    Dissector *d = g_new0(Dissector, 1);
    d->state_size = dissect_max_state_size();
    d->drain = drain;
    d->drain_user = drain_user;
    d->flows = flow_table_new(max_flows, d->state_size, on_flow_leave, d);
    d->osfp = osfp_open();
    d->is_dissection_off = g_getenv("OTSCOPE_NO_DISSECT") != NULL;
    return d;
}

void dissector_free(Dissector *d)
{
    if (!d)
        return;
    flow_table_free(d->flows);
    osfp_close(d->osfp);
    g_free(d);
}

/* L2 frames have no flow: each frame is identified by its ethertype (or
 * LLC/SNAP) candidates on its own. */
static void dissect_l2(const Packet *pkt, DissectCtx *ctx, Verdict *v, bool is_off)
{
    memset(v, 0, sizeof *v);
    v->conv.transport = TP_ETHER;
    v->conv.vlan = pkt->vlan;
    v->conv.port = pkt->ethertype;
    v->conv.client_mac = pkt->src_mac;
    v->conv.server_mac = pkt->dst_mac;
    v->is_from_client = true;
    v->is_counted = true;
    v->proto = PROTO_UNKNOWN;
    dissect_ctx_reset(ctx, pkt, true);
    ctx->state = NULL;
    ctx->child_state_ = NULL;
    for (unsigned id = PROTO_UNKNOWN + 1; id < PROTO_COUNT && !is_off; id++) {
        const ProtoDesc *desc = proto_desc((ProtoId)id);
        if (!desc || !(desc->transports & PT_ETHER) || (desc->flags & PROTO_CARRIED))
            continue;
        bool typed = false;
        for (int i = 0; i < PROTO_MAX_ETHERTYPES && desc->ethertypes[i]; i++)
            typed |= desc->ethertypes[i] == pkt->ethertype;
        if (!typed && (desc->ethertypes[0] || !desc->probe))
            continue;
        Cursor c = pkt->payload;
        if (desc->probe && desc->probe(&c, ctx) != DISSECT_OK)
            continue;
        v->proto = (ProtoId)id;
        ctx->proto = (ProtoId)id;
        Cursor body = pkt->payload;
        desc->dissect(&body, ctx);
        return;
    }
}

static bool packet_dst_is_group(const Packet *pkt)
{
    return ipaddr_is_multicast(&pkt->dst_ip) || ipaddr_is_broadcast_v4(&pkt->dst_ip) ||
           (pkt->has_dst_mac && macaddr_is_group(&pkt->dst_mac));
}

static void orient_new_flow(Flow *f, const Packet *pkt, uint8_t sender)
{
    if (pkt->transport == TP_TCP && (pkt->tcp_flags & TCP_SYN)) {
        bool is_synack = (pkt->tcp_flags & TCP_ACK) != 0;
        f->client_side = is_synack ? 1 - sender : sender;
        f->is_orient_certain = true;
        f->has_seen_start = true;
        return;
    }
    /* A datagram broadcast from a service port to the same port announces
     * that service (NetBIOS registrations and browser announcements,
     * BACnet I-Am): its sender serves it, whatever the payload says. */
    if (pkt->transport == TP_UDP && pkt->sport == pkt->dport && packet_dst_is_group(pkt)) {
        f->client_side = 1 - sender;
        f->is_orient_certain = true;
        return;
    }
    /* Mid-conversation start: the lower port is most likely the service
     * (clients take ephemeral ports from the top of the range). */
    bool sender_is_server = pkt->sport < pkt->dport;
    f->client_side = sender_is_server ? 1 - sender : sender;
}

/* The bytes kept while the flow was undecided, now that it is: the other
 * side's first (they came earlier), each with its own direction. */
static void dissect_kept(Dissector *d, Flow *f, uint8_t sender, const ProtoDesc *desc,
                         DissectCtx *ctx)
{
    bool sender_is_client = ctx->is_from_client;
    uint8_t order[2] = { (uint8_t)(1 - sender), sender };
    for (int i = 0; i < 2; i++) {
        uint8_t side = order[i];
        ctx->is_from_client = side == sender ? sender_is_client : !sender_is_client;
        ctx->sender_spoke_first = f->first_speaker == side + 1;
        if (desc->pdu_len) {
            stream_resume(f, side, desc, ctx, &d->stream);
            continue;
        }
        /* A per-segment protocol: what the side sent so far is one message. */
        Cursor kept = cursor_make(f->stream[side].buf, f->stream[side].len, false);
        if (cursor_left(&kept) > 0)
            desc->dissect(&kept, ctx);
    }
    ctx->is_from_client = sender_is_client;
    ctx->sender_spoke_first = f->first_speaker == sender + 1;
    if (!desc->pdu_len)
        stream_forget(f);
}

static void run_dissector(Dissector *d, Flow *f, uint8_t sender, const Packet *pkt,
                          DissectCtx *ctx, bool is_just_decided)
{
    const ProtoDesc *desc = proto_desc(f->proto);
    if (!desc || !desc->dissect || cursor_left(&pkt->payload) == 0)
        return;
    ctx->proto = f->proto;
    ctx->state = desc->state_size ? f->state : NULL;
    if (is_just_decided) {
        dissect_kept(d, f, sender, desc, ctx);
    } else if (pkt->transport == TP_TCP && desc->pdu_len) {
        stream_deliver(f, sender, pkt, desc, ctx, &d->stream);
    } else {
        Cursor body = pkt->payload;
        desc->dissect(&body, ctx);
    }
    /* A carrier whose child accepted the bytes is reported under the
     * child's name (s7comm over COTP); the carrier keeps dissecting. */
    if (ctx->label != PROTO_NONE)
        f->label = ctx->label;
    if (ctx->dir_hint != DIR_UNKNOWN && !f->is_orient_certain) {
        bool sender_is_client = ctx->dir_hint == DIR_REQUEST;
        f->client_side = sender_is_client ? sender : 1 - sender;
        f->is_orient_certain = true;
    }
}

/* Notes which side spoke first, at the connection's first payload: only
 * when both SYNs were seen and the segment starts its side's data and
 * acknowledges none of the peer's (a lost earlier segment of the peer
 * would show in the acknowledgement number). */
static void note_first_speaker(Flow *f, uint8_t sender, const Packet *pkt)
{
    f->has_payload = true;
    const StreamDir *own = &f->stream[sender];
    const StreamDir *peer = &f->stream[1 - sender];
    if (f->has_seen_start && own->has_seq && peer->has_seq && pkt->tcp_seq == own->next_seq &&
        pkt->tcp_ack == peer->next_seq && (pkt->tcp_flags & TCP_ACK))
        f->first_speaker = (uint8_t)(sender + 1);
}

/* The OS of a SYN's sender, as an attribute of its address (evidence: the
 * SYN).  Generic p0f signatures name a family only: lower confidence. */
static void fingerprint_syn(Dissector *d, const Packet *pkt, DissectCtx *ctx)
{
    OsGuess guess;
    if (!osfp_match(d->osfp, pkt, &guess))
        return;
    ctx->proto = PROTO_NONE;
    dissect_attr(ctx, SIDE_SRC, ATTR_OS, guess.label,
                 guess.is_generic ? FACT_CONF_LOW : FACT_CONF_MEDIUM);
}

/* A carrier's conversation is held (like an undecided one) until its
 * first carried PDU names it or CARRIER_HOLD_MAX packets went by. */
static bool awaits_carried(const Flow *f)
{
    const ProtoDesc *desc = proto_desc(f->proto);
    return desc && (desc->flags & PROTO_CARRIER) && f->label == PROTO_NONE &&
           f->backlog.packets < CARRIER_HOLD_MAX;
}

/* Offers the flow's first bytes to the probes.  TCP probes see all the
 * bytes the sender sent so far, not just this segment.  Returns true when
 * the protocol was decided by this packet and the kept bytes wait in the
 * stream buffers for the dissector. */
static bool try_identify(Flow *f, uint8_t sender, DissectCtx *ctx)
{
    const Packet *pkt = ctx->pkt;
    if (f->proto != PROTO_NONE || cursor_left(&pkt->payload) == 0)
        return false;
    bool is_tcp = pkt->transport == TP_TCP;
    size_t n_new = 0;
    Cursor view = is_tcp ? stream_probe_view(f, sender, pkt, &n_new) : pkt->payload;
    /* A view that joins earlier segments may start with junk: no verdict on
     * it excludes a protocol, the segment alone is tried next. */
    bool is_joined = is_tcp && cursor_len(&view) > n_new;
    ProbeOutcome out = identify(f, ctx, &view, !is_joined);
    if (out.proto == PROTO_NONE && n_new && is_joined) {
        /* The kept prefix may be junk (a keep-alive byte before the first
         * PDU of a capture that starts mid-conversation): try this segment
         * on its own. */
        Cursor alone = view;
        cursor_skip(&alone, cursor_len(&view) - n_new);
        ProbeOutcome retry = identify(f, ctx, &alone, true);
        if (retry.proto != PROTO_NONE)
            stream_keep_last(f, sender, n_new);
        out.proto = retry.proto;
        out.any_need_more |= retry.any_need_more;
    }
    f->n_probe_tries++;
    if (out.proto != PROTO_NONE) {
        f->proto = out.proto;
        orient_by_ports(f, proto_desc(out.proto));
        return is_tcp;
    }
    bool may_wait = out.any_need_more ||
                    (out.any_hinted_refused && f->n_probe_tries < IDENT_HINTED_UDP_TRIES);
    if (f->n_probe_tries >= IDENT_MAX_TRIES || (!may_wait && f->has_seen_start && !is_tcp)) {
        f->proto = PROTO_UNKNOWN;
        if (is_tcp)
            stream_forget(f);
    }
    return false;
}

void dissector_packet(Dissector *d, const Packet *pkt, DissectCtx *ctx, Verdict *v)
{
    if (pkt->transport == TP_ETHER || pkt->ip_ver == 0) {
        dissect_l2(pkt, ctx, v, d->is_dissection_off);
        return;
    }
    FlowKey key;
    uint8_t sender = flow_key_from_packet(pkt, &key);
    bool is_new;
    Flow *f = flow_table_get(d->flows, &key, pkt->ts_ns, &is_new);
    if (is_new) {
        d->stats.flows_created++;
        orient_new_flow(f, pkt, sender);
        if (pkt->transport != TP_TCP)
            f->has_seen_start = true;
    }
    if (pkt->transport == TP_TCP && (pkt->tcp_flags & TCP_SYN)) {
        stream_note_syn(f, sender, pkt->tcp_seq);
        if (!f->is_orient_certain)
            orient_new_flow(f, pkt, sender);
    }
    f->last_ns = pkt->ts_ns;
    if (pkt->has_src_mac) {
        f->mac[sender] = pkt->src_mac;
        f->has_mac[sender] = true;
    }
    if (pkt->has_dst_mac) {
        f->mac[1 - sender] = pkt->dst_mac;
        f->has_mac[1 - sender] = true;
    }

    if (pkt->transport == TP_TCP && !f->has_payload && pkt->payload_wire_len)
        note_first_speaker(f, sender, pkt);
    dissect_ctx_reset(ctx, pkt, sender == f->client_side);
    ctx->sender_spoke_first = f->first_speaker == sender + 1;
    if (pkt->transport == TP_TCP && (pkt->tcp_flags & TCP_SYN))
        fingerprint_syn(d, pkt, ctx);
    ctx->child_state_ = f->child_state;
    ctx->child_proto_ = f->child_proto;
    if (d->is_dissection_off) {
        f->proto = PROTO_UNKNOWN;
    } else {
        bool is_just_decided = try_identify(f, sender, ctx);
        run_dissector(d, f, sender, pkt, ctx, is_just_decided);
    }
    f->child_proto = ctx->child_proto_;
    d->stats.facts_dropped += ctx->n_dropped_facts;

    memset(v, 0, sizeof *v);
    if (f->proto == PROTO_NONE || awaits_carried(f)) {
        tally_add_packet(&f->backlog, pkt->wirelen, pkt->ts_ns, pkt->pkt_no);
        v->proto = PROTO_NONE;
        v->is_counted = false;
    } else {
        v->proto = flow_reported_proto(f);
        v->is_counted = true;
        v->backlog = f->backlog;
        f->backlog.packets = 0;
    }
    conv_from_flow(f, &v->conv);
    v->is_from_client = sender == f->client_side;
    v->model_cache = f->model_cache;
}

uint64_t dissector_flow_hash(const Packet *pkt)
{
    if (pkt->transport == TP_ETHER || pkt->ip_ver == 0)
        return 0;
    FlowKey key;
    flow_key_from_packet(pkt, &key);
    return flow_key_hash(&key);
}

void dissector_prefetch(const Dissector *d, uint64_t flow_hash, PrefetchStep step)
{
    if (!flow_hash)
        return;
    if (step == PREFETCH_SLOT) {
        flow_table_prefetch_slot(d->flows, flow_hash);
    } else if (step == PREFETCH_FLOW) {
        flow_table_prefetch_flow(d->flows, flow_hash);
    } else {
        const Flow *f = flow_table_peek(d->flows, flow_hash);
        if (!f)
            return;
        for (int i = 0; i < MODEL_CACHE_SLOTS; i++)
            if (f->model_cache[i]) {
                /* An entry's key, then the counters after it. */
                __builtin_prefetch(f->model_cache[i]);
                __builtin_prefetch((const char *)f->model_cache[i] + 64);
            }
    }
}

void dissector_expire(Dissector *d, int64_t now_ns, bool is_final)
{
    const int64_t before_ns[FLOW_CLASSES] = {
        [FLOW_CLASS_STREAM] = now_ns - FLOW_IDLE_NS_STREAM,
        [FLOW_CLASS_DATAGRAM] = now_ns - FLOW_IDLE_NS_DATAGRAM,
    };
    size_t n = flow_table_expire(d->flows, before_ns, is_final);
    if (!is_final)
        d->stats.flows_expired += n;
}

const DissectStats *dissector_stats(Dissector *d)
{
    d->stats.flows_evicted = flow_table_evictions(d->flows);
    d->stats.stream_gaps = d->stream.gaps;
    d->stats.pdus_too_large = d->stream.too_large;
    d->stats.truncated_pdus = d->stream.truncated;
    return &d->stats;
}

size_t dissector_flow_count(const Dissector *d)
{
    return flow_table_count(d->flows);
}
