#!/usr/bin/python3
"""Writes the captures of the baseline suite from the plant sample.

usage: /usr/bin/python3 make-captures.py PLANT.pcap OUTDIR

after.pcap   the plant a week later (every timestamp + 7 days) with:
             - HMI-01 (10.10.1.50) no longer polling plc-b (10.10.1.20):
               the S7comm conversation is gone (traffic-anomaly, stopped);
             - plc-a (10.10.1.10) announcing firmware v2.90 instead of
               v2.80 in its Modbus device identification (changed-identity);
             - HIST-01 (10.10.1.70) polling plc-a every 2 s instead of every
               10 s (traffic-anomaly, period and volume);
             - a new laptop 10.10.1.120 (00:1b:21:aa:bb:cc) that writes a
               coil and a register of plc-a over Modbus (new-asset,
               new-comm);
             - HMI-01 writing coils of plc-a (Modbus FC15), a function the
               pair never used (new-ot-function).
vlans.pcap   two cells that reuse 192.168.1.0/24 on VLANs 10 and 20: in
             each an HMI (.10) polls a PLC (.20) over Modbus; on VLAN 20
             the HMI also opens Telnet to its PLC (zone-violation).

Needs scapy (Debian: python3-scapy); the test skips without it.  Output
is deterministic: fixed addresses, ports, sequence numbers and times.
"""
import sys

from scapy.all import ARP, IP, TCP, Dot1Q, Ether, Raw, rdpcap, wrpcap  # noqa: E402

WEEK = 7 * 24 * 3600
HMI, PLC_A, PLC_B, HIST = "10.10.1.50", "10.10.1.10", "10.10.1.20", "10.10.1.70"
MAC = {
    PLC_A: "00:80:f4:0a:1b:2c",
    HMI: "00:14:22:8e:41:a3",
    HIST: "00:00:a8:2f:93:c6",
}
LAPTOP, LAPTOP_MAC = "10.10.1.120", "00:1b:21:aa:bb:cc"


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


def after(plant, out):
    pkts = rdpcap(plant)
    t0 = float(pkts[0].time)
    t_end = float(pkts[-1].time)
    kept = []
    for p in pkts:
        if conv(p, HMI, PLC_B):
            continue  # the stopped polling loop
        if conv(p, HIST, PLC_A) and TCP in p and 502 in (p[TCP].sport, p[TCP].dport):
            continue  # replaced by the faster loop below
        if IP in p and p[IP].src == PLC_A and Raw in p and b"v2.80" in bytes(p[Raw].load):
            p[Raw].load = bytes(p[Raw].load).replace(b"v2.80", b"v2.90")
            del p[IP].chksum
            del p[TCP].chksum
        kept.append(p)
    new = []
    # HIST-01 polls plc-a every 2 s: FC3 100-119 and FC4 0-7
    hist = Tcp(new, MAC[HIST], MAC[PLC_A], HIST, PLC_A, 49500, 502, t0 + 2.5)
    tid = 1
    t = t0 + 3.0
    while t < t_end - 5:
        hist.exchange(mbap(tid, b"\x03\x00\x64\x00\x14"), mbap(tid, b"\x03\x28" + bytes(40)), t)
        hist.exchange(mbap(tid + 1, b"\x04\x00\x00\x00\x08"), mbap(tid + 1, b"\x04\x10" + bytes(16)))
        tid += 2
        t += 2.0
    hist.close()
    # the new laptop: ARP, then writes to plc-a
    tl = t0 + 300.0
    arp = Ether(src=LAPTOP_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(
        op=1, hwsrc=LAPTOP_MAC, psrc=LAPTOP, pdst=PLC_A)
    arp.time = tl
    rep = Ether(src=MAC[PLC_A], dst=LAPTOP_MAC) / ARP(
        op=2, hwsrc=MAC[PLC_A], psrc=PLC_A, hwdst=LAPTOP_MAC, pdst=LAPTOP)
    rep.time = tl + 0.001
    new += [arp, rep]
    lap = Tcp(new, LAPTOP_MAC, MAC[PLC_A], LAPTOP, PLC_A, 51000, 502, tl + 0.01)
    lap.exchange(mbap(1, b"\x05\x00\x0a\xff\x00"), mbap(1, b"\x05\x00\x0a\xff\x00"), tl + 0.5)
    lap.exchange(mbap(2, b"\x06\x00\x05\x03\xe8"), mbap(2, b"\x06\x00\x05\x03\xe8"), tl + 1.5)
    lap.close()
    # HMI-01 writes coils of plc-a (FC15) on a connection of its own
    th = t0 + 320.0
    hmi = Tcp(new, MAC[HMI], MAC[PLC_A], HMI, PLC_A, 52000, 502, th)
    hmi.exchange(mbap(7, b"\x0f\x00\x00\x00\x08\x01\xff"), mbap(7, b"\x0f\x00\x00\x00\x08"), th + 0.2)
    hmi.close()
    allp = kept + new
    allp.sort(key=lambda p: float(p.time))
    for p in allp:
        p.time = float(p.time) + WEEK
    wrpcap(out, allp)


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
    after(sys.argv[1], sys.argv[2] + "/after.pcap")
    vlans(sys.argv[2] + "/vlans.pcap")
