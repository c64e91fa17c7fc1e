#!/bin/sh
# usage: ioc.sh OTSCOPE SAMPLE.pcap FIXTURES_DIR DATA_DIR
# IOC lists on the plant sample: `analyze --ioc`, `ioc load/show/clear`,
# the ioc-match findings and the list as loaded compared with
# expected/ioc-*.csv (UPDATE=1 rewrites them: review the diff), an
# identity-attribute match (a JA3 row added with sqlite3), refused files.
# TAP; one line per check.
set -u
bin=$1
sample=$2
fx=$3
data=$4
. "$(dirname "$0")/../cli/check-argv.sh"
# The findings without what comes from data/rules.tsv or the run order
# (finding_id, recommendation, why, attack_id): stable across rule edits.
findings_cut() {
    /usr/bin/env python3 -c '
import csv, sys
keep = ["severity", "rule", "title", "src", "dst", "protocol", "count", "first_seen",
        "last_seen", "evidence"]
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(keep)
for r in csv.DictReader(sys.stdin):
    w.writerow([r[k] for k in keep])
'
}
# same NAME FILE: FILE equals expected/NAME (or becomes it with UPDATE=1)
same() {
    if [ "${UPDATE:-}" = 1 ]; then cp "$2" "$fx/expected/$1"; fi
    diff -u "$fx/expected/$1" "$2" >&2
}

db="$tmp/plant.db"
"$bin" analyze -q --db "$db" --ioc "$fx/iocs.txt" -r "$sample"
"$bin" findings --db "$db" --rule ioc-match --format csv | findings_cut >"$tmp/findings.csv"
check "analyze --ioc: the ioc-match findings are expected/ioc-findings.csv" \
    same ioc-findings.csv "$tmp/findings.csv"
"$bin" ioc --db "$db" --format csv >"$tmp/show.csv"
check "ioc show: the list as loaded (normal forms, notes, lines, findings) is expected/ioc-show.csv" \
    same ioc-show.csv "$tmp/show.csv"
check "a PLC's Modbus conversation with a listed address is critical" \
    grep -q '^critical,ioc-match,.*,10.10.1.50,10.10.1.10,modbus,' "$tmp/findings.csv"
check "a name only asked in DNS is medium" \
    grep -q '^medium,ioc-match,.*domain sqlsrv01.corp.plant.internal,' "$tmp/findings.csv"

# an identity attribute with a listed fingerprint, whatever its name
if command -v sqlite3 >/dev/null; then
    cp "$db" "$tmp/attr.db"
    sqlite3 "$tmp/attr.db" "INSERT INTO attrs (capture_id, addr, name, value, protocol, confidence,
        count, first_ns, last_ns, first_pkt, last_pkt) SELECT capture_id, '10.10.1.60', 'tls.ja3',
        'E7D705A3286E19EA42F587B344EE6865', 'tls', 90, 3, first_ns, first_ns, 17, 42
        FROM captures LIMIT 1"
    "$bin" ioc load -q "$fx/iocs.txt" --db "$tmp/attr.db" --format csv >"$tmp/attr.csv"
    check "a fingerprint matches an attribute value (any case), with the attribute in the evidence" \
        grep -q 'ioc-match,Traffic matches an IOC list: ja3 e7d705a3286e19ea42f587b344ee6865,10.10.1.60,,tls,3,.*10.10.1.60 tls tls.ja3=e7d705a3286e19ea42f587b344ee6865 (3 times) matches iocs.txt:11' "$tmp/attr.csv"
else
    skip "fingerprint attribute: no sqlite3 to add the row"
fi

# refused lists change nothing
printf '203.0.113.7\nnot-an-indicator\n' >"$tmp/bad.txt"
check "a line that is no indicator is refused with its file and line (exit 3)" \
    sh -c "'$bin' ioc load '$tmp/bad.txt' --db '$db' 2>&1 >/dev/null | grep -q 'bad.txt:2: .not-an-indicator.: not an indicator'"
check "the refused file left the loaded list as it was" \
    sh -c "'$bin' ioc --db '$db' --format csv | cmp -s - '$tmp/show.csv'"
check "analyze --ioc with a bad list fails before reading (exit 3)" \
    status_is 3 "$bin" analyze -q --db "$tmp/other.db" --ioc "$tmp/bad.txt" -r "$sample"
check "ioc load without a file is a usage error" status_is 2 "$bin" ioc load --db "$db"
check "an unknown ioc verb is a usage error" status_is 2 "$bin" ioc check "$fx/iocs.txt" --db "$db"

# analyze --ioc on a DB that has captures judges them against the new lists
cp "$db" "$tmp/again.db"
printf '203.0.113.50 only this\n' >"$tmp/one.txt"
"$bin" analyze -q --db "$tmp/again.db" --ioc "$tmp/one.txt" -r "$fx/../rules/pcaps/modbus-reads.pcap" 2>/dev/null
check "analyze --ioc judges the captures already in the DB against the new list (1 finding left)" \
    test "$("$bin" findings --db "$tmp/again.db" --rule ioc-match --format csv | tail -n +2 | wc -l)" -eq 1

# the shipped example loads and matches the sample
"$bin" ioc load -q "$data/ioc-example.txt" --db "$db" --format csv >"$tmp/example.csv"
check "data/ioc-example.txt: the vendor cloud's address and name, the gateway's JA3 and JA4 match" \
    test "$(grep -c '^[0-9]*,[a-z]*,ioc-match,' "$tmp/example.csv")" -eq 4
check "ioc clear: no ioc-match findings left" sh -c "'$bin' ioc clear -q --db '$db' &&
    test \$('$bin' findings --db '$db' --rule ioc-match --format csv | wc -l) -eq 1"

echo "1..$n"
[ "$fails" -eq 0 ]
