#!/bin/sh
# `otscope live` end to end, on a network the test makes for itself: two
# network namespaces joined by a veth pair (unique names, removed by the
# trap).  otscope captures on one end inside tmux; tcpreplay sends the
# sample capture into the other end; the screen (capture-pane) must show
# the packet count rising and the sample's assets appearing, a finding
# acknowledged while capturing must be kept, q must stop the capture
# cleanly (exit 0) with every packet in the DB, and the
# finished screens are compared with tests/console/expected/live-*.screen
# (wall-clock times masked: live packets are stamped when they arrive).
#
#   live.sh OTSCOPE SAMPLE.pcap EXPECTED_DIR
#   UPDATE=1 live.sh ...   rewrites the expected screens (review the diff)
#
# TAP; skipped visibly ("1..0 # SKIP", exit 0) when not root or without ip, tcpreplay or
# tmux, or when the kernel refuses namespaces.  No traffic leaves the
# namespaces: IPv6 is off on both ends, so the replay is all there is.
set -u
. "$(dirname "$0")/screens.sh"
screen_args "$@"
skip() { echo "1..0 # SKIP $*"; exit 0; } # TAP: the plan is the skip
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
for tool in ip tcpreplay tmux; do
    command -v $tool >/dev/null 2>&1 || skip "$tool not installed"
done

id=$(printf %07d $$) # fixed width: the interface name is on screen
nsa=otslive${id}a
nsb=otslive${id}b
vethA=otsla$id
vethB=otslb$id
sock=otscope-live-$id
work=$(mktemp -d)
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    [ -n "${replay:-}" ] && kill "$replay" 2>/dev/null
    ip netns del "$nsa" 2>/dev/null
    ip netns del "$nsb" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$nsa" 2>/dev/null || skip "cannot create a network namespace here"
ip netns add "$nsb" || exit 1
ip link add "$vethA" netns "$nsa" type veth peer name "$vethB" netns "$nsb" || exit 1
for end in "$nsa $vethA" "$nsb $vethB"; do
    set -- $end
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || exit 1
    ip -n "$1" link set "$2" up || exit 1
done

# otscope drops root to nobody once the interface is open: the files it
# opens afterwards (the timing log) must be theirs to write
chmod 755 "$work"
log=$work/keys.log
: > "$log"
chmod 666 "$log"
cd "$work" || exit 1
# how many packets the replay sends: the sample's count, as otscope reads the file
"$otscope" analyze -q -r "$sample" --db file.db || { echo "Bail out! cannot analyze the sample"; exit 1; }
total=$("$otscope" captures --db file.db --format csv | sed -n '2s/^[^,]*,[^,]*,[^,]*,[^,]*,\([0-9]*\),.*/\1/p')
[ -n "$total" ] || { echo "Bail out! no packet count for the sample"; exit 1; }

pane() { tmux -L "$sock" capture-pane -p; }
header_pkts() { pane | sed -n '1s/.* pkts \([0-9]*\) .*/\1/p'; }
wait_for() { # PATTERN [tenths]: until the pane shows it
    i=0
    while ! pane | grep -q -- "$1" && [ $i -lt "${2:-100}" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    pane | grep -q -- "$1"
}
mask() { # wall-clock times, the per-minute sparkline, and ids (given in arrival order)
    t='(^|[^:0-9a-f])[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?([^:0-9a-f]|$)'
    sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]//g' -e "s/$t/\\1HH:MM:SS\\3/g" \
        -e "s/$t/\\1HH:MM:SS\\3/g" -e '2s/(open\)  ).*/\1(time range)/' \
        -e '3s/.*/pkts\/min (masked)/' -e '6,$s/^ {0,3}[0-9]{1,4} /   # /' \
        -e 's/(Asset|Finding) [0-9]+/\1 #/' -e 's/#[0-9]+ /# /g' -e "s/$vethB/otslbNNNNNNN/g"
}
check() { # NAME: the masked pane against expected/NAME.screen
    pane | mask > "$work/$1.screen"
    expect_file "$1.screen" "$work/$1.screen"
}

tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
    -e LC_ALL=C -e NO_COLOR=1 -e OTSCOPE_CONSOLE_TIMING="$log" \
    "cd '$work' && ip netns exec $nsb '$otscope' live -i $vethB --db live.db --view assets; echo EXIT=\$?; sleep 600"
wait_for "live $vethB" 100
ok $? "the console opens with the interface in its header"
pkts0=$(header_pkts)
[ "${pkts0:-x}" = 0 ]
ok $? "nothing captured before the replay (pkts ${pkts0:-?})"

