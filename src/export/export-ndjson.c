/*
 * export-ndjson.c - `otscope export --format ndjson`: the DB as one JSON
 * document per line in Elastic Common Schema form, for OpenSearch or
 * Elasticsearch (Malcolm, Security Onion) when a site outgrows a laptop.
 *
 * Datasets (event.dataset): otscope.captures, otscope.assets,
 * otscope.comms, otscope.ops, otscope.findings, otscope.protocols.  ECS
 * fields carry what ECS defines (source/destination, network, host,
 * device, rule, threat, file); everything else sits under otscope.*, and
 * every line has ecs.version, observer.* and labels.site, so lines from
 * many sites can share one index.  tests/export/ecs-fields.tsv lists the
 * ECS fields used here with their types; the test checks every line
 * against it.
 *
 * network.community_id needs the flow's full tuple.  A conversation row is
 * "client -> server:port" summed over flows whose client ports the store
 * does not keep, so TCP/UDP conversations carry none; it is given where
 * the tuple is complete: IP protocols without ports, and ICMP echo-style
 * operations (the type fixes the port pair).
 */
#include "config.h"

#include "export.h"

#include <string.h>

#include <glib.h>

#include "community-id.h"
#include "json.h"
#include "otscope/packet.h"

#define ECS_VERSION "8.11.0"
#define ATTACK_URL "https://attack.mitre.org/techniques/"

typedef struct NdCtx {
    const ExportOptions *o;
    Store *s;
    FILE *fp;
    JsonDoc *doc;
    GString *line;
    const char *observer;
    char *fallback_time;      /* @timestamp for rows without a time: the first capture */
    GHashTable *ip_mac;       /* ip -> mac (as output), from MAC-keyed assets */
    const ColumnDesc *cols;
    int n_cols;
    const char *dataset;
    void (*fill)(struct NdCtx *c, const char *const *v);
    const char *const *raw; /* the row as read */
    bool ok;
} NdCtx;

/* The value of a named column of the current row, anonymized as output. */
static const char *col(NdCtx *c, const char *name)
{
    for (int i = 0; i < c->n_cols; i++) {
        if (strcmp(c->cols[i].name, name) == 0)
            return export_cell(c->o->anon, c->cols, c->n_cols, c->raw, i);
    }
    ots_die(__FILE__, __LINE__, "no column %s in %s", name, c->dataset);
}

static void set_common(NdCtx *c, const char *kind, const char *category, const char *type)
{
    json_set_str(c->doc, "ecs.version", ECS_VERSION);
    json_set_str(c->doc, "event.kind", kind);
    json_add_str(c->doc, "event.category", category);
    json_add_str(c->doc, "event.type", type);
    json_set_str(c->doc, "event.module", "otscope");
    json_set_str(c->doc, "event.dataset", c->dataset);
    json_set_str(c->doc, "observer.product", "otscope");
    json_set_str(c->doc, "observer.vendor", "otscope");
    json_set_str(c->doc, "observer.type", "sensor");
    json_set_str(c->doc, "observer.version", OTS_VERSION);
    json_set_str(c->doc, "observer.hostname", c->observer);
    json_set_str(c->doc, "labels.site", c->o->site);
}

static void set_times(NdCtx *c, const char *first, const char *last)
{
    const char *ts = first && first[0] ? first : (last && last[0] ? last : c->fallback_time);
    json_set_str(c->doc, "@timestamp", ts);
    json_set_str(c->doc, "event.start", first);
    json_set_str(c->doc, "event.end", last);
    if (first && last && first[0] && last[0]) {
        GDateTime *a = g_date_time_new_from_iso8601(first, NULL);
        GDateTime *b = g_date_time_new_from_iso8601(last, NULL);
        if (a && b)
            json_set_int(c->doc, "event.duration", g_date_time_difference(b, a) * 1000);
        if (a)
            g_date_time_unref(a);
        if (b)
            g_date_time_unref(b);
    }
}

static bool is_ip_text(const char *s, IpAddr *ip)
{
    return s && s[0] && (strchr(s, '.') || strchr(s, ':')) && strlen(s) != 17 &&
           ipaddr_parse(s, ip);
}

