#!/bin/sh
# usage: vlan-merge.sh SOURCE_ROOT OTSCOPE
# Real captures with 802.1Q tags (../shared/pcaps): every MAC is one asset
# whatever its VLANs, and the asset lists them.  emreekin__9-2-sv.pcap has
# one Sampled Values publisher sending on VLANs 10 to 29 (tshark -Y vlan
# -T fields -e eth.src -e vlan.id).  Skipped when the captures are absent.
set -u
src=$1
bin=$2
pcaps="$src/../shared/pcaps"
sv="$pcaps/mms_goose/emreekin__9-2-sv.pcap"
if [ ! -f "$sv" ]; then
    echo "1..0 # SKIP ../shared/pcaps not present"
    exit 0
fi
. "$src/tests/cli/check.sh" # $tmp and check()
for f in mms_goose/emreekin__9-2-sv.pcap it/ndpi__snmp.pcap it/malcolm__445_scan.pcap \
    enip/icsnpp-enip__set_attribute_single_service_cip.pcapng; do
    [ -f "$pcaps/$f" ] || continue
    db="$tmp/$(basename "$f").db"
    "$bin" analyze -q --db "$db" -r "$pcaps/$f"
    "$bin" assets --db "$db" --format csv | cut -d, -f2 | grep -v '^$' | sed 1d | sort >"$tmp/macs"
    check "$f: no MAC is two assets" "[ -z \"\$(uniq -d '$tmp/macs')\" ] && [ -s '$tmp/macs' ]"
done
"$bin" assets --db "$tmp/emreekin__9-2-sv.pcap.db" --format csv >"$tmp/sv.csv"
check "9-2-sv: the SV publisher on 20 VLANs is one asset listing them" \
    "grep -q '^[0-9]*,00:1e:c9:08:4e:6c,.*,10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29,mac,' '$tmp/sv.csv'"
echo "1..$n"
[ $fails = 0 ]