# ~6.5 s of traffic at 1000 packets/s: several live ticks while it runs
ip netns exec "$nsa" tcpreplay -q --pps=1000 -i "$vethA" "$sample" >/dev/null 2>&1 &
replay=$!
seen=0
rises=0
last=0
i=0
while [ $i -lt 120 ] && { kill -0 "$replay" 2>/dev/null || [ "$last" -lt "$total" ]; }; do
    n=$(header_pkts)
    n=${n:-0}
    [ "$n" -gt "$last" ] && { rises=$((rises + 1)); last=$n; }
    # keys while the capture runs, timed by the console (OTSCOPE_CONSOLE_TIMING)
    if [ $((i % 2)) = 0 ]; then tmux -L "$sock" send-keys j; else tmux -L "$sock" send-keys k; fi
    sleep 0.25
    i=$((i + 1))
done
wait "$replay"
ok $? "tcpreplay sent the sample"
replay=
[ "$rises" -ge 3 ]
ok $? "the packet count rose on screen while the replay ran ($rises rises, last $last)"
wait_for "pkts $total " 50
ok $? "every packet of the sample counted (pkts $(header_pkts))"
pane | grep -q "drops 0 "
ok $? "the header shows the kernel drops"
wait_for "10.10.1.30 .*plc" 30
ok $? "the sample's PLC is on screen with its role"
pane | grep -Eq "^assets [1-9][0-9]* "
ok $? "the header counts assets"

# a view switch and back, then the figures
lines=$(wc -l < "$log")
for k in 3 2; do
    tmux -L "$sock" send-keys "$k"
    lines=$((lines + 1))
    wait_log "$lines"
done
awk -F'\t' '$2 != "live-tick" && $2 !~ /^start/ { n++; s += $1; if ($1 > m) m = $1 }
    END { if (n) printf "# key-to-screen while capturing: %d keys, mean %.2f ms, max %.2f ms\n", n, s / n, m }' "$log"
awk -F'\t' '$2 == "live-tick" { n++; s += $1; if ($1 > m) m = $1 }
    END { if (n) printf "# live re-read and redraw: %d ticks, mean %.2f ms, max %.2f ms\n", n, s / n, m }' "$log"
# settled: every row read after the last batch; sorted by packets, which
# differ for every asset of the sample (ids follow the order of arrival,
# which the batches' timing decides)
wait_for "rate 0/s" 30
i=0
while ! pane | grep -q "sort PKTS" && [ $i -lt 12 ]; do
    lines=$(wc -l < "$log")
    tmux -L "$sock" send-keys s
    wait_log $((lines + 1))
    i=$((i + 1))
done
check live-assets
tmux -L "$sock" resize-window -x 200 -y 50
wait_for "RISK" 30
check live-assets-big
tmux -L "$sock" resize-window -x 80 -y 24
wait_for "sort PKTS" 30

# the batches resolve only the MACs and addresses they wrote (and what
# those share; the capture's end resolves all): settled, the assets are
# the whole sample's all the same
assets_of() { # DB: each asset's key, kind, MAC, VLANs, counts and addresses
    sqlite3 "$1" "SELECT asset_key, kind, mac, vlan, vlans, packets, bytes,
        (SELECT group_concat(ip, ' ') FROM (SELECT ip FROM asset_ips i
          WHERE i.asset_id = a.asset_id ORDER BY ip)) FROM assets a ORDER BY asset_key"
}
what="while capturing, the assets are those of the sample read from its file"
if command -v sqlite3 >/dev/null 2>&1; then
    assets_of file.db > "$work/file.assets"
    assets_of live.db > "$work/live.assets"
    [ -s "$work/live.assets" ] && cmp -s "$work/file.assets" "$work/live.assets"
    r=$?
    [ $r = 0 ] || diff "$work/file.assets" "$work/live.assets" | sed 's/^/# /'
    ok $r "$what ($(wc -l < "$work/live.assets") assets)"
else
    n_test=$((n_test + 1))
    echo "ok $n_test # SKIP sqlite3 not installed: $what"
fi

# triage while capturing: otscope dropped root to nobody, and the DB is
# root's (0600): the write goes through the connection opened before
lines=$(wc -l < "$log")
tmux -L "$sock" send-keys 5
wait_log $((lines + 1))
tmux -L "$sock" send-keys a
wait_for "(y/n)" 30
tmux -L "$sock" send-keys y
wait_for "finding [0-9]*: acknowledged" 30
ok $? "triage works in live mode after the privileges are dropped ($(pane | tail -1 | tr -s ' '))"

tmux -L "$sock" send-keys q
wait_for "EXIT=" 100
pane | grep -q "EXIT=0"
ok $? "q stops the capture and exits 0"
pane | grep -q "$total packets"
ok $? "the summary after the console counts every packet"
status=$("$otscope" captures --db live.db --format csv 2>/dev/null | sed -n 2p)
case "$status" in *,$vethB,complete,*) r=0 ;; *) r=1 ;; esac
ok $r "the DB holds the live capture, complete ($status)"
"$otscope" export -q --db live.db --format csv -o "$work/csv" 2>/dev/null &&
    grep -q ",acknowledged," "$work/csv/findings.csv"
ok $? "the acknowledgement is in the DB after the capture"

tap_end
