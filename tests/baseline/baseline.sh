#!/bin/sh
# usage: baseline.sh OTSCOPE SAMPLE.pcap FIXTURES_DIR DATA_DIR
# Baselines, diff, zones, ledger and advisories against the plant sample
# (tests/baseline/README.md).  The checks that need the VLAN capture
# (make-captures.py, scapy) are skipped without /usr/bin/python3 + scapy.
# TAP; one line per check.
set -u
bin=$1
sample=$2
fx=$3
data=$4
. "$(dirname "$0")/../cli/check-argv.sh"
# has FILE.csv RULE SRC DST [TEXT]: a finding of RULE from SRC to DST (DST "-": any)
# whose CSV row contains TEXT
has() {
    /usr/bin/env python3 - "$@" <<'EOF'
import csv, sys
path, rule, src, dst = sys.argv[1:5]
text = sys.argv[5] if len(sys.argv) > 5 else ""
for r in csv.DictReader(open(path, encoding="utf-8")):
    if r["rule"] == rule and r["src"] == src and (dst == "-" or r["dst"] == dst) and \
            text in ",".join(r.values()):
        sys.exit(0)
sys.exit(1)
EOF
}
# rows FILE.csv COLUMN=VALUE...: the CSV has a row with all these values
row() {
    /usr/bin/env python3 - "$@" <<'EOF'
import csv, sys
path, conds = sys.argv[1], [c.split("=", 1) for c in sys.argv[2:]]
for r in csv.DictReader(open(path, encoding="utf-8")):
    if all(r.get(k) == v for k, v in conds):
        sys.exit(0)
sys.exit(1)
EOF
}
count_rules() { # FILE.csv RULE...: how many findings of these rules
    f=$1
    shift
    /usr/bin/env python3 - "$f" "$@" <<'EOF'
import csv, sys
rules = set(sys.argv[2:])
print(sum(1 for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["rule"] in rules))
EOF
}
baseline_rules="new-asset new-comm new-ot-function changed-identity traffic-anomaly"

# ---- baseline of the sample, checked against itself -----------------------------
before="$tmp/before.db"
"$bin" analyze -q --db "$before" -r "$sample"
check "baseline save writes a baseline file" \
    "$bin" baseline save -q --db "$before" -o "$tmp/plant.baseline"
check "the baseline file is SQLite with its format mark" \
    sh -c "sqlite3 '$tmp/plant.baseline' \"SELECT value FROM meta WHERE key='format'\" 2>/dev/null | grep -qx otscope-baseline || ! command -v sqlite3 >/dev/null"
cp "$before" "$tmp/self.db"
"$bin" baseline check -q --db "$tmp/self.db" --baseline "$tmp/plant.baseline" --format csv >"$tmp/self.csv"
check "the sample checked against its own baseline: no baseline findings ($(count_rules "$tmp/self.csv" $baseline_rules))" \
    test "$(count_rules "$tmp/self.csv" $baseline_rules)" -eq 0
"$bin" baseline show --db "$tmp/self.db" --format csv >"$tmp/show.csv"
check "baseline show names the loaded baseline" grep -q '^source,before.db' "$tmp/show.csv"
check "baseline check without a loaded baseline is a usage error" \
    status_is 2 "$bin" baseline check --db "$before"
check "baseline save without -o is a usage error" status_is 2 "$bin" baseline save --db "$before"
check "a window that ends before it starts is a usage error" \
    status_is 2 "$bin" baseline save --db "$before" --from 2024-03-05T09:00Z --to 2024-03-05T08:00Z -o "$tmp/x"
check "a capture is not a baseline (exit 3)" \
    status_is 3 "$bin" baseline check --db "$tmp/self.db" --baseline "$sample"

# ---- the VLAN capture (make-captures.py, scapy) ----------------------------------------
# The before/after scenario is golden-tested by site.sh on samples/before.pcap
# and samples/after.pcap (generated in C, no scapy needed).
if /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    /usr/bin/python3 "$fx/make-captures.py" "$tmp" 2>"$tmp/make.err"
fi

# ---- diff of two windows of one DB -----------------------------------------------------
"$bin" diff -q "$before@2024-03-05T08:00:00Z..2024-03-05T08:05:00Z" "$before@2024-03-05 08:05.." \
    --format csv >"$tmp/windows.csv"
check "windows: the contractor laptop (08:07:51) appears in the second" \
    row "$tmp/windows.csv" change=appeared kind=asset "item=10.10.1.99 (00:1b:21:e6:0f:55)"
check "windows: the PLC stop (08:05:00) is in the second" row "$tmp/windows.csv" \
    change=appeared kind=function "item=10.10.1.60 -> 10.10.1.20 s7comm PLC Stop (41)"
check "windows: the Modbus write of 08:04 is only in the first" row "$tmp/windows.csv" \
    change=disappeared kind=function "item=10.10.1.60 -> 10.10.1.10 modbus Write Single Register (6)"
