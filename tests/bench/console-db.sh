#!/bin/sh
# Console responsiveness on a big site DB: 100 k assets and 1 M
# conversations (plus operations, per-minute traffic, attributes and
# findings), built directly with SQL (INSERT ... SELECT from recursive
# CTEs, a few seconds) on top of the sample capture's schema and rows.
# The console then runs in tmux with OTSCOPE_CONSOLE_TIMING, keys are
# sent, and the per-key handling times (key read -> screen updated) are
# summarized per view and action.  The requirement is < 50 ms to open any
# view and to move a page.
#
#   tests/bench/console-db.sh OTSCOPE [SAMPLE.pcap] [WORKDIR]
#   CONSOLE_DB=path   reuse (or keep) the built DB there
#   ASSETS=N COMMS=N  scale (defaults 100000 and 1000000)
#   SIZE=WxH          terminal size (default 200x50)
#   meson test --benchmark -C BUILD console-db   (never part of meson test)
set -u
otscope=${1:?usage: console-db.sh OTSCOPE [SAMPLE] [WORKDIR]}
sample=${2:-$(dirname "$0")/../../samples/plant.pcap}
work=${3:-}
if [ -z "$work" ]; then
    work=$(mktemp -d)
    # the DB is ~370 MB: gone with the run unless CONSOLE_DB keeps it
    trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
fi
assets=${ASSETS:-100000}
comms=${COMMS:-1000000}
db=${CONSOLE_DB:-$work/console-bench.db}

sql() { # runs stdin against $db with the sqlite3 shell, or Python's module
    if command -v sqlite3 >/dev/null 2>&1; then
        sqlite3 -bail "$db"
    else
        python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.stdin.read()); c.commit()' "$db"
    fi
}

build_db_body() {
    # findings_key (rules' migration) wants a distinct key per finding
    fk_col= fk_val=
    if [ "$(echo "SELECT count(*) FROM pragma_table_info('findings') WHERE name='finding_key';" | sql)" = 1 ]; then
        fk_col=', finding_key' fk_val=", printf('bench-%d', i)"
    fi
    sql <<EOF
PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $comms - 1)
INSERT INTO n SELECT i FROM c;
CREATE TEMP TABLE roles(k INTEGER PRIMARY KEY, role TEXT, lvl INTEGER);
INSERT INTO roles VALUES (0,'plc',1),(1,'hmi',2),(2,'engineering-workstation',2),
  (3,'it-workstation',4),(4,'server',3),(5,'unknown',NULL),(6,'rtu',1),(7,'historian',3);
CREATE TEMP TABLE protos(k INTEGER PRIMARY KEY, protocol TEXT, transport TEXT, port INTEGER);
INSERT INTO protos VALUES (0,'modbus','tcp',502),(1,'s7comm','tcp',102),(2,'enip','tcp',44818),
  (3,'dnp3','tcp',20000),(4,'http','tcp',80),(5,'tls','tcp',443),(6,'dns','udp',53),
  (7,'smb','tcp',445),(8,'unknown','tcp',8080),(9,'iec104','tcp',2404);
CREATE TEMP TABLE funcs(k INTEGER PRIMARY KEY, code INTEGER, name TEXT, class TEXT);
INSERT INTO funcs VALUES (0,3,'Read Holding Registers','read'),(1,4,'Read Input Registers','read'),
  (2,16,'Write Multiple Registers','write'),(3,6,'Write Single Register','write'),
  (4,1,'Read Coils','read'),(5,43,'Read Device Identification','discovery'),
  (6,8,'Diagnostics','diagnostic'),(7,90,'Program Download','program'),
  (8,41,'PLC Stop','control'),(9,2,'Read Discrete Inputs','read');
-- ip(k): 172.16.0.0 + k
CREATE TEMP VIEW ipk AS SELECT i AS k, printf('172.%d.%d.%d', 16 + (i >> 16), (i >> 8) & 255, i & 255) AS ip
  FROM n WHERE i < $assets;
INSERT INTO assets(asset_key, kind, mac, vlan, vendor, role, role_evidence, purdue_level,
  packets, bytes, first_ns, last_ns, risk_score)
SELECT 'ip:' || ip, 'ip', '', 0, CASE q.k % 5 WHEN 0 THEN 'Siemens AG' WHEN 1 THEN 'Rockwell Automation'
  WHEN 2 THEN 'Schneider Electric' WHEN 3 THEN 'Dell Inc.' ELSE '' END,
  r.role, 'bench', r.lvl, (q.k * 7919) % 100000 + 10, (q.k * 104729) % 10000000 + 600,
  1709625600000000000 + (q.k % 600) * 1000000000, 1709625600000000000 + (600 + q.k % 3000) * 1000000000,
  (q.k * 31) % 100
