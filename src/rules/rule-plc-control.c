/*
 * rule-plc-control.c - plc-stop, plc-run and device-restart: commands that
 * change a controller's operating state.
 *
 * Which function of which protocol does what is policy, so it lives here
 * and not in the dissectors: the table below maps (protocol, function
 * code, and a word of the function name or detail where one code covers
 * several commands) to the rule.  The query takes classes control and
 * other (a vendor's state change may be classed other where its dissector
 * cannot name it); the table decides.  One finding per requester, target and
 * protocol, with the commands counted.  A command every reply of which was
 * an error (the device refused it) is reported one severity lower.  Not
 * covered: vendor commands inside opaque payloads (S7comm-plus Invoke,
 * OPC UA Call), which name no state change the dissectors can see.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

typedef enum Action {
    ACT_STOP,
    ACT_RUN,
    ACT_RESTART,
} Action;

typedef struct ControlFn {
    ProtoId proto;
    uint32_t code;
    const char *word; /* must appear in the function name or detail; NULL: any */
    Action act;
} ControlFn;

static const ControlFn control_fns[] = {
    { PROTO_ID(s7comm), 0x29, NULL, ACT_STOP },         /* PLC Stop */
    { PROTO_ID(s7comm), 0x28, "P_PROGRAM", ACT_RUN },   /* PI-Service: start / warm restart */
    { PROTO_ID(modbus), 8, "Restart", ACT_RESTART },     /* FC8 sub 1 */
    { PROTO_ID(modbus), 8, "Listen Only", ACT_RESTART }, /* FC8 sub 4: silences the device */
    { PROTO_ID(modbus), 90, "STOP_PLC", ACT_STOP },      /* Schneider UMAS */
    { PROTO_ID(modbus), 90, "START_PLC", ACT_RUN },
    { PROTO_ID(dnp3), 13, NULL, ACT_RESTART }, /* cold restart */
    { PROTO_ID(dnp3), 14, NULL, ACT_RESTART }, /* warm restart */
    { PROTO_ID(dnp3), 15, NULL, ACT_RESTART }, /* initialize data */
    { PROTO_ID(dnp3), 16, NULL, ACT_RESTART }, /* initialize application */
    { PROTO_ID(dnp3), 17, NULL, ACT_RUN },     /* start application */
    { PROTO_ID(dnp3), 18, NULL, ACT_STOP },    /* stop application */
    { PROTO_ID(cip), 0x05, NULL, ACT_RESTART }, /* Reset */
    { PROTO_ID(cip), 0x06, NULL, ACT_RUN },     /* Start */
    { PROTO_ID(cip), 0x07, NULL, ACT_STOP },    /* Stop */
    { PROTO_ID(fins), 0x0401, NULL, ACT_RUN },
    { PROTO_ID(fins), 0x0402, NULL, ACT_STOP },
    { PROTO_ID(slmp), 0x1001, NULL, ACT_RUN },
    { PROTO_ID(slmp), 0x1002, NULL, ACT_STOP },
    { PROTO_ID(slmp), 0x1003, NULL, ACT_STOP }, /* remote PAUSE */
    { PROTO_ID(slmp), 0x1006, NULL, ACT_RESTART },
    { PROTO_ID(bacnet), 20, NULL, ACT_RESTART }, /* reinitializeDevice */
    { PROTO_ID(bacnet), 17, NULL, ACT_RESTART }, /* deviceCommunicationControl */
    { PROTO_ID(iec104), 105, NULL, ACT_RESTART }, /* C_RP_NA_1 reset process */
    { PROTO_ID(mms), 40, NULL, ACT_RUN },      /* start */
    { PROTO_ID(mms), 41, NULL, ACT_STOP },     /* stop */
    { PROTO_ID(mms), 42, NULL, ACT_RUN },      /* resume */
    { PROTO_ID(mms), 43, NULL, ACT_RESTART },  /* reset */
    { PROTO_ID(mms), 44, NULL, ACT_STOP },     /* kill */
    { PROTO_ID(hart_ip), 42, NULL, ACT_RESTART }, /* perform device reset */
    { PROTO_ID(srtp), 0x23, "data0=0x00", ACT_STOP }, /* Set PLC State: stop */
    { PROTO_ID(srtp), 0x23, "data0=0x01", ACT_RUN },  /* Set PLC State: run */
    { PROTO_ID(cclink_ie_fb), 0x1001, NULL, ACT_RUN },
    { PROTO_ID(cclink_ie_fb), 0x1002, NULL, ACT_STOP },
    { PROTO_ID(cclink_ie_fb), 0x1003, NULL, ACT_STOP }, /* remote pause */
    { PROTO_ID(cclink_ie_fb), 0x1006, NULL, ACT_RESTART },
    { PROTO_ID(codesys), 0x0210, NULL, ACT_RUN },     /* CmpApp start */
    { PROTO_ID(codesys), 0x0211, NULL, ACT_STOP },    /* CmpApp stop */
    { PROTO_ID(codesys), 0x0212, NULL, ACT_RESTART }, /* CmpApp reset */
};