/* source.* or destination.*: ip (and the MAC of its asset when known) or mac. */
static void set_endpoint(NdCtx *c, const char *side, const char *addr)
{
    if (!addr || !addr[0])
        return;
    char path[32];
    char mac[18];
    IpAddr ip;
    if (is_ip_text(addr, &ip)) {
        g_snprintf(path, sizeof path, "%s.ip", side);
        json_set_str(c->doc, path, addr);
        json_add_str(c->doc, "related.ip", addr);
        const char *m = g_hash_table_lookup(c->ip_mac, addr);
        if (m) {
            g_snprintf(path, sizeof path, "%s.mac", side);
            json_set_str(c->doc, path, export_mac_ecs(m, mac));
        }
    } else {
        g_snprintf(path, sizeof path, "%s.mac", side);
        json_set_str(c->doc, path, export_mac_ecs(addr, mac));
    }
}

static bool is_transport(const char *name, Transport tp)
{
    return name && strcmp(name, transport_name(tp)) == 0;
}

static int iana_of(const char *transport)
{
    static const struct {
        Transport tp;
        int iana;
    } map[] = { { TP_TCP, IANA_TCP }, { TP_UDP, IANA_UDP }, { TP_ICMP, IANA_ICMP },
                { TP_ICMPV6, IANA_ICMPV6 } };
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        if (is_transport(transport, map[i].tp))
            return map[i].iana;
    }
    return -1;
}

static void set_network_type(NdCtx *c, const char *src)
{
    IpAddr ip;
    if (is_ip_text(src, &ip))
        json_set_str(c->doc, "network.type", ipaddr_is_v4(&ip) ? "ipv4" : "ipv6");
}

static void set_community_id(NdCtx *c, const char *src, const char *dst, uint8_t proto,
                             bool has_ports, uint16_t sport, uint16_t dport, bool one_way)
{
    IpAddr a;
    IpAddr b;
    char id[COMMUNITY_ID_STRLEN];
    if (is_ip_text(src, &a) && is_ip_text(dst, &b) &&
        community_id_v1(&a, &b, proto, has_ports, sport, dport, one_way, 0, id))
        json_set_str(c->doc, "network.community_id", id);
}

/* ---- one builder per dataset ------------------------------------------------------ */

static void fill_capture(NdCtx *c, const char *const *v)
{
    (void)v;
    set_common(c, "event", "file", "info");
    set_times(c, col(c, "first_seen"), col(c, "last_seen"));
    const char *path = col(c, "path");
    json_set_str(c->doc, "file.path", path);
    if (path) {
        char *base = g_path_get_basename(path);
        json_set_str(c->doc, "file.name", base);
        g_free(base);
    }
    json_set_str(c->doc, "file.hash.sha256", col(c, "sha256"));
    json_set_int_text(c->doc, "otscope.capture.id", col(c, "capture_id"));
    json_set_str(c->doc, "otscope.capture.status", col(c, "status"));
    json_set_str(c->doc, "otscope.capture.linktype", col(c, "linktype"));
    json_set_int_text(c->doc, "otscope.capture.packets", col(c, "packets"));
    json_set_int_text(c->doc, "otscope.capture.bytes", col(c, "bytes"));
    json_set_str(c->doc, "otscope.capture.skipped", col(c, "skipped"));
    json_set_str(c->doc, "otscope.capture.error", col(c, "error"));
}

static const char *first_item(const char *list, char **owned)
{
    *owned = NULL;
    if (!list || !list[0])
        return NULL;
    const char *semi = strchr(list, ';');
    if (!semi)
        return list;
    *owned = g_strndup(list, (gsize)(semi - list));
    return *owned;
}

