/*
 * store-roles.c - gathers each asset's behaviour from the stored comms and
 * ops (all captures) and writes the role, its evidence and the Purdue
 * level that role_infer() gives.
 *
 * Runs once per analyze, at the final batch (and before the rules, which
 * read roles): grouped queries over comms, ops and attrs joined to assets
 * through a temporary address -> asset map.  Class clues are the attrs
 * data/device-classes.tsv names (util/devclass.c), matched here once per
 * asset and value rather than per packet.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/devclass.h"
#include "otscope/dhcpfp.h"
#include "otscope/packet.h"
#include "otscope/role.h"
#include "store-int.h"

/* Protocols that say nothing about a device's role. */
#define NOT_A_SERVICE "('unknown','arp','icmp')"

static const char sql_addr_map[] =
    "CREATE TEMP TABLE IF NOT EXISTS role_addr(addr TEXT PRIMARY KEY, asset_id INTEGER NOT NULL);"
    "DELETE FROM role_addr;"
    "INSERT OR IGNORE INTO role_addr SELECT ip, asset_id FROM asset_ips;"
    "INSERT OR IGNORE INTO role_addr SELECT mac, asset_id FROM assets WHERE mac<>'';";

static const char sql_assets[] =
    "SELECT asset_id, kind, role_evidence LIKE 'forwards traffic%',"
    " (SELECT min(ip) FROM asset_ips i WHERE i.asset_id=a.asset_id) FROM assets a{WHERE}";

/* Live: the addresses each batch wrote rows for (store_roles_note_batch),
 * and the map cut down to the assets that own one of them. */
static const char sql_touched_table[] =
    "CREATE TEMP TABLE IF NOT EXISTS role_touched(addr TEXT PRIMARY KEY) WITHOUT ROWID;";

static const char sql_touched_map[] =
    "CREATE TEMP TABLE IF NOT EXISTS role_addr(addr TEXT PRIMARY KEY, asset_id INTEGER NOT NULL);"
    "DELETE FROM role_addr;"
    "CREATE TEMP TABLE IF NOT EXISTS role_ids(asset_id INTEGER PRIMARY KEY);"
    "DELETE FROM role_ids;"
    "INSERT OR IGNORE INTO role_ids SELECT i.asset_id FROM role_touched t"
    " JOIN asset_ips i ON i.ip=t.addr;"
    "INSERT OR IGNORE INTO role_ids SELECT a.asset_id FROM role_touched t"
    " JOIN assets a ON a.mac=t.addr WHERE t.addr<>'';"
    "INSERT OR IGNORE INTO role_addr SELECT i.ip, i.asset_id FROM role_ids d"
    " JOIN asset_ips i ON i.asset_id=d.asset_id;"
    "INSERT OR IGNORE INTO role_addr SELECT a.mac, a.asset_id FROM role_ids d"
    " JOIN assets a ON a.asset_id=d.asset_id WHERE a.mac<>'';"
    "DELETE FROM role_touched;";

typedef struct RoleSql {
    bool is_touched; /* only the assets of role_addr (a live batch's) */
} RoleSql;

/* A query with its join (JOIN_ADDRS) or sql_assets's WHERE filled in. */
static char *role_sql(const RoleSql *rs, const char *tmpl)
{
    GString *sql = g_string_new(tmpl);
    g_string_replace(sql, "{FIRST}", rs->is_touched ? "role_addr r CROSS JOIN " : "", 1);
    g_string_replace(sql, "{JOIN}", rs->is_touched ? "" : " JOIN role_addr r", 1);
    g_string_replace(sql, "{WHERE}",
                     rs->is_touched ? " WHERE asset_id IN (SELECT asset_id FROM role_ids)" : "", 1);
    return g_string_free(sql, FALSE);
}

static bool role_prepare(Store *s, const RoleSql *rs, const char *tmpl, sqlite3_stmt **st,
                         Err *err)
{
    char *sql = role_sql(rs, tmpl);
    /* not store_prepare's persistent statements: two texts per query */
    bool ok = sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ||
              store_fail(s, err, "roles");
    g_free(sql);
    return ok;
}

/* The queries below join a table to the address map with JOIN_ADDRS
 * (role_sql fills it in): for every asset the planner's choice, a scan of
 * the table; for the few a live batch touched the map drives, through the
 * table's index on that address, so the work follows the batch. */
#define JOIN_ADDRS(table, addr) " {FIRST}" table "{JOIN} ON " addr "=r.addr"

