/*
 * store.c - opening the site DB: permissions, pragmas, schema migrations,
 * and capture bookkeeping.
 *
 * The schema is a list of migrations applied in order inside one
 * transaction each, with PRAGMA user_version recording how far a file has
 * come; a file from a newer otscope (higher version) is refused rather
 * than misread.  application_id marks the file as ours for file(1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "otscope/log.h"
#include "otscope/store-console.h"
#include "otscope/util.h"
#include "store-int.h"

/* Page cache bound for writers, in KiB (a string in a PRAGMA).  Batches
 * write in index order, so a few MB hold their working set: at 64 MB the
 * cache held the whole file (15-17 MB at 1-5 M bench packets) and peak
 * memory grew with the DB; the last batch's CPU was the same or lower. */
#define STORE_CACHE_KB 8192

enum {
    STORE_APPLICATION_ID = 0x4f545343, /* "OTSC" */
    STORE_BUSY_TIMEOUT_MS = 5000,
};

static const char *const migrations[] = {
    /* 1: the foundation schema.  Times are nanoseconds since the epoch. */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE captures ("
    "  capture_id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL, source TEXT NOT NULL,"
    "  quick_id TEXT, sha256 TEXT,"
    "  linktype TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL,"
    "  packets INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,"
    "  first_ns INTEGER, last_ns INTEGER,"
    "  skipped TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',"
    "  started_at TEXT NOT NULL, finished_at TEXT) STRICT;"
    "CREATE INDEX captures_sha ON captures(sha256);"
    "CREATE INDEX captures_quick ON captures(quick_id);"
    "CREATE TABLE endpoints ("
    "  capture_id INTEGER NOT NULL REFERENCES captures ON DELETE CASCADE,"
    "  mac TEXT NOT NULL, vlan INTEGER NOT NULL, ip TEXT NOT NULL,"
    "  tx_packets INTEGER NOT NULL, tx_bytes INTEGER NOT NULL,"
    "  rx_packets INTEGER NOT NULL, rx_bytes INTEGER NOT NULL,"
    "  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL, first_pkt INTEGER NOT NULL,"
    "  arp_claims INTEGER NOT NULL, min_ttl INTEGER NOT NULL,"
    "  PRIMARY KEY (capture_id, mac, vlan, ip)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE assets ("
    "  asset_id INTEGER PRIMARY KEY,"
    "  asset_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
    "  mac TEXT NOT NULL, vlan INTEGER NOT NULL, vendor TEXT NOT NULL,"
    "  role TEXT NOT NULL DEFAULT 'unknown', role_evidence TEXT NOT NULL DEFAULT '',"
    "  purdue_level INTEGER,"
    "  packets INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  risk_score INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE TABLE asset_ips ("
    "  asset_id INTEGER NOT NULL REFERENCES assets ON DELETE CASCADE,"
    "  ip TEXT NOT NULL, PRIMARY KEY (asset_id, ip)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX asset_ips_ip ON asset_ips(ip);"
    "CREATE TABLE comms ("
    "  comm_id INTEGER PRIMARY KEY,"
    "  capture_id INTEGER NOT NULL REFERENCES captures ON DELETE CASCADE,"
    "  src TEXT NOT NULL, dst TEXT NOT NULL, vlan INTEGER NOT NULL,"
    "  protocol TEXT NOT NULL, transport TEXT NOT NULL, port INTEGER NOT NULL,"
    "  packets INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL, first_pkt INTEGER NOT NULL,"
    "  anomalies INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (capture_id, src, dst, vlan, protocol, transport, port)) STRICT;"
    "CREATE INDEX comms_pair ON comms(src, dst);"
    "CREATE INDEX comms_dst ON comms(dst);"
    "CREATE TABLE comm_minutes ("
    "  comm_id INTEGER NOT NULL REFERENCES comms ON DELETE CASCADE,"
    "  minute INTEGER NOT NULL, packets INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  PRIMARY KEY (comm_id, minute)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE ops ("
    "  capture_id INTEGER NOT NULL REFERENCES captures ON DELETE CASCADE,"
    "  protocol TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,"
    "  function_code INTEGER NOT NULL, function TEXT NOT NULL, class TEXT NOT NULL,"
    "  count INTEGER NOT NULL, responses INTEGER NOT NULL, errors INTEGER NOT NULL,"
    "  first_ns INTEGER, last_ns INTEGER, first_pkt INTEGER, detail TEXT NOT NULL,"
    "  PRIMARY KEY (capture_id, protocol, src, dst, function_code, function, class))"
    "  STRICT, WITHOUT ROWID;"
    "CREATE TABLE attrs ("
    "  capture_id INTEGER NOT NULL REFERENCES captures ON DELETE CASCADE,"
    "  addr TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
    "  protocol TEXT NOT NULL, confidence INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL, first_pkt INTEGER NOT NULL,"
    "  PRIMARY KEY (capture_id, addr, name, value)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX attrs_addr ON attrs(addr, name);"
    "CREATE TABLE anomalies ("
    "  capture_id INTEGER NOT NULL REFERENCES captures ON DELETE CASCADE,"
    "  protocol TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, anomaly TEXT NOT NULL,"
    "  count INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  first_pkt INTEGER NOT NULL,"
    "  PRIMARY KEY (capture_id, protocol, src, dst, anomaly)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE findings ("
    "  finding_id INTEGER PRIMARY KEY,"
    "  capture_id INTEGER REFERENCES captures ON DELETE CASCADE,"
    "  severity TEXT NOT NULL, rule TEXT NOT NULL, title TEXT NOT NULL,"
    "  src TEXT NOT NULL, dst TEXT NOT NULL, protocol TEXT NOT NULL,"
    "  count INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  evidence TEXT NOT NULL, recommendation TEXT NOT NULL, attack_id TEXT NOT NULL) STRICT;",
    /* 2: evidence for findings (rules/): last packet numbers, distinct
     * request details per operation row, and findings that keep their id
     * when the rules run again (finding_key), with the unmasked evidence
     * apart for --show-secrets. */
    "ALTER TABLE endpoints ADD COLUMN last_pkt INTEGER;"
    "ALTER TABLE comms ADD COLUMN last_pkt INTEGER;"
    "ALTER TABLE ops ADD COLUMN last_pkt INTEGER;"
    "ALTER TABLE ops ADD COLUMN variants INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ops ADD COLUMN head_variants INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE attrs ADD COLUMN last_pkt INTEGER;"
    "ALTER TABLE anomalies ADD COLUMN last_pkt INTEGER;"
    "ALTER TABLE findings ADD COLUMN finding_key TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE findings ADD COLUMN first_pkt INTEGER;"
    "ALTER TABLE findings ADD COLUMN last_pkt INTEGER;"
    "ALTER TABLE findings ADD COLUMN evidence_secret TEXT;"
    "ALTER TABLE findings ADD COLUMN why TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX findings_key ON findings(capture_id, rule, finding_key);",
    /* 3: console: triage of findings (keyed so that it survives
     * re-analysis), and indexes for its paged tables, drill-downs and
     * timeline.  Only columns that batches never update are indexed: an
     * index on comms.packets made updating 100 k conversations 5x slower;
     * the console sorts such columns through a snapshot instead. */
    "CREATE TABLE triage ("
    "  finding_key TEXT PRIMARY KEY, state TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',"
    "  updated_at TEXT NOT NULL) STRICT;"
    "CREATE INDEX assets_mac ON assets(mac);"
    "CREATE INDEX comms_protocol ON comms(protocol);"
    "CREATE INDEX ops_src ON ops(src);"
    "CREATE INDEX ops_dst ON ops(dst);"
    "CREATE INDEX ops_class ON ops(class);",
    /* 4: audit trail (store-audit.c): one row per analyze, export, report,
     * merge and purge, kept across purges so that the file says what was
     * done to it. */
    "CREATE TABLE audit ("
    "  audit_id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL,"
    "  command TEXT NOT NULL, cmdline TEXT NOT NULL,"
    "  input_sha256 TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '') STRICT;",
    /* 5: site knowledge (src/baseline/): the baseline the DB is checked
     * against (baseline_*: the same tables as a baseline file), the zone
     * policy with the zone of each asset (IPv4 matched in SQL: the text
     * address is turned into a number by asset_ip4), the plant's asset
     * ledger, and offline advisories with the CISA KEV catalogue. */
    "CREATE TABLE baseline_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE baseline_assets ("
    "  asset_key TEXT PRIMARY KEY, kind TEXT NOT NULL, mac TEXT NOT NULL, vlan INTEGER NOT NULL,"
    "  ips TEXT NOT NULL, vendor TEXT NOT NULL, role TEXT NOT NULL, purdue_level INTEGER,"
    "  packets INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL) STRICT;"
    "CREATE TABLE baseline_comms ("
    "  src TEXT NOT NULL, dst TEXT NOT NULL, vlan INTEGER NOT NULL, protocol TEXT NOT NULL,"
    "  transport TEXT NOT NULL, port INTEGER NOT NULL, packets INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  minutes INTEGER NOT NULL, active_permille INTEGER NOT NULL,"
    "  ppm_lo INTEGER, ppm_median INTEGER, ppm_hi INTEGER,"
    "  PRIMARY KEY (src, dst, vlan, protocol, transport, port)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE baseline_ops ("
    "  protocol TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,"
    "  function_code INTEGER NOT NULL, function TEXT NOT NULL, class TEXT NOT NULL,"
    "  count INTEGER NOT NULL, first_ns INTEGER, last_ns INTEGER, period_ms INTEGER,"
    "  PRIMARY KEY (protocol, src, dst, function_code, function, class)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE baseline_idents ("
    "  addr TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, protocol TEXT NOT NULL,"
    "  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (addr, name, value)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE baseline_findings ("
    "  finding_key TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,"
    "  title TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, protocol TEXT NOT NULL,"
    "  count INTEGER NOT NULL, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL) STRICT;"
    "CREATE TABLE zones ("
    "  zone TEXT PRIMARY KEY, level TEXT NOT NULL DEFAULT '',"
    "  description TEXT NOT NULL DEFAULT '') STRICT;"
    "CREATE TABLE zone_nets ("
    "  net_id INTEGER PRIMARY KEY, cidr TEXT NOT NULL, vlan INTEGER,"
    "  zone TEXT NOT NULL REFERENCES zones ON DELETE CASCADE, prefix_len INTEGER NOT NULL,"
    "  v4_lo INTEGER, v4_hi INTEGER, line INTEGER NOT NULL) STRICT;"
    "CREATE TABLE zone_conduits ("
    "  conduit_id INTEGER PRIMARY KEY, src_zone TEXT NOT NULL, dst_zone TEXT NOT NULL,"
    "  is_both INTEGER NOT NULL, protocols TEXT NOT NULL, line INTEGER NOT NULL) STRICT;"
    "CREATE VIEW asset_ip4 (asset_id, ip, n) AS"
    "  SELECT asset_id, ip, (CAST(ip AS INTEGER) << 24) + (CAST(r1 AS INTEGER) << 16)"
    "   + (CAST(r2 AS INTEGER) << 8) + CAST(substr(r2, instr(r2, '.') + 1) AS INTEGER)"
    "  FROM (SELECT asset_id, ip, r1, substr(r1, instr(r1, '.') + 1) AS r2"
    "   FROM (SELECT asset_id, ip, substr(ip, instr(ip, '.') + 1) AS r1 FROM asset_ips"
    "    WHERE ip GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*'));"
    "CREATE VIEW asset_zones (asset_id, zone, level) AS"
    "  SELECT a.asset_id, n.zone, z.level FROM assets a"
    "  JOIN zone_nets n ON n.net_id = (SELECT m.net_id FROM zone_nets m"
    "   WHERE (m.vlan IS NULL OR m.vlan = a.vlan) AND ((m.cidr = '' AND m.vlan IS NOT NULL)"
    "    OR EXISTS (SELECT 1 FROM asset_ip4 i WHERE i.asset_id = a.asset_id"
    "     AND i.n BETWEEN m.v4_lo AND m.v4_hi))"
    "   ORDER BY m.vlan IS NOT NULL DESC, m.prefix_len DESC, m.net_id LIMIT 1)"
    "  JOIN zones z ON z.zone = n.zone;"
    "CREATE TABLE ledger ("
    "  ledger_id INTEGER PRIMARY KEY, line INTEGER NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '', mac TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',"
    "  vendor TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',"
    "  firmware TEXT NOT NULL DEFAULT '', serial TEXT NOT NULL DEFAULT '',"
    "  location TEXT NOT NULL DEFAULT '', extra TEXT NOT NULL DEFAULT '') STRICT;"
    "CREATE TABLE advisories ("
    "  adv_id INTEGER PRIMARY KEY, source TEXT NOT NULL, advisory TEXT NOT NULL,"
    "  cve TEXT NOT NULL DEFAULT '', vendor TEXT NOT NULL, product TEXT NOT NULL DEFAULT '',"
    "  models TEXT NOT NULL DEFAULT '', affected TEXT NOT NULL DEFAULT '', cvss REAL,"
    "  title TEXT NOT NULL DEFAULT '', fix TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '',"
    "  line INTEGER NOT NULL) STRICT;"
    "CREATE TABLE kev ("
    "  cve TEXT PRIMARY KEY, vendor TEXT NOT NULL, product TEXT NOT NULL,"
    "  name TEXT NOT NULL DEFAULT '', date_added TEXT NOT NULL DEFAULT '',"
    "  action TEXT NOT NULL DEFAULT '', due TEXT NOT NULL DEFAULT '',"
    "  ransomware TEXT NOT NULL DEFAULT '') STRICT;",
    /* 6: zones of devices whose address the asset resolver gave to a
     * device on another VLAN (one private range reused on two VLANs):
     * such a device takes the addresses it sent from on its own VLAN. */
    "DROP VIEW asset_zones;"
    "DROP VIEW asset_ip4;"
    "CREATE VIEW asset_ip4 (asset_id, ip, n) AS"
    "  SELECT asset_id, ip, (CAST(ip AS INTEGER) << 24) + (CAST(r1 AS INTEGER) << 16)"
    "   + (CAST(r2 AS INTEGER) << 8) + CAST(substr(r2, instr(r2, '.') + 1) AS INTEGER)"
    "  FROM (SELECT asset_id, ip, r1, substr(r1, instr(r1, '.') + 1) AS r2"
    "   FROM (SELECT asset_id, ip, substr(ip, instr(ip, '.') + 1) AS r1 FROM"
    "    (SELECT asset_id, ip FROM asset_ips UNION ALL"
    "     SELECT DISTINCT a.asset_id, e.ip FROM assets a JOIN endpoints e ON e.mac = a.mac"
    "      AND e.vlan = a.vlan WHERE a.kind = 'mac' AND e.tx_packets > 0"
    "      AND NOT EXISTS (SELECT 1 FROM asset_ips i WHERE i.asset_id = a.asset_id))"
    "    WHERE ip GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*'));"
    "CREATE VIEW asset_zones (asset_id, zone, level) AS"
    "  SELECT a.asset_id, n.zone, z.level FROM assets a"
    "  JOIN zone_nets n ON n.net_id = (SELECT m.net_id FROM zone_nets m"
    "   WHERE (m.vlan IS NULL OR m.vlan = a.vlan) AND ((m.cidr = '' AND m.vlan IS NOT NULL)"
    "    OR EXISTS (SELECT 1 FROM asset_ip4 i WHERE i.asset_id = a.asset_id"
    "     AND i.n BETWEEN m.v4_lo AND m.v4_hi))"
    "   ORDER BY m.vlan IS NOT NULL DESC, m.prefix_len DESC, m.net_id LIMIT 1)"
    "  JOIN zones z ON z.zone = n.zone;",
    /* 7: ops keyed by a rowid.  As a WITHOUT ROWID table every entry of
     * its three console indexes carried the whole seven-column key, and
     * a batch spent more time in those indexes than in everything else
     * it wrote; now they hold the indexed column and the rowid.  The
     * UNIQUE constraint keeps the old key (and the upserts that use it). */
    "CREATE TABLE ops_new ("
    "  capture_id INTEGER NOT NULL REFERENCES captures ON DELETE CASCADE,"
    "  protocol TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,"
    "  function_code INTEGER NOT NULL, function TEXT NOT NULL, class TEXT NOT NULL,"
    "  count INTEGER NOT NULL, responses INTEGER NOT NULL, errors INTEGER NOT NULL,"
    "  first_ns INTEGER, last_ns INTEGER, first_pkt INTEGER, detail TEXT NOT NULL,"
    "  last_pkt INTEGER, variants INTEGER NOT NULL DEFAULT 0,"
    "  head_variants INTEGER NOT NULL DEFAULT 0, op_id INTEGER PRIMARY KEY,"
    "  UNIQUE (capture_id, protocol, src, dst, function_code, function, class)) STRICT;"
    "INSERT INTO ops_new SELECT *, NULL FROM ops;"
    "DROP TABLE ops;"
    "ALTER TABLE ops_new RENAME TO ops;"
    "CREATE INDEX ops_src ON ops(src);"
    "CREATE INDEX ops_dst ON ops(dst);"
    "CREATE INDEX ops_class ON ops(class);",
    /* 8: IOC lists (src/baseline/ioc.c): indicators in their normal form
     * (rules/ioc-match.c), with the file and line they came from. */
    "CREATE TABLE iocs ("
    "  ioc_id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, line INTEGER NOT NULL,"
    "  UNIQUE (type, value)) STRICT;",
    /* 9: one asset per MAC whatever its VLANs (model/asset.c): vlans lists
     * them (';'-joined, ascending; vlan is the first).  A device's
     * endpoints are all rows of its MAC, and a zone line with a VLAN
     * matches a device seen on that VLAN among others. */
    "ALTER TABLE assets ADD COLUMN vlans TEXT NOT NULL DEFAULT '';"
    "UPDATE assets SET vlans = CAST(vlan AS TEXT);"
    "DROP VIEW asset_zones;"
    "DROP VIEW asset_ip4;"
    "CREATE VIEW asset_ip4 (asset_id, ip, n) AS"
    "  SELECT asset_id, ip, (CAST(ip AS INTEGER) << 24) + (CAST(r1 AS INTEGER) << 16)"
    "   + (CAST(r2 AS INTEGER) << 8) + CAST(substr(r2, instr(r2, '.') + 1) AS INTEGER)"
    "  FROM (SELECT asset_id, ip, r1, substr(r1, instr(r1, '.') + 1) AS r2"
    "   FROM (SELECT asset_id, ip, substr(ip, instr(ip, '.') + 1) AS r1 FROM"
    "    (SELECT asset_id, ip FROM asset_ips UNION ALL"
    "     SELECT DISTINCT a.asset_id, e.ip FROM assets a JOIN endpoints e ON e.mac = a.mac"
    "      WHERE a.kind = 'mac' AND e.tx_packets > 0"
    "      AND NOT EXISTS (SELECT 1 FROM asset_ips i WHERE i.asset_id = a.asset_id))"
    "    WHERE ip GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*'));"
    "CREATE VIEW asset_zones (asset_id, zone, level) AS"
    "  SELECT a.asset_id, n.zone, z.level FROM assets a"
    "  JOIN zone_nets n ON n.net_id = (SELECT m.net_id FROM zone_nets m"
    "   WHERE (m.vlan IS NULL OR instr(';' || a.vlans || ';', ';' || m.vlan || ';') > 0)"
    "    AND ((m.cidr = '' AND m.vlan IS NOT NULL)"
    "    OR EXISTS (SELECT 1 FROM asset_ip4 i WHERE i.asset_id = a.asset_id"
    "     AND i.n BETWEEN m.v4_lo AND m.v4_hi))"
    "   ORDER BY m.vlan IS NOT NULL DESC, m.prefix_len DESC, m.net_id LIMIT 1)"
    "  JOIN zones z ON z.zone = n.zone;",
    /* 10: the communications matrix, counted when the data changes rather
     * than when the console shows it (store-matrix.c). */
    "CREATE TABLE comm_matrix ("
    "  axis TEXT NOT NULL, src_group TEXT, dst_group TEXT, protocol TEXT NOT NULL,"
    "  conversations INTEGER NOT NULL, packets INTEGER NOT NULL) STRICT;"
    "CREATE INDEX comm_matrix_axis ON comm_matrix(axis);" STORE_MATRIX_REFRESH_SQL,
    /* 11: the console's header and dashboard figures (counts, groups, top
     * talkers, traffic), kept by the writers as the matrix is: counting
     * them took a second on a million conversations, at every live batch.
     * Filled after the migration (store_console_summary_refresh). */
    "CREATE TABLE console_summary ("
    "  kind TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL,"
    "  value INTEGER NOT NULL, id INTEGER NOT NULL) STRICT;",
    /* 12: the timeline counts control/program operations and findings per
     * time bucket; these cover that read (class and time, time), which
     * otherwise looked up every such operation's row: 18 ms a count on
     * the 1 M-conversation bench DB, three counts to open the view.
     * IF NOT EXISTS: tests/bench/console-db.sh replays 10 and up. */
    "CREATE INDEX IF NOT EXISTS ops_class_time ON ops(class, first_ns);"
    "CREATE INDEX IF NOT EXISTS findings_time ON findings(first_ns);",
    /* 13: ops_class_time serves every lookup by class that ops_class did
     * (a prefix), and each index is one more B-tree insert per new
     * operation row in every batch. */
    "DROP INDEX IF EXISTS ops_class;",
};

enum { MIGRATION_CONSOLE_SUMMARY = 11 };

bool store_fail(Store *s, Err *err, const char *what)
{
    return err_set(err, ERR_DB, "%s: %s: %s", s->path, what,
                   s->db ? sqlite3_errmsg(s->db) : "cannot open");
}

bool store_exec(Store *s, const char *sql, Err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, ERR_DB, "%s: %s", s->path, msg ? msg : "SQL error");
        sqlite3_free(msg);
        return false;
    }
    return true;
}

