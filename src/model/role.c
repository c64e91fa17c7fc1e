/*
 * role.c - role and Purdue level from an asset's behaviour summary.
 *
 * Order matters, first match wins:
 *   network-device   forwards for many IPs
 *   engineering-workstation  sent program/control/config operations to
 *                    controllers as their client (downloads, stops, PI
 *                    services, DCP set, UMAS reserve ...)
 *   rtu / ied / plc  serves a telecontrol protocol (DNP3, IEC-104), an IEC
 *                    61850 one (MMS server, GOOSE/SV publisher), or a
 *                    controller protocol (Modbus, S7, EtherNet/IP, SLMP, ...);
 *                    a cyclic field-bus master (CC-Link IE Field Basic) is a
 *                    plc, its slaves io-device (level 0)
 *   historian        reads from OT devices, never writes, and serves IT
 *                    protocols (the OT/IT bridge)
 *   scada / hmi      polls OT devices (10+ devices: scada)
 *   printer / iot / phone / network-device / server
 *                    what the device says it is: a class clue (an mDNS
 *                    print service, a UPnP camera, a printer's web server,
 *                    a DHCP client of phones); behind all the industrial
 *                    evidence, which is stronger, and ahead of the IT
 *                    behaviour below, which a printer shares with a server;
 *                    an LLDP description names panels and controllers
 *                    (plc, hmi) that do not show it in traffic
 *   network-device   advertises itself as a bridge or router by LLDP/CDP or
 *                    sends spanning-tree BPDUs (only bridges do) while
 *                    serving no industrial protocol; a station-only LLDP
 *                    speaker (a PC with a PROFINET driver) is not one
 *   server           serves DHCP, DNS, NTP, syslog or another IT service
 *   it-workstation   an IT client only (DNS, HTTP/TLS, SMB ...), or, with
 *                    no traffic that says more, a desktop OS's DHCP client
 * Purdue levels: 0 field I/O, 1 field controllers, 2 supervisory (HMI, SCADA,
 * engineering), 3 site operations (historian, site servers), 4 business IT,
 * 5 the internet (public addresses); network devices get none.
 */
#include "config.h"

#include "otscope/role.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

enum { SCADA_MIN_DEVICES = 10 };

static const char *const ot_protocols[] = {
    "modbus", "s7comm", "s7comm-plus", "cotp", "enip", "cip", "dnp3", "iec104", "mms", "goose",
    "sv", "bacnet", "opcua", "profinet-dcp", "profinet-rt", "slmp", "fins", "hart-ip", "ethercat",
    "srtp", "codesys", "codesys-v2", "cclink-ie-fb",
};
/* Served by a controller of the plant floor. */
static const char *const plc_protocols[] = {
    "modbus", "s7comm", "s7comm-plus", "enip", "cip", "slmp", "fins", "hart-ip", "bacnet",
    "srtp", "codesys", "codesys-v2",
};
static const char *const rtu_protocols[] = { "dnp3", "iec104" };
/* Cyclic field buses: the master is a controller, the slaves are I/O. */
static const char *const fieldbus_protocols[] = { "cclink-ie-fb" };
static const char *const ied_served[] = { "mms" };
static const char *const ied_published[] = { "goose", "sv" };
static const char *const it_services[] = { "http", "tls", "smb", "ssh", "telnet", "ftp",
                                           "rdp", "vnc", "snmp", "opcua" };
static const char *const server_services[] = { "dhcp", "dns", "ntp", "syslog", "http", "tls",
                                               "smb", "ssh", "telnet", "ftp", "rdp", "vnc",
                                               "snmp", "opcua" };

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, list[i]) == 0)
            return true;
    }
    return false;
}

#define IN(name, list) in_list(name, list, G_N_ELEMENTS(list))

bool role_is_ot_protocol(const char *protocol)
{
    return IN(protocol, ot_protocols);
}

