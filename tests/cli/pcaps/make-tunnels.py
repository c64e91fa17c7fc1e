# Writes tunnels.pcap (run with /usr/bin/python3, scapy): traffic carried
# by tunnels, 2024-03-05 09:00Z, two routers 192.0.2.1 (00:1a:a1:00:00:01)
# and 192.0.2.2 (00:1a:a1:00:00:02) as the outer endpoints.
#   - GRE (checksum, key and sequence fields) carrying a Modbus/TCP session
#     HMI 10.1.1.10 -> PLC 10.1.1.20:502 (read holding registers);
#   - VXLAN (VNI 5001) carrying Ethernet: 172.16.0.5 (02:00:00:00:00:05)
#     asks DNS server 172.16.0.53 (02:00:00:00:00:53), which answers;
#   - GTP-U G-PDUs with a PDU session container extension header: UE
#     10.45.0.2 asks 8.8.8.8 for DNS; then a GTP-U echo request and
#     response between the tunnel endpoints (path supervision, no inner
#     packet);
#   - IPv6 in IPv4 (protocol 41): NTP client 2001:db8::1 -> 2001:db8::2;
#   - IPv4 in IPv6 (next header 4), outer 2001:db8:ff::1 -> 2001:db8:ff::2:
#     NTP client 10.9.9.1 -> 10.9.9.2;
#   - GRE transparent Ethernet bridging (0x6558) carrying ARP-less IPv4 UDP
#     syslog 10.7.7.7 (02:00:00:00:07:07) -> 10.7.7.8 (02:00:00:00:07:08);
#   - GRE nested six deep (10.200.N.1 -> 10.200.N.2 at level N): otscope
#     opens four levels, so 10.200.4.x is the last tunnel seen and the
#     syslog at the bottom (10.200.6.x) is not analyzed.
from scapy.all import Ether, IP, IPv6, TCP, UDP, GRE, DNS, DNSQR, Raw, wrpcap
from scapy.contrib.gtp import GTP_U_Header, GTPPDUSessionContainer, GTPEchoRequest, GTPEchoResponse
from scapy.layers.vxlan import VXLAN
from scapy.layers.ntp import NTP

r1, r2 = '00:1a:a1:00:00:01', '00:1a:a1:00:00:02'
t0 = 1709629200.0
pk = []


def add(inner, dt, outer=None):
    p = (outer or (Ether(src=r1, dst=r2) / IP(src='192.0.2.1', dst='192.0.2.2'))) / inner
    p.time = t0 + dt
    pk.append(p)


def gre():
    return GRE(chksum_present=1, key_present=1, key=7, seqnum_present=1, sequence_number=1)


# Modbus/TCP in GRE
hmi, plc = '10.1.1.10', '10.1.1.20'
req = bytes.fromhex('0001 0000 0006 01 03 0000 000a')
rsp = bytes.fromhex('0001 0000 0017 01 03 14') + bytes(20)
add(gre() / IP(src=hmi, dst=plc) / TCP(sport=40000, dport=502, flags='S', seq=100), 0.0)
add(gre() / IP(src=plc, dst=hmi) / TCP(sport=502, dport=40000, flags='SA', seq=500, ack=101), 0.001)
add(gre() / IP(src=hmi, dst=plc) / TCP(sport=40000, dport=502, flags='A', seq=101, ack=501), 0.002)
add(gre() / IP(src=hmi, dst=plc) / TCP(sport=40000, dport=502, flags='PA', seq=101, ack=501) / Raw(req), 0.003)
add(gre() / IP(src=plc, dst=hmi) / TCP(sport=502, dport=40000, flags='PA', seq=501, ack=113) / Raw(rsp), 0.004)

# DNS in VXLAN: the query with the RFC 7348 flags (I only), the answer
# with scapy's default ones (I and VXLAN-GPE's P, next protocol Ethernet)
vx = UDP(sport=49152, dport=4789) / VXLAN(flags='Instance', NextProtocol=0, vni=5001)
add(vx / Ether(src='02:00:00:00:00:05', dst='02:00:00:00:00:53') / IP(src='172.16.0.5', dst='172.16.0.53') /
    UDP(sport=33000, dport=53) / DNS(id=1, qd=DNSQR(qname='historian.plant.local')), 1.0)
add(UDP(sport=49153, dport=4789) / VXLAN(vni=5001) / Ether(src='02:00:00:00:00:53', dst='02:00:00:00:00:05') /
    IP(src='172.16.0.53', dst='172.16.0.5') / UDP(sport=53, dport=33000) /
    DNS(id=1, qr=1, qd=DNSQR(qname='historian.plant.local')), 1.001,
    outer=Ether(src=r2, dst=r1) / IP(src='192.0.2.2', dst='192.0.2.1'))

# DNS in GTP-U with an extension header
gtp = UDP(sport=2152, dport=2152) / GTP_U_Header(teid=0x1234, E=1, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=9)
add(gtp / IP(src='10.45.0.2', dst='8.8.8.8') / UDP(sport=33001, dport=53) /
    DNS(id=2, qd=DNSQR(qname='www.example.com')), 2.0)
add(UDP(sport=2152, dport=2152) / GTP_U_Header(teid=0, S=1, seq=7, gtp_type=1) / GTPEchoRequest(), 2.5)
add(UDP(sport=2152, dport=2152) / GTP_U_Header(teid=0, S=1, seq=7, gtp_type=2) / GTPEchoResponse(), 2.501,
    outer=Ether(src=r2, dst=r1) / IP(src='192.0.2.2', dst='192.0.2.1'))

# NTP in IPv6 in IPv4, NTP in IPv4 in IPv6
add(IPv6(src='2001:db8::1', dst='2001:db8::2') / UDP(sport=123, dport=123) / NTP(version=4, mode=3), 3.0,
    outer=Ether(src=r1, dst=r2) / IP(src='192.0.2.1', dst='192.0.2.2', proto=41))
add(IP(src='10.9.9.1', dst='10.9.9.2') / UDP(sport=123, dport=123) / NTP(version=4, mode=3), 4.0,
    outer=Ether(src=r1, dst=r2, type=0x86dd) / IPv6(src='2001:db8:ff::1', dst='2001:db8:ff::2', nh=4))

# syslog in Ethernet in GRE
syslog = UDP(sport=514, dport=514) / Raw(b'<134>Mar  5 09:00:05 rtu7 link up')
add(GRE(proto=0x6558) / Ether(src='02:00:00:00:07:07', dst='02:00:00:00:07:08') /
    IP(src='10.7.7.7', dst='10.7.7.8') / syslog, 5.0)

# GRE six deep
nested = IP(src='10.200.6.1', dst='10.200.6.2') / syslog
for level in range(5, 0, -1):
    nested = IP(src='10.200.%d.1' % level, dst='10.200.%d.2' % level) / GRE() / nested
add(GRE() / nested, 6.0)

wrpcap('tunnels.pcap', pk)