bool store_prepare(Store *s, const char *sql, sqlite3_stmt **stmt, Err *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return store_fail(s, err, "prepare");
    return true;
}

static int pragma_int(Store *s, const char *pragma)
{
    sqlite3_stmt *st;
    int value = -1;
    if (sqlite3_prepare_v2(s->db, pragma, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        value = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return value;
}

static bool migrate(Store *s, Err *err)
{
    int version = pragma_int(s, "PRAGMA user_version");
    int latest = (int)G_N_ELEMENTS(migrations);
    int app_id = pragma_int(s, "PRAGMA application_id");
    if (app_id != 0 && app_id != STORE_APPLICATION_ID)
        return err_set(err, ERR_DB, "%s: not an otscope database (application_id %#x)", s->path,
                       (unsigned)app_id);
    if (version > latest)
        return err_set(err, ERR_DB,
                       "%s: schema version %d is newer than this otscope understands (%d); "
                       "upgrade otscope",
                       s->path, version, latest);
    if (version == latest)
        return true;
    if (s->is_read_only)
        return err_set(err, ERR_DB, "%s: schema version %d needs an upgrade; open it read-write",
                       s->path, version);
    for (int v = version; v < latest; v++) {
        gchar *sql = g_strdup_printf("BEGIN IMMEDIATE;%s;PRAGMA user_version=%d;"
                                     "PRAGMA application_id=%d;COMMIT;",
                                     migrations[v], v + 1, STORE_APPLICATION_ID);
        bool ok = store_exec(s, sql, err);
        g_free(sql);
        if (!ok) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return false;
        }
    }
    /* its SQL binds the contract's attribute names: not a migration's text */
    if (version < MIGRATION_CONSOLE_SUMMARY) {
        bool ok = store_exec(s, "BEGIN IMMEDIATE", err) && store_console_summary_refresh(s, err) &&
                  store_exec(s, "COMMIT", err);
        if (!ok) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return false;
        }
    }
    return true;
}