static void fill_asset(NdCtx *c, const char *const *v)
{
    (void)v;
    set_common(c, "state", "host", "info");
    set_times(c, col(c, "first_seen"), col(c, "last_seen"));
    const char *ips = col(c, "ips");
    const char *mac = col(c, "mac");
    const char *names = col(c, "hostnames");
    char macbuf[18];
    char *owned_name;
    char *owned_ip;
    char *owned_vlan;
    const char *name = first_item(names, &owned_name);
    const char *ip = first_item(ips, &owned_ip);
    const char *first_vlan = first_item(col(c, "vlan"), &owned_vlan);
    json_set_str(c->doc, "host.name", name ? name : (ip ? ip : mac));
    json_set_str(c->doc, "host.hostname", name);
    json_set_str_list(c->doc, "host.ip", ips, ';');
    if (mac && mac[0])
        json_add_str(c->doc, "host.mac", export_mac_ecs(mac, macbuf));
    json_set_str(c->doc, "host.type", col(c, "role"));
    json_set_str(c->doc, "host.os.full", col(c, "os"));
    json_set_int_text(c->doc, "host.risk.calculated_score", col(c, "risk_score"));
    json_set_str(c->doc, "device.manufacturer", col(c, "vendor"));
    json_set_str(c->doc, "device.model.name", col(c, "model"));
    json_set_str_list(c->doc, "related.ip", ips, ';');
    json_set_str_list(c->doc, "related.hosts", names, ';');
    json_set_int_text(c->doc, "otscope.asset.id", col(c, "asset_id"));
    json_set_str(c->doc, "otscope.asset.kind", col(c, "kind"));
    json_set_str(c->doc, "otscope.asset.role", col(c, "role"));
    json_set_str(c->doc, "otscope.asset.role_evidence", col(c, "role_evidence"));
    json_set_int_text(c->doc, "otscope.asset.purdue_level", col(c, "purdue_level"));
    json_set_str(c->doc, "otscope.asset.vendor", col(c, "vendor"));
    json_set_str_list(c->doc, "otscope.asset.hostnames", names, ';');
    json_set_str_list(c->doc, "otscope.asset.os", col(c, "os"), ';');
    json_set_str_list(c->doc, "otscope.asset.model", col(c, "model"), ';');
    json_set_str_list(c->doc, "otscope.asset.firmware", col(c, "firmware"), ';');
    json_set_str_list(c->doc, "otscope.asset.protocols", col(c, "protocols"), ';');
    json_set_int_text(c->doc, "otscope.asset.packets", col(c, "packets"));
    json_set_int_text(c->doc, "otscope.asset.bytes", col(c, "bytes"));
    json_set_int_text(c->doc, "otscope.asset.risk_score", col(c, "risk_score"));
    /* vlan is the ;-list of every VLAN the device was seen on: the first
     * stays a number for older readers, the whole list is vlans */
    json_set_int_text(c->doc, "otscope.asset.vlan", first_vlan);
    json_set_str_list(c->doc, "otscope.asset.vlans", col(c, "vlan"), ';');
    g_free(owned_vlan);
    g_free(owned_name);
    g_free(owned_ip);
}

static void fill_comm(NdCtx *c, const char *const *v)
{
    (void)v;
    const char *protocol = col(c, "protocol");
    const char *transport = col(c, "transport");
    const char *src = col(c, "src");
    const char *dst = col(c, "dst");
    bool known = protocol && strcmp(protocol, "unknown") != 0;
    set_common(c, "event", "network", "connection");
    if (known)
        json_add_str(c->doc, "event.type", "protocol");
    set_times(c, col(c, "first_seen"), col(c, "last_seen"));
    set_endpoint(c, "source", src);
    set_endpoint(c, "destination", dst);
    int iana = iana_of(transport);
    int64_t port = g_ascii_strtoll(col(c, "port"), NULL, 10);
    if (iana == IANA_TCP || iana == IANA_UDP)
        json_set_int(c->doc, "destination.port", port);
    if (iana > 0) {
        json_set_str(c->doc, "network.transport", transport);
        char num[8];
        g_snprintf(num, sizeof num, "%d", iana);
        json_set_str(c->doc, "network.iana_number", num);
    } else if (is_transport(transport, TP_IP) && port > 0 && port < 256) {
        /* an IP protocol without ports: the port column holds its number */
        char num[8];
        g_snprintf(num, sizeof num, "%d", (int)port);
        json_set_str(c->doc, "network.iana_number", num);
        set_community_id(c, src, dst, (uint8_t)port, false, 0, 0, false);
    }
    set_network_type(c, src);
    if (known)
        json_set_str(c->doc, "network.protocol", protocol);
    json_set_int_text(c->doc, "network.packets", col(c, "packets"));
    json_set_int_text(c->doc, "network.bytes", col(c, "bytes"));
    const char *vlan = col(c, "vlan");
    if (vlan && strcmp(vlan, "0") != 0)
        json_set_str(c->doc, "network.vlan.id", vlan);
    json_set_str(c->doc, "otscope.comm.protocol", protocol);
    json_set_str(c->doc, "otscope.comm.transport", transport);
    json_set_int(c->doc, "otscope.comm.port", port);
    json_set_int_text(c->doc, "otscope.comm.anomalies", col(c, "anomalies"));
}

