/*
 * fuzz-decode.c - libFuzzer target for the whole per-packet path:
 * frame bytes -> decoder_frame() (and decoder_tunnel() for the packets a
 * tunnel carries) -> dissector_packet() -> model_packet(),
 * then the end-of-run flow expiry and a walk over the model as the store
 * would read it.
 *
 * Input layout (tests/fuzz/make-decode-seeds.sh writes it):
 *
 *   byte 0      selector: bits 0-2 the link type (link_types[] below),
 *               bit 6 expire idle flows after every frame,
 *               bit 7 frames 100 s apart (else 1 ms): flow expiry, buckets
 *   then        up to MAX_FRAMES records: wire length (2 bytes, big
 *               endian) + the captured bytes; a record that runs past the
 *               end of the input is a clipped capture (caplen < wirelen)
 *
 * Several frames per input reach what one frame cannot: TCP reassembly,
 * protocol identification over a flow's first packets, IP fragments.
 * Each input starts from a new decoder, dissector and model, so inputs are
 * independent.  Each frame is copied into its own exactly-sized buffer so
 * that ASan sees any read past its end.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode.h"
#include "dissect.h"
#include "fuzz.h"
#include "otscope/model.h"

enum {
    MAX_FRAMES = 64,
    MAX_FLOWS = 256, /* small, so that the fuzzer can reach eviction */
    SEL_LINKTYPE_MASK = 0x07,
    SEL_EXPIRE_EACH = 0x40,
    SEL_SLOW_CLOCK = 0x80,
};

/* Linux SLL2: not in older libpcap headers. */
enum { LINKTYPE_SLL2 = 276, LINKTYPE_IPV4 = 228, LINKTYPE_IPV6 = 229 };

static const int link_types[SEL_LINKTYPE_MASK + 1] = {
    DLT_EN10MB,    DLT_LINUX_SLL, LINKTYPE_SLL2, DLT_RAW,
    LINKTYPE_IPV4, LINKTYPE_IPV6, DLT_NULL,      DLT_LOOP,
};

static void drain_flow(const Verdict *v, void *user)
{
    model_credit(user, v);
}

static volatile size_t sink;

static void touch_entry(void *entry, void *user)
{
    (void)entry;
    (void)user;
    sink++;
}

static void touch_comm(void *entry, void *user)
{
    const CommEntry *c = entry;
    char buf[OTS_ADDR_STRLEN];
    (void)user;
    sink += strlen(netaddr_str(&c->src, buf));
    sink += strlen(netaddr_str(&c->dst, buf));
    sink += strlen(proto_name((ProtoId)c->proto));
}

static void touch_op(void *entry, void *user)
{
    const OpEntry *o = entry;
    (void)user;
    sink += o->name ? strlen(o->name) : 0;
    sink += strlen(o->detail);
    sink += strlen(opclass_name(o->cls));
}

static void touch_attr(void *entry, void *user)
{
    const AttrEntry *a = entry;
    (void)user;
    sink += strlen(a->value);
    sink += strlen(attr_name(a->key));
}

/* The packet, then each packet it tunnels, as ingest.c hands them on. */
static void analyze(Decoder *decoder, Dissector *dissector, Model *model, const Packet *pkt)
{
    Packet inner[2];
    for (int i = 0;; i ^= 1) {
        DissectCtx ctx;
        Verdict v;
        dissector_packet(dissector, pkt, &ctx, &v);
        model_packet(model, pkt, &v, ctx.facts, ctx.n_facts);
        if (pkt->tunnel == TUN_NONE || decoder_tunnel(decoder, pkt, &inner[i]) != SKIP_NONE)
            return;
        pkt = &inner[i];
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    int dlt = link_types[sel & SEL_LINKTYPE_MASK];
    int64_t step_ns = (sel & SEL_SLOW_CLOCK) ? (int64_t)100 * 1000000000 : 1000000;
    int64_t ts_ns = (int64_t)1700000000 * 1000000000;

    Model *model = model_new();
    Dissector *dissector = dissector_new(MAX_FLOWS, drain_flow, model);
    Decoder *decoder = decoder_new();
    size_t off = 1;
    for (uint64_t pkt_no = 1; pkt_no <= MAX_FRAMES && size - off >= 2; pkt_no++) {
        size_t wirelen = ((size_t)data[off] << 8) | data[off + 1];
        off += 2;
        size_t caplen = wirelen < size - off ? wirelen : size - off;
        uint8_t *frame = malloc(caplen ? caplen : 1);
        if (!frame)
            abort();
        memcpy(frame, data + off, caplen);
        off += caplen;

        Packet pkt;
        memset(&pkt, 0, sizeof pkt);
        pkt.pkt_no = pkt_no;
        pkt.ts_ns = ts_ns;
        pkt.caplen = (uint32_t)caplen;
        pkt.wirelen = (uint32_t)wirelen;
        Cursor bytes = cursor_make(frame, caplen, caplen < wirelen);
        if (decoder_frame(decoder, dlt, &bytes, &pkt) == SKIP_NONE)
            analyze(decoder, dissector, model, &pkt);
        if (sel & SEL_EXPIRE_EACH)
            dissector_expire(dissector, ts_ns, false);
        free(frame);
        ts_ns += step_ns;
    }
    dissector_expire(dissector, ts_ns, true);
    (void)dissector_stats(dissector);

    model_each_endpoint(model, false, touch_entry, NULL);
    model_each_comm(model, false, touch_comm, NULL);
    model_each_op(model, false, touch_op, NULL);
    model_each_attr(model, false, touch_attr, NULL);
    model_each_anom(model, false, touch_entry, NULL);
    model_each_bucket(model, true, touch_entry, NULL);
    model_mark_clean(model);

    decoder_free(decoder);
    dissector_free(dissector);
    model_free(model);
    return 0;
}
