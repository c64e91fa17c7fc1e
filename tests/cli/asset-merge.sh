#!/bin/sh
# usage: asset-merge.sh OTSCOPE PCAP
# One device under several addresses is one asset; a router's forwarded
# hosts are not its addresses (capture: tests/cli/pcaps/make-merge.py).
set -u
bin=$1
pcap=$2
. "$(dirname "$0")/check.sh"
echo "1..10"
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
# the CSV's vlan column (18th) lists every VLAN of a device
vlans_of() { # mac -> its vlan column
    awk -F, -v m="$1" '$2 == m { print $18 }' "$tmp/a.csv"
}
check "one MAC on VLANs 30 and 40 and untagged: one asset with its VLANs" \
    "grep -q '^[0-9]*,00:11:22:33:44:88,10.30.1.90;10.40.1.90,' '$tmp/a.csv' && [ \"\$(grep -c ',00:11:22:33:44:88,' '$tmp/a.csv')\" = 1 ] && [ '$(vlans_of 00:11:22:33:44:88)' = '0;30;40' ]"
check "a router-on-a-stick is one router on both VLANs" \
    "grep '^[0-9]*,00:1a:a1:3c:5e:02,10.30.1.1;10.40.1.1,' '$tmp/a.csv' | grep -q network-device"
check "one address behind the router on two VLANs: two IP-only assets" \
    "[ \"\$(grep -c '^[0-9]*,,172.16.5.5,' '$tmp/a.csv')\" = 2 ]"
check "two MACs claiming one address on two VLANs: two assets" \
    "grep -q '^[0-9]*,00:11:22:33:44:99,10.50.1.5,' '$tmp/a.csv' && grep -q '^[0-9]*,00:11:22:33:44:aa,10.50.1.5,' '$tmp/a.csv'"
"$bin" findings --db "$tmp/m.db" --format csv >"$tmp/f.csv"
check "an address reused on two VLANs is no IP conflict" \
    "! grep -q 'ip-conflict.*10.50.1.5' '$tmp/f.csv'"
[ $fails = 0 ]
