#!/bin/sh
# streams.sh - dissection that needs several packets (DCE/RPC fragment
# reassembly, ...), which byte vectors cannot hold: each capture X.pcap of
# this folder is analyzed and every line of X.ops must occur, as a fixed
# string, in `otscope ops --format csv`.  X.pcap files are written by
# make-pcaps.py.  Output is TAP.
# usage: streams.sh OTSCOPE DIR
bin=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
for ops in "$dir"/*.ops; do
    base=$(basename "$ops" .ops)
    db="$tmp/$base.db"
    if ! "$bin" analyze -q -r "$dir/$base.pcap" --db "$db" >/dev/null 2>"$tmp/err"; then
        n=$((n + 1))
        echo "not ok $n - $base: analyze failed: $(cat "$tmp/err")"
        fail=1
        continue
    fi
    "$bin" ops --db "$db" --format csv >"$tmp/ops.csv"
    while IFS= read -r want; do
        case $want in '#'* | '') continue ;; esac
        n=$((n + 1))
        if grep -qF -- "$want" "$tmp/ops.csv"; then
            echo "ok $n - $base: $want"
        else
            echo "not ok $n - $base: no ops row with: $want"
            sed 's/^/# /' "$tmp/ops.csv"
            fail=1
        fi
    done <"$ops"
done
echo "1..$n"
exit $fail
