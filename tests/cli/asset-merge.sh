#!/bin/sh
# usage: asset-merge.sh OTSCOPE PCAP
# One device under several addresses is one asset; a router's forwarded
# hosts are not its addresses (capture: tests/cli/pcaps/make-merge.py).
set -u
bin=$1
pcap=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
echo "1..5"
check() { # description, then the test command
    n=$((n + 1))
    if sh -c "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fails=$((fails + 1)); fi
}
"$bin" analyze -q --db "$tmp/m.db" -r "$pcap"
"$bin" assets --db "$tmp/m.db" --format csv >"$tmp/a.csv"
check "dual-homed host claiming both addresses: one asset" \
    "grep -q '^[0-9]*,00:11:22:33:44:55,10.10.1.70;10.20.1.70,' '$tmp/a.csv'"
check "dual-homed host seen without ARP: one asset, not a router" \
    "grep '^[0-9]*,00:11:22:33:44:66,10.10.1.71;10.20.1.71,' '$tmp/a.csv' | grep -vq network-device"
check "DHCP renewal onto a new address: one asset with both" \
    "grep -q '^[0-9]*,00:11:22:33:44:77,10.10.1.80;10.10.1.81,' '$tmp/a.csv'"
check "the router keeps only the address it claims" \
    "grep '^[0-9]*,00:1a:a1:3c:5e:01,10.10.1.1,' '$tmp/a.csv' | grep -q network-device"
check "hosts behind the router are IP-only assets" \
    "grep -q '^[0-9]*,,192.168.10.20,' '$tmp/a.csv' && grep -q '^[0-9]*,,203.0.113.50,' '$tmp/a.csv'"
[ $fails = 0 ]
