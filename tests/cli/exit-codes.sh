#!/bin/sh
# Every exit code of the contract, and what a damaged capture leaves behind.
# usage: exit-codes.sh OTSCOPE SAMPLE.pcap
set -u
bin=$1
sample=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
t() { # want-status description command...
    want=$1; what=$2; shift 2
    n=$((n + 1))
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = "$want" ]; then echo "ok $n - $what"
    else echo "not ok $n - $what: exit $got, want $want"; sed 's/^/# /' "$tmp/err"; fails=$((fails + 1)); fi
}
t 0 "analyze the sample" "$bin" analyze -q -r "$sample" --db "$tmp/a.db"
t 0 "re-analyze the same file" "$bin" analyze -q -r "$sample" --db "$tmp/a.db"
n=$((n + 1))
caps=$("$bin" captures --db "$tmp/a.db" --format csv | tail -n +2 | wc -l)
if [ "$caps" = 1 ]; then echo "ok $n - same capture twice is stored once"; else echo "not ok $n - $caps captures stored"; fails=$((fails + 1)); fi
n=$((n + 1))
mode=$(stat -c %a "$tmp/a.db")
if [ "$mode" = 600 ]; then echo "ok $n - DB mode 0600"; else echo "not ok $n - DB mode $mode"; fails=$((fails + 1)); fi
t 2 "unknown option" "$bin" analyze --bogus
t 2 "-r with -i" "$bin" analyze -r "$sample" -i lo --db "$tmp/b.db"
t 2 "nothing to analyze" "$bin" analyze --db "$tmp/b.db"
t 2 "unknown command" "$bin" frobnicate
t 2 "bad format" "$bin" assets --db "$tmp/a.db" --format xml
t 3 "missing capture" "$bin" analyze -r "$tmp/missing.pcap" --db "$tmp/b.db"
t 3 "missing DB for a table" "$bin" assets --db "$tmp/none.db"
printf 'not a capture at all, just text\n' >"$tmp/junk.pcap"
t 3 "not a capture" "$bin" analyze -r "$tmp/junk.pcap" --db "$tmp/b.db"
printf 'garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage!' >"$tmp/bad.db"
t 4 "not a database" "$bin" assets --db "$tmp/bad.db"
size=$(stat -c %s "$sample")
head -c $((size * 2 / 3)) "$sample" >"$tmp/cut.pcap"
t 3 "truncated capture" "$bin" analyze -r "$tmp/cut.pcap" --db "$tmp/c.db"
n=$((n + 1))
if grep -q "packet [0-9]*:.*analyzed and kept" "$tmp/err"; then echo "ok $n - damage named by packet"; else echo "not ok $n - no packet number in: $(cat "$tmp/err")"; fails=$((fails + 1)); fi
n=$((n + 1))
rows=$("$bin" comms --db "$tmp/c.db" --format csv | tail -n +2 | wc -l)
if [ "$rows" -gt 0 ]; then echo "ok $n - what was read before the damage is kept ($rows comms)"; else echo "not ok $n - nothing kept"; fails=$((fails + 1)); fi
gzip -c "$sample" >"$tmp/s.pcap.gz"
t 0 "gzip'ed capture" "$bin" analyze -q -r "$tmp/s.pcap.gz" --db "$tmp/d.db"
n=$((n + 1))
a=$("$bin" comms --db "$tmp/a.db" --format csv | md5sum)
b=$("$bin" comms --db "$tmp/d.db" --format csv | md5sum)
if [ "$a" = "$b" ]; then echo "ok $n - gzip gives the same comms"; else echo "not ok $n - gzip comms differ"; fails=$((fails + 1)); fi
t 0 "stdin capture" sh -c "\"$bin\" analyze -q -r - --db \"$tmp/e.db\" < \"$sample\""
t 0 "help" "$bin" help analyze
echo "1..$n"
[ $fails = 0 ]