FROM ipk q JOIN roles r ON r.k = q.k % 8;
INSERT INTO asset_ips(asset_id, ip) SELECT a.asset_id, substr(a.asset_key, 4) FROM assets a
  WHERE a.asset_key LIKE 'ip:172.%';
-- the endpoints the assets stand for: a capture (live) into this DB resolves
-- assets from them, and would otherwise drop every asset above
INSERT OR IGNORE INTO endpoints(capture_id, mac, vlan, ip, tx_packets, tx_bytes, rx_packets, rx_bytes,
  first_ns, last_ns, first_pkt, arp_claims, min_ttl)
SELECT 1, '', 0, i.ip, a.packets / 2, a.bytes / 2, a.packets - a.packets / 2, a.bytes - a.bytes / 2,
  a.first_ns, a.last_ns, 1, 0, 64 FROM asset_ips i JOIN assets a USING (asset_id)
  WHERE a.asset_key LIKE 'ip:172.%';
INSERT INTO attrs(capture_id, addr, name, value, protocol, confidence, count, first_ns, last_ns, first_pkt)
SELECT 1, ip, 'hostname', printf('host-%06d', k), 'dns', 90, 1, 1709625600000000000, 1709625600000000000, 1
  FROM ipk WHERE k % 2 = 0;
INSERT INTO attrs(capture_id, addr, name, value, protocol, confidence, count, first_ns, last_ns, first_pkt)
SELECT 1, ip, 'model', printf('CPU %d', k % 97), 's7comm', 90, 1, 1709625600000000000, 1709625600000000000, 1
  FROM ipk WHERE k % 10 = 0;
-- comms: pair i -> (i mod A, a spread of i); several protocols per pair
INSERT OR IGNORE INTO comms(capture_id, src, dst, vlan, protocol, transport, port, packets, bytes,
  first_ns, last_ns, first_pkt, anomalies)
SELECT 1, printf('172.%d.%d.%d', 16 + (s >> 16), (s >> 8) & 255, s & 255),
  printf('172.%d.%d.%d', 16 + (d >> 16), (d >> 8) & 255, d & 255), 0, p.protocol, p.transport,
  p.port, (i * 2654435761) % 50000 + 1, (i * 40503) % 5000000 + 64,
  1709625600000000000 + (i % 3600) * 1000000000, 1709625600000000000 + (3600 + i % 7200) * 1000000000,
  i + 1, 0
FROM (SELECT i, i % $assets AS s, (i * 7 + i / $assets * 104729 + 1) % $assets AS d FROM n) q
JOIN protos p ON p.k = (q.i / $assets + q.i) % 10;
INSERT INTO comm_minutes(comm_id, minute, packets, bytes)
SELECT comm_id, first_ns / 60000000000, packets, bytes FROM comms WHERE src LIKE '172.%';
INSERT OR IGNORE INTO ops(capture_id, protocol, src, dst, function_code, function, class, count,
  responses, errors, first_ns, last_ns, first_pkt, detail)
SELECT 1, c.protocol, c.src, c.dst, f.code, f.name, f.class, c.packets / 2 + 1, c.packets / 2, 0,
  c.first_ns, c.last_ns, c.first_pkt, ''
FROM comms c JOIN funcs f ON f.k = CASE WHEN c.comm_id % 97 = 0 THEN 7 + c.comm_id % 2
  ELSE c.comm_id % 7 END
WHERE c.protocol IN ('modbus', 's7comm', 'dnp3', 'iec104') AND c.src LIKE '172.%' AND c.comm_id % 3 = 0;
INSERT INTO findings(capture_id, severity, rule, title, src, dst, protocol, count, first_ns, last_ns,
  evidence, recommendation, attack_id$fk_col)
SELECT 1, CASE i % 5 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' WHEN 3 THEN 'low'
  ELSE 'info' END, 'ot-write', printf('Write to PLC registers #%d', i), c.src, c.dst, c.protocol, 3,
  c.first_ns, c.last_ns, printf('plant.pcap:%d', c.first_pkt), 'Restrict writers', 'T0855'$fk_val
FROM n JOIN comms c ON c.comm_id = n.i * 499 + 100 WHERE n.i < 2000;
UPDATE captures SET last_ns = (SELECT max(last_ns) FROM comms) WHERE capture_id = 1;
COMMIT;
EOF
}

