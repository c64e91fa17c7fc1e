# check-argv.sh - check.sh's twin, sourced by the TAP scripts whose checks
# are a command and its arguments rather than a shell string
# (tests/baseline, tests/rules/cli.sh): a scratch folder ($tmp, removed at
# exit), check() and skip(), which print one TAP line each and count
# failures in $fails, and status_is(), an exit status test that keeps the
# command's stderr in $tmp/stderr.  The script prints its plan, runs its
# checks and ends with: [ $fails = 0 ]
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
check() { # description, then the test command and its arguments
    n=$((n + 1))
    what=$1
    shift
    if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fails=$((fails + 1)); fi
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
status_is() { # expected status, then the command and its arguments
    want=$1
    shift
    "$@" >/dev/null 2>"$tmp/stderr"
    [ $? -eq "$want" ]
}