static const char sql_served[] =
    "SELECT r.asset_id, c.protocol, count(DISTINCT c.src) AS peers FROM"
    JOIN_ADDRS("comms c", "c.dst") " WHERE c.protocol NOT IN " NOT_A_SERVICE
    " GROUP BY r.asset_id, c.protocol ORDER BY r.asset_id, peers DESC";

static const char sql_used[] =
    "SELECT r.asset_id, c.protocol, count(DISTINCT c.dst) AS peers FROM"
    JOIN_ADDRS("comms c", "c.src") " WHERE c.protocol NOT IN " NOT_A_SERVICE
    " GROUP BY r.asset_id, c.protocol ORDER BY r.asset_id, peers DESC";

/* Operations sent as the client of the conversation they belong to (an S7
 * PLC sends Download Block jobs to its programmer: that is not the PLC
 * programming anyone).  CIP ops ride enip conversations. */
static const char sql_ops[] =
    "SELECT r.asset_id, o.class, sum(o.count), o.protocol || ' ' || o.function || ' to ' || o.dst"
    " FROM" JOIN_ADDRS("ops o", "o.src")
    " WHERE o.class IN ('program','control','config','write') AND o.count>0"
    " AND EXISTS (SELECT 1 FROM comms c WHERE c.src=o.src AND c.dst=o.dst"
    "  AND c.protocol=CASE o.protocol WHEN 'cip' THEN 'enip' ELSE o.protocol END)"
    " GROUP BY r.asset_id, o.class";

/* Who advertises itself (LLDP with the enabled capabilities in the
 * detail, proto-lldp.c), or sends CDP or BPDUs. */
static const char sql_lldp[] =
    "SELECT DISTINCT r.asset_id, o.protocol, o.detail FROM" JOIN_ADDRS("ops o", "o.src")
    " WHERE o.protocol IN ('lldp','cdp','stp')";

/* LLDP enabled capabilities (IEEE 802.1AB table 8-4) of a bridge or
 * router; "station", "telephone" and "other" are end devices. */
static const char *const lldp_relay_caps[] = { "repeater", "bridge", "wlan-ap", "router",
                                               "docsis",   "c-vlan", "s-vlan",  "tpmr" };

/* The attributes that can be class clues, most confident first. */
static const char sql_clues[] =
    "SELECT r.asset_id, t.protocol, t.name, t.value FROM" JOIN_ADDRS("attrs t", "t.addr")
    " WHERE t.name IN ('service','device_type','software','web_title','fingerprint',"
    "  'description')"
    " GROUP BY r.asset_id, t.protocol, t.name, t.value"
    " ORDER BY r.asset_id, max(t.confidence) DESC, min(t.first_ns), t.value";

/* Prefix of the DHCP fingerprint attribute (proto-dhcp.c). */
static const char dhcp_prl_prefix[] = "dhcp-prl:";

static AssetBehaviour *behaviour_of(GHashTable *by_id, int64_t asset_id)
{
    return g_hash_table_lookup(by_id, &asset_id);
}

static bool load_assets(Store *s, const RoleSql *rs, GHashTable *by_id, Err *err)
{
    sqlite3_stmt *st;
    if (!role_prepare(s, rs, sql_assets, &st, err))
        return false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t *id = g_new(int64_t, 1);
        *id = sqlite3_column_int64(st, 0);
        AssetBehaviour *b = g_new0(AssetBehaviour, 1);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        const char *ip_text = (const char *)sqlite3_column_text(st, 3);
        IpAddr ip;
        b->is_router = sqlite3_column_int(st, 2) != 0;
        b->is_public_ip = kind && strcmp(kind, "ip") == 0 && ip_text && ipaddr_parse(ip_text, &ip) &&
                          !ipaddr_is_private(&ip) && !ipaddr_is_multicast(&ip);
        g_hash_table_insert(by_id, id, b);
    }
    sqlite3_finalize(st);
    return true;
}

static bool load_uses(Store *s, const RoleSql *rs, GHashTable *by_id, const char *sql,
                      bool is_served, Err *err)
{
    sqlite3_stmt *st;
    if (!role_prepare(s, rs, sql, &st, err))
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        AssetBehaviour *b = behaviour_of(by_id, sqlite3_column_int64(st, 0));
        if (!b)
            continue;
        RoleUse *uses = is_served ? b->served : b->used;
        size_t *n = is_served ? &b->n_served : &b->n_used;
        if (*n >= ROLE_LIST_MAX)
            continue; /* ordered by peers: the rest matter least */
        g_strlcpy(uses[*n].protocol, (const char *)sqlite3_column_text(st, 1),
                  sizeof uses[*n].protocol);
        uses[*n].peers = (uint32_t)sqlite3_column_int64(st, 2);
        (*n)++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || store_fail(s, err, "read roles");
}