# zones over the bench's addresses (172.16.0.0 + k), for the matrix of zones
bench_zones() {
    cat <<'EOF'
zone cell-a       level 1  Cell/area A
zone cell-b       level 1  Cell/area B
zone supervisory  level 2  HMI and engineering
zone operations   level 3  Site operations
net 172.16.0.0/18    cell-a
net 172.16.64.0/18   cell-b
net 172.16.128.0/17  supervisory
net 172.17.0.0/16    operations
EOF
}

if [ ! -s "$db" ]; then
    t0=$(date +%s)
    rm -f "$db" "$db-wal" "$db-shm"
    "$otscope" analyze -q -r "$sample" --db "$db" || exit 1
    bench_zones > "$work/bench-zones.conf"
    "$otscope" zones load -q "$work/bench-zones.conf" --db "$db" > /dev/null || exit 1
    build_db_body || { rm -f "$db"; exit 1; }
    # The rows above bypass the writers, which keep the comms matrix and
    # the console's summary: the DB goes back to the schema before those
    # (migrations 10 and 11 in src/store/store.c add them: keep the 9 below
    # one less than the first), and the next read-write open (the sample
    # again: a duplicate, not analyzed) counts them anew as it migrates.
    echo "DROP TABLE comm_matrix; DROP TABLE console_summary; PRAGMA user_version=9;" | sql &&
        "$otscope" analyze -q -r "$sample" --db "$db" || exit 1
    echo "built $db in $(( $(date +%s) - t0 )) s: $(sql <<'EOF'
SELECT (SELECT count(*) FROM assets) || ' assets, ' || (SELECT count(*) FROM comms) || ' comms, '
 || (SELECT count(*) FROM ops) || ' ops, ' || (SELECT count(*) FROM comm_minutes) || ' minutes, '
 || (SELECT count(*) FROM findings) || ' findings';
EOF
)"
fi
[ "${BUILD_ONLY:-0}" = 1 ] && exit 0

command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: DB built, no key timings"; exit 0; }
size=${SIZE:-200x50}
log=$work/console-timing.log
sock=otscope-bench-$$
: > "$log"
tmux -L "$sock" new-session -d -x "${size%x*}" -y "${size#*x}" -e LC_ALL=C -e NO_COLOR=1 \
    -e OTSCOPE_CONSOLE_TIMING="$log" "'$otscope' console --db '$db'; sleep 600"
trap 'tmux -L "$sock" kill-server 2>/dev/null; [ -n "${3:-}" ] || rm -rf "$work"' EXIT
wait_log() { # lines: waits until the log has that many lines (the console is slow to start)
    i=0
    while [ "$(wc -l < "$log")" -lt "$1" ] && [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
}
n=0
key() { # tmux key names; each waits for the previous to be handled
    for k in "$@"; do
        n=$((n + 1))
        tmux -L "$sock" send-keys "$k"
        wait_log $((n + 1))
    done
}
text() { tmux -L "$sock" send-keys -l "$1"; }
prompt() { # key that opens a prompt, text, Enter: one log line
    tmux -L "$sock" send-keys "$1"
    text "$2"
    key Enter
}
wait_log 1
# every view, paging both ways, drill-downs
for v in 2 3 4 5 6; do
    key "$v" NPage NPage NPage PPage End Home Down Down Up
done
key 1 2 Enter NPage Escape 3 Enter NPage Escape 6 Enter Escape 5 Enter Escape
# sorting by columns without an index (the first sort of a column builds
# its snapshot, later ones and their pages reuse it), then filters
key 3 '<' NPage End '<' '<' '<' NPage S NPage
key 2 s NPage S NPage End
key 4 '<' NPage NPage End
prompt f "protocol=modbus"
key NPage NPage End Home Escape
key 3
prompt / "172.16.1.1"
key n
# the matrix: levels, zones, back to the list, levels again
key m NPage m m m Escape
key q
# log lines: ms, key, view
awk -F'\t' '
    $2 == "start" { print "start: " $1 " ms to the first screen (" $4 ")"; next }
    { k = $3 " " $2; n[k]++; s[k] += $1; if ($1 > m[k]) m[k] = $1; all[k] = all[k] " " $1 }
    END { for (k in n) printf "%-24s %3d keys  mean %8.2f ms  max %8.2f ms\n", k, n[k], s[k] / n[k], m[k] }
' "$log" | sort
echo "per key: handling time from key read to screen updated; the first sort of a column"
echo "without an index ('s', '<') builds its snapshot once (a full sort of the table)"
