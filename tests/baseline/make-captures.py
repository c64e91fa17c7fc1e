#!/usr/bin/python3
"""Writes the VLAN capture of the baseline suite.

usage: /usr/bin/python3 make-captures.py OUTDIR

The before/after scenario is samples/before.pcap and samples/after.pcap
(samples/gen/site.c, golden-tested by site.sh).

vlans.pcap   two cells that reuse 192.168.1.0/24 on VLANs 10 and 20: in
             each an HMI (.10) polls a PLC (.20) over Modbus; on VLAN 20
             the HMI also opens Telnet to its PLC (zone-violation).

Needs scapy (Debian: python3-scapy); the test skips without it.  Output
is deterministic: fixed addresses, ports, sequence numbers and times.
"""
import sys

from scapy.all import IP, TCP, Dot1Q, Ether, Raw, wrpcap  # noqa: E402


class Tcp:
    """One TCP connection with consistent sequence numbers."""

    def __init__(self, out, cmac, smac, client, server, cport, sport, t, vlan=None):
        self.out, self.cmac, self.smac = out, cmac, smac
        self.c, self.s, self.cp, self.sp, self.vlan = client, server, cport, sport, vlan
        self.cseq, self.sseq, self.t = 1000, 50000, t
        self.send(True, "S", b"")
        self.send(False, "SA", b"")
        self.send(True, "A", b"")

    def send(self, from_client, flags, data, dt=0.0004):
        if from_client:
            eth = Ether(src=self.cmac, dst=self.smac)
            ip = IP(src=self.c, dst=self.s, ttl=128)
            tcp = TCP(sport=self.cp, dport=self.sp, seq=self.cseq, ack=self.sseq, flags=flags)
        else:
            eth = Ether(src=self.smac, dst=self.cmac)
            ip = IP(src=self.s, dst=self.c, ttl=64)
            tcp = TCP(sport=self.sp, dport=self.cp, seq=self.sseq, ack=self.cseq, flags=flags)
        if "A" not in flags:
            tcp.ack = 0
        pkt = eth / ip / tcp
        if self.vlan is not None:
            pkt = Ether(src=eth.src, dst=eth.dst) / Dot1Q(vlan=self.vlan) / ip / tcp
        if data:
            pkt = pkt / Raw(data)
        pkt.time = self.t
        self.out.append(pkt)
        grow = len(data) + (1 if ("S" in flags or "F" in flags) else 0)
        if from_client:
            self.cseq += grow
        else:
            self.sseq += grow
        self.t += dt

    def exchange(self, request, response, t=None):
        if t is not None:
            self.t = t
        self.send(True, "PA", request)
        self.send(False, "PA", response)
        self.send(True, "A", b"")

    def close(self):
        self.send(True, "FA", b"")
        self.send(False, "FA", b"")
        self.send(True, "A", b"")


def mbap(tid, pdu, unit=1):
    return tid.to_bytes(2, "big") + b"\x00\x00" + (len(pdu) + 1).to_bytes(2, "big") + bytes([unit]) + pdu


def conv(pkt, a, b):
    return IP in pkt and {pkt[IP].src, pkt[IP].dst} == {a, b}


def vlans(out):
    pkts = []
    t0 = 1709625600.0
    cells = [
        (10, "02:00:00:0a:00:10", "02:00:00:0a:00:20"),
        (20, "02:00:00:14:00:10", "02:00:00:14:00:20"),
    ]
    for vlan, hmi_mac, plc_mac in cells:
        c = Tcp(pkts, hmi_mac, plc_mac, "192.168.1.10", "192.168.1.20", 40000 + vlan, 502,
                t0 + vlan / 100.0, vlan)
        for i in range(30):
            c.exchange(mbap(i + 1, b"\x03\x00\x00\x00\x02"), mbap(i + 1, b"\x03\x04" + bytes(4)),
                       t0 + 1 + i * 2 + vlan / 100.0)
        c.close()
    hmi_mac, plc_mac = cells[1][1], cells[1][2]
    tel = Tcp(pkts, hmi_mac, plc_mac, "192.168.1.10", "192.168.1.20", 41000, 23, t0 + 30, 20)
    tel.exchange(b"\xff\xfd\x01", b"\xff\xfb\x01", t0 + 30.1)
    tel.close()
    pkts.sort(key=lambda p: float(p.time))
    wrpcap(out, pkts)


if __name__ == "__main__":
    vlans(sys.argv[1] + "/vlans.pcap")
