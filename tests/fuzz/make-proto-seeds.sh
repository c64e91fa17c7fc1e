#!/bin/sh
# make-proto-seeds.sh - seeds the corpus of each protocol from its byte
# vectors: tests/dissect/<name>/X.hex -> tests/fuzz/corpus/proto-<name>/X.bin
# (the bytes only; the '# key: value' headers become the harness's packet
# contexts, see fuzz-proto.c).  It only adds seeds for new vectors and new
# protocols, and respects what was decided before it:
#   - the cap: at most MAX_FILES inputs per directory (default 45, as
#     keep-found.sh: the room up to the limit of 50 is for crash inputs);
#   - the merged set: a seed the corpus held once and lost was dropped on
#     purpose (a merge found its coverage in other inputs, README.md
#     "Keeping the corpora small"), so it is not written again.  git's
#     history of the corpus says which; outside a git checkout nothing is
#     known dropped, and the script says so.
#
# usage: tests/fuzz/make-proto-seeds.sh [NAME...]   (default: every PROTO()
#        line of src/dissect/protocols.def; NAME as in the file, '_' or '-')
#   CORPUS     the folder of the proto-<name> corpora (default
#              tests/fuzz/corpus; tests point it at a copy)
#   MAX_FILES  default 45
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${CORPUS:-$here/corpus}
max_files=${MAX_FILES:-45}
if [ $# -eq 0 ]; then
    set -- $(sed -n 's/^[[:space:]]*PROTO(\([a-z0-9_]*\)).*/\1/p' "$root/src/dissect/protocols.def")
fi
has_git=false
git -C "$root" rev-parse --git-dir >/dev/null 2>&1 && has_git=true
$has_git || echo "make-proto-seeds: $root is no git checkout: seeds dropped by a merge cannot be told and may come back" >&2
nl='
'
# The seed files the corpora held in some commit and no longer hold, as
# proto-<name>/<file> lines (one git call: this runs in a test).
dropped=
if $has_git; then
    dropped=$(git -C "$root" log --diff-filter=D --format= --name-only -- tests/fuzz/corpus/ |
        sed -n 's|^tests/fuzz/corpus/||p' | sort -u)
fi

count_files() { # dir
    set -- "$1"/*
    if [ -e "$1" ]; then echo $#; else echo 0; fi
}

for p in "$@"; do
    name=$(echo "$p" | tr '_' '-')
    vectors="$root/tests/dissect/$name"
    dest="$corpus/proto-$name"
    mkdir -p "$dest"
    have=$(count_files "$dest")
    added=0
    skipped=0
    for hex in "$vectors"/*.hex; do
        [ -e "$hex" ] || continue
        seed=${hex##*/}
        seed=${seed%.hex}.bin
        [ -e "$dest/$seed" ] && continue
        case "$nl$dropped$nl" in
        *"${nl}proto-$name/$seed$nl"*)
            skipped=$((skipped + 1))
            continue
            ;;
        esac
        [ "$have" -ge "$max_files" ] && break
        grep -v '^[[:space:]]*#' "$hex" | xxd -r -p >"$dest/$seed"
        added=$((added + 1))
        have=$((have + 1))
    done
    echo "$name: $added seeds added, $skipped dropped by a merge left out, $have in proto-$name"
done
