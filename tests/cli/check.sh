# check.sh - sourced by the cli TAP scripts that check one capture's tables
# with grep: a scratch folder ($tmp, removed at exit) and check(), which
# prints one TAP line and counts failures in $fails.  The script prints
# its plan, runs its checks and ends with: [ $fails = 0 ]
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
check() { # description, then the test command
    n=$((n + 1))
    if sh -c "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fails=$((fails + 1)); fi
}