/* Creates the file 0600 before SQLite opens it: SQLite gives the WAL and
 * SHM side files the mode of the database file. */
static bool create_private(const char *path, Err *err)
{
    gchar *dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        err_set(err, ERR_DB, "%s: cannot create folder: %s", dir, g_strerror(errno));
        g_free(dir);
        return false;
    }
    g_free(dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, ERR_DB, "%s: cannot create: %s", path, g_strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size == 0)
        fchmod(fd, 0600);
    close(fd);
    return true;
}

/* ots_mask_secret(value): secret_mask() for the queries that print
 * attribute values, so every presenter masks the same way; the value
 * itself once store_show_secrets() asked for it. */
static void sql_mask_secret(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const Store *s = sqlite3_user_data(ctx);
    const char *value = (const char *)sqlite3_value_text(argv[0]);
    if (!value || s->is_showing_secrets) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    sqlite3_result_text(ctx, secret_mask(value), -1, g_free);
}

/* ots_secrets_shown(): 1 after store_show_secrets(s, true). */
static void sql_secrets_shown(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    const Store *s = sqlite3_user_data(ctx);
    sqlite3_result_int(ctx, s->is_showing_secrets);
}

void store_show_secrets(Store *s, bool is_shown)
{
    s->is_showing_secrets = is_shown;
}

