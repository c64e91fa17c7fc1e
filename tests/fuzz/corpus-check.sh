#!/bin/sh
# corpus-check.sh - the registry test for fuzzing and vectors: every
# protocol registered in src/dissect/protocols.def (an uncommented
# PROTO(name) line) must have a non-empty seed corpus in
# tests/fuzz/corpus/proto-<name>/ and at least one vector in
# tests/dissect/<name>/*.hex (<name> with '_' as '-').  The list is read
# from protocols.def every run, never kept here.  Output is TAP.
#
# usage: corpus-check.sh [SOURCE_ROOT]
root=${1:-${OTSCOPE_SOURCE_ROOT:-$(dirname "$0")/../..}}
def="$root/src/dissect/protocols.def"
if [ ! -r "$def" ]; then
    echo "1..1"
    echo "not ok 1 - cannot read $def"
    exit 1
fi
n=0
fail=0
names=$(sed -n 's/^[[:space:]]*PROTO(\([a-z0-9_]*\)).*/\1/p' "$def" | tr '_' '-')
if [ -z "$names" ]; then
    echo "1..1"
    echo "not ok 1 - no PROTO() lines in $def"
    exit 1
fi
for name in $names; do
    corpus="$root/tests/fuzz/corpus/proto-$name"
    n=$((n + 1))
    count=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)
    if [ "$count" -gt 0 ]; then
        echo "ok $n - $name: $count seed inputs in tests/fuzz/corpus/proto-$name"
    else
        echo "not ok $n - $name: no seed inputs in tests/fuzz/corpus/proto-$name/"
        fail=1
    fi
    n=$((n + 1))
    count=$(find "$root/tests/dissect/$name" -maxdepth 1 -type f -name '*.hex' 2>/dev/null | wc -l)
    if [ "$count" -gt 0 ]; then
        echo "ok $n - $name: $count vectors in tests/dissect/$name"
    else
        echo "not ok $n - $name: no vectors (*.hex) in tests/dissect/$name/"
        fail=1
    fi
done
decode="$root/tests/fuzz/corpus/decode"
n=$((n + 1))
count=$(find "$decode" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)
if [ "$count" -gt 0 ]; then
    echo "ok $n - decode: $count seed inputs in tests/fuzz/corpus/decode"
else
    echo "not ok $n - decode: no seed inputs in tests/fuzz/corpus/decode/"
    fail=1
fi
echo "1..$n"
exit $fail
