#!/bin/sh
# How long the report (and the exports) take on a large site: builds a DB
# of ASSETS assets (default 10 000) spread over /24 networks and Purdue
# levels, with conversations, operations, attributes and findings, by SQL
# into the schema otscope itself creates, then times `otscope report` and
# `otscope export` on it.  Not a test: prints figures.
# usage: report-10k.sh OTSCOPE [ASSETS] [KEEP_DIR]
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-10000}
dir=${3:-$(mktemp -d)}
mkdir -p "$dir"
db=$dir/site-$n.db
rm -f "$db" "$db-wal" "$db-shm"
# an empty DB with otscope's schema (purge opens read-write, which creates it)
"$bin" purge -q --db "$db" --all
/usr/bin/python3 - "$db" "$n" <<'PY'
import random, sqlite3, sys
path, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
db = sqlite3.connect(path)
db.execute("PRAGMA foreign_keys=ON")
T0 = 1709625600 * 10**9
db.execute("INSERT INTO captures(capture_id, path, source, sha256, linktype, status, packets, bytes,"
           " first_ns, last_ns, started_at, finished_at) VALUES (1, 'site.pcapng', 'file', ?,"
           " 'EN10MB', 'complete', ?, ?, ?, ?, '2024-03-05T08:00:00Z', '2024-03-05T09:00:00Z')",
           ("ab" * 32, n * 400, n * 40000, T0, T0 + 3600 * 10**9))
roles = [("plc", 1), ("rtu", 1), ("ied", 1), ("hmi", 2), ("scada", 2), ("engineering-workstation", 2),
         ("historian", 3), ("server", 3), ("it-workstation", 4), ("network-device", None),
         ("unknown", None)]
weights = [30, 5, 10, 8, 2, 2, 1, 4, 20, 3, 15]
ot = [("modbus", 502, "tcp"), ("s7comm", 102, "tcp"), ("enip", 44818, "tcp"), ("dnp3", 20000, "tcp"),
      ("iec104", 2404, "tcp"), ("bacnet", 47808, "udp"), ("opcua", 4840, "tcp")]
it = [("dns", 53, "udp"), ("http", 80, "tcp"), ("tls", 443, "tcp"), ("smb", 445, "tcp"), ("ntp", 123, "udp")]
assets = []
for i in range(n):
    net = i // 200
    ip = f"10.{20 + net // 250}.{net % 250}.{10 + i % 200}"
    mac = "00:1b:1b:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
    role, level = random.choices(roles, weights)[0]
    assets.append((i + 1, ip, mac, role, level))
    db.execute("INSERT INTO assets(asset_id, asset_key, kind, mac, vlan, vendor, role, role_evidence,"
               " purdue_level, packets, bytes, first_ns, last_ns, risk_score) VALUES"
               " (?, ?, 'mac', ?, 0, 'Siemens AG', ?, 'generated', ?, ?, ?, ?, ?, ?)",
               (i + 1, "mac:" + mac, mac, role, level, 400, 40000, T0, T0 + 3600 * 10**9,
                random.choice([0, 0, 0, 5, 12, 20, 40, 70])))
    db.execute("INSERT INTO asset_ips(asset_id, ip) VALUES (?, ?)", (i + 1, ip))
    db.execute("INSERT INTO endpoints(capture_id, mac, vlan, ip, tx_packets, tx_bytes, rx_packets,"
               " rx_bytes, first_ns, last_ns, first_pkt, arp_claims, min_ttl) VALUES"
               " (1, ?, 0, ?, 200, 20000, 200, 20000, ?, ?, 1, 1, 64)", (mac, ip, T0, T0 + 10**9))
    if i % 3 == 0:
        db.execute("INSERT INTO attrs(capture_id, addr, name, value, protocol, confidence, count,"
                   " first_ns, last_ns, first_pkt) VALUES (1, ?, 'hostname', ?, 'dhcp', 90, 1, ?, ?, 1)",
                   (ip, f"dev-{i:05d}", T0, T0))
    if role in ("plc", "rtu", "ied"):
        db.execute("INSERT INTO attrs(capture_id, addr, name, value, protocol, confidence, count,"
                   " first_ns, last_ns, first_pkt) VALUES (1, ?, 'model', ?, 's7comm', 90, 1, ?, ?, 1)",
                   (ip, "6ES7 315-2EH14-0AB0", T0, T0))
