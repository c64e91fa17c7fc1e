#!/bin/sh
# Regenerates the golden CSVs of the bundled sample; review the diff like code.
# usage: tests/update-golden.sh [BUILD_DIR]
build=${1:-build}
cd "$(dirname "$0")/.." || exit 1
"$build/samples/otsgen" plant -o samples/plant.pcap
sh tests/golden/golden.sh "$build/src/otscope" samples/plant.pcap tests/golden/plant --update
git diff --stat samples/plant.pcap tests/golden
