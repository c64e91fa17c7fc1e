#!/bin/sh
# kill -9 during analyze leaves a DB that opens and holds the committed
# batches.  usage: kill9.sh OTSCOPE OTSGEN
set -u
bin=$1
gen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" bench -n 4000000 -H 500 -o "$tmp/big.pcap" >/dev/null || exit 1
"$bin" analyze -q --commit-interval 1 -r "$tmp/big.pcap" --db "$tmp/k.db" &
pid=$!
# wait for the first committed batch (comms rows visible), then kill
i=0
while [ $i -lt 600 ]; do
    rows=$("$bin" comms --db "$tmp/k.db" --format csv 2>/dev/null | tail -n +2 | wc -l)
    [ "$rows" -gt 0 ] && break
    if ! kill -0 $pid 2>/dev/null; then echo "1..0 # SKIP analyze finished before a batch was seen"; exit 0; fi
    sleep 0.1
    i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
echo "1..3"
rows=$("$bin" comms --db "$tmp/k.db" --format csv | tail -n +2 | wc -l)
[ "$rows" -gt 0 ] && echo "ok 1 - DB opens after kill -9 with $rows comms" || { echo "not ok 1 - no comms after kill -9"; exit 1; }
status=$("$bin" captures --db "$tmp/k.db" --format csv | tail -n +2 | cut -d, -f3)
"$bin" analyze -q -r "$tmp/big.pcap" --db "$tmp/k.db" || { echo "not ok 2 - re-analyze failed"; exit 1; }
echo "ok 2 - re-analyze after the crash (capture was '$status')"
caps=$("$bin" captures --db "$tmp/k.db" --format csv | tail -n +2 | grep -c complete)
total=$("$bin" captures --db "$tmp/k.db" --format csv | tail -n +2 | wc -l)
[ "$caps" = 1 ] && [ "$total" = 1 ] && echo "ok 3 - the partial capture was replaced, not doubled" || { echo "not ok 3 - $total captures ($caps complete)"; exit 1; }
