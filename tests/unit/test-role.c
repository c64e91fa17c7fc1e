/*
 * test-role.c - role_infer() on behaviour summaries: each role, the order
 * between them (an engineering station that also polls is engineering; a
 * PLC that also serves HTTP is a PLC) and the Purdue levels.  TAP output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "otscope/role.h"

static int n_test;
static int n_fail;

static void use(RoleUse *list, size_t *n, const char *protocol, uint32_t peers)
{
    snprintf(list[*n].protocol, sizeof list[*n].protocol, "%s", protocol);
    list[*n].peers = peers;
    (*n)++;
}

static void clue(RoleClue *c, const char *role, const char *evidence)
{
    snprintf(c->role, sizeof c->role, "%s", role);
    snprintf(c->evidence, sizeof c->evidence, "%s", evidence);
}

static void expect(const AssetBehaviour *b, const char *role, int level, const char *what)
{
    RoleResult r;
    role_infer(b, &r);
    int ok = strcmp(r.role, role) == 0 && r.purdue_level == level && (level < 0 || r.evidence[0]);
    printf("%s %d - %s: %s/%d (%s)\n", ok ? "ok" : "not ok", ++n_test, what, r.role,
           r.purdue_level, r.evidence);
    n_fail += !ok;
}

int main(void)
{
    AssetBehaviour b;
    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "s7comm", 2);
    use(b.served, &b.n_served, "http", 1);
    expect(&b, "plc", 1, "serves S7 and a web UI");

    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "dnp3", 1);
    expect(&b, "rtu", 1, "DNP3 outstation");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "goose", 1);
    expect(&b, "ied", 1, "GOOSE publisher");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "modbus", 3);
    b.eng_ops = 2;
    snprintf(b.eng_example, sizeof b.eng_example, "s7comm PLC Stop to 10.0.0.1");
    expect(&b, "engineering-workstation", 2, "stops a PLC and polls others");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "modbus", 2);
    expect(&b, "hmi", 2, "polls two devices");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "enip", 12);
    b.ot_write_ops = 5;
    expect(&b, "scada", 2, "polls and writes twelve devices");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "modbus", 4);
    use(b.served, &b.n_served, "smb", 3);
    expect(&b, "historian", 3, "reads four devices, serves SMB");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "modbus", 1);
    use(b.served, &b.n_served, "http", 2);
    expect(&b, "historian", 3, "reads one device, serves a web UI");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "cclink-ie-fb", 2);
    expect(&b, "plc", 1, "CC-Link master");

    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "cclink-ie-fb", 1);
    expect(&b, "io-device", 0, "CC-Link slave");

    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "dns", 9);
    expect(&b, "server", 3, "DNS server");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "tls", 2);
    expect(&b, "it-workstation", 4, "TLS client only");

    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "tls", 1);
    b.is_public_ip = true;
    expect(&b, "server", 5, "internet server");

    memset(&b, 0, sizeof b);
    b.sends_lldp_cdp = true;
    expect(&b, "network-device", -1, "LLDP speaker");

    memset(&b, 0, sizeof b);
    b.sends_lldp_cdp = true;
    use(b.served, &b.n_served, "profinet-rt", 1);
    use(b.served, &b.n_served, "s7comm", 1);
    expect(&b, "plc", 1, "a PLC that speaks LLDP is a PLC");

    memset(&b, 0, sizeof b);
    expect(&b, "unknown", -1, "nothing seen");

    /* class clues: behind industrial evidence, ahead of IT behaviour */
    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "http", 3);
    use(b.served, &b.n_served, "snmp", 1);
    clue(&b.clue, "printer", "IPP print service: mdns service _ipp._tcp");
    expect(&b, "printer", 4, "serves HTTP and announces IPP: a printer, not a server");

    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "s7comm", 1);
    clue(&b.clue, "iot", "camera web server (Hikvision): http software Hikvision-Webs");
    expect(&b, "plc", 1, "serves S7: a PLC whatever its web server says");

    memset(&b, 0, sizeof b);
    use(b.used, &b.n_used, "modbus", 2);
    clue(&b.clue, "printer", "UPnP printer: ssdp device_type urn:...:Printer:1");
    expect(&b, "hmi", 2, "polls Modbus: an HMI whatever UPnP says");

    memset(&b, 0, sizeof b);
    use(b.served, &b.n_served, "smb", 4);
    clue(&b.weak_clue, "it-workstation", "DHCP client of a desktop OS: dhcp fingerprint ...");
    expect(&b, "server", 3, "serves SMB: a desktop DHCP client is still a server");

    memset(&b, 0, sizeof b);
    clue(&b.weak_clue, "it-workstation", "DHCP client of a desktop OS: dhcp fingerprint ...");
    expect(&b, "it-workstation", 4, "only a desktop DHCP client");

    memset(&b, 0, sizeof b);
    clue(&b.clue, "phone", "DHCP client of phones: dhcp fingerprint ...");
    clue(&b.weak_clue, "it-workstation", "DHCP client of a desktop OS: dhcp fingerprint ...");
    expect(&b, "phone", 4, "a phone clue beats a workstation one");

    memset(&b, 0, sizeof b);
    b.sends_lldp_cdp = true;
    clue(&b.clue, "hmi", "Siemens operator panel: lldp description Siemens, SIMATIC HMI, ...");
    expect(&b, "hmi", 2, "a panel with a built-in switch is the panel it says it is");

    memset(&b, 0, sizeof b);
    b.sends_lldp_cdp = true;
    use(b.used, &b.n_used, "s7comm", 2);
    expect(&b, "hmi", 2, "polls two PLCs and bridges its second port: an HMI");

    memset(&b, 0, sizeof b);
    b.sends_lldp_cdp = true;
    use(b.served, &b.n_served, "snmp", 1);
    use(b.served, &b.n_served, "http", 1);
    expect(&b, "network-device", -1, "a switch serving SNMP and a web UI stays a switch");

    memset(&b, 0, sizeof b);
    clue(&b.clue, "toaster", "not a role otscope knows");
    expect(&b, "unknown", -1, "a clue naming no known role is ignored");

    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
