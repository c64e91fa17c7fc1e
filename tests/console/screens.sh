# screens.sh - sourced by the console's tmux TAP scripts (console.sh,
# live.sh): absolute paths, the TAP counters, the comparison of a
# screen (or a written file) with its expected copy, and the wait for the
# console's timing log.  The script calls screen_args with its arguments,
# sets $log (its OTSCOPE_CONSOLE_TIMING file), and ends with tap_end.

abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }

# OTSCOPE SAMPLE.pcap EXPECTED_DIR, the scripts' arguments: $otscope,
# $sample and $expected as absolute paths (the scripts cd to a scratch folder)
screen_args() {
    otscope=$(abspath "$1")
    sample=$(abspath "$2")
    expected=$(abspath "$3")
}

n_test=0
n_fail=0

ok() { # STATUS DESCRIPTION: a TAP line, ok when STATUS is 0
    n_test=$((n_test + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n_test - $2"
    else
        echo "not ok $n_test - $2"
        n_fail=$((n_fail + 1))
    fi
}

# NAME FILE: FILE against $expected/NAME, or copied there with UPDATE=1
# (review the diff); the differences go to the TAP output.
expect_file() {
    n_test=$((n_test + 1))
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$2" "$expected/$1"
        echo "ok $n_test - $1 # updated"
    elif cmp -s "$2" "$expected/$1"; then
        echo "ok $n_test - $1"
    else
        echo "not ok $n_test - $1"
        diff -u "$expected/$1" "$2" | sed 's/^/# /'
        n_fail=$((n_fail + 1))
    fi
}

# N: until the console has written N lines to $log (a handled key or a
# live tick each), 10 s at most: no sleeps guessing how long a key takes.
wait_log() {
    i=0
    while [ "$(wc -l < "$log")" -lt "$1" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

tap_end() { # the plan, and the exit status
    echo "1..$n_test"
    [ $n_fail = 0 ]
}
