#!/bin/sh
# The export suite: CSV and NDJSON of the bundled sample against goldens,
# read back with libcsv and Python's csv module, NDJSON against the ECS
# field list, the HTML report's structure and escaping, anonymization
# leaks, the SQLite copy, merge, purge and the audit trail.  TAP.
#
# usage: export.sh OTSCOPE ROUNDTRIP OTSGEN [--update]
#   (OTSCOPE_SOURCE_ROOT names the source tree; --update rewrites the goldens)
set -u
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
bin=$(abs "$1")
roundtrip=$(abs "$2")
otsgen=$(abs "$3")
update=${4:-}
root=${OTSCOPE_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$root/tests/export
golden=$here/golden/plant
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

ok() { # status description
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
run() { # description command... (output shown as comments)
    d=$1
    shift
    "$@" >"$tmp/out" 2>&1
    s=$?
    sed 's/^/# /' "$tmp/out" | grep -v '^# ok ' | head -30
    ok $s "$d"
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# The sample, analyzed by a relative path so that paths in the output
# do not depend on where the tree is.
(cd "$root" && "$bin" analyze -q -r samples/plant.pcap --db "$tmp/p.db")
ok $? "analyze the sample"

# ---- CSV -------------------------------------------------------------------
"$bin" export -q --db "$tmp/p.db" --format csv -o "$tmp/csv"
ok $? "export csv"
for f in assets asset_attributes comms ops findings protocols captures; do
    if [ "$update" = --update ]; then
        mkdir -p "$golden" && cp "$tmp/csv/$f.csv" "$golden/$f.csv"
        ok 0 "$f.csv updated"
    elif diff -u "$golden/$f.csv" "$tmp/csv/$f.csv" >"$tmp/diff"; then
        ok 0 "$f.csv equals the golden"
    else
        sed 's/^/# /' "$tmp/diff" | head -30
        ok 1 "$f.csv equals the golden (tests/export/update-golden.sh regenerates)"
    fi
done
run "csv read back with libcsv equals the store" "$roundtrip" "$tmp/p.db" "$tmp/csv"
mkdir -p "$tmp/json"
for t in assets comms ops protocols captures findings; do
    "$bin" "$t" --db "$tmp/p.db" --format json >"$tmp/json/$t.json"
done
run "csv read back with python csv equals the CLI's JSON" $py "$here/check-csv.py" "$tmp/csv" "$tmp/json"

# --excel: BOM and formula guard.  A value that starts with '=' is planted
# (a host name off the wire can be anything) and must come out guarded.
cp "$tmp/p.db" "$tmp/x.db"
$py - "$tmp/x.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE attrs SET value='=HYPERLINK(\"http://evil\")' || value WHERE name='hostname'")
db.execute("UPDATE findings SET evidence='@SUM(1+1)' WHERE finding_id=(SELECT min(finding_id) FROM findings)")
db.commit()
PY
"$bin" export -q --db "$tmp/x.db" --format csv --excel -o "$tmp/xl"
ok $? "export csv --excel"
run "excel csv read back with libcsv (BOM, guard removed) equals the store" \
    "$roundtrip" "$tmp/x.db" "$tmp/xl" --excel
mkdir -p "$tmp/xjson"
for t in assets comms ops protocols captures findings; do
    "$bin" "$t" --db "$tmp/x.db" --format json >"$tmp/xjson/$t.json"
done
run "excel csv read back with python csv equals the CLI's JSON" \
    $py "$here/check-csv.py" "$tmp/xl" "$tmp/xjson" --excel
grep -q "'=HYPERLINK" "$tmp/xl/assets.csv" && grep -q "'@SUM" "$tmp/xl/findings.csv" &&
    ! grep -q ',=HYPERLINK' "$tmp/xl/assets.csv"
ok $? "excel guard prefixes formula-looking cells with '"

# ---- NDJSON ------------------------------------------------------------------
"$bin" export -q --db "$tmp/p.db" --format ndjson --site plant --observer golden -o "$tmp/p.ndjson"
ok $? "export ndjson"
if [ "$update" = --update ]; then
    sort "$tmp/p.ndjson" >"$golden/plant.ndjson.sorted"
    ok 0 "plant.ndjson updated"
elif sort "$tmp/p.ndjson" | diff -u "$golden/plant.ndjson.sorted" - >"$tmp/diff"; then
    ok 0 "ndjson equals the golden (lines sorted)"
else
    sed 's/^/# /' "$tmp/diff" | cut -c1-300 | head -20
    ok 1 "ndjson equals the golden (tests/export/update-golden.sh regenerates)"
fi
run "ndjson fields and types follow ECS (ecs-fields.tsv)" \
    $py "$here/check-ecs.py" "$here/ecs-fields.tsv" "$tmp/p.ndjson" plant
"$bin" export -q --db "$tmp/p.db" --format ndjson --bulk --site plant >"$tmp/bulk.ndjson"
$py - "$tmp/bulk.ndjson" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines and len(lines) % 2 == 0
for a, d in zip(lines[0::2], lines[1::2]):
    assert json.loads(a) == {"create": {}}, a
    assert "@timestamp" in json.loads(d)
PY
ok $? "--bulk puts a create action before each document"

# ---- report --------------------------------------------------------------------
"$bin" report -q --db "$tmp/p.db" -o "$tmp/r.html"
ok $? "report"
run "report structure: CSP, no script or external link, SVG map, tables, print css" \
    $py "$here/check-html.py" "$tmp/r.html" 10
"$bin" report -q --db "$tmp/p.db" --lang ja -o "$tmp/ja.html"
ok $? "report --lang ja"
run "Japanese report structure" $py "$here/check-html.py" "$tmp/ja.html" 10
grep -q 'lang="ja"' "$tmp/ja.html" && grep -q 'OTネットワーク調査報告書' "$tmp/ja.html"
ok $? "Japanese report is in Japanese"
run "every language file has the English keys" $py "$here/check-i18n.py" "$root/data/report"
"$bin" report -q --db "$tmp/p.db" --lang xx -o "$tmp/xx.html" 2>/dev/null
[ $? = 3 ] && [ ! -e "$tmp/xx.html" ]
ok $? "an unknown language fails (exit 3) and writes nothing"
"$bin" report -q --db "$tmp/p.db" --cluster-above 3 -o "$tmp/cl.html"
run "clustered map (--cluster-above 3) is well formed" $py "$here/check-html.py" "$tmp/cl.html" 10
grep -q '/24' "$tmp/cl.html"
ok $? "clustered map groups by /24"

# Markup from the wire is text, never markup.
$py - "$tmp/x.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE attrs SET value='<script>alert(1)</script><img src=x onerror=alert(2)>' || value WHERE name='hostname'")
db.execute("UPDATE findings SET evidence='</div><script>alert(3)</script>', title='<b onmouseover=x>t</b>'")
db.commit()
PY
"$bin" report -q --db "$tmp/x.db" -o "$tmp/x.html"
run "hostile values are escaped" $py "$here/check-html.py" "$tmp/x.html" 1 \
    --forbid '<script>' --forbid '<img' --forbid '<b onmouseover'
grep -q '&lt;script&gt;alert(1)' "$tmp/x.html"
ok $? "hostile values are shown as text"

# ---- anonymization ---------------------------------------------------------------
"$bin" export -q --db "$tmp/p.db" --format csv --anonymize --anon-key k1 -o "$tmp/anon-csv"
ok $? "export csv --anonymize"
"$bin" export -q --db "$tmp/p.db" --format ndjson --anon-key k1 -o "$tmp/anon.ndjson"
ok $? "export ndjson --anon-key"
"$bin" export -q --db "$tmp/p.db" --format sqlite --anonymize -o "$tmp/anon.db"
ok $? "export sqlite --anonymize"
"$bin" report -q --db "$tmp/p.db" --anonymize -o "$tmp/anon.html"
ok $? "report --anonymize"
run "no IP, MAC, name or path of the sample survives anonymization" \
    $py "$here/check-anon.py" "$tmp/csv" "$tmp/anon-csv" "$tmp/anon.ndjson" "$tmp/anon.db" \
    "$tmp/anon.html"
run "anonymized ndjson still follows ECS" \
    $py "$here/check-ecs.py" "$here/ecs-fields.tsv" "$tmp/anon.ndjson"
run "prefix-preserving: shared IPv4 prefixes stay shared, OUIs stay" \
    $py "$here/check-prefix.py" "$tmp/csv/assets.csv" "$tmp/anon-csv/assets.csv"
"$bin" export -q --db "$tmp/p.db" --format csv --anon-key k1 -o "$tmp/anon-csv2"
diff -r -x audit.csv "$tmp/anon-csv" "$tmp/anon-csv2" >/dev/null
ok $? "the same --anon-key gives the same pseudonyms"
"$bin" export -q --db "$tmp/p.db" --format csv --anonymize -o "$tmp/anon-csv3"
! diff -q "$tmp/anon-csv/assets.csv" "$tmp/anon-csv3/assets.csv" >/dev/null
ok $? "without a key each run draws new pseudonyms"
"$bin" assets --db "$tmp/anon.db" --format csv >/dev/null
ok $? "the anonymized SQLite copy opens as an otscope DB"
"$bin" export -q --db "$tmp/p.db" --format csv --anonymize --show-secrets -o "$tmp/no" 2>/dev/null
[ $? = 2 ]
ok $? "--show-secrets with --anonymize is a usage error"

# ---- SQLite copy, merge, purge, audit -------------------------------------------------
"$bin" export -q --db "$tmp/p.db" --format sqlite -o "$tmp/copy.db"
ok $? "export sqlite"
[ "$(stat -c %a "$tmp/copy.db")" = 600 ]
ok $? "the copy is 0600"
"$bin" assets --db "$tmp/copy.db" --format csv >"$tmp/copy-assets.csv" &&
    "$bin" assets --db "$tmp/p.db" --format csv | diff - "$tmp/copy-assets.csv" >/dev/null
ok $? "the copy has the same assets"
"$bin" export -q --db "$tmp/p.db" --format sqlite -o "$tmp/copy.db" 2>/dev/null
[ $? = 2 ]
ok $? "an existing copy is not overwritten (exit 2)"

"$otsgen" bench -n 3000 -H 12 -s 5 -o "$tmp/b.pcap" >/dev/null 2>&1 &&
    "$bin" analyze -q -r "$tmp/b.pcap" --db "$tmp/b.db"
ok $? "a second site DB"
"$bin" merge -q "$tmp/p.db" "$tmp/b.db" -o "$tmp/site.db"
ok $? "merge two DBs"
$py - "$tmp/p.db" "$tmp/b.db" "$tmp/site.db" <<'PY'
import sqlite3, sys
def q(path, sql):
    return sqlite3.connect(path).execute(sql).fetchone()[0]
a, b, m = sys.argv[1:]
for t in ("captures", "comms", "ops", "attrs", "endpoints"):
    assert q(m, f"SELECT count(*) FROM {t}") == q(a, f"SELECT count(*) FROM {t}") + q(b, f"SELECT count(*) FROM {t}"), t
assert q(m, "SELECT count(*) FROM comm_minutes") == q(a, "SELECT count(*) FROM comm_minutes") + q(b, "SELECT count(*) FROM comm_minutes")
assert q(m, "SELECT count(*) FROM assets") >= max(q(a, "SELECT count(*) FROM assets"), q(b, "SELECT count(*) FROM assets"))
assert q(m, "SELECT count(*) FROM findings") > 0
assert q(m, "SELECT count(*) FROM audit WHERE command='merge'") == 1
# the comms matrix counts the merged conversations (one in both DBs once)
distinct = q(m, "SELECT count(*) FROM (SELECT DISTINCT src, dst, vlan, protocol, transport, port FROM comms)")
for axis in ("levels", "zones"):
    assert q(m, f"SELECT sum(conversations) FROM comm_matrix WHERE axis='{axis}'") == distinct, axis
PY
ok $? "the merged DB holds both captures' rows"
"$bin" merge -q "$tmp/p.db" -o "$tmp/site.db"
[ "$("$bin" captures --db "$tmp/site.db" --format csv | wc -l)" = 3 ]
ok $? "merging a capture already present adds nothing"

cp "$tmp/p.db" "$tmp/purge.db"
"$bin" purge -q --db "$tmp/purge.db" 1
ok $? "purge capture 1"
$py - "$tmp/purge.db" "$tmp/csv/assets.csv" <<'PY'
import csv, os, sqlite3, sys
path = sys.argv[1]
db = sqlite3.connect(path)
for t in ("captures", "comms", "ops", "attrs", "endpoints", "findings", "assets", "comm_matrix"):
    assert db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0, t
assert db.execute("SELECT count(*) FROM audit WHERE command='purge'").fetchone()[0] == 1
db.close()
raw = b""
for p in (path, path + "-wal"):
    if os.path.exists(p):
        raw += open(p, "rb").read()
ips = {ip for r in csv.DictReader(open(sys.argv[2], newline="")) for ip in r["ips"].split(";") if ip}
left = [ip for ip in ips if ip.encode() in raw]
assert not left, f"still in the file: {left}"
PY
ok $? "after purge no address of the capture is left in the DB file or its WAL"
"$bin" purge -q --db "$tmp/purge.db" 99 2>/dev/null
[ $? = 2 ]
ok $? "purging a missing capture is a usage error"

$py - "$tmp/p.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT command, user, cmdline, input_sha256, detail FROM audit WHERE command<>'analyze'").fetchall()
cmds = [r[0] for r in rows]
sha = db.execute("SELECT sha256 FROM captures").fetchone()[0]
assert db.execute("SELECT input_sha256 FROM audit WHERE command='analyze'").fetchall() == [(sha,)]
assert cmds.count("export") >= 4 and cmds.count("report") >= 3, cmds
for c, user, line, sha, detail in rows:
    assert user and "otscope" in line and len(sha) == 64 and detail, (c, line, sha)
PY
ok $? "analyze, every export and every report left an audit entry (user, command line, input SHA-256)"
grep -q 'id="audit"' "$tmp/anon.html" && grep -q 'export' "$tmp/anon.html"
ok $? "the report's appendix shows the audit trail"

echo "1..$n"
[ $fails = 0 ]
