#!/bin/sh
# Ctrl-C (SIGINT) and SIGTERM during analyze: what was read is committed
# (the reader and writer threads stop with it), the capture is kept as
# 'partial' with the error 'interrupted', and otscope exits by itself.
# usage: interrupt.sh OTSCOPE OTSGEN
set -u
bin=$1
gen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" bench -n 3000000 -H 500 -o "$tmp/big.pcap" >/dev/null 2>&1 || exit 1
echo "1..6"
t=1
for sig in INT TERM; do
    rm -f "$tmp/i.db" "$tmp/i.db-wal" "$tmp/i.db-shm"
    "$bin" analyze -q -r "$tmp/big.pcap" --db "$tmp/i.db" 2>"$tmp/err" &
    pid=$!
    # wait for the first committed batch, then interrupt
    i=0
    while [ $i -lt 600 ]; do
        rows=$("$bin" comms --db "$tmp/i.db" --format csv 2>/dev/null | tail -n +2 | wc -l)
        [ "$rows" -gt 0 ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    if ! kill -0 $pid 2>/dev/null; then
        echo "ok $t # SKIP analyze finished before SIG$sig"; echo "ok $((t + 1)) # SKIP"; echo "ok $((t + 2)) # SKIP"
        t=$((t + 3)); continue
    fi
    kill -s "$sig" $pid
    # it must end on its own: the last batch, then the summary
    i=0
    while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 $pid 2>/dev/null; then
        echo "not ok $t - still running 30 s after SIG$sig"; kill -9 $pid; t=$((t + 3)); continue
    fi
    wait $pid
    echo "ok $t - SIG$sig: analyze ended by itself (exit $?)"
    line=$("$bin" captures --db "$tmp/i.db" --format csv | tail -n +2)
    case $line in
        *partial*interrupted*) echo "ok $((t + 1)) - SIG$sig: capture kept as partial, interrupted" ;;
        *) echo "not ok $((t + 1)) - SIG$sig: capture row: $line" ;;
    esac
    after=$("$bin" comms --db "$tmp/i.db" --format csv | tail -n +2 | wc -l)
    [ "$after" -ge "$rows" ] && echo "ok $((t + 2)) - SIG$sig: $after comms kept ($rows before the signal)" ||
        echo "not ok $((t + 2)) - SIG$sig: $after comms after, $rows before"
    t=$((t + 3))
done