/* SQLite's memory statistics take a global mutex on every allocation:
 * a tenth of a batch's instructions, for figures nothing here reads.
 * sqlite3_config must come before the library's first use. */
static void configure_sqlite_once(void)
{
    static gsize is_done;
    if (g_once_init_enter(&is_done)) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        g_once_init_leave(&is_done, 1);
    }
}

Store *store_open(const char *path, StoreMode mode, Err *err)
{
    bool exists = g_file_test(path, G_FILE_TEST_EXISTS);
    if (!exists && mode == STORE_READ) {
        err_set(err, ERR_INPUT, "%s: no such database (run 'otscope analyze' first)", path);
        return NULL;
    }
    if (!exists && !create_private(path, err))
        return NULL;
    configure_sqlite_once();
    Store *s = g_new0(Store, 1);
    s->path = g_strdup(path);
    s->is_read_only = mode == STORE_READ;
    int flags = s->is_read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        store_fail(s, err, "open");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    /* not DETERMINISTIC: the answer follows store_show_secrets() */
    if (sqlite3_create_function(s->db, "ots_mask_secret", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, s,
                                sql_mask_secret, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(s->db, "ots_secrets_shown", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS, s,
                                sql_secrets_shown, NULL, NULL) != SQLITE_OK) {
        store_fail(s, err, "register functions");
        store_close(s);
        return NULL;
    }
    bool ok = store_exec(s, "PRAGMA foreign_keys=ON", err);
    if (ok && !s->is_read_only)
        ok = store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err);
    /* A batch touches index pages all over the file; with SQLite's default
     * 2 MB cache they spill to the WAL again and again inside one
     * transaction (measured: 550 k pwrite calls for a 14 MB DB).  The cache
     * is a bound, not an allocation: it only fills as the DB is used. */
    if (ok)
        ok = store_exec(s, "PRAGMA cache_size=-" G_STRINGIFY(STORE_CACHE_KB) "; PRAGMA temp_store=MEMORY;", err);
    /* quick_check reads every page: worth it before a writer adds to the
     * file, not on every read-only open (2.6 s on a 1 M-comm DB); readers
     * get SQLite's own corruption errors where they read. */
    if (ok && !s->is_read_only && pragma_int(s, "PRAGMA quick_check") < 0)
        ok = store_fail(s, err, "not a database or damaged");
    if (ok)
        ok = migrate(s, err);
    if (!ok) {
        store_close(s);
        return NULL;
    }
    if (!s->is_read_only)
        chmod(path, 0600);
    return s;
}