/* "p1 (n), p2 (m)" of the uses that are in list (all when list is NULL). */
static void list_uses(const RoleUse *uses, size_t n, const char *const *list, size_t n_list,
                      char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len < outsz; i++) {
        if (list && !in_list(uses[i].protocol, list, n_list))
            continue;
        int w = g_snprintf(out + len, outsz - len, "%s%s (%u)", len ? ", " : "", uses[i].protocol,
                         uses[i].peers);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Peers summed over the uses that are in list. */
static uint32_t count_peers(const RoleUse *uses, size_t n, const char *const *list, size_t n_list)
{
    uint32_t peers = 0;
    for (size_t i = 0; i < n; i++) {
        if (in_list(uses[i].protocol, list, n_list))
            peers += uses[i].peers;
    }
    return peers;
}

#define PEERS(uses, n, list) count_peers(uses, n, list, G_N_ELEMENTS(list))

static void set(RoleResult *out, const char *role, int level)
{
    out->role = role;
    out->purdue_level = level;
}

static bool infer_device(const AssetBehaviour *b, RoleResult *out)
{
    char what[ROLE_EVIDENCE_MAX - 32];
    if (PEERS(b->served, b->n_served, rtu_protocols)) {
        list_uses(b->served, b->n_served, rtu_protocols, G_N_ELEMENTS(rtu_protocols), what,
                  sizeof what);
        set(out, "rtu", 1);
        g_snprintf(out->evidence, sizeof out->evidence, "serves telecontrol: %s clients", what);
        return true;
    }
    bool serves_mms = PEERS(b->served, b->n_served, ied_served) > 0;
    bool publishes = PEERS(b->used, b->n_used, ied_published) > 0;
    if (serves_mms || publishes) {
        list_uses(serves_mms ? b->served : b->used, serves_mms ? b->n_served : b->n_used,
                  serves_mms ? ied_served : ied_published,
                  serves_mms ? G_N_ELEMENTS(ied_served) : G_N_ELEMENTS(ied_published), what,
                  sizeof what);
        set(out, "ied", 1);
        g_snprintf(out->evidence, sizeof out->evidence, "%s IEC 61850: %s",
                 serves_mms ? "serves" : "publishes", what);
        return true;
    }
    if (PEERS(b->used, b->n_used, fieldbus_protocols)) {
        list_uses(b->used, b->n_used, fieldbus_protocols, G_N_ELEMENTS(fieldbus_protocols), what,
                  sizeof what);
        set(out, "plc", 1);
        g_snprintf(out->evidence, sizeof out->evidence, "field-bus master: %s slaves", what);
        return true;
    }
    if (PEERS(b->served, b->n_served, fieldbus_protocols)) {
        list_uses(b->served, b->n_served, fieldbus_protocols, G_N_ELEMENTS(fieldbus_protocols),
                  what, sizeof what);
        set(out, "io-device", 0);
        g_snprintf(out->evidence, sizeof out->evidence, "field-bus slave of %s masters", what);
        return true;
    }
    if (PEERS(b->served, b->n_served, plc_protocols)) {
        list_uses(b->served, b->n_served, plc_protocols, G_N_ELEMENTS(plc_protocols), what,
                  sizeof what);
        set(out, "plc", 1);
        g_snprintf(out->evidence, sizeof out->evidence, "serves controller protocols: %s clients",
                 what);
        return true;
    }
    return false;
}

static bool infer_ot_client(const AssetBehaviour *b, RoleResult *out)
{
    char what[ROLE_EVIDENCE_MAX - 48];
    uint32_t devices = PEERS(b->used, b->n_used, ot_protocols);
    if (devices == 0)
        return false;
    list_uses(b->used, b->n_used, ot_protocols, G_N_ELEMENTS(ot_protocols), what, sizeof what);
    uint32_t it_served = PEERS(b->served, b->n_served, it_services);
    if (b->ot_write_ops == 0 && it_served > 0) {
        set(out, "historian", 3);
        g_snprintf(out->evidence, sizeof out->evidence,
                 "reads from %u OT devices (%s) without writing, and serves IT clients", devices,
                 what);
        return true;
    }
    bool is_scada = devices >= SCADA_MIN_DEVICES;
    set(out, is_scada ? "scada" : "hmi", 2);
    g_snprintf(out->evidence, sizeof out->evidence, "polls %u OT device%s: %s servers", devices,
             devices == 1 ? "" : "s", what);
    return true;
}

/* Levels of the roles a class clue names (none: network devices). */
static const struct {
    const char *role;
    int level;
} clue_levels[] = {
    { "printer", 4 }, { "iot", 4 },            { "phone", 4 },          { "server", 3 },
    { "it-workstation", 4 }, { "network-device", -1 }, { "plc", 1 }, { "hmi", 2 },
};

/* The role string comes from this table, not from the clue: RoleResult's
 * role is static, the clue's text lives only as long as the summary (and
 * a catalogue line naming a role otscope does not know is ignored). */
static bool infer_clue(const RoleClue *clue, RoleResult *out)
{
    for (size_t i = 0; clue->role[0] && i < G_N_ELEMENTS(clue_levels); i++) {
        if (strcmp(clue->role, clue_levels[i].role) == 0) {
            set(out, clue_levels[i].role, clue_levels[i].level);
            g_snprintf(out->evidence, sizeof out->evidence, "%s", clue->evidence);
            return true;
        }
    }
    return false;
}

/* A bridge or router by its own LLDP/CDP advertisement or its BPDUs.
 * Behind what a device does and says: a PROFINET HMI or PLC with a
 * built-in switch advertises the bridge capability too. */
static bool infer_bridge(const AssetBehaviour *b, RoleResult *out)
{
    if (!b->sends_lldp_cdp || PEERS(b->served, b->n_served, ot_protocols) > 0)
        return false;
    set(out, "network-device", -1);
    g_snprintf(out->evidence, sizeof out->evidence, "advertises itself by LLDP/CDP/STP");
    return true;
}

static bool infer_it(const AssetBehaviour *b, RoleResult *out)
{
    char what[ROLE_EVIDENCE_MAX - 32];
    if (PEERS(b->served, b->n_served, server_services)) {
        list_uses(b->served, b->n_served, server_services, G_N_ELEMENTS(server_services), what,
                  sizeof what);
        set(out, "server", 3);
        g_snprintf(out->evidence, sizeof out->evidence, "serves %s clients", what);
        return true;
    }
    if (b->n_used > 0) {
        list_uses(b->used, b->n_used, NULL, 0, what, sizeof what);
        set(out, "it-workstation", 4);
        g_snprintf(out->evidence, sizeof out->evidence, "IT client only: %s servers", what);
        return true;
    }
    return false;
}

void role_infer(const AssetBehaviour *b, RoleResult *out)
{
    memset(out, 0, sizeof *out);
    set(out, "unknown", -1);
    if (b->is_router) {
        set(out, "network-device", -1);
        g_snprintf(out->evidence, sizeof out->evidence,
                   "forwards traffic for addresses it does not own");
        return;
    }
    if (b->eng_ops > 0) {
        set(out, "engineering-workstation", 2);
        g_snprintf(out->evidence, sizeof out->evidence,
                 "sent %" G_GUINT64_FORMAT " program/control/config operation%s to controllers, "
                 "e.g. %s",
                 b->eng_ops, b->eng_ops == 1 ? "" : "s", b->eng_example);
        return;
    }
    bool found = infer_device(b, out) || infer_ot_client(b, out) || infer_clue(&b->clue, out) ||
                 infer_bridge(b, out) || infer_it(b, out) || infer_clue(&b->weak_clue, out);
    if (b->is_public_ip) {
        /* Whatever it does, it does from the internet. */
        out->purdue_level = 5;
        if (!found)
            g_snprintf(out->evidence, sizeof out->evidence, "a public address (outside the plant)");
    }
}
