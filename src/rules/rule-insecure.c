/*
 * rule-insecure.c - insecure-protocol: services whose protocol version or
 * mode offers no protection worth the name.
 *
 * Each check is one query over this capture's ops or comms, one finding
 * per client, server and weakness:
 *   SMBv1          an SMB1 command other than the opening negotiate, or an
 *                  SMB1 reply (a client that offers SMB1 dialects and is
 *                  answered in SMB2 is not counted)
 *   TLS <= 1.1     the ServerHello's negotiated version (SSL 3.0: high)
 *   SSHv1          a banner with protocol version 1.x (1.99: still accepts v1)
 *   OPC UA None    a secure channel with policy #None that carries more
 *                  than endpoint discovery
 *   VNC no auth    a server offering security type None
 *   SNMPv1/v2c     requests in versions without authentication (low)
 *   Telnet / FTP   the services themselves (FTP upgraded by AUTH TLS is not)
 * Operation rows keep the detail of their first PDU, so a client that
 * used both TLS 1.0 and 1.2 with one server is judged by the first.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

enum {
    SMB1_NEGOTIATE = 0x72,
    TLS_SERVER_HELLO = 2,
    UA_OPEN_CHANNEL = 446,
    FTP_AUTH = 6, /* index + 1 in proto-ftp.c's command table */
};

/* The columns every check selects first (rule_hit_columns order). */
#define HIT_COLUMNS                                                                                \
    "src, dst, protocol, max(count, responses), first_ns, last_ns, first_pkt, last_pkt"

static void report(RuleCtx *ctx, const Hit *hit, const char *what, Severity sev, const char *note,
                   const char *detail)
{
    Finding *f = rule_hitf(ctx, hit, "%s>%s/%s", hit->src, hit->dst, what);
    rule_title(f, what);
    f->severity = sev;
    if (detail && detail[0])
        rule_note(ctx, f, "%s (%s)", note, detail);
    else
        rule_note(ctx, f, "%s", note);
}

/* Each check below selects HIT_COLUMNS, then the detail, of one protocol's
 * ops (rule_query_proto() binds ?2 to its name). */
static void smb1(RuleCtx *ctx)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT " HIT_COLUMNS ", detail FROM ops WHERE capture_id=?1"
                         " AND protocol=?2 AND detail LIKE 'smb1%'"
                         " AND (responses>0 OR function_code<>114)",
                         PROTO_ID(smb));
    G_STATIC_ASSERT(SMB1_NEGOTIATE == 114);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        report(ctx, &hit, "SMBv1", SEV_HIGH,
               "SMB version 1 in use: no pre-authentication integrity, the EternalBlue family",
               NULL);
    }
}

static void tls_old(RuleCtx *ctx)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT " HIT_COLUMNS ", detail FROM ops WHERE capture_id=?1"
                         " AND protocol=?2 AND function_code=2"
                         " AND (detail LIKE 'version=SSL%' OR detail LIKE 'version=TLS1.0%'"
                         "  OR detail LIKE 'version=TLS1.1%')",
                         PROTO_ID(tls));
    G_STATIC_ASSERT(TLS_SERVER_HELLO == 2);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *detail = rule_text(st, 8);
        bool is_ssl = strstr(detail, "SSL") != NULL;
        report(ctx, &hit, is_ssl ? "SSL 3.0" : "TLS 1.0/1.1", is_ssl ? SEV_HIGH : SEV_MEDIUM,
               "server negotiated a deprecated TLS version", detail);
    }
}

static void ssh1(RuleCtx *ctx)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT " HIT_COLUMNS ", detail FROM ops WHERE capture_id=?1"
                         " AND protocol=?2 AND detail LIKE 'version=1.%'",
                         PROTO_ID(ssh));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *detail = rule_text(st, 8);
        bool is_compat = strstr(detail, "1.99") != NULL;
        report(ctx, &hit, "SSHv1", is_compat ? SEV_LOW : SEV_HIGH,
               is_compat ? "server still accepts SSH protocol 1 (1.99)" : "SSH protocol 1 in use",
               detail);
    }
}

static void opcua_none(RuleCtx *ctx)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT " HIT_COLUMNS ", detail FROM ops o WHERE capture_id=?1"
                         " AND protocol=?2 AND function_code=446 AND detail LIKE '%#None'"
                         " AND EXISTS (SELECT 1 FROM ops x WHERE x.capture_id=?1"
                         "  AND x.protocol=?2 AND x.src=o.src AND x.dst=o.dst"
                         "  AND (x.class IN ('read','write','control','program','config')"
                         "   OR x.function IN ('CreateSession','ActivateSession')))",
                         PROTO_ID(opcua));
    G_STATIC_ASSERT(UA_OPEN_CHANNEL == 446);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        report(ctx, &hit, "OPC UA security mode None", SEV_MEDIUM,
               "session traffic on a secure channel without signing or encryption",
               rule_text(st, 8));
    }
}

static void vnc_none(RuleCtx *ctx)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT " HIT_COLUMNS ", detail FROM ops WHERE capture_id=?1"
                         " AND protocol=?2 AND detail LIKE 'security=none%'",
                         PROTO_ID(vnc));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        report(ctx, &hit, "VNC without authentication", SEV_HIGH,
               "VNC server lets clients in without a password", rule_text(st, 8));
    }
}

static void snmp_v12(RuleCtx *ctx)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT " HIT_COLUMNS ", detail FROM ops WHERE capture_id=?1"
                         " AND protocol=?2 AND count>0"
                         " AND (detail LIKE 'v1%' OR detail LIKE 'v2c%')",
                         PROTO_ID(snmp));
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *detail = rule_text(st, 8);
        report(ctx, &hit, g_str_has_prefix(detail, "v1") ? "SNMPv1" : "SNMPv2c", SEV_LOW,
               "SNMP without authentication or encryption: the community string is the password",
               NULL);
    }
}

static void service(RuleCtx *ctx, ProtoId proto, const char *what, Severity sev, const char *note)
{
    sqlite3_stmt *st =
        rule_query_proto(ctx,
                         "SELECT src, dst, protocol, 1, first_ns, last_ns, first_pkt,"
                         " last_pkt FROM comms c WHERE capture_id=?1 AND protocol=?2"
                         " AND NOT EXISTS (SELECT 1 FROM ops o WHERE o.capture_id=?1"
                         "  AND o.protocol=?2 AND o.src=c.src AND o.dst=c.dst"
                         "  AND o.function_code=?3 AND o.responses>o.errors)",
                         proto);
    if (st) /* FTP's AUTH (TLS accepted); a code no Telnet op has */
        sqlite3_bind_int(st, 3, proto == PROTO_ID(ftp) ? FTP_AUTH : -1);
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        report(ctx, &hit, what, sev, note, NULL);
    }
}

static void insecure_run(RuleCtx *ctx)
{
    smb1(ctx);
    tls_old(ctx);
    ssh1(ctx);
    opcua_none(ctx);
    vnc_none(ctx);
    snmp_v12(ctx);
    service(ctx, PROTO_ID(telnet), "Telnet", SEV_MEDIUM,
            "remote shell without encryption: logins and commands in clear");
    service(ctx, PROTO_ID(ftp), "FTP", SEV_LOW,
            "file transfer without encryption: logins and files in clear");
}

const RuleDesc rule_insecure_protocol = {"insecure-protocol", insecure_run, 0};
