#!/bin/sh
# Console screens, driven in tmux as tmux's own regress/ does it: a
# private tmux server per scenario, NO_COLOR=1 and LC_ALL=C (so ASCII and
# monochrome), `otscope console` on a DB made from the sample capture,
# keys sent with send-keys, screens taken with capture-pane and compared
# with tests/console/expected/NAME.screen.
#
# Keys are not timed with sleeps: the console writes one line per handled
# key to OTSCOPE_CONSOLE_TIMING, and the script waits for that line.
#
#   console.sh OTSCOPE SAMPLE.pcap EXPECTED_DIR
#   UPDATE=1 console.sh ...   rewrites the expected screens (review the diff)
#
# TAP output; exit 77 (skipped) without tmux.
set -u
. "$(dirname "$0")/screens.sh"
screen_args "$@"
zones_conf=$(abspath "$(dirname "$0")/../../data/zones-example.conf")
command -v tmux >/dev/null 2>&1 || { echo "1..0 # SKIP tmux not installed"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# a relative DB path keeps the header the same on every machine
"$otscope" analyze -q -r "$sample" --db plant.db || { echo "Bail out! cannot analyze the sample"; exit 1; }

sock=
log=
lines=0

start() { # WxH [console options]: starts a console in a fresh tmux server
    size=$1
    shift
    sock=otscope-test-$$-$n_test
    log=$work/keys-$n_test.log
    : > "$log"
    lines=1
    tmux -L "$sock" -f /dev/null new-session -d -x "${size%x*}" -y "${size#*x}" \
        -e LC_ALL=C -e NO_COLOR=1 -e OTSCOPE_CONSOLE_TIMING="$log" \
        "cd '$work' && '$otscope' console --db plant.db $*; sleep 600"
    wait_keys
}

stop() {
    tmux -L "$sock" kill-server 2>/dev/null
}

wait_keys() { # until the console has handled $lines keys
    wait_log "$lines"
}

# keys: tmux key names, one handled key each; ~KEY is sent but completes
# nothing on its own (opens a prompt or a question); :TEXT is typed into
# a prompt; resize=WxH resizes the window.
keys() {
    for k in "$@"; do
        case "$k" in
        :*) tmux -L "$sock" send-keys -l "${k#:}" ;;
        ~*) tmux -L "$sock" send-keys "${k#\~}" ;;
        resize=*)
            r=${k#resize=}
            tmux -L "$sock" resize-window -x "${r%x*}" -y "${r#*x}"
            lines=$((lines + 1))
            wait_keys
            ;;
        *)
            tmux -L "$sock" send-keys "$k"
            lines=$((lines + 1))
            wait_keys
            ;;
        esac
    done
}

screen_now() { # the pane once it has stopped changing
    prev=
    i=0
    while [ $i -lt 40 ]; do
        cur=$(tmux -L "$sock" capture-pane -p)
        [ -n "$prev" ] && [ "$cur" = "$prev" ] && break
        prev=$cur
        sleep 0.05
        i=$((i + 1))
    done
    # triage times are wall-clock times
    printf '%s\n' "$cur" | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDTHH:MM:SSZ/g'
}

check() { # NAME: compares the screen with expected/NAME.screen
    screen_now > "$work/$1.screen"
    expect_file "$1.screen" "$work/$1.screen"
}

footer_has() { # WHAT TEXT...: the footer (last line) shows every TEXT
    what=$1
    shift
    footer=$(screen_now | tail -n 1)
    missing=
    for t in "$@"; do
        case "$footer" in *"$t"*) ;; *) missing="$missing $t" ;; esac
    done
    [ -z "$missing" ]
    ok $? "$what${missing:+: no$missing in '$footer'}"
}

# every view at 80x24, and its drill-down and back
start 80x24
check dashboard
keys '~e' Enter
expect_file export-dashboard.csv "$work/otscope-dashboard.csv"
keys 2
check assets
keys j j j Enter
check assets-drill-comms
footer_has "a drill-down's footer shows every key that works there" Help Matrix Views Open \
    Back Search Filter Sort Export Quit
keys Escape
check assets-back
keys 3 '~/' ':protocol=s7comm src=10.10.1.60' Enter Enter
check comms-drill-ops
keys Escape 4
check ops
keys 5
check findings
footer_has "the Findings footer shows triage and every table key" Help Triage Views Open \
    Search Filter Sort Export Quit
keys Enter
check findings-drill-assets
keys Escape 6
check timeline
keys + +
check timeline-zoom-in
keys - - - Enter
check timeline-bucket
keys G Enter
check timeline-event
keys Escape Escape Tab
check tab-wraps
stop

# search, filter, sort, help, export
start 80x24 --view comms
keys '~/' :10.10.1.60 Enter
check search
keys n n n
check search-next
keys N
check search-prev
keys '~f' :protocol=modbus Enter
check filter
keys '~e' Enter
check export-message
expect_file export-comms.csv "$work/otscope-comms.csv"
keys Escape
check filter-cleared
keys '~f' :bogus=1 Enter
check filter-bad
keys s s s
check sort-l4
keys S
check sort-reverse
keys F1
check help
keys PageDown
check help-scrolled
keys q
check help-closed
stop

# triage, kept across a restart
start 80x24 --view findings
keys '~a' y j '~x' y j '~N' ':check with ops' Enter
check triage
keys q
stop
start 80x24 --view findings
keys j j
check triage-persisted
keys j '~a' n
check triage-declined
stop
start 80x24 --view findings --readonly
keys a
check readonly
stop

# resize to tiny and back, and the big layout
start 80x24
keys 2 j resize=60x15
check resize-tiny
keys resize=80x24
check resize-back
keys resize=200x50
check resize-big
stop
start 200x50
check big-dashboard
keys 5 j
check big-findings
keys 6 + Enter
check big-timeline-events
stop

# the comms matrix (m: Purdue levels, zones, the list again), scrolled
# sideways; the detail pane scrolled (J/K).  The matrix hides the list:
# its help and footer name only the keys that work there, and the list's
# keys (search, filter, sort, Enter) do nothing (no prompt opens)
start 80x24 --view comms
keys m
check matrix-levels
keys '?'
check matrix-help
keys Escape / f s S Enter
check matrix-list-keys-ignored
keys Right Right
check matrix-scrolled
keys m
check matrix-no-zones
keys m
check matrix-list-again
keys 2 '~/' :10.10.1.50 Enter J J
check detail-scrolled
keys K
check detail-scrolled-back
stop
# a DB with the example zone policy (data/zones-example.conf)
cp plant.db zones.db
"$otscope" zones load -q "$zones_conf" --db zones.db >/dev/null ||
    { echo "Bail out! cannot load the example zones"; exit 1; }
start 200x50 --view comms --db zones.db
keys m
check big-matrix-levels
keys m
check big-matrix-zones
keys 2 '~/' :10.10.1.50 Enter J
check big-detail-fits
stop

# secrets: the SNMP community masked in the detail pane unless --show-secrets
start 200x50 --view findings
keys '~/' :community Enter
check secrets-masked
stop
start 200x50 --view findings --show-secrets
keys '~/' :community Enter
check secrets-shown
stop

tap_end
