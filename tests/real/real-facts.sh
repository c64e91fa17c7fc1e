#!/bin/sh
# The EXPECTED.tsv facts otscope can know (assets, comms, ops) on the real
# captures of ../shared/pcaps.  Facts that fail are listed in
# known-failures.txt with the reason; a fact failing that is not listed
# fails the test, and a listed fact that now holds is reported so the list
# shrinks.  Skipped (77) when ../shared/pcaps is absent.
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
fails=0
n=0
for table in assets comms ops; do
    n=$((n + 1))
    "$tool" --bin "$bin" --table "$table" "$pcaps/EXPECTED.tsv" >"$tmp/out" 2>&1
    grep '^FAIL' "$tmp/out" | sed 's/, got .*//' | sort >"$tmp/failing"
    grep -v '^#' "$src/tests/real/known-failures-$table.txt" | sed 's/, got .*//' | sort >"$tmp/known"
    new=$(comm -23 "$tmp/failing" "$tmp/known")
    fixed=$(comm -13 "$tmp/failing" "$tmp/known" | wc -l)
    summary=$(tail -n 1 "$tmp/out")
    if [ -n "$new" ]; then
        echo "not ok $n - $table: new failing facts ($summary)"
        echo "$new" | sed 's/^/# /'
        fails=$((fails + 1))
    else
        echo "ok $n - $table: $summary; no failure outside the known list ($fixed known ones now hold)"
    fi
done
n=$((n + 1))
if "$src/../shared/tools/contract-check" --bin "$bin" >"$tmp/contract" 2>&1; then
    echo "ok $n - contract-check: $(tail -n 1 "$tmp/contract")"
else
    echo "not ok $n - contract-check"; sed 's/^/# /' "$tmp/contract"; fails=$((fails + 1))
fi
echo "1..$n"
[ $fails = 0 ]
