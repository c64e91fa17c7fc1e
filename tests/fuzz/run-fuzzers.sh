#!/bin/sh
# run-fuzzers.sh - runs the libFuzzer binaries of a -Dfuzzing=true build,
# each for a fixed time on a scratch copy of its seed corpus, and prints
# one summary line per target.
#
# usage: tests/fuzz/run-fuzzers.sh BUILDDIR SECONDS [JOBS] [TARGET...]
#   TARGET: fuzz-modbus, fuzz-decode, ...; default: every fuzz-* binary
#   JOBS:   targets run side by side (default 1; the machine's cores at most)
#   WORK:   scratch directory (default /tmp/otscope-fuzz), one subdirectory
#           per target holding corpus/, log and any crash-*/leak-*/timeout-*
#
# The committed corpora are never written: merge what is worth keeping
# by hand (see README.md: "Keeping what the fuzzer found").
set -u
build=${1:?usage: run-fuzzers.sh BUILDDIR SECONDS [JOBS] [TARGET...]}
secs=${2:?usage: run-fuzzers.sh BUILDDIR SECONDS [JOBS] [TARGET...]}
jobs=${3:-1}
[ $# -ge 3 ] && shift 3 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-/tmp/otscope-fuzz}
mkdir -p "$work"
if [ $# -eq 0 ]; then
    set -- $(cd "$build/tests" && ls | grep -E '^fuzz-[a-z0-9-]+$')
fi

run_one() { # target
    t=$1
    name=${t#fuzz-}
    seeds="$here/corpus/proto-$name"
    [ "$name" = decode ] && seeds="$here/corpus/decode"
    dir="$work/$t"
    rm -rf "$dir"
    mkdir -p "$dir/corpus"
    cp "$seeds"/* "$dir/corpus/" 2>/dev/null
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$here/ubsan.supp" \
        "$build/tests/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$dir/log" | tail -1)
    arts=$(cd "$dir" && ls | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | tr '\n' ' ')
    printf '%-22s rc=%d execs=%s exec/s=%s %s corpus=%s %s\n' "$t" "$rc" "${execs:-?}" \
        "${eps:-?}" "${cov:-}" "$(ls "$dir/corpus" | wc -l)" "${arts:+ARTIFACTS: $arts}"
}

running=0
for t in "$@"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait
