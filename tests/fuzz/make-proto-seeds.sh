#!/bin/sh
# make-proto-seeds.sh - seeds the corpus of each protocol from its byte
# vectors: tests/dissect/<name>/X.hex -> tests/fuzz/corpus/proto-<name>/X.bin
# (the bytes only; the '# key: value' headers become the harness's packet
# contexts, see fuzz-proto.c).  Existing files are left alone, so it only
# adds seeds for new vectors and new protocols, up to MAX_FILES per
# directory (default 50).
#
# usage: tests/fuzz/make-proto-seeds.sh [NAME...]   (default: every PROTO()
#        line of src/dissect/protocols.def; NAME as in the file, '_' or '-')
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
max_files=${MAX_FILES:-50}
if [ $# -eq 0 ]; then
    set -- $(sed -n 's/^[[:space:]]*PROTO(\([a-z0-9_]*\)).*/\1/p' "$root/src/dissect/protocols.def")
fi
for p in "$@"; do
    name=$(echo "$p" | tr '_' '-')
    vectors="$root/tests/dissect/$name"
    dest="$here/corpus/proto-$name"
    mkdir -p "$dest"
    added=0
    for hex in "$vectors"/*.hex; do
        [ -e "$hex" ] || continue
        bin="$dest/$(basename "$hex" .hex).bin"
        [ -e "$bin" ] && continue
        [ "$(ls "$dest" | wc -l)" -ge "$max_files" ] && break
        grep -v '^[[:space:]]*#' "$hex" | xxd -r -p >"$bin"
        added=$((added + 1))
    done
    echo "$name: $added seeds added, $(ls "$dest" | wc -l) in corpus/proto-$name"
done
