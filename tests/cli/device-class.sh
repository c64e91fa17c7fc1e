#!/bin/sh
# usage: device-class.sh OTSCOPE PCAP
# Roles from what devices say they are (data/device-classes.tsv): an mDNS
# print service, a camera's web server, DHCP fingerprints of a printer and
# of a desktop OS; industrial traffic wins over any of them, a device
# searching for printers is not one, nor is a relay of a printer's DHCP (capture: tests/cli/pcaps/make-devclass.py).
set -u
bin=$1
pcap=$2
. "$(dirname "$0")/check.sh"
echo "1..13"
"$bin" analyze -q --db "$tmp/d.db" -r "$pcap"
"$bin" assets --db "$tmp/d.db" --format csv >"$tmp/a.csv"
check "announces _ipp._tcp and serves HTTP: printer, with the clue as evidence" \
    "grep -q '^[0-9]*,02:00:00:00:00:30,10.20.1.30,.*,printer,IPP print service: mdns service _ipp._tcp,4,' '$tmp/a.csv'"
check "a Hikvision web server: iot" \
    "grep -q '^[0-9]*,02:00:00:00:00:31,.*,iot,camera web server (Hikvision): http software Hikvision-Webs,4,' '$tmp/a.csv'"
check "an HP printer's DHCP client: printer" \
    "grep -q '^[0-9]*,02:00:00:00:00:32,.*,printer,\"DHCP client of printers: dhcp fingerprint dhcp-prl:' '$tmp/a.csv'"
check "a Windows XP DHCP client and nothing else: it-workstation from DHCP" \
    "grep -q '^[0-9]*,02:00:00:00:00:33,.*,it-workstation,\"DHCP client of a desktop OS: ' '$tmp/a.csv'"
check "serves Modbus while announcing a UPnP camera: plc" \
    "grep -q '^[0-9]*,02:00:00:00:00:34,.*,plc,serves controller protocols: modbus' '$tmp/a.csv'"
check "searches for printers: not a printer" \
    "grep '^[0-9]*,02:00:00:00:00:35,' '$tmp/a.csv' | grep -vq printer"
check "a router relaying a printer's DHCP Discover: neither its name nor printer" \
    "grep '^[0-9]*,02:00:00:00:00:36,' '$tmp/a.csv' | grep -v relayed-printer | grep -vq printer"
check "a DHCP Discover for another hardware address: not the sender's identity" \
    "grep '^[0-9]*,02:00:00:00:00:37,' '$tmp/a.csv' | grep -v flood-0001 | grep -vq printer"
check "station-only LLDP (a PC with a PROFINET driver): not a network device" \
    "grep '^[0-9]*,02:00:00:00:00:38,' '$tmp/a.csv' | grep -vq network-device"
check "bridge LLDP with a Siemens HMI description: hmi" \
    "grep -q '^[0-9]*,02:00:00:00:00:39,.*,hmi,\"Siemens operator panel: lldp description Siemens, SIMATIC HMI' '$tmp/a.csv'"
check "the LLDP telephone capability: phone" \
    "grep -q '^[0-9]*,02:00:00:00:00:3a,.*,phone,advertises the telephone capability' '$tmp/a.csv'"
check "bridge LLDP and nothing else: network-device" \
    "grep -q '^[0-9]*,02:00:00:00:00:3b,.*,network-device,advertises itself by LLDP' '$tmp/a.csv'"
check "LLDP without the capabilities TLV (an end station's agent): not a network device" \
    "grep '^[0-9]*,02:00:00:00:00:3c,' '$tmp/a.csv' | grep -vq network-device"
[ $fails = 0 ]