void store_close(Store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->put_endpoint);
    sqlite3_finalize(s->put_comm);
    sqlite3_finalize(s->find_comm);
    sqlite3_finalize(s->update_comm);
    sqlite3_finalize(s->put_minute);
    sqlite3_finalize(s->put_op);
    sqlite3_finalize(s->find_op);
    sqlite3_finalize(s->update_op);
    sqlite3_finalize(s->update_op_tail);
    sqlite3_finalize(s->put_attr);
    sqlite3_finalize(s->put_anom);
    if (s->db)
        sqlite3_close_v2(s->db);
    g_free(s->path);
    g_free(s);
}

const char *store_path(const Store *s)
{
    return s->path;
}

/* ---- captures ------------------------------------------------------------ */

static char *now_text(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *text = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    return text;
}

int64_t store_capture_begin(Store *s, const CaptureInfo *info, Err *err)
{
    s->is_capture_live = strcmp(info->source, "live") == 0;
    /* Captures left 'running' by a killed run keep their committed
     * batches; call them what they are. */
    if (!store_exec(s, "UPDATE captures SET status='partial', error='interrupted' "
                       "WHERE status='running'",
                    err))
        return 0;
    sqlite3_stmt *st;
    if (!store_prepare(s,
                       "INSERT INTO captures(path, source, quick_id, status, started_at) "
                       "VALUES (?, ?, ?, 'running', ?)",
                       &st, err))
        return 0;
    char *now = now_text();
    sqlite3_bind_text(st, 1, info->path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, info->source, -1, SQLITE_STATIC);
    if (info->quick_id)
        sqlite3_bind_text(st, 3, info->quick_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    g_free(now);
    int64_t id = 0;
    if (sqlite3_step(st) == SQLITE_DONE)
        id = sqlite3_last_insert_rowid(s->db);
    else
        store_fail(s, err, "insert capture");
    sqlite3_finalize(st);
    return id;
}

int64_t store_capture_find_complete(Store *s, const char *quick_id)
{
    if (!quick_id)
        return 0;
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT capture_id FROM captures WHERE quick_id=? AND "
                           "status='complete' ORDER BY capture_id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, quick_id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

static int64_t duplicate_of(Store *s, int64_t capture_id, const char *sha256)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    if (!sha256 || sqlite3_prepare_v2(s->db,
                                      "SELECT capture_id FROM captures WHERE sha256=? AND "
                                      "status='complete' AND capture_id<>? LIMIT 1",
                                      -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, capture_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

bool store_capture_progress(Store *s, int64_t capture_id, const CaptureEnd *sofar, Err *err)
{
    if (!store_exec(s, "BEGIN IMMEDIATE", err))
        return false;
    sqlite3_stmt *st = NULL;
    bool ok = store_prepare(s,
                            "UPDATE captures SET packets=?2, bytes=?3, first_ns=?4, last_ns=?5"
                            " WHERE capture_id=?1",
                            &st, err);
    if (ok) {
        sqlite3_bind_int64(st, 1, capture_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)sofar->packets);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)sofar->bytes);
        if (sofar->packets) {
            sqlite3_bind_int64(st, 4, sofar->first_ns);
            sqlite3_bind_int64(st, 5, sofar->last_ns);
        }
        ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "capture progress");
        sqlite3_finalize(st);
    }
    /* only the assets the batch touched: every asset was 15 s a batch on
     * the 1 M-conversation bench DB */
    int64_t started_us = g_get_monotonic_time();
    if (ok)
        ok = store_infer_roles_touched(s, err);
    log_verbose("batch: roles of the touched assets in %.1f ms",
                (double)(g_get_monotonic_time() - started_us) / 1000.0);
    if (ok)
        ok = store_console_tables_refresh_live(s, capture_id, err);
    if (ok)
        ok = store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

/* analyze -v: what each part of a capture's end took on this thread
 * (its CPU: what the part costs, whatever else the machine runs). */
static void phase_done(const char *what, int64_t *since_ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    int64_t now_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (*since_ns)
        log_verbose("capture end: %s in %.1f ms (this thread's cpu)", what,
                    (double)(now_ns - *since_ns) / 1e6);
    *since_ns = now_ns;
}

/* store_capture_end in the open transaction, after snap's rows (NULL:
 * none).  One transaction for the last batch and the end: the assets are
 * resolved once, and the pages both change are written once. */
static bool close_capture(Store *s, int64_t capture_id, ModelSnapshot *snap,
                          const CaptureEnd *end, int64_t is_duplicate_of, Err *err)
{
    int64_t since_ns = 0;
    phase_done(NULL, &since_ns);
    if (snap && !store_write_rows(s, capture_id, snap, err))
        return false;
    phase_done("the last batch's rows", &since_ns);
    sqlite3_stmt *st = NULL;
    bool ok;
    if (is_duplicate_of) {
        ok = store_prepare(s, "DELETE FROM captures WHERE capture_id=?1", &st, err);
    } else {
        ok = store_prepare(s,
                           "UPDATE captures SET sha256=?2, linktype=?3, status=?4, skipped=?5, "
                           "error=?6, packets=?7, bytes=?8, first_ns=?9, last_ns=?10, "
                           "finished_at=?11 WHERE capture_id=?1",
                           &st, err);
    }
    if (ok) {
        char *now = now_text();
        sqlite3_bind_int64(st, 1, capture_id);
        if (!is_duplicate_of) {
            sqlite3_bind_text(st, 2, end->sha256, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, end->linktype ? end->linktype : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 4, end->status, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 5, end->skipped ? end->skipped : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 6, end->error ? end->error : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 7, (sqlite3_int64)end->packets);
            sqlite3_bind_int64(st, 8, (sqlite3_int64)end->bytes);
            if (end->packets) {
                sqlite3_bind_int64(st, 9, end->first_ns);
                sqlite3_bind_int64(st, 10, end->last_ns);
            }
            sqlite3_bind_text(st, 11, now, -1, SQLITE_TRANSIENT);
        }
        g_free(now);
        ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "close capture");
        sqlite3_finalize(st);
    }
    /* A complete read of a file supersedes earlier partial reads of it. */
    if (ok && !is_duplicate_of && end->sha256 && strcmp(end->status, "complete") == 0) {
        ok = store_prepare(s,
                           "DELETE FROM captures WHERE capture_id<>?1 AND status<>'complete' "
                           "AND (sha256=?2 OR quick_id=(SELECT quick_id FROM captures "
                           "WHERE capture_id=?1))",
                           &st, err);
        if (ok) {
            sqlite3_bind_int64(st, 1, capture_id);
            sqlite3_bind_text(st, 2, end->sha256, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "replace partial capture");
            sqlite3_finalize(st);
        }
    }
    if (ok)
        ok = store_resolve_assets(s, err);
    phase_done("assets", &since_ns);
    /* Roles read every comm and op: once per capture, before the rules. */
    if (ok)
        ok = store_infer_roles(s, err);
    phase_done("roles", &since_ns);
    ok = ok && store_comm_matrix_refresh(s, err);
    phase_done("communications matrix", &since_ns);
    ok = ok && store_console_summary_refresh(s, err);
    phase_done("console summary", &since_ns);
    return ok;
}

bool store_capture_end(Store *s, int64_t capture_id, ModelSnapshot *snap, const CaptureEnd *end,
                       int64_t *is_duplicate_of, Err *err)
{
    *is_duplicate_of = duplicate_of(s, capture_id, end->sha256);
    if (!store_exec(s, "BEGIN IMMEDIATE", err))
        return false;
    bool ok = close_capture(s, capture_id, snap, end, *is_duplicate_of, err);
    int64_t since_ns = 0;
    phase_done(NULL, &since_ns);
    ok = ok && store_exec(s, "COMMIT", err);
    phase_done("commit", &since_ns);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}
