#!/bin/sh
# usage: nd-ownership.sh OTSCOPE PCAP
# IPv6 Neighbor Discovery gives address ownership like ARP: the capture
# (tests/cli/pcaps/make-nd.py) advertises a PLC's global address only in
# a Neighbor Advertisement sent from its link-local address.
set -u
bin=$1
pcap=$2
. "$(dirname "$0")/check.sh"
echo "1..4"
"$bin" analyze -q --db "$tmp/nd.db" -r "$pcap"
"$bin" assets --db "$tmp/nd.db" --format csv >"$tmp/assets.csv"
check "the NA's target belongs to the PLC's MAC" \
    "grep -q '^[0-9]*,00:80:f4:0a:1b:2c,2001:db8:10::10;fe80::280:f4ff:fe0a:1b2c,' '$tmp/assets.csv'"
check "the router's RA source belongs to the router" \
    "grep -q '^[0-9]*,00:1a:a1:3c:5e:01,fe80::1,' '$tmp/assets.csv'"
check "duplicate address detection (from ::) claims nothing" "! grep -q ',::,\|;::,\|,::;' '$tmp/assets.csv'"
check "an NA with hop limit 64 (not from the link) claims nothing" \
    "! grep -q '2001:db8:10::99' '$tmp/assets.csv'"
[ $fails = 0 ]
