#!/bin/sh
# streams.sh - dissection that needs several packets (DCE/RPC fragment
# reassembly, TCP framing across sequence gaps, ...), which byte vectors
# cannot hold: each capture X.pcap of this folder is analyzed and every
# line of X.ops must occur, as a fixed string, in `otscope ops --format
# csv` (a line starting with '!' must not occur), and likewise every line
# of X.comms, when present, in `otscope comms --format csv`.  X.pcap files
# are written by make-pcaps.py.  Output is TAP.
# usage: streams.sh OTSCOPE DIR
bin=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

# Checks the lines of want-file against table-file (CSV of one table).
check() { # base want-file table-file table-name
    while IFS= read -r want; do
        case $want in '#'* | '') continue ;; esac
        n=$((n + 1))
        case $want in
        '!'*)
            if grep -qF -- "${want#!}" "$3"; then
                echo "not ok $n - $1: a $4 row with: ${want#!}"
                sed 's/^/# /' "$3"
                fail=1
            else
                echo "ok $n - $1: no $4 row with: ${want#!}"
            fi
            ;;
        *)
            if grep -qF -- "$want" "$3"; then
                echo "ok $n - $1: $want"
            else
                echo "not ok $n - $1: no $4 row with: $want"
                sed 's/^/# /' "$3"
                fail=1
            fi
            ;;
        esac
    done <"$2"
}

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
    check "$base" "$ops" "$tmp/ops.csv" ops
    if [ -f "$dir/$base.comms" ]; then
        "$bin" comms --db "$db" --format csv >"$tmp/comms.csv"
        check "$base" "$dir/$base.comms" "$tmp/comms.csv" comms
    fi
done
echo "1..$n"
exit $fail
