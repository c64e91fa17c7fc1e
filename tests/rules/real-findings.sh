#!/bin/sh
# usage: real-findings.sh SOURCE_ROOT OTSCOPE
# The rules on the real captures of ../shared/pcaps:
#  1. the findings EXPECTED.tsv names (attack captures: the right rule from
#     the right source to the right target) are all there;
#  2. every high or critical finding on any capture is one a reviewer has
#     accepted (real-high.txt, with the reason): a new one fails the test,
#     one that no longer appears is reported so the list shrinks.
# Skipped (77) when ../shared/pcaps is absent.
set -u
src=$1
bin=$2
pcaps="$src/../shared/pcaps"
tool="$src/../shared/tools/facts-check"
if [ ! -f "$pcaps/EXPECTED.tsv" ] || [ ! -x "$tool" ]; then
    echo "1..0 # SKIP ../shared/pcaps not present"
    exit 0 # TAP: the "1..0 # SKIP" plan is the skip
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..2"
fails=0
"$tool" --bin "$bin" --table findings "$pcaps/EXPECTED.tsv" >"$tmp/facts" 2>&1
if grep -q '^FAIL' "$tmp/facts"; then
    echo "not ok 1 - expected findings: $(tail -n 1 "$tmp/facts")"
    grep '^FAIL' "$tmp/facts" | sed 's/^/# /'
    fails=$((fails + 1))
else
    echo "ok 1 - expected findings: $(tail -n 1 "$tmp/facts")"
fi

# capture <TAB> rule <TAB> severity <TAB> src <TAB> dst, for high and critical
(cd "$pcaps" && find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort) |
    while IFS= read -r f; do
        f=${f#./}
        db="$tmp/one.db"
        rm -f "$db" "$db-wal" "$db-shm"
        "$bin" analyze -q --db "$db" -r "$pcaps/$f" 2>/dev/null
        "$bin" findings --db "$db" --min-severity high --format json 2>/dev/null |
            grep '^ *{' |
            sed -n 's/.*"severity": "\([a-z]*\)", "rule": "\([a-z-]*\)",.*"src": "\([^"]*\)", "dst": "\([^"]*\)",.*/\2\t\1\t\3\t\4/p' |
            sed "s|^|$f\t|"
    done | sort -u >"$tmp/high"
grep -v '^#' "$src/tests/rules/real-high.txt" | grep . | cut -f1-5 | sort -u >"$tmp/accepted"
new=$(comm -23 "$tmp/high" "$tmp/accepted")
gone=$(comm -13 "$tmp/high" "$tmp/accepted" | wc -l)
if [ -n "$new" ]; then
    echo "not ok 2 - high/critical findings not reviewed ($(wc -l <"$tmp/high") in all):"
    echo "$new" | sed 's/^/# /'
    fails=$((fails + 1))
else
    echo "ok 2 - $(wc -l <"$tmp/high") high/critical findings, all reviewed ($gone reviewed ones no longer appear)"
fi
[ "$fails" -eq 0 ]
