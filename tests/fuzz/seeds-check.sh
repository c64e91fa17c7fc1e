#!/bin/sh
# seeds-check.sh - make-proto-seeds.sh run over a copy of the corpora must
# respect them: no seed that git's history shows dropped from a corpus
# comes back, no corpus grows past the cap (45, or what it held when it
# already had more), and a second run adds nothing.  Output is TAP.
#
# usage: seeds-check.sh [SOURCE_ROOT]
root=${1:-${OTSCOPE_SOURCE_ROOT:-$(dirname "$0")/../..}}
root=$(cd "$root" && pwd)
if ! git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    echo "1..0 # SKIP $root is no git checkout: which seeds were dropped is in git's history"
    exit 0
fi
if ! command -v xxd >/dev/null 2>&1; then
    echo "1..0 # SKIP xxd not installed (make-proto-seeds.sh needs it)"
    exit 0
fi
. "$root/tests/cli/check.sh"
echo "1..3"
cp -r "$root/tests/fuzz/corpus" "$tmp/before"
cp -r "$root/tests/fuzz/corpus" "$tmp/corpus"
CORPUS="$tmp/corpus" sh "$root/tests/fuzz/make-proto-seeds.sh" >"$tmp/run1" 2>&1
CORPUS="$tmp/corpus" sh "$root/tests/fuzz/make-proto-seeds.sh" >"$tmp/run2" 2>&1
git -C "$root" log --diff-filter=D --format= --name-only -- tests/fuzz/corpus/ |
    sed -n 's|^tests/fuzz/corpus/||p' | sort -u >"$tmp/dropped"
: >"$tmp/back"
while read -r f; do
    [ -e "$tmp/corpus/$f" ] && echo "$f" >>"$tmp/back"
done <"$tmp/dropped"
check "no seed dropped by a merge comes back ($(wc -l <"$tmp/dropped") dropped so far)" \
    "[ ! -s '$tmp/back' ] || { echo '# back:'; sed 's/^/#   /' '$tmp/back'; false; }"
: >"$tmp/over"
count_files() { # dir
    set -- "$1"/*
    if [ -e "$1" ]; then echo $#; else echo 0; fi
}
for d in "$tmp/corpus"/proto-*; do
    had=$(count_files "$tmp/before/${d##*/}")
    now=$(count_files "$d")
    cap=45
    [ "$had" -gt $cap ] && cap=$had
    [ "$now" -gt $cap ] && echo "${d##*/}: $had -> $now" >>"$tmp/over"
done
check "no corpus grows past the cap" "[ ! -s '$tmp/over' ] || { sed 's/^/# /' '$tmp/over'; false; }"
check "a second run adds nothing" "! grep -q ': [1-9][0-9]* seeds added' '$tmp/run2'"
[ $fails = 0 ]