static void fill_op(NdCtx *c, const char *const *v)
{
    (void)v;
    const char *cls = col(c, "class");
    const char *protocol = col(c, "protocol");
    const char *src = col(c, "src");
    const char *dst = col(c, "dst");
    set_common(c, "event", "network", "protocol");
    /* classes that change the process or the device */
    OpClass oc = OP_OTHER;
    if (cls && opclass_from_name(cls, &oc) &&
        (oc == OP_WRITE || oc == OP_CONTROL || oc == OP_PROGRAM || oc == OP_CONFIG))
        json_add_str(c->doc, "event.type", "change");
    json_set_str(c->doc, "event.action", col(c, "function"));
    set_times(c, col(c, "first_seen"), col(c, "last_seen"));
    set_endpoint(c, "source", src);
    set_endpoint(c, "destination", dst);
    json_set_str(c->doc, "network.protocol", protocol);
    set_network_type(c, src);
    int64_t code = g_ascii_strtoll(col(c, "function_code"), NULL, 10);
    /* the ICMP dissector reports its operations under the transport's name */
    if ((is_transport(protocol, TP_ICMP) || is_transport(protocol, TP_ICMPV6)) && code >= 0 &&
        code < 256) {
        IpAddr ip;
        bool v6 = is_ip_text(src, &ip) && !ipaddr_is_v4(&ip);
        uint16_t sport;
        uint16_t dport;
        bool one_way;
        community_id_icmp_ports(v6, (uint8_t)code, 0, &sport, &dport, &one_way);
        /* one-way messages hash their code, which the row does not keep */
        if (!one_way)
            set_community_id(c, src, dst, v6 ? IANA_ICMPV6 : IANA_ICMP, true, sport, dport,
                             false);
    }
    json_set_int(c->doc, "otscope.op.function_code", code);
    json_set_str(c->doc, "otscope.op.function", col(c, "function"));
    json_set_str(c->doc, "otscope.op.class", cls);
    json_set_int_text(c->doc, "otscope.op.count", col(c, "count"));
    json_set_int_text(c->doc, "otscope.op.responses", col(c, "responses"));
    json_set_int_text(c->doc, "otscope.op.errors", col(c, "errors"));
    json_set_str(c->doc, "otscope.op.detail", col(c, "detail"));
}