"$bin" diff -q "$before@2024-03-05T08:00Z..2024-03-05T08:05Z" "$before@2024-03-05T08:05Z.." \
    --format json >"$tmp/windows.json"
check "windows: JSON output parses" \
    /usr/bin/env python3 -c "import json; json.load(open('$tmp/windows.json'))"
check "a window with a bad time is a usage error" status_is 2 "$bin" diff "$before@yesterday..now" "$before"
check "baseline save of a window" "$bin" baseline save -q --db "$before" \
    --from "2024-03-05 08:00" --to "2024-03-05 08:05" -o "$tmp/early.baseline"

# ---- zones ---------------------------------------------------------------------------------
cp "$before" "$tmp/zones.db"
"$bin" zones load -q "$data/zones-example.conf" --db "$tmp/zones.db" --format csv >"$tmp/zones.csv"
check "zone-violation: Telnet from the engineering station to the switch" \
    has "$tmp/zones.csv" zone-violation 10.10.1.60 10.10.1.2 "supervisory -> network (telnet)"
check "no zone-violation for the HMI's allowed Modbus polling" \
    sh -c "! grep -q 'zone-violation,.*,10.10.1.50,10.10.1.10,' '$tmp/zones.csv'"
"$bin" assets --db "$tmp/zones.db" --format csv >"$tmp/assets.csv"
check "assets: the zone column is the last one" sh -c "head -n 1 '$tmp/assets.csv' | grep -q ',zone.$'"
check "assets: plc-a is in zone control" row "$tmp/assets.csv" ips=10.10.1.10 zone=control
check "assets: the HMI is in zone supervisory" row "$tmp/assets.csv" ips=10.10.1.50 zone=supervisory
printf 'zone a level 1\nnet 10.0.0.0/33 a\n' >"$tmp/bad.conf"
check "a bad zone file is refused with its line (exit 3)" \
    sh -c "'$bin' zones load '$tmp/bad.conf' --db '$tmp/zones.db' 2>&1 >/dev/null | grep -q 'bad.conf:2:'"
if [ -f "$tmp/vlans.pcap" ]; then
    "$bin" analyze -q --db "$tmp/vlans.db" -r "$tmp/vlans.pcap"
    "$bin" zones load -q "$fx/vlans.conf" --db "$tmp/vlans.db" --format csv >"$tmp/vlans.csv"
    "$bin" assets --db "$tmp/vlans.db" --format csv >"$tmp/vlan-assets.csv"
    check "VLAN 10's PLC (192.168.1.20) is in cell-a" \
        row "$tmp/vlan-assets.csv" mac=02:00:00:0a:00:20 vlan=10 zone=cell-a
    check "VLAN 20's PLC (192.168.1.20) is in cell-b" \
        row "$tmp/vlan-assets.csv" mac=02:00:00:14:00:20 vlan=20 zone=cell-b
    check "VLAN 10's HMI (192.168.1.10) is in hmi-a" \
        row "$tmp/vlan-assets.csv" mac=02:00:00:0a:00:10 vlan=10 zone=hmi-a
    check "zone-violation: Telnet hmi-b -> cell-b on VLAN 20 only" \
        has "$tmp/vlans.csv" zone-violation 192.168.1.10 192.168.1.20 "hmi-b -> cell-b (telnet)"
    check "no zone-violation for either cell's Modbus" sh -c "! grep -q '(modbus)' '$tmp/vlans.csv'"
else
    for t in cell-a cell-b hmi-a telnet modbus; do skip "vlans $t: no /usr/bin/python3 with scapy"; done
fi

# ---- ledger ----------------------------------------------------------------------------------
cp "$before" "$tmp/ledger.db"
"$bin" ledger import -q "$fx/ledger.csv" --db "$tmp/ledger.db" --format csv >"$tmp/ledger-f.csv"
check "ledger-missing: plc-d (10.10.1.40) never seen" has "$tmp/ledger-f.csv" ledger-missing 10.10.1.40 -
check "ledger-unlisted: the contractor laptop" has "$tmp/ledger-f.csv" ledger-unlisted 10.10.1.99 -
check "ledger-mismatch: plc-b firmware V3.2.6 vs V3.2.8" \
    has "$tmp/ledger-f.csv" ledger-mismatch 10.10.1.20 - "firmware seen V3.2.6"
check "no mismatch for 'HP' against 'Hewlett Packard'" \
    sh -c "! grep -q 'ledger-mismatch,.*,10.10.1.60,' '$tmp/ledger-f.csv'"
"$bin" ledger --db "$tmp/ledger.db" --format csv >"$tmp/recon.csv"
check "reconciliation: plc-a matched by MAC" row "$tmp/recon.csv" status=matched ip=10.10.1.10 field=mac
check "reconciliation: plc-d missing" row "$tmp/recon.csv" status=missing ip=10.10.1.40 name=plc-d
check "Shift_JIS without --encoding is refused with a hint (exit 3)" \
    sh -c "'$bin' ledger import '$fx/ledger-sjis.csv' --db '$tmp/ledger.db' 2>&1 >/dev/null | grep -q 'encoding shift_jis'"
