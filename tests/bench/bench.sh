#!/bin/sh
# Benchmark: otscope analyze (decode + dissect + model + store) against a
# bare libpcap read loop over the same generated OT-heavy captures, for 1 M
# and 5 M packets.  Reports packets/s, MB/s, the ratio and peak RSS.  Then
# the cost of dissection: the same analyze with OTSCOPE_NO_DISSECT=1 (flows
# tracked and counted as unknown, no probe or dissector runs: the
# foundation alone) against the full one; the issue's budget is that
# dissection costs at most a third of the foundation's throughput.
# usage: bench.sh OTSCOPE PCAP_LOOP OTSGEN  (or: meson test --benchmark -C build)
#        BENCH_SIZES="1000000" to run fewer sizes.
set -u
bin=$1
loop=$2
gen=$3
tmp=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$tmp"' EXIT
hosts=${BENCH_HOSTS:-2000}
peak_kb() { sed -n 's/^\tMaximum resident set size (kbytes): //p' "$1"; }
# Seconds of one analyze of $1 into a fresh DB (extra environment in $2).
analyze_s() {
    rm -f "$tmp/b.db" "$tmp/b.db-wal" "$tmp/b.db-shm"
    start=$(date +%s.%N)
    env $2 /usr/bin/time -v "$bin" analyze -q -r "$1" --db "$tmp/b.db" 2>"$tmp/ots.time"
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}
for n in ${BENCH_SIZES:-1000000 5000000}; do
    cap="$tmp/bench-$n.pcap"
    "$gen" bench -n "$n" -H "$hosts" -o "$cap" >/dev/null 2>&1 || exit 1
    mb=$(stat -c %s "$cap" | awk '{printf "%.1f", $1 / 1e6}')
    /usr/bin/time -v "$loop" "$cap" >"$tmp/loop.out" 2>"$tmp/loop.time"
    loop_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$tmp/loop.out")
    ots_s=$(analyze_s "$cap" "")
    awk -v n="$n" -v mb="$mb" -v ls="$loop_s" -v os="$ots_s" -v lr="$(peak_kb "$tmp/loop.time")" \
        -v or="$(peak_kb "$tmp/ots.time")" -v h="$hosts" 'BEGIN {
        printf "%d packets (%s MB, %d hosts): pcap-loop %.2f Mpkt/s %.0f MB/s (RSS %d MB) | ", n, mb, h, n/ls/1e6, mb/ls, lr/1024
        printf "otscope analyze %.2f Mpkt/s %.0f MB/s (peak RSS %d MB) | ratio %.1f %%\n", n/os/1e6, mb/os, or/1024, 100*ls/os }'
    bare_s=$(analyze_s "$cap" "OTSCOPE_NO_DISSECT=1")
    awk -v n="$n" -v os="$ots_s" -v bs="$bare_s" 'BEGIN {
        cost = 100 * (1 - bs / os)
        printf "%d packets: analyze without dissectors %.2f Mpkt/s, with %.2f Mpkt/s | dissection costs %.1f %% of the foundation throughput (budget 33.3 %%): %s\n", n, n/bs/1e6, n/os/1e6, cost, cost <= 100/3 ? "within" : "OVER" }'
    rm -f "$cap"
done
