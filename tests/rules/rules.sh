#!/bin/sh
# usage: rules.sh OTSCOPE CASES.tsv PCAP_DIR
# Each line of the cases file names a capture in PCAP_DIR, what the
# findings must hold (present, absent, rows=N) and the conditions a finding
# must meet (field=value on the JSON fields of `otscope findings --format
# json`).  TAP output, one test per line.
set -u
bin=$1
cases=$2
dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=$(grep -v '^#' "$cases" | grep -c .)
echo "1..$total"
n=0
fails=0
tab=$(printf '\t')
while IFS="$tab" read -r pcap expect where note; do
    case "$pcap" in '#'* | '') continue ;; esac
    n=$((n + 1))
    json="$tmp/$pcap.json"
    if [ ! -f "$json" ]; then
        if ! "$bin" analyze -q --db "$tmp/$pcap.db" -r "$dir/$pcap" 2>"$tmp/err" ||
            ! "$bin" findings --db "$tmp/$pcap.db" --format json >"$json" 2>>"$tmp/err"; then
            echo "not ok $n - $pcap: analyze failed: $(cat "$tmp/err")"
            fails=$((fails + 1))
            continue
        fi
    fi
    grep '^ *{' "$json" >"$tmp/rows"
    if [ "$where" != "-" ]; then
        echo "$where" | sed 's/ & /\n/g' >"$tmp/conds"
        while IFS= read -r cond; do
            key=${cond%%=*}
            value=${cond#*=}
            case "$key" in
            count | finding_id) grep -F "\"$key\": $value," "$tmp/rows" >"$tmp/next" ;;
            *) grep -F "\"$key\": \"$value\"" "$tmp/rows" >"$tmp/next" ;;
            esac
            mv "$tmp/next" "$tmp/rows"
        done <"$tmp/conds"
    fi
    rows=$(grep -c . "$tmp/rows")
    case "$expect" in
    present) [ "$rows" -ge 1 ] ;;
    absent) [ "$rows" -eq 0 ] ;;
    rows=*) [ "$rows" -eq "${expect#rows=}" ] ;;
    *) false ;;
    esac
    if [ $? -eq 0 ]; then
        echo "ok $n - $pcap: $expect $where ($note)"
    else
        echo "not ok $n - $pcap: $expect $where ($note): $rows matching findings"
        sed 's/^/# /' "$json"
        fails=$((fails + 1))
    fi
done <"$cases"
[ "$fails" -eq 0 ]