ctl = [a for a in assets if a[3] in ("plc", "rtu", "ied")]
clients = [a for a in assets if a[3] in ("hmi", "scada", "engineering-workstation")] or assets
servers = [a for a in assets if a[3] in ("server", "historian")] or assets
comm = 0
seen = set()
for a in assets:
    for _ in range(3):
        if a[3] in ("plc", "rtu", "ied"):
            src, (proto, port, tr) = random.choice(clients), random.choice(ot)
            pair = (src[1], a[1], proto)
            s, d = src[1], a[1]
        else:
            dst, (proto, port, tr) = random.choice(servers), random.choice(it)
            s, d = a[1], dst[1]
        if (s, d, proto) in seen or s == d:
            continue
        seen.add((s, d, proto))
        comm += 1
        pk = random.randint(10, 5000)
        db.execute("INSERT INTO comms(comm_id, capture_id, src, dst, vlan, protocol, transport, port,"
                   " packets, bytes, first_ns, last_ns, first_pkt) VALUES (?, 1, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, 1)",
                   (comm, s, d, proto, tr, port, pk, pk * 90, T0, T0 + 3500 * 10**9))
        if proto in [o[0] for o in ot]:
            for code, fn, cls in random.sample([(3, "Read Holding Registers", "read"),
                                                 (16, "Write Multiple Registers", "write"),
                                                 (41, "PLC Stop", "control"), (26, "Download Block", "program")], 2):
                db.execute("INSERT OR IGNORE INTO ops(capture_id, protocol, src, dst, function_code, function,"
                           " class, count, responses, errors, first_ns, last_ns, first_pkt, detail)"
                           " VALUES (1, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, 1, '')",
                           (proto, s, d, code, fn, cls, random.randint(1, 900), T0, T0 + 10**9))
sev = ["critical", "high", "medium", "low", "info"]
for k in range(600):
    a = random.choice(ctl or assets)
    s = random.choice(clients)
    db.execute("INSERT INTO findings(capture_id, severity, rule, title, src, dst, protocol, count, first_ns,"
               " last_ns, evidence, recommendation, attack_id, finding_key, why) VALUES"
               " (1, ?, ?, ?, ?, ?, 'modbus', 3, ?, ?, ?, 'Check it.', 'T0855', ?, 'Because.')",
               (random.choice(sev), f"rule-{k % 12}", f"Generated finding {k}", s[1], a[1], T0, T0,
                f"site.pcapng frames {k}-{k + 3}", f"k{k}"))
db.commit()
print(f"# {n} assets, {comm} conversations,"
      f" {db.execute('SELECT count(*) FROM ops').fetchone()[0]} operation rows, 600 findings")
PY
size=$(stat -c %s "$db")
echo "# DB $db: $((size / 1024 / 1024)) MB"
t() { # label command...
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>&1
    read -r secs kb <"$dir/time"
    echo "$label: ${secs} s, peak RSS $((kb / 1024)) MB"
}
t "report (en)" "$bin" report -q --db "$db" -o "$dir/report.html"
echo "# report size: $(($(stat -c %s "$dir/report.html") / 1024)) KB;" \
    "map nodes: $(grep -o '<g class="node' "$dir/report.html" | wc -l)"
t "report --anonymize" "$bin" report -q --db "$db" --anonymize -o "$dir/report-anon.html"
t "export csv" "$bin" export -q --db "$db" --format csv -o "$dir/csv"
t "export ndjson" "$bin" export -q --db "$db" --format ndjson -o "$dir/site.ndjson"
