# Writes nd-ownership.pcap (run with /usr/bin/python3, scapy): IPv6
# Neighbor Discovery on one link, 2024-03-05 08:00Z.
#   - a PLC (00:80:f4:0a:1b:2c) does duplicate address detection for
#     2001:db8:10::10 (NS from ::, claims nothing), then advertises it from
#     its link-local address (NA with its MAC in the Target Link-Layer
#     Address option): the global address is in no packet's header, only
#     the claim gives it to the PLC;
#   - the router (00:1a:a1:3c:5e:01) sends a Router Advertisement from
#     fe80::1 with its MAC as Source Link-Layer Address;
#   - an HMI (00:14:22:8e:41:a3) solicits the PLC from 2001:db8:10::50 (NS
#     with SLLA) and the PLC answers (NA, solicited, no option: the frame's
#     source MAC owns the target);
#   - a spoofed NA with hop limit 64 claims 2001:db8:10::99 for
#     00:de:ad:be:ef:01: not from the link (RFC 4861 7.1.1), claims nothing,
#     and 2001:db8:10::99 sends nothing else.
from scapy.all import Ether, IPv6, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo, wrpcap
plc, router, hmi, spoof = '00:80:f4:0a:1b:2c', '00:1a:a1:3c:5e:01', '00:14:22:8e:41:a3', '00:de:ad:be:ef:01'
t0 = 1709625600.0
pk = []
def add(p, dt):
    p.time = t0 + dt
    pk.append(p)
add(Ether(src=plc, dst='33:33:ff:00:00:10')/IPv6(src='::', dst='ff02::1:ff00:10', hlim=255)/ICMPv6ND_NS(tgt='2001:db8:10::10'), 0.0)
add(Ether(src=plc, dst='33:33:00:00:00:01')/IPv6(src='fe80::280:f4ff:fe0a:1b2c', dst='ff02::1', hlim=255)/ICMPv6ND_NA(tgt='2001:db8:10::10', R=0, S=0, O=1)/ICMPv6NDOptDstLLAddr(lladdr=plc), 1.0)
add(Ether(src=router, dst='33:33:00:00:00:01')/IPv6(src='fe80::1', dst='ff02::1', hlim=255)/ICMPv6ND_RA()/ICMPv6NDOptSrcLLAddr(lladdr=router)/ICMPv6NDOptPrefixInfo(prefix='2001:db8:10::', prefixlen=64), 2.0)
add(Ether(src=hmi, dst='33:33:ff:00:00:10')/IPv6(src='2001:db8:10::50', dst='ff02::1:ff00:10', hlim=255)/ICMPv6ND_NS(tgt='2001:db8:10::10')/ICMPv6NDOptSrcLLAddr(lladdr=hmi), 3.0)
add(Ether(src=plc, dst=hmi)/IPv6(src='fe80::280:f4ff:fe0a:1b2c', dst='fe80::214:22ff:fe8e:41a3', hlim=255)/ICMPv6ND_NA(tgt='2001:db8:10::10', R=0, S=1, O=1), 3.001)
add(Ether(src=spoof, dst='33:33:00:00:00:01')/IPv6(src='fe80::dead', dst='ff02::1', hlim=64)/ICMPv6ND_NA(tgt='2001:db8:10::99', O=1)/ICMPv6NDOptDstLLAddr(lladdr=spoof), 4.0)
wrpcap('nd-ownership.pcap', pk)
