#!/bin/sh
# Regenerates the export goldens (tests/export/golden/plant) from the
# bundled sample; run after dissector or rule changes and review the diff
# like code.  usage: tests/export/update-golden.sh [BUILD_DIR]
build=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
OTSCOPE_SOURCE_ROOT=$(pwd) sh tests/export/export.sh "$build/src/otscope" \
    "$build/tests/test-csv-roundtrip" "$build/samples/otsgen" --update | grep -E 'updated|not ok'
git diff --stat tests/export/golden