static void fill_finding(NdCtx *c, const char *const *v)
{
    (void)v;
    const char *sev = col(c, "severity");
    Severity level = SEV_INFO;
    severity_from_name(sev ? sev : "", &level);
    /* ECS leaves the scale to the source: ours is 1 (info) .. 5 (critical);
     * risk_score follows the usual 21/47/73/99 steps of detection rules. */
    static const int sev_num[SEV_COUNT] = { [SEV_CRITICAL] = 5, [SEV_HIGH] = 4, [SEV_MEDIUM] = 3,
                                            [SEV_LOW] = 2, [SEV_INFO] = 1 };
    static const int sev_risk[SEV_COUNT] = { [SEV_CRITICAL] = 99, [SEV_HIGH] = 73,
                                             [SEV_MEDIUM] = 47, [SEV_LOW] = 21, [SEV_INFO] = 0 };
    set_common(c, "alert", "intrusion_detection", "info");
    json_add_str(c->doc, "event.category", "network");
    json_set_int(c->doc, "event.severity", sev_num[level]);
    json_set_int(c->doc, "event.risk_score", sev_risk[level]);
    json_set_str(c->doc, "event.action", col(c, "rule"));
    json_set_str(c->doc, "event.reason", col(c, "title"));
    json_set_str(c->doc, "message", col(c, "title"));
    set_times(c, col(c, "first_seen"), col(c, "last_seen"));
    set_endpoint(c, "source", col(c, "src"));
    set_endpoint(c, "destination", col(c, "dst"));
    json_set_str(c->doc, "network.protocol", col(c, "protocol"));
    json_set_str(c->doc, "rule.id", col(c, "rule"));
    json_set_str(c->doc, "rule.name", col(c, "rule"));
    json_set_str(c->doc, "rule.description", col(c, "why"));
    json_set_str(c->doc, "rule.ruleset", "otscope");
    const char *attack = col(c, "attack_id");
    if (attack && attack[0]) {
        json_set_str(c->doc, "threat.framework", "MITRE ATT&CK for ICS");
        json_set_str_list(c->doc, "threat.technique.id", attack, ';');
        char **ids = g_strsplit(attack, ";", -1);
        for (char **i = ids; *i; i++) {
            if (!**i)
                continue;
            char *url = g_strconcat(ATTACK_URL, *i, "/", NULL);
            json_add_str(c->doc, "threat.technique.reference", url);
            g_free(url);
        }
        g_strfreev(ids);
    }
    json_set_int_text(c->doc, "otscope.finding.id", col(c, "finding_id"));
    json_set_str(c->doc, "otscope.finding.severity", sev);
    json_set_str(c->doc, "otscope.finding.title", col(c, "title"));
    json_set_int_text(c->doc, "otscope.finding.count", col(c, "count"));
    json_set_str(c->doc, "otscope.finding.evidence", col(c, "evidence"));
    json_set_str(c->doc, "otscope.finding.recommendation", col(c, "recommendation"));
    json_set_int_text(c->doc, "otscope.finding.first_pkt", col(c, "first_pkt"));
    json_set_int_text(c->doc, "otscope.finding.last_pkt", col(c, "last_pkt"));
    json_set_str(c->doc, "otscope.finding.capture", col(c, "capture"));
    json_set_str(c->doc, "otscope.finding.triage.state", col(c, "triage_state"));
    json_set_str(c->doc, "otscope.finding.triage.note", col(c, "triage_note"));
    json_set_str(c->doc, "otscope.finding.triage.updated_at", col(c, "triage_updated_at"));
}

static void fill_protocol(NdCtx *c, const char *const *v)
{
    (void)v;
    set_common(c, "metric", "network", "info");
    set_times(c, col(c, "first_seen"), col(c, "last_seen"));
    json_set_str(c->doc, "network.protocol", col(c, "protocol"));
    json_set_int_text(c->doc, "network.packets", col(c, "packets"));
    json_set_int_text(c->doc, "network.bytes", col(c, "bytes"));
    json_set_str(c->doc, "otscope.protocol.name", col(c, "protocol"));
    json_set_int_text(c->doc, "otscope.protocol.comms", col(c, "comms"));
    json_set_int_text(c->doc, "otscope.protocol.clients", col(c, "clients"));
    json_set_int_text(c->doc, "otscope.protocol.servers", col(c, "servers"));
}

/* ---- driver ------------------------------------------------------------------------- */

static bool nd_row(const char *const *cells, void *user)
{
    NdCtx *c = user;
    c->raw = cells;
    json_doc_clear(c->doc);
    c->fill(c, cells);
    g_string_truncate(c->line, 0);
    if (c->o->bulk)
        g_string_append(c->line, "{\"create\":{}}\n");
    json_doc_write(c->doc, c->line);
    if (fwrite(c->line->str, 1, c->line->len, c->fp) != c->line->len)
        return c->ok = false;
    return true;
}