static const ControlFn *find_fn(const char *protocol, uint32_t code, const char *function,
                                const char *detail)
{
    ProtoId id;
    if (!proto_from_name(protocol, &id))
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(control_fns); i++) {
        const ControlFn *c = &control_fns[i];
        if (c->proto != id || c->code != code)
            continue;
        if (!c->word || strstr(function, c->word) || strstr(detail, c->word))
            return c;
    }
    return NULL;
}

static void plc_control_run(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT src, dst, protocol, max(count, responses), first_ns,"
                                  " last_ns, first_pkt, last_pkt, function_code, function,"
                                  " detail, count, responses, errors FROM ops"
                                  " WHERE capture_id=?1 AND class IN ('control','other')"
                                  " ORDER BY first_pkt");
    GHashTable *accepted = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTable *refused = g_hash_table_new(g_direct_hash, g_direct_equal);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        uint32_t code = (uint32_t)rule_int(st, 8);
        const char *function = rule_text(st, 9);
        const char *detail = rule_text(st, 10);
        const ControlFn *fn = find_fn(hit.protocol, code, function, detail);
        if (!fn || (int)fn->act != ctx->rule->arg)
            continue;
        int64_t requests = rule_int(st, 11);
        int64_t responses = rule_int(st, 12);
        int64_t errors = rule_int(st, 13);
        Finding *f = rule_hitf(ctx, &hit, "%s>%s/%s", hit.src, hit.dst, hit.protocol);
        rule_title(f, function);
        rule_note(ctx, f, "%s %s x%" G_GINT64_FORMAT "%s%s%s from %s to %s", hit.protocol, function,
                  requests ? requests : responses, detail[0] ? " (" : "", detail,
                  detail[0] ? ")" : "", hit.src, hit.dst);
        if (responses > 0 && errors == responses) {
            rule_note(ctx, f, "every reply was an error: the device refused the command");
            if (!g_hash_table_contains(accepted, f))
                g_hash_table_add(refused, f);
        } else {
            if (responses > 0)
                rule_note(ctx, f, "accepted: %" G_GINT64_FORMAT " successful replies",
                          responses - errors);
            g_hash_table_add(accepted, f);
            g_hash_table_remove(refused, f);
        }
    }
    /* refused everywhere: an attempt, one severity lower */
    GHashTableIter it;
    gpointer f;
    g_hash_table_iter_init(&it, refused);
    while (g_hash_table_iter_next(&it, &f, NULL))
        rule_lower(f, ctx->meta->severity + 1 < SEV_COUNT ? ctx->meta->severity + 1 : SEV_INFO);
    g_hash_table_destroy(accepted);
    g_hash_table_destroy(refused);
}

const RuleDesc rule_plc_stop = { "plc-stop", plc_control_run, ACT_STOP };
const RuleDesc rule_plc_run = { "plc-run", plc_control_run, ACT_RUN };
const RuleDesc rule_device_restart = { "device-restart", plc_control_run, ACT_RESTART };
