# Writes asset-merge.pcap (run with /usr/bin/python3, scapy): one device
# under several addresses, and a router that must not become one device.
#   - 00:11:22:33:44:55 is dual-homed: ARP-claims 10.10.1.70 and 10.20.1.70
#     and talks from both (TTL 128);
#   - 00:11:22:33:44:66 is dual-homed with no ARP captured: talks from
#     10.10.1.71 and 10.20.1.71 with its initial TTL 128;
#   - 00:11:22:33:44:77 renews its DHCP lease onto a new address: announces
#     10.10.1.80 by ARP, later 10.10.1.81;
#   - the router 00:1a:a1:3c:5e:01 claims 10.10.1.1 and forwards traffic of
#     192.168.10.20 (TTL 127) and 203.0.113.50 (TTL 50): two devices behind
#     it, not addresses of the router;
#   - 00:11:22:33:44:88 is a trunk-attached server: ARP-claims 10.30.1.90 on
#     VLAN 30 and 10.40.1.90 on VLAN 40, and is also seen untagged (a SPAN of
#     its access port): one asset on VLANs 0, 30 and 40;
#   - the router-on-a-stick 00:1a:a1:3c:5e:02 claims 10.30.1.1 on VLAN 30 and
#     10.40.1.1 on VLAN 40 and forwards 172.16.5.5 (TTL 63) onto both VLANs
#     and 172.16.5.6 onto VLAN 30: one router, and the hosts behind it stay
#     IP-only assets per VLAN (172.16.5.5 on VLAN 30 and on VLAN 40 are not
#     merged: one private range may be reused on two VLANs);
#   - 00:11:22:33:44:99 (VLAN 30) and 00:11:22:33:44:aa (VLAN 40) both claim
#     10.50.1.5: two devices, one address reused on two VLANs.
from scapy.all import Ether, Dot1Q, IP, TCP, ARP, wrpcap
t0 = 1709625600.0
pk = []
def add(p, dt):
    p.time = t0 + dt
    pk.append(p)
plc, hmi, router = '00:80:f4:0a:1b:2c', '00:14:22:8e:41:a3', '00:1a:a1:3c:5e:01'
dual, dual2, renew = '00:11:22:33:44:55', '00:11:22:33:44:66', '00:11:22:33:44:77'
add(Ether(src=dual, dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=dual, psrc='10.10.1.70', pdst='10.10.1.10'), 0)
add(Ether(src=dual, dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=dual, psrc='10.20.1.70', pdst='10.20.1.5'), 0.1)
for i in range(5):
    add(Ether(src=dual, dst=plc)/IP(src='10.10.1.70', dst='10.10.1.10', ttl=128)/TCP(sport=50000, dport=502, flags='S'), 1 + i)
    add(Ether(src=dual, dst=hmi)/IP(src='10.20.1.70', dst='10.20.1.5', ttl=128)/TCP(sport=50001, dport=80, flags='S'), 1.5 + i)
    add(Ether(src=dual2, dst=plc)/IP(src='10.10.1.71', dst='10.10.1.10', ttl=128)/TCP(sport=50002, dport=502, flags='S'), 10 + i)
    add(Ether(src=dual2, dst=hmi)/IP(src='10.20.1.71', dst='10.20.1.5', ttl=128)/TCP(sport=50003, dport=80, flags='S'), 10.5 + i)
add(Ether(src=renew, dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=renew, psrc='10.10.1.80', pdst='10.10.1.80'), 20)
add(Ether(src=renew, dst=plc)/IP(src='10.10.1.80', dst='10.10.1.10', ttl=64)/TCP(sport=50004, dport=502, flags='S'), 21)
add(Ether(src=renew, dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=renew, psrc='10.10.1.81', pdst='10.10.1.81'), 30)
add(Ether(src=renew, dst=plc)/IP(src='10.10.1.81', dst='10.10.1.10', ttl=64)/TCP(sport=50005, dport=502, flags='S'), 31)
add(Ether(src=router, dst='ff:ff:ff:ff:ff:ff')/ARP(op=2, hwsrc=router, psrc='10.10.1.1', pdst='10.10.1.10'), 40)
for i in range(3):
    add(Ether(src=router, dst=plc)/IP(src='192.168.10.20', dst='10.10.1.10', ttl=127)/TCP(sport=50006, dport=502, flags='S'), 41 + i)
    add(Ether(src=router, dst=hmi)/IP(src='203.0.113.50', dst='10.20.1.5', ttl=50)/TCP(sport=443, dport=50007, flags='SA'), 41.5 + i)
trunk, stick = '00:11:22:33:44:88', '00:1a:a1:3c:5e:02'
twin30, twin40 = '00:11:22:33:44:99', '00:11:22:33:44:aa'
srv30, srv40 = '00:80:f4:0a:30:01', '00:80:f4:0a:40:01'
def vl(vid, src, dst):
    return Ether(src=src, dst=dst)/Dot1Q(vlan=vid)
add(vl(30, trunk, 'ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=trunk, psrc='10.30.1.90', pdst='10.30.1.10'), 50)
add(vl(40, trunk, 'ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=trunk, psrc='10.40.1.90', pdst='10.40.1.10'), 50.1)
add(vl(30, stick, 'ff:ff:ff:ff:ff:ff')/ARP(op=2, hwsrc=stick, psrc='10.30.1.1', pdst='10.30.1.10'), 50.2)
add(vl(40, stick, 'ff:ff:ff:ff:ff:ff')/ARP(op=2, hwsrc=stick, psrc='10.40.1.1', pdst='10.40.1.10'), 50.3)
add(vl(30, twin30, 'ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=twin30, psrc='10.50.1.5', pdst='10.50.1.1'), 50.4)
add(vl(40, twin40, 'ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc=twin40, psrc='10.50.1.5', pdst='10.50.1.1'), 50.5)
for i in range(3):
    add(vl(30, trunk, srv30)/IP(src='10.30.1.90', dst='10.30.1.10', ttl=64)/TCP(sport=50010, dport=502, flags='S'), 51 + i)
    add(vl(40, trunk, srv40)/IP(src='10.40.1.90', dst='10.40.1.10', ttl=64)/TCP(sport=50011, dport=502, flags='S'), 51.2 + i)
    add(Ether(src=trunk, dst=srv30)/IP(src='10.30.1.90', dst='10.30.1.10', ttl=64)/TCP(sport=50010, dport=502, flags='S'), 51.3 + i)
    add(vl(30, stick, srv30)/IP(src='172.16.5.5', dst='10.30.1.10', ttl=63)/TCP(sport=50012, dport=502, flags='S'), 51.4 + i)
    add(vl(40, stick, srv40)/IP(src='172.16.5.5', dst='10.40.1.10', ttl=63)/TCP(sport=50013, dport=502, flags='S'), 51.5 + i)
    add(vl(30, stick, srv30)/IP(src='172.16.5.6', dst='10.30.1.10', ttl=63)/TCP(sport=50014, dport=502, flags='S'), 51.6 + i)
    add(vl(30, twin30, srv30)/IP(src='10.50.1.5', dst='10.30.1.10', ttl=64)/TCP(sport=50015, dport=502, flags='S'), 51.7 + i)
    add(vl(40, twin40, srv40)/IP(src='10.50.1.5', dst='10.40.1.10', ttl=64)/TCP(sport=50016, dport=502, flags='S'), 51.8 + i)
wrpcap('asset-merge.pcap', pk)