/* ip -> mac of every MAC-keyed asset (as output, i.e. anonymized) */
static bool learn_asset(const char *const *cells, void *user)
{
    NdCtx *c = user;
    c->raw = cells;
    const char *kind = col(c, "kind");
    const char *mac = col(c, "mac");
    const char *ips = col(c, "ips");
    if (!kind || strcmp(kind, "mac") != 0 || !mac || !mac[0] || !ips)
        return true;
    char **list = g_strsplit(ips, ";", -1);
    for (char **i = list; *i; i++) {
        if (**i)
            g_hash_table_insert(c->ip_mac, g_strdup(*i), g_strdup(mac));
    }
    g_strfreev(list);
    return true;
}

static bool learn_first_time(const char *const *cells, void *user)
{
    NdCtx *c = user;
    c->raw = cells;
    const char *first = col(c, "first_seen");
    if (!c->fallback_time && first)
        c->fallback_time = g_strdup(first);
    return true;
}

typedef struct NdTable {
    const char *dataset;
    bool is_extra;
    int table;
    void (*fill)(NdCtx *c, const char *const *v);
} NdTable;

static const NdTable nd_tables[] = {
    { "otscope.captures", false, TABLE_CAPTURES, fill_capture },
    { "otscope.assets", false, TABLE_ASSETS, fill_asset },
    { "otscope.comms", false, TABLE_COMMS, fill_comm },
    { "otscope.ops", false, TABLE_OPS, fill_op },
    { "otscope.findings", true, XTABLE_FINDINGS, fill_finding },
    { "otscope.protocols", false, TABLE_PROTOCOLS, fill_protocol },
};

static void use_table(NdCtx *c, const NdTable *t)
{
    c->dataset = t->dataset;
    c->fill = t->fill;
    c->cols = t->is_extra ? store_xtable_columns((ExportTable)t->table, &c->n_cols)
                          : store_table_columns((StoreTable)t->table, &c->n_cols);
}

static bool write_all(NdCtx *c, Err *err)
{
    bool ok = true;
    use_table(c, &nd_tables[1]);
    ok = store_read_table(c->s, TABLE_ASSETS, learn_asset, c, err);
    use_table(c, &nd_tables[0]);
    ok = ok && store_read_table(c->s, TABLE_CAPTURES, learn_first_time, c, err);
    if (!c->fallback_time)
        c->fallback_time = g_strdup("1970-01-01T00:00:00.000000Z");
    for (size_t i = 0; ok && i < G_N_ELEMENTS(nd_tables); i++) {
        const NdTable *t = &nd_tables[i];
        use_table(c, t);
        ok = t->is_extra ? store_read_xtable(c->s, (ExportTable)t->table, c->o->show_secrets,
                                             nd_row, c, err)
                         : store_read_table(c->s, (StoreTable)t->table, nd_row, c, err);
        if (ok && !c->ok)
            ok = err_set(err, ERR_INPUT, "%s: write error", c->o->out ? c->o->out : "stdout");
    }
    return ok;
}

bool export_ndjson(Store *s, const ExportOptions *o, GPtrArray *written, Err *err)
{
    NdCtx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.s = s;
    c.ok = true;
    c.doc = json_doc_new();
    c.line = g_string_new(NULL);
    c.ip_mac = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *host = o->observer ? o->observer : g_get_host_name();
    c.observer = o->anon ? anon_value(o->anon, STK_NAME, host) : host;
    bool to_stdout = !o->out || strcmp(o->out, "-") == 0;
    ExportFile f;
    memset(&f, 0, sizeof f);
    bool ok = true;
    if (to_stdout)
        c.fp = stdout;
    else if ((ok = export_file_open(&f, o->out, err)))
        c.fp = f.fp;
    if (ok)
        ok = write_all(&c, err);
    if (to_stdout) {
        if (fflush(stdout) != 0 && ok)
            ok = err_set(err, ERR_INPUT, "stdout: write error");
    } else {
        ok = export_file_commit(&f, ok, err);
        if (ok && written)
            g_ptr_array_add(written, g_strdup(o->out));
    }
    json_doc_free(c.doc);
    g_string_free(c.line, TRUE);
    g_hash_table_unref(c.ip_mac);
    g_free(c.fallback_time);
    return ok;
}
