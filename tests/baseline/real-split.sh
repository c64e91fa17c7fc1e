#!/bin/sh
# usage: real-split.sh SOURCE_ROOT OTSCOPE
# traffic-anomaly stays quiet on steady polling: every real capture of
# ../shared/pcaps that runs 6 minutes to 6 hours is split at its middle
# (editcap); a baseline of the first half judges the second.  One TAP line
# per capture: no traffic-anomaly finding, and how many steady
# conversations were judged.  Skipped without ../shared/pcaps or editcap.
set -u
src=$1
bin=$2
pcaps="$src/../shared/pcaps"
if [ ! -d "$pcaps" ] || ! command -v editcap >/dev/null 2>&1 || ! command -v capinfos >/dev/null 2>&1; then
    echo "1..0 # SKIP ../shared/pcaps, editcap or capinfos not present"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
steady_total=0
for p in "$pcaps"/*/*.pcap "$pcaps"/*/*.pcapng "$pcaps"/*/*.cap; do
    [ -f "$p" ] || continue
    first=$(capinfos -a -S "$p" 2>/dev/null | awk -F': *' '/First packet/{print $2}')
    last=$(capinfos -e -S "$p" 2>/dev/null | awk -F': *' '/Last packet/{print $2}')
    case "$first$last" in '' | *n/a*) continue ;; esac
    span=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%d", b - a }')
    [ "$span" -ge 360 ] && [ "$span" -le 21600 ] || continue
    mid=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.6f", (a + b) / 2 }')
    rm -f "$tmp"/a.db* "$tmp"/b.db* "$tmp/base"
    editcap -B "$mid" "$p" "$tmp/h1.pcap" 2>/dev/null
    editcap -A "$mid" "$p" "$tmp/h2.pcap" 2>/dev/null
    name=$(basename "$p")
    n=$((n + 1))
    if ! "$bin" analyze -q --db "$tmp/a.db" -r "$tmp/h1.pcap" 2>/dev/null ||
        ! "$bin" baseline save -q --db "$tmp/a.db" -o "$tmp/base" ||
        ! "$bin" analyze -q --db "$tmp/b.db" -r "$tmp/h2.pcap" --baseline "$tmp/base" 2>/dev/null; then
        # a damaged capture (exit 3) still analyzes what it can
        [ -f "$tmp/b.db" ] || { echo "ok $n # SKIP $name: not analyzable in halves"; continue; }
    fi
    found=$("$bin" findings --db "$tmp/b.db" --rule traffic-anomaly --format csv 2>/dev/null | tail -n +2)
    profiled=$("$bin" baseline show --db "$tmp/b.db" --format csv 2>/dev/null |
        sed -n 's/.*(\([0-9]*\) with a traffic band).*/\1/p')
    steady_total=$((steady_total + ${profiled:-0}))
    if [ -z "$found" ]; then
        echo "ok $n - $name: quiet (${span} s split in half, ${profiled:-0} conversations with a band)"
    else
        echo "not ok $n - $name: traffic-anomaly on a capture split in half"
        echo "$found" | cut -c1-300 | sed 's/^/# /'
        fails=$((fails + 1))
    fi
done
echo "# $steady_total conversations with a learned band over $n captures"
echo "1..$n"
[ "$fails" -eq 0 ]
