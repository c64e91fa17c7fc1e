#!/bin/sh
# Fails when a layer includes a header of a layer to its right in the
# pipeline (capture -> decode -> dissect -> model -> rules -> store ->
# console/export), or when decode/dissect touch the Cursor's fields.
cd "${OTSCOPE_SOURCE_ROOT:-$(dirname "$0")/../..}" || exit 1
fail=0
check() { # folder forbidden-pattern
    hits=$(grep -nE "#include \"($2)" src/$1/*.c src/$1/*.h 2>/dev/null)
    if [ -n "$hits" ]; then echo "layer violation in src/$1:"; echo "$hits"; fail=1; fi
}
check capture 'decode|dissect|model|store|cli|export|console|rules|otscope/model|otscope/store'
check decode 'dissect|model|store|cli|export|console|rules|otscope/model|otscope/store'
check dissect 'model|store|cli|export|console|rules|otscope/model|otscope/store|capture'
check model 'store|cli|export|console|rules|otscope/store|capture'
check rules 'store|cli|export|console|capture|decode|otscope/store'
check store 'cli|export|console|capture'
check export 'cli|console|capture|decode|model\.h|dissect\.h'
# The console presents the store: store.h and store-console.h, never the
# store's insides, SQL, a capture, the model or the rules.
check console 'cli|capture|decode|dissect|model|rules|export|store-int|otscope/model|otscope/finding'
sql=$(grep -nE '#include <(sqlite3|pcap)' src/console/*.c src/console/*.h 2>/dev/null)
if [ -n "$sql" ]; then echo "src/console must read through the store:"; echo "$sql"; fail=1; fi
raw=$(grep -nE '\b(p_|len_|off_)\b|const uint8_t \*[a-z_]+[,)]' src/decode/*.c src/dissect/*.c 2>/dev/null)
if [ -n "$raw" ]; then echo "raw byte access outside the Cursor:"; echo "$raw"; fail=1; fi
[ $fail = 0 ] && echo "layers and raw-bytes: clean"
exit $fail