static bool load_ops(Store *s, const RoleSql *rs, GHashTable *by_id, Err *err)
{
    sqlite3_stmt *st;
    if (!role_prepare(s, rs, sql_ops, &st, err))
        return false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        AssetBehaviour *b = behaviour_of(by_id, sqlite3_column_int64(st, 0));
        const char *cls = (const char *)sqlite3_column_text(st, 1);
        const char *example = (const char *)sqlite3_column_text(st, 3);
        if (!b || !cls)
            continue;
        uint64_t n = (uint64_t)sqlite3_column_int64(st, 2);
        const char *protocol = example ? example : "";
        char proto_name[24];
        size_t len = strcspn(protocol, " ");
        g_strlcpy(proto_name, protocol, MIN(len + 1, sizeof proto_name));
        if (!role_is_ot_protocol(proto_name))
            continue;
        if (strcmp(cls, "write") == 0) {
            b->ot_write_ops += n;
            continue;
        }
        if (b->eng_ops == 0)
            g_strlcpy(b->eng_example, protocol, sizeof b->eng_example);
        b->eng_ops += n;
    }
    sqlite3_finalize(st);
    return true;
}

/* CDP and BPDUs say "network device"; LLDP only with a bridge or router
 * capability enabled.  An LLDP speaker without the capabilities TLV is an
 * end station's agent (Windows and NIC firmware LLDP, PROFINET drivers:
 * every switch in ../shared/pcaps sends the TLV), and a telephone's
 * capability is a phone clue (LLDP-MED phones). */
static void note_advertisement(AssetBehaviour *b, const char *protocol, const char *detail)
{
    if (strcmp(protocol, "lldp") != 0) {
        b->sends_lldp_cdp = true;
        return;
    }
    const char *caps = strstr(detail, "caps=");
    if (!caps)
        return;
    char **names = g_strsplit_set(caps + 5, ", ", -1);
    for (char **n = names; *n; n++) {
        for (size_t i = 0; i < G_N_ELEMENTS(lldp_relay_caps); i++)
            b->sends_lldp_cdp |= strcmp(*n, lldp_relay_caps[i]) == 0;
        if (strcmp(*n, "telephone") == 0 && !b->clue.role[0]) {
            g_strlcpy(b->clue.role, "phone", sizeof b->clue.role);
            g_snprintf(b->clue.evidence, sizeof b->clue.evidence,
                       "advertises the telephone capability: lldp %s", detail);
        }
    }
    g_strfreev(names);
}

static bool load_lldp(Store *s, const RoleSql *rs, GHashTable *by_id, Err *err)
{
    sqlite3_stmt *st;
    if (!role_prepare(s, rs, sql_lldp, &st, err))
        return false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        AssetBehaviour *b = behaviour_of(by_id, sqlite3_column_int64(st, 0));
        const char *protocol = (const char *)sqlite3_column_text(st, 1);
        const char *detail = (const char *)sqlite3_column_text(st, 2);
        if (b && protocol)
            note_advertisement(b, protocol, detail ? detail : "");
    }
    sqlite3_finalize(st);
    return true;
}

/* The catalogue's clue for one attribute; a DHCP fingerprint goes through
 * its device class in data/dhcp-fingerprints.tsv. */
static const DevClassClue *clue_of(const char *protocol, const char *name, const char *value)
{
    if (strcmp(name, "fingerprint") != 0)
        return devclass_match(protocol, name, value);
    if (strcmp(protocol, "dhcp") != 0 || !g_str_has_prefix(value, dhcp_prl_prefix))
        return NULL;
    return devclass_match("dhcp", "dhcp-class", dhcpfp_class(value + sizeof dhcp_prl_prefix - 1));
}

