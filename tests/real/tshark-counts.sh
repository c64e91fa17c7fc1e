#!/bin/sh
# usage: tshark-counts.sh SRCDIR OTSCOPE
# Request counts per function code (Modbus, DNP3, BACnet), otscope's ops table against tshark's
# own decode of the same real captures, PDU by PDU (EXPECTED.tsv counts
# frames: a segment carrying three Modbus requests is one frame there, three
# requests here and in tshark's per-PDU fields).  One test per capture of
# the protocol folders below; captures listed in tshark-counts-known.txt
# (with why) are reported, not failed.  Skipped when ../shared/pcaps or
# tshark is absent.
set -u
src=$1
bin=$2
pcaps="$src/../shared/pcaps"
known="$src/tests/real/tshark-counts-known.txt"
if [ ! -d "$pcaps" ]; then
    echo "1..0 # SKIP ../shared/pcaps not present"
    exit 0 # TAP: the "1..0 # SKIP" plan is the skip
fi
if ! command -v tshark >/dev/null 2>&1; then
    echo "1..0 # SKIP tshark not installed"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

# One line per protocol: folder | otscope protocol | tshark filter selecting
# the frames with requests | the per-PDU field(s) holding the function code
# ('+' between several) | awk condition on the code ($1) keeping requests.
# Modbus: tshark, like the MBAP spec, tells a request by the server port
# 502.  DNP3: application function codes below 0x81 are requests (0x81-0x83
# are responses).  BACnet: confirmed and unconfirmed requests (APDU types 0
# and 1) by their service choice, as otscope codes them.
protocols='modbus|modbus|mbtcp && tcp.dstport==502|modbus.func_code|1
dnp3|dnp3|dnp3.al.func|dnp3.al.func|$1 < 129
bacnet|bacnet|bacapp.type==0 or bacapp.type==1|bacapp.confirmed_service+bacapp.unconfirmed_service|1'

# "code:count ..." of the otscope requests of one protocol in a DB.
ours() { # db proto
    "$bin" ops --db "$1" --format csv |
        awk -F, -v p="$2" 'NR > 1 && $1 == p && $7 > 0 { c[$4] += $7 }
            END { for (k in c) print k ":" c[k] }' | sort -n | tr '\n' ' '
}

# The same from tshark's fields, one code per PDU (tshark joins the PDUs
# of one frame with commas).
theirs() { # pcap filter fields cond
    fields=$(echo "$3" | sed 's/^/-e /; s/+/ -e /g')
    # shellcheck disable=SC2086 # one word per -e option
    tshark -r "$1" -Y "$2" -T fields $fields 2>/dev/null | tr ',\t' '\n\n' | grep . |
        awk "$4" | sort -n | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' '
}

echo "$protocols" >"$tmp/protocols"
while IFS='|' read -r folder proto filter field cond; do
    for pcap in "$pcaps/$folder"/*.pcap "$pcaps/$folder"/*.pcapng; do
        [ -f "$pcap" ] || continue
        name="$folder/$(basename "$pcap")"
        n=$((n + 1))
        rm -f "$tmp/db"
        "$bin" analyze -q --db "$tmp/db" -r "$pcap" >/dev/null 2>&1
        mine=$(ours "$tmp/db" "$proto")
        ref=$(theirs "$pcap" "$filter" "$field" "$cond")
        why=$(grep -F "$name	" "$known" | cut -f2)
        if [ "$mine" = "$ref" ]; then
            [ -n "$why" ] && why=" (listed as known, now equal: drop it from the list)"
            echo "ok $n - $name: $proto requests per function as tshark's$why"
        elif [ -n "$why" ]; then
            echo "ok $n - $name # SKIP known: $why"
            echo "#   otscope $mine"
            echo "#   tshark  $ref"
        else
            echo "not ok $n - $name: $proto requests per function differ from tshark's"
            echo "#   otscope $mine"
            echo "#   tshark  $ref"
            fails=$((fails + 1))
        fi
    done
done <"$tmp/protocols"
echo "1..$n"
[ $fails = 0 ]