"$bin" ledger import -q "$fx/ledger-sjis.csv" --encoding shift_jis --db "$tmp/ledger.db" --format csv >"$tmp/sjis-f.csv"
check "Shift_JIS ledger: plc-d missing, location read as UTF-8" \
    has "$tmp/sjis-f.csv" ledger-missing 10.10.1.40 - "第2工場 制御盤D"
"$bin" ledger --db "$tmp/ledger.db" --format csv >"$tmp/sjis-recon.csv"
check "Shift_JIS ledger: Japanese headers mapped (plc-a matched by MAC)" \
    row "$tmp/sjis-recon.csv" status=matched ip=10.10.1.10 field=mac name=plc-a
check "Shift_JIS ledger: katakana vendor matches (no vendor mismatch for plc-a)" \
    sh -c "! grep -q '^mismatch,.*,vendor,' '$tmp/sjis-recon.csv'"
if [ -f "$fx/../rules/pcaps/modbus-reads.pcap" ]; then
    "$bin" analyze -q --db "$tmp/ledger.db" -r "$fx/../rules/pcaps/modbus-reads.pcap"
    check "ledger-missing moves to the newest capture after another analysis (one row)" \
        test "$("$bin" findings --db "$tmp/ledger.db" --rule ledger-missing --format csv | tail -n +2 | wc -l)" -eq 1
else
    skip "ledger-missing after another analysis: tests/rules/pcaps absent"
fi
printf 'Device,Addr\nplc-z,10.10.1.10\n' >"$tmp/mapped.csv"
check "--map COLUMN=FIELD names the IP column" \
    status_is 0 "$bin" ledger import -q "$tmp/mapped.csv" --map Addr=ip --db "$tmp/ledger.db" --format csv
check "without the map that file has no usable column (exit 3)" \
    status_is 3 "$bin" ledger import "$tmp/mapped.csv" --map Device=ignore --db "$tmp/ledger.db"
check "--map with an unknown field is a usage error" \
    status_is 2 "$bin" ledger import "$tmp/mapped.csv" --map Addr=colour --db "$tmp/ledger.db"

# ---- advisories -------------------------------------------------------------------------------
cp "$before" "$tmp/adv.db"
"$bin" advisories import -q "$data/advisories-example.csv" --db "$tmp/adv.db" --format csv >"$tmp/adv.csv"
check "vulnerable-firmware: plc-a M340 v2.80 < 3.01 (ICSA-19-183-01)" \
    has "$tmp/adv.csv" vulnerable-firmware 10.10.1.10 - "ICSA-19-183-01"
check "vulnerable-firmware: plc-b S7-300 V3.2.6 < V3.X.14 (ICSA-16-348-05)" \
    has "$tmp/adv.csv" vulnerable-firmware 10.10.1.20 - "CVE-2016-9158"
check "vulnerable-firmware: plc-c ControlLogix 5570 (ICSA-21-056-03), critical" \
    has "$tmp/adv.csv" vulnerable-firmware 10.10.1.30 - "critical,vulnerable-firmware"
check "no S7-1200/1500 advisory on the S7-300" sh -c "! grep -q 'CVE-2020-15782' '$tmp/adv.csv'"
"$bin" advisories import -q "$fx/kev-extract.csv" --db "$tmp/adv.db" --format csv >"$tmp/kev.csv"
check "KEV: plc-c's CVE is known exploited" has "$tmp/kev.csv" vulnerable-firmware 10.10.1.30 - "CISA KEV"
"$bin" advisories import -q "$fx/advisories-own.json" --db "$tmp/adv.db" --format csv >"$tmp/json.csv"
check "JSON advisories: a range that takes v2.80 matches" has "$tmp/json.csv" vulnerable-firmware 10.10.1.10 - "TEST-0001"
check "JSON advisories: a range that does not take v2.80 does not" sh -c "! grep -q TEST-0002 '$tmp/json.csv'"
printf 'advisory,vendor,product,affected\nX-1,Siemens,S7,<<3\n' >"$tmp/bad-adv.csv"
check "an advisory with a bad version range is refused with its line (exit 3)" \
    sh -c "'$bin' advisories import '$tmp/bad-adv.csv' --db '$tmp/adv.db' 2>&1 >/dev/null | grep -q 'bad-adv.csv:2:'"
"$bin" advisories --db "$tmp/adv.db" --format csv >"$tmp/adv-list.csv"
check "advisories lists the loaded rows with their KEV date" \
    row "$tmp/adv-list.csv" advisory=ICSA-21-056-03 cve=CVE-2021-22681 kev=2026-03-05

echo "1..$n"
[ "$fails" -eq 0 ]
