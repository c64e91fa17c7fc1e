#!/bin/sh
# Renders the sample's report in headless Chromium (Debian's chromium
# package), takes a screenshot and checks in the rendered DOM that the map
# and the tables are there.  Skipped (exit 77) when chromium is not
# installed: it is too heavy for CI's package list.
# usage: chromium-shot.sh OTSCOPE
set -u
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root=${OTSCOPE_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "1..0 # SKIP chromium is not installed"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && "$bin" analyze -q -r samples/plant.pcap --db "$tmp/p.db") || exit 1
"$bin" report -q --db "$tmp/p.db" -o "$tmp/r.html" || exit 1
flags="--headless --disable-gpu --no-sandbox --no-first-run --disable-extensions --user-data-dir=$tmp/profile"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --window-size=1280,3000 --screenshot="$tmp/shot.png" \
    "file://$tmp/r.html" >/dev/null 2>&1
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --dump-dom "file://$tmp/r.html" >"$tmp/dom.html" 2>/dev/null
n=0
fails=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }
size=$(stat -c %s "$tmp/shot.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ]
t $? "screenshot taken ($size bytes)"
grep -q '<svg class="map"' "$tmp/dom.html"
t $? "the rendered page has the SVG map"
[ "$(grep -o '<table' "$tmp/dom.html" | wc -l)" -ge 3 ]
t $? "the rendered page has the tables"
if [ -n "${OTSCOPE_KEEP_SHOT:-}" ]; then cp "$tmp/shot.png" "$OTSCOPE_KEEP_SHOT"; fi
echo "1..$n"
[ $fails = 0 ]
