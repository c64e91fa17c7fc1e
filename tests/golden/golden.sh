#!/bin/sh
# Analyzes a sample capture and diffs every table with the golden CSVs.
# usage: golden.sh OTSCOPE SAMPLE.pcap GOLDEN_DIR [--update]
set -u
bin=$1
sample=$2
dir=$3
# The assets' OS column comes from p0f's signatures: the goldens are made
# with Debian's p0f file, so without it the test cannot compare.
OTSCOPE_P0F_FP=/etc/p0f/p0f.fp
export OTSCOPE_P0F_FP
if [ ! -r "$OTSCOPE_P0F_FP" ]; then
    echo "1..0 # SKIP $OTSCOPE_P0F_FP absent (apt-get install p0f)"
    exit 0 # TAP: the "1..0 # SKIP" plan is the skip
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" analyze -q -r "$sample" --db "$tmp/g.db" || { echo "not ok 1 - analyze failed"; exit 1; }
n=0
fails=0
for table in assets comms ops protocols findings; do
    n=$((n + 1))
    "$bin" "$table" --db "$tmp/g.db" --format csv >"$tmp/$table.csv"
    if [ "${4:-}" = "--update" ]; then cp "$tmp/$table.csv" "$dir/$table.csv"; echo "ok $n - $table updated"; continue; fi
    if diff -u "$dir/$table.csv" "$tmp/$table.csv" >"$tmp/diff"; then
        echo "ok $n - $table"
    else
        echo "not ok $n - $table differs from $dir/$table.csv"
        sed 's/^/# /' "$tmp/diff" | head -40
        fails=$((fails + 1))
    fi
done
echo "1..$n"
[ $fails = 0 ]
