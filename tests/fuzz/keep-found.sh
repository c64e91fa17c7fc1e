#!/bin/sh
# keep-found.sh - adds to a committed corpus the inputs of a fuzzing run
# (run-fuzzers.sh) that reach code the corpus does not, smallest first,
# keeping the directory at MAX_FILES inputs of at most MAX_BYTES each.
#
# usage: tests/fuzz/keep-found.sh BUILDDIR TARGET...   (TARGET: fuzz-modbus, fuzz-decode)
#   WORK       the run's scratch directory (default /tmp/otscope-fuzz)
#   MAX_FILES  default 45 (room for crash inputs below the 50 limit);  MAX_BYTES  default 512
#
# BUILDDIR is a -Dfuzzing=true build: libFuzzer's -merge=1 decides what is
# new.  New files are named found-<first 12 hex digits of their SHA-1>.
set -u
build=${1:?usage: keep-found.sh BUILDDIR TARGET...}
shift
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-/tmp/otscope-fuzz}
max_files=${MAX_FILES:-45}
max_bytes=${MAX_BYTES:-512}
for t in "$@"; do
    name=${t#fuzz-}
    dest="$here/corpus/proto-$name"
    [ "$name" = decode ] && dest="$here/corpus/decode"
    found="$work/$t/corpus"
    [ -d "$found" ] || { echo "$t: no $found"; continue; }
    tmp=$(mktemp -d)
    mkdir "$tmp/small" "$tmp/merged"
    # only small candidates; libFuzzer merges smaller inputs first
    find "$found" -maxdepth 1 -type f -size -"$((max_bytes + 1))"c -exec cp {} "$tmp/small/" \;
    cp "$dest"/* "$tmp/merged/" 2>/dev/null
    "$build/tests/$t" -merge=1 "$tmp/merged" "$tmp/small" >"$tmp/log" 2>&1
    have=$(ls "$dest" | wc -l)
    room=$((max_files - have))
    added=0
    for f in $(cd "$tmp/merged" && ls -S -r); do
        [ -e "$dest/$f" ] && continue
        [ "$room" -le 0 ] && break
        sum=$(sha1sum "$tmp/merged/$f" | cut -c1-12)
        if ! cmp -s "$tmp/merged/$f" "$dest/found-$sum" 2>/dev/null; then
            cp "$tmp/merged/$f" "$dest/found-$sum"
            added=$((added + 1))
            room=$((room - 1))
        fi
    done
    echo "$t: $have seeds, $added added, $(ls "$dest" | wc -l) now"
    rm -rf "$tmp"
done
