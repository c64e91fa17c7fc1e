#!/bin/sh
# usage: real-roles.sh SOURCE_ROOT OTSCOPE
# Names and roles of real captures (../shared/pcaps) against what their
# traffic shows (tshark): Cisco IP phones' DHCP fingerprints and SEP host
# names, a Siemens panel's and controller's LLDP descriptions, PCs whose
# LLDP agents advertise no bridge, and a router relaying a Raspberry Pi's
# DHCP Request.  Skipped when the captures are absent.
set -u
src=$1
bin=$2
pcaps="$src/../shared/pcaps"
if [ ! -f "$pcaps/it/emreekin__packet.pcap" ]; then
    echo "1..0 # SKIP ../shared/pcaps not present"
    exit 0
fi
. "$src/tests/cli/check.sh" # $tmp and check()
assets() { # capture -> its assets CSV in $tmp/NAME.csv
    name=$(basename "$1")
    "$bin" analyze -q --db "$tmp/$name.db" -r "$pcaps/$1"
    "$bin" assets --db "$tmp/$name.db" --format csv >"$tmp/$name.csv"
}
assets it/emreekin__packet.pcap
# tshark -Y 'dhcp.option.hostname contains "SEP"': 31 Cisco phones
check "emreekin__packet: every SEP* DHCP client is a phone" \
    "[ \$(grep -c ',SEP[0-9A-F]*,' '$tmp/emreekin__packet.pcap.csv') -ge 20 ] && ! grep ',SEP[0-9A-F]*,' '$tmp/emreekin__packet.pcap.csv' | grep -vq ',phone,'"
assets it/emreekin__simens.pcap
check "emreekin__simens: the KTP700 panel (LLDP 'SIMATIC HMI', bridge caps) is an hmi" \
    "grep -q '^[0-9]*,e0:dc:a0:29:c6:e7,.*,hmi,' '$tmp/emreekin__simens.pcap.csv'"
check "emreekin__simens: the PC whose LLDP has no capabilities TLV is not a network device" \
    "grep '^[0-9]*,50:7b:9d:76:77:d5,' '$tmp/emreekin__simens.pcap.csv' | grep -v network-device | grep -q DESKTOP-T39THPL"
assets mixed/emreekin__mmsy.pcap
check "emreekin__mmsy: DESKTOP-M5C7L14 (LLDP caps 'station') is not a network device" \
    "grep '^[0-9]*,d8:50:e6:05:a3:1e,' '$tmp/emreekin__mmsy.pcap.csv' | grep -v network-device | grep -q DESKTOP-M5C7L14"
assets it/malcolm__DHCP.pcap
# frame 78: giaddr 62.12.173.121 relays chaddr b8:27:eb:b8:53:c8's Request
check "malcolm__DHCP: the relaying router does not take the relayed client's name" \
    "grep '^[0-9]*,00:23:eb:10:2c:29,' '$tmp/malcolm__DHCP.pcap.csv' | grep -vq raspberrypi"
echo "1..$n"
[ $fails = 0 ]
