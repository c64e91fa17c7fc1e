/*
 * rule-ot-write.c - ot-write: writes to process values and operate
 * commands over industrial protocols.
 *
 * Counted: operations of class "write" in an industrial protocol (Modbus
 * 5/6/15/16/22/23, S7 Write Var and forces, CIP set attribute and write
 * tag, BACnet writeProperty, IEC-104 set points, MMS write, OPC UA Write,
 * ...) and the command functions the dissectors class as "control"
 * because they operate outputs: DNP3 select/operate/direct operate and
 * IEC-104 single, double and regulating-step commands.  One finding per
 * writer, device and protocol.  Severity depends on the writer: one that
 * polls the device across most of the capture (or did so in another
 * capture in this DB), writes to it all along, or keeps a session with it
 * open across a long capture (an IEC-104 or DNP3 master), is its
 * controller, and its writes are routine (low); anyone else writing is what an attacker
 * or a misconfigured tool looks like (the rule's severity), unless the
 * capture is too short to tell (medium).  Cyclic I/O protocols (EtherCAT,
 * PROFINET RT, GOOSE, SV) write outputs in every frame and are left out.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    WRITES_CYCLIC_MIN = 10, /* writes across half the capture: a controller's own loop */
    JUDGE_MIN_S = 300,      /* shorter captures cannot show who polls regularly */
    SESSION_MIN_PACKETS = 20,
};

static const int64_t ns_per_s = 1000000000;

/* Control-class functions that operate outputs (the others are restarts
 * and start/stop, for rule-plc-control.c). */
static const struct {
    ProtoId proto;
    uint32_t code;
} operate_fns[] = {
    { PROTO_ID(dnp3), 3 },    { PROTO_ID(dnp3), 4 },    { PROTO_ID(dnp3), 5 },
    { PROTO_ID(dnp3), 6 },    { PROTO_ID(iec104), 45 }, { PROTO_ID(iec104), 46 },
    { PROTO_ID(iec104), 47 }, { PROTO_ID(iec104), 58 }, { PROTO_ID(iec104), 59 },
    { PROTO_ID(iec104), 60 },
};

/* Cyclic I/O: every frame "writes" outputs; that is the protocol working. */
static const ProtoId cyclic_protocols[] = {
    PROTO_ID(ethercat), PROTO_ID(profinet_rt), PROTO_ID(goose), PROTO_ID(sv),
};

static bool is_cyclic(const char *protocol)
{
    ProtoId id;
    if (!proto_from_name(protocol, &id))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(cyclic_protocols); i++)
        if (cyclic_protocols[i] == id)
            return true;
    return false;
}

static bool is_operate(const char *protocol, uint32_t code)
{
    ProtoId id;
    if (!proto_from_name(protocol, &id))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(operate_fns); i++)
        if (operate_fns[i].proto == id && operate_fns[i].code == code)
            return true;
    return false;
}

/* The writer keeps a conversation with the device open across most of a
 * long, continuous capture (an IEC-104 or DNP3 master's session, an HMI's
 * polling connection): it is the device's controlling station. */
static bool holds_session(RuleCtx *ctx, const char *src, const char *dst, int64_t span)
{
    if (span < JUDGE_MIN_S * ns_per_s || !ctx->is_continuous)
        return false;
    sqlite3_stmt *st = rule_query(ctx, "SELECT min(first_ns), max(last_ns), sum(packets)"
                                       " FROM comms WHERE capture_id=?1 AND src=?2 AND dst=?3");
    if (!st)
        return false;
    sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dst, -1, SQLITE_STATIC);
    bool holds = false;
    if (rule_step(ctx, st)) {
        holds = rule_int(st, 2) >= SESSION_MIN_PACKETS &&
                (rule_int(st, 1) - rule_int(st, 0)) * 2 >= span;
        sqlite3_finalize(st);
    }
    return holds;
}

static void ot_write_run(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT src, dst, protocol, max(count, responses), first_ns,"
                                  " last_ns, first_pkt, last_pkt, function_code, function,"
                                  " class, detail, errors FROM ops"
                                  " WHERE capture_id=?1 AND class IN ('write','control')"
                                  " ORDER BY first_pkt");
    GPtrArray *judge = g_ptr_array_new(); /* findings in first-seen order */
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        uint32_t code = (uint32_t)rule_int(st, 8);
        const char *function = rule_text(st, 9);
        bool is_write = strcmp(rule_text(st, 10), "write") == 0;
        const char *detail = rule_text(st, 11);
        int64_t errors = rule_int(st, 12);
        if (!rule_is_ot_protocol(hit.protocol) || is_cyclic(hit.protocol) ||
            (!is_write && !is_operate(hit.protocol, code)))
            continue;
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_note(ctx, f, "%s %s x%" G_GUINT64_FORMAT "%s%s%s%s", hit.protocol, function,
                  hit.count, detail[0] ? " (first: " : "", detail, detail[0] ? ")" : "",
                  errors ? ", some refused" : "");
        if (!g_ptr_array_find(judge, f, NULL))
            g_ptr_array_add(judge, f);
    }
    int64_t span = ctx->cap_last_ns - ctx->cap_first_ns;
    for (guint i = 0; ctx->ok && i < judge->len; i++) {
        Finding *f = g_ptr_array_index(judge, i);
        bool is_cyclic_writer = f->count >= WRITES_CYCLIC_MIN &&
                                (f->last_ns - f->first_ns) * 2 >= span;
        bool is_session = !is_cyclic_writer && holds_session(ctx, f->src, f->dst, span);
        if (is_cyclic_writer || is_session || rule_is_regular_master(ctx, f->src, f->dst)) {
            rule_lower(f, SEV_LOW);
            rule_title(f, "by its regular controller");
            rule_note(ctx, f, "%s %s %s throughout the capture: routine control", f->src,
                      is_cyclic_writer ? "writes to" : (is_session ? "keeps a session with" : "polls"),
                      f->dst);
        } else if (span < JUDGE_MIN_S * ns_per_s || !ctx->is_continuous) {
            rule_lower(f, SEV_MEDIUM);
            rule_title(f, "writer not known as a controller");
            rule_note(ctx, f, "the capture is too short or broken up to tell whether %s"
                      " controls %s regularly", f->src, f->dst);
        } else {
            rule_title(f, "from a host that does not normally control the device");
            rule_note(ctx, f, "%s is not a regular controller of %s", f->src, f->dst);
        }
    }
    g_ptr_array_unref(judge);
}

const RuleDesc rule_ot_write = { "ot-write", ot_write_run, 0 };
