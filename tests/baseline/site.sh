#!/bin/sh
# usage: site.sh OTSCOPE OTSGEN SAMPLES_DIR FIXTURES_DIR
# The before/after scenario (samples/before.pcap, samples/after.pcap; the
# story is in samples/gen/site.c): the generator rebuilds both byte for
# byte; the baseline check of "after" against a baseline of "before", the
# diff of the two (as DBs and as captures) and the ledger reconciliation
# of "after" are compared with FIXTURES_DIR/site/*.csv.  UPDATE=1
# rewrites those files: review the diff like code.  TAP.
set -u
bin=$1
gen=$2
samples=$3
fx=$4
. "$(dirname "$0")/../cli/check-argv.sh"
# same NAME FILE: FILE equals site/NAME (or becomes it with UPDATE=1)
same() {
    if [ "${UPDATE:-}" = 1 ]; then cp "$2" "$fx/site/$1"; fi
    diff -u "$fx/site/$1" "$2" >&2
}
# The findings without what comes from data/rules.tsv or the run order
# (finding_id, recommendation, why, attack_id).
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
before="$samples/before.pcap"
after="$samples/after.pcap"

"$gen" site -b "$tmp/before.pcap" -a "$tmp/after.pcap"
check "otsgen site rebuilds samples/before.pcap byte for byte" cmp -s "$tmp/before.pcap" "$before"
check "otsgen site rebuilds samples/after.pcap byte for byte" cmp -s "$tmp/after.pcap" "$after"

"$bin" analyze -q --db "$tmp/before.db" -r "$before"
"$bin" analyze -q --db "$tmp/after.db" -r "$after"
# the diff first: a baseline check adds the baseline findings to after.db
"$bin" diff -q "$tmp/before.db" "$tmp/after.db" --format csv >"$tmp/diff.csv"
check "diff before.db after.db: site/diff.csv" same diff.csv "$tmp/diff.csv"
"$bin" diff -q "$before" "$after" --format csv >"$tmp/diff-pcap.csv"
check "diff of the two captures says the same as the diff of their DBs" \
    cmp -s "$tmp/diff.csv" "$tmp/diff-pcap.csv"

"$bin" baseline save -q --db "$tmp/before.db" -o "$tmp/before.baseline"
"$bin" baseline check -q --db "$tmp/after.db" --baseline "$tmp/before.baseline" --format csv |
    findings_cut >"$tmp/check.csv"
check "baseline check of after against before: site/baseline-check.csv" \
    same baseline-check.csv "$tmp/check.csv"
for rule in new-asset new-comm new-ot-function changed-identity traffic-anomaly; do
    check "baseline check raises $rule" grep -q "^[a-z]*,$rule," "$tmp/check.csv"
done
check "baseline check --fail-on high exits 1 on after" \
    status_is 1 "$bin" baseline check -q --db "$tmp/after.db" --fail-on high
"$bin" baseline check -q --db "$tmp/after.db" --format json >"$tmp/check.json"
check "baseline check --format json: the same 7 findings" /usr/bin/env python3 -c "
import json, sys
d = json.load(open('$tmp/check.json'))
sys.exit(0 if len(d) == 7 else 1)"
check "diff --fail-on-change exits 1" \
    status_is 1 "$bin" diff -q "$tmp/before.db" "$tmp/after.db" --fail-on-change
check "diff of the baseline file and after.db: plc-a's firmware changed" \
    sh -c "'$bin' diff -q '$tmp/before.baseline' '$tmp/after.db' --format csv |
        grep -q '^changed,identity,10.10.2.10 firmware,v2.80,v2.90,'"
cp "$tmp/before.db" "$tmp/self.db"
"$bin" baseline check -q --db "$tmp/self.db" --baseline "$tmp/before.baseline" --format csv |
    findings_cut >"$tmp/self.csv"
check "before checked against its own baseline: no findings" test "$(wc -l <"$tmp/self.csv")" -eq 1


"$bin" ledger import -q "$fx/site/ledger-input.csv" --db "$tmp/after.db" --format csv |
    findings_cut >"$tmp/ledger-findings.csv"
check "ledger import on after: site/ledger-findings.csv" \
    same ledger-findings.csv "$tmp/ledger-findings.csv"
"$bin" ledger --db "$tmp/after.db" --format csv >"$tmp/ledger.csv"
check "ledger reconciliation of after: site/ledger.csv" same ledger.csv "$tmp/ledger.csv"

echo "1..$n"
[ "$fails" -eq 0 ]