static bool load_clues(Store *s, const RoleSql *rs, GHashTable *by_id, Err *err)
{
    sqlite3_stmt *st;
    if (!role_prepare(s, rs, sql_clues, &st, err))
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        AssetBehaviour *b = behaviour_of(by_id, sqlite3_column_int64(st, 0));
        const char *protocol = (const char *)sqlite3_column_text(st, 1);
        const char *name = (const char *)sqlite3_column_text(st, 2);
        const char *value = (const char *)sqlite3_column_text(st, 3);
        const DevClassClue *c =
            b && protocol && name && value ? clue_of(protocol, name, value) : NULL;
        if (!c)
            continue;
        RoleClue *slot = strcmp(c->role, "it-workstation") == 0 ? &b->weak_clue : &b->clue;
        if (slot->role[0])
            continue; /* ordered by confidence: the first clue stands */
        g_strlcpy(slot->role, c->role, sizeof slot->role);
        g_snprintf(slot->evidence, sizeof slot->evidence, "%s: %s %s %s", c->what, protocol, name,
                   value);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || store_fail(s, err, "read class clues");
}

static bool write_roles(Store *s, GHashTable *by_id, Err *err)
{
    sqlite3_stmt *st;
    if (!store_prepare(s,
                       "UPDATE assets SET role=?2, role_evidence=?3, purdue_level=?4"
                       " WHERE asset_id=?1",
                       &st, err))
        return false;
    bool ok = true;
    GHashTableIter it;
    gpointer key;
    gpointer value;
    g_hash_table_iter_init(&it, by_id);
    while (ok && g_hash_table_iter_next(&it, &key, &value)) {
        const AssetBehaviour *b = value;
        if (b->is_router)
            continue; /* resolution's verdict and evidence stand */
        RoleResult r;
        role_infer(b, &r);
        sqlite3_bind_int64(st, 1, *(const int64_t *)key);
        sqlite3_bind_text(st, 2, r.role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r.evidence, -1, SQLITE_TRANSIENT);
        if (r.purdue_level >= 0)
            sqlite3_bind_int(st, 4, r.purdue_level);
        else
            sqlite3_bind_null(st, 4);
        ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "write role");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return ok;
}

static bool infer(Store *s, const RoleSql *rs, Err *err)
{
    GHashTable *by_id = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    bool ok = load_assets(s, rs, by_id, err) && load_uses(s, rs, by_id, sql_served, true, err) &&
              load_uses(s, rs, by_id, sql_used, false, err) && load_ops(s, rs, by_id, err) &&
              load_lldp(s, rs, by_id, err) && load_clues(s, rs, by_id, err) &&
              write_roles(s, by_id, err);
    g_hash_table_destroy(by_id);
    return ok;
}

bool store_infer_roles(Store *s, Err *err)
{
    RoleSql all = { false };
    /* what the batches noted is covered by this */
    bool ok = store_exec(s, sql_addr_map, err) && infer(s, &all, err);
    if (ok && s->notes_batches)
        ok = store_exec(s, "DELETE FROM role_touched", err);
    return ok;
}

bool store_infer_roles_touched(Store *s, Err *err)
{
    if (!s->notes_batches)
        return true; /* no batch yet: nothing to do */
    RoleSql touched = { true };
    return store_exec(s, sql_touched_map, err) && infer(s, &touched, err);
}

static void note_addr(sqlite3_stmt *st, const NetAddr *a)
{
    char text[OTS_ADDR_STRLEN];
    sqlite3_bind_text(st, 1, netaddr_str(a, text), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_reset(st);
}

bool store_roles_note_batch(Store *s, const ModelSnapshot *snap, Err *err)
{
    if (!s->notes_batches && !store_exec(s, sql_touched_table, err))
        return false;
    s->notes_batches = true;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO role_touched VALUES (?)", -1, &st,
                           NULL) != SQLITE_OK)
        return store_fail(s, err, "roles");
    for (guint i = 0; i < snap->comms->len; i++) {
        const CommEntry *c = g_array_index(snap->comms, SnapComm, i).entry;
        note_addr(st, &c->src);
        note_addr(st, &c->dst);
    }
    for (guint i = 0; i < snap->ops->len; i++) {
        const OpEntry *o = g_array_index(snap->ops, SnapOp, i).entry;
        note_addr(st, &o->src);
        note_addr(st, &o->dst);
    }
    for (guint i = 0; i < snap->comm_updates->len; i++) {
        const CommEntry *c = g_array_index(snap->comm_updates, CommUpdate, i).live;
        note_addr(st, &c->src);
        note_addr(st, &c->dst);
    }
    for (guint i = 0; i < snap->op_updates->len; i++) {
        const OpEntry *o = g_array_index(snap->op_updates, OpUpdate, i).live;
        note_addr(st, &o->src);
        note_addr(st, &o->dst);
    }
    for (guint i = 0; i < snap->attrs->len; i++)
        note_addr(st, &g_array_index(snap->attrs, AttrEntry, i).addr);
    sqlite3_finalize(st);
    return true;
}
