#!/usr/bin/python3
"""Writes the tiny captures of the rules suite into tests/rules/pcaps/.

usage: /usr/bin/python3 tests/rules/make-pcaps.py [--plant samples/plant.pcap]

Each capture stages one rule's trigger (or a look-alike that must not
trigger it); cases.tsv says what otscope must find in each.  Needs scapy
(Debian: python3-scapy).  The S7comm engineering session and the HMI's S7
reads are cut from samples/plant.pcap with tshark when it is installed
(the sample generator already stages them byte-exactly); without tshark
those two files are left as they are.  Everything is deterministic: fixed
addresses, ports, sequence numbers and timestamps.
"""
import os
import struct
import subprocess
import sys

from scapy.all import ARP, IP, TCP, UDP, Ether, Raw, wrpcap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pcaps")
T0 = 1709625600.0  # 2024-03-05T08:00:00Z, as the plant sample

def mac_of(ip):
    """A locally administered MAC made of the IP: adding a case moves no other."""
    return "02:00:%02x:%02x:%02x:%02x" % tuple(int(x) for x in ip.split("."))


class Tcp:
    """One TCP connection with correct sequence numbers."""

    def __init__(self, pkts, client, server, cport, sport, t):
        self.pkts, self.c, self.s, self.cp, self.sp = pkts, client, server, cport, sport
        self.cseq, self.sseq, self.t = 1000, 5000, t
        self.add(True, "S", b"")
        self.sseq_syn = True
        self.add(False, "SA", b"")
        self.add(True, "A", b"")

    def add(self, from_client, flags, data, dt=0.0005):
        src, dst = (self.c, self.s) if from_client else (self.s, self.c)
        sport, dport = (self.cp, self.sp) if from_client else (self.sp, self.cp)
        seq, ack = (self.cseq, self.sseq) if from_client else (self.sseq, self.cseq)
        p = (Ether(src=mac_of(src), dst=mac_of(dst)) / IP(src=src, dst=dst, ttl=64) /
             TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack if "A" in flags else 0,
                 window=8192))
        if data:
            p = p / Raw(data)
        p.time = self.t
        self.t += dt
        self.pkts.append(p)
        step = len(data) + (1 if ("S" in flags or "F" in flags) else 0)
        if from_client:
            self.cseq += step
        else:
            self.sseq += step

    def send(self, data, dt=0.0005):
        self.add(True, "PA", data, dt)

    def reply(self, data, dt=0.0005):
        self.add(False, "PA", data, dt)

    def close(self):
        self.add(True, "FA", b"")
        self.add(False, "FA", b"")
        self.add(True, "A", b"")


def write(name, pkts):
    pkts.sort(key=lambda p: float(p.time))
    wrpcap(os.path.join(OUT, name), pkts)


# ---- Modbus ------------------------------------------------------------------


def mbap(tid, unit, pdu):
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu


def modbus_poll(pkts, client, server, t, n, every, cport=40001, unit=1):
    """n read-holding-registers polls, one every `every` seconds."""
    c = Tcp(pkts, client, server, cport, 502, t)
    for i in range(n):
        c.t = t + 0.01 + i * every
        c.send(mbap(i + 1, unit, struct.pack(">BHH", 3, 0, 10)))
        c.reply(mbap(i + 1, unit, bytes([3, 20]) + bytes(20)))
    return c


def modbus_cases():
    # a one-off writer in a steady plant: HMI polls plc for 6 minutes; the
    # engineering laptop writes a register twice at 3 minutes
    pkts = []
    modbus_poll(pkts, "10.0.0.50", "10.0.0.10", T0, 73, 5)
    w = Tcp(pkts, "10.0.0.60", "10.0.0.10", 40100, 502, T0 + 180)
    for i in range(2):
        w.send(mbap(100 + i, 1, struct.pack(">BHH", 6, 5, 1200 + i)))
        w.reply(mbap(100 + i, 1, struct.pack(">BHH", 6, 5, 1200 + i)))
    w.close()
    write("modbus-oneoff-write.pcap", pkts)

    # the HMI that polls the plc also writes to it: routine (low); 40 writes
    # aggregate into one finding
    pkts = []
    c = modbus_poll(pkts, "10.0.0.50", "10.0.0.10", T0, 73, 5)
    for i in range(40):
        c.t = T0 + 2.5 + i * 8
        c.send(mbap(1000 + i, 1, struct.pack(">BHH", 6, 7, i)))
        c.reply(mbap(1000 + i, 1, struct.pack(">BHH", 6, 7, i)))
    write("modbus-regular-write.pcap", pkts)

    # reads only
    pkts = []
    modbus_poll(pkts, "10.0.0.50", "10.0.0.10", T0, 20, 1)
    write("modbus-reads.pcap", pkts)

    # FC8 sub-function 1: restart communications option
    pkts = []
    c = Tcp(pkts, "10.0.0.60", "10.0.0.10", 40200, 502, T0)
    c.send(mbap(1, 1, struct.pack(">BHH", 8, 1, 0)))
    c.reply(mbap(1, 1, struct.pack(">BHH", 8, 1, 0)))
    c.close()
    write("modbus-restart.pcap", pkts)

    # FC8 sub-function 0: return query data (an echo test)
    pkts = []
    c = Tcp(pkts, "10.0.0.60", "10.0.0.10", 40201, 502, T0)
    c.send(mbap(1, 1, struct.pack(">BHH", 8, 0, 0xA5A5)))
    c.reply(mbap(1, 1, struct.pack(">BHH", 8, 0, 0xA5A5)))
    c.close()
    write("modbus-echo.pcap", pkts)

    # requests with function code 0: a protocol violation
    pkts = []
    c = Tcp(pkts, "10.0.0.66", "10.0.0.10", 40300, 502, T0)
    c.send(mbap(1, 1, struct.pack(">BHH", 3, 0, 1)))
    c.reply(mbap(1, 1, bytes([3, 2, 0, 0])))
    for i in range(3):
        c.send(mbap(2 + i, 1, bytes([0, 0, 0])))
    c.close()
    write("modbus-bad-function.pcap", pkts)

    # one request to each unit id 1..30 of a gateway; most answer
    # "gateway target failed to respond" (exception 0x0b)
    pkts = []
    c = Tcp(pkts, "10.0.0.66", "10.0.0.10", 40400, 502, T0)
    for unit in range(1, 31):
        c.send(mbap(unit, unit, bytes([43, 14, 1, 0])))
        c.reply(mbap(unit, unit, bytes([0x80 | 43, 0x0B])))
    c.close()
    write("modbus-unit-sweep.pcap", pkts)

    # new device: three hosts talk from the start for 6 minutes, a laptop
    # appears at 4 minutes and reads once
    pkts = []
    modbus_poll(pkts, "10.0.0.50", "10.0.0.10", T0, 73, 5)
    modbus_poll(pkts, "10.0.0.70", "10.0.0.10", T0 + 1, 36, 10, cport=40002)
    late = modbus_poll(pkts, "10.0.0.99", "10.0.0.10", T0 + 240, 2, 1, cport=40003)
    late.close()
    write("new-device.pcap", pkts)

    # the same laptop there from the start: nothing is new
    pkts = []
    modbus_poll(pkts, "10.0.0.50", "10.0.0.10", T0, 73, 5)
    modbus_poll(pkts, "10.0.0.70", "10.0.0.10", T0 + 1, 36, 10, cport=40002)
    modbus_poll(pkts, "10.0.0.99", "10.0.0.10", T0 + 2, 12, 30, cport=40003)
    write("no-new-device.pcap", pkts)


# ---- IT services ---------------------------------------------------------------


def ftp_cases():
    pkts = []
    c = Tcp(pkts, "10.0.0.60", "10.0.0.20", 40500, 21, T0)
    c.reply(b"220 plant FTP server ready\r\n")
    c.send(b"USER bob\r\n")
    c.reply(b"331 Password required for bob\r\n")
    c.send(b"PASS s3cr3t-Pw\r\n")
    c.reply(b"230 User bob logged in\r\n")
    c.send(b"QUIT\r\n")
    c.reply(b"221 Goodbye\r\n")
    c.close()
    write("ftp-login.pcap", pkts)


def http_get(pkts, client, server, t, auth=None):
    c = Tcp(pkts, client, server, 40600, 80, t)
    req = b"GET /status HTTP/1.1\r\nHost: " + server.encode() + b"\r\nUser-Agent: curl/8.0\r\n"
    if auth:
        req += b"Authorization: Basic " + auth + b"\r\n"
    c.send(req + b"\r\n")
    c.reply(b"HTTP/1.1 200 OK\r\nServer: test\r\nContent-Length: 2\r\n\r\nok")
    c.close()


def http_cases():
    pkts = []
    http_get(pkts, "10.0.0.60", "10.0.0.30", T0)
    write("http-local.pcap", pkts)
    pkts = []
    http_get(pkts, "10.0.0.80", "93.184.216.34", T0)
    write("http-internet.pcap", pkts)

    # sixty plant hosts each open one connection to the internet: the
    # findings table keeps 49 and folds the rest into one
    pkts = []
    for i in range(60):
        syn_probe(pkts, "10.0.1.%d" % (i + 1), "198.51.%d.1" % i, 40000 + i, 443, T0 + i, True)
    write("internet-fanout.pcap", pkts)


def telnet_cases():
    pkts = []
    c = Tcp(pkts, "10.0.0.60", "10.0.0.2", 40700, 23, T0)
    c.reply(bytes([255, 253, 24, 255, 253, 32, 255, 253, 35, 255, 253, 39]))
    c.send(bytes([255, 251, 24, 255, 251, 32, 255, 251, 35, 255, 251, 39]))
    c.reply(bytes([255, 251, 3, 255, 251, 1]) + b"\r\nUser Access Verification\r\n\r\nUsername: ")
    for ch in b"admin\r":
        c.send(bytes([ch]), dt=0.2)
        c.reply(bytes([ch]) if ch != 13 else b"\r\n")
    c.reply(b"Password: ")
    for ch in b"cisco\r":
        c.send(bytes([ch]), dt=0.2)
    c.reply(b"\r\not-sw-01>")
    c.close()
    write("telnet-login.pcap", pkts)

    pkts = []
    c = Tcp(pkts, "10.0.0.60", "10.0.0.2", 40701, 22, T0)
    c.reply(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    c.send(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    c.close()
    write("ssh2.pcap", pkts)


def ntlm_authenticate(major, minor, build):
    """An NTLMSSP AUTHENTICATE message with a VERSION field."""
    domain = "PLANT".encode("utf-16-le")
    user = "operator".encode("utf-16-le")
    host = "HMI-OLD".encode("utf-16-le")
    base = 72
    fields = b""
    offset = base
    payload = b""
    for value in (b"", b"", domain, user, host, b""):
        fields += struct.pack("<HHI", len(value), len(value), offset)
        payload += value
        offset += len(value)
    flags = 0x00000001 | 0x02000000 | 0x00000200  # unicode, version, NTLM
    version = struct.pack("<BBHBBBB", major, minor, build, 0, 0, 0, 15)
    return b"NTLMSSP\x00" + struct.pack("<I", 3) + fields + struct.pack("<I", flags) + version + payload


def smb1_session_setup(major, minor, build):
    blob = ntlm_authenticate(major, minor, build)
    header = b"\xffSMB" + bytes([0x73]) + bytes(4) + bytes([0x18]) + struct.pack("<H", 0xC807)
    header += bytes(12) + struct.pack("<HHHH", 0, 0xFEFF, 0, 1)
    words = bytes([12, 0xFF, 0, 0, 0]) + struct.pack("<HHHI", 4356, 50, 0, 0) + struct.pack(
        "<HII", len(blob), 0, 0x8000E05C)
    body = words + struct.pack("<H", len(blob)) + blob
    smb = header + body
    return struct.pack(">I", len(smb)) + smb


def smb_cases():
    for name, version in (("smb1-winxp.pcap", (5, 1, 2600)), ("smb1-win10.pcap", (10, 0, 19041))):
        pkts = []
        c = Tcp(pkts, "10.0.0.55", "10.0.0.21", 40800, 445, T0)
        c.send(smb1_session_setup(*version))
        reply = b"\xffSMB" + bytes([0x73]) + bytes(4) + bytes([0x98]) + struct.pack("<H", 0xC807)
        reply += bytes(12) + struct.pack("<HHHH", 0, 0xFEFF, 2048, 1) + bytes([0, 0, 0])
        c.reply(struct.pack(">I", len(reply)) + reply)
        c.close()
        write(name, pkts)


# ---- scans and ARP ---------------------------------------------------------------


def syn_probe(pkts, src, dst, sport, dport, t, is_open):
    p = Ether(src=mac_of(src), dst=mac_of(dst)) / IP(src=src, dst=dst, ttl=44) / TCP(
        sport=sport, dport=dport, flags="S", seq=777)
    p.time = t
    pkts.append(p)
    flags = "SA" if is_open else "RA"
    r = Ether(src=mac_of(dst), dst=mac_of(src)) / IP(src=dst, dst=src, ttl=64) / TCP(
        sport=dport, dport=sport, flags=flags, seq=9000, ack=778)
    r.time = t + 0.0003
    pkts.append(r)


def scan_cases():
    pkts = []
    ports = [21, 22, 23, 25, 80, 102, 135, 139, 443, 445, 502, 1433, 3389, 5900, 8080, 20000,
             44818, 47808]
    t = T0
    for host in range(1, 4):
        for port in ports:
            syn_probe(pkts, "10.0.0.99", "10.0.0.%d" % host, 50000, port, t, port == 502)
            t += 0.001
    write("tcp-scan.pcap", pkts)

    pkts = []
    t = T0
    for host in range(1, 4):  # three refused connections: a client retrying, not a scan
        syn_probe(pkts, "10.0.0.60", "10.0.0.%d" % host, 50001 + host, 8080, t, False)
        t += 1
    write("tcp-refused.pcap", pkts)


def arp_request(pkts, mac, ip, target, t):
    p = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=mac, psrc=ip, pdst=target)
    p.time = t
    pkts.append(p)


def arp_reply(pkts, mac, ip, to_mac, to_ip, t):
    p = Ether(src=mac, dst=to_mac) / ARP(op=2, hwsrc=mac, psrc=ip, hwdst=to_mac, pdst=to_ip)
    p.time = t
    pkts.append(p)


def arp_cases():
    scanner = "02:00:00:00:99:99"
    pkts = []
    t = T0
    for host in range(1, 61):
        arp_request(pkts, scanner, "10.0.0.99", "10.0.0.%d" % host, t)
        if host in (1, 10, 50):
            arp_reply(pkts, mac_of("10.0.0.%d" % host), "10.0.0.%d" % host, scanner, "10.0.0.99",
                      t + 0.0002)
        t += 0.01
    write("arp-sweep.pcap", pkts)

    # ordinary resolution: three hosts ask for each other and get answers
    pkts = []
    t = T0
    hosts = ["10.0.0.1", "10.0.0.10", "10.0.0.50"]
    for a in hosts:
        for b in hosts:
            if a != b:
                arp_request(pkts, mac_of(a), a, b, t)
                arp_reply(pkts, mac_of(b), b, mac_of(a), a, t + 0.0002)
                t += 1
    write("arp-normal.pcap", pkts)

    # 10.0.0.7 configured on two devices at once
    pkts = []
    t = T0
    for i in range(5):
        arp_request(pkts, "02:00:00:00:07:01", "10.0.0.7", "10.0.0.1", t + i * 10)
        arp_request(pkts, "02:00:00:00:07:02", "10.0.0.7", "10.0.0.1", t + i * 10 + 3)
    write("arp-conflict.pcap", pkts)

    # an attacker answers for the gateway and the plc, to both victims
    pkts = []
    t = T0
    gw, plc, hmi = "10.0.0.1", "10.0.0.10", "10.0.0.50"
    attacker = "02:00:00:00:66:66"
    arp_request(pkts, mac_of(hmi), hmi, gw, t)
    arp_reply(pkts, mac_of(gw), gw, mac_of(hmi), hmi, t + 0.0002)
    arp_request(pkts, mac_of(hmi), hmi, plc, t + 1)
    arp_reply(pkts, mac_of(plc), plc, mac_of(hmi), hmi, t + 1.0002)
    for i in range(20):
        arp_reply(pkts, attacker, gw, mac_of(hmi), hmi, t + 2 + i * 2)
        arp_reply(pkts, attacker, plc, mac_of(hmi), hmi, t + 2.5 + i * 2)
    arp_request(pkts, mac_of(hmi), hmi, gw, t + 30)
    arp_reply(pkts, mac_of(gw), gw, mac_of(hmi), hmi, t + 30.0002)
    write("arp-spoof.pcap", pkts)


# ---- S7comm from the plant sample -------------------------------------------------


def plant_slices(plant):
    if not os.path.exists(plant) or subprocess.call(["which", "tshark"], stdout=subprocess.DEVNULL):
        print("tshark or %s missing: S7 captures left as they are" % plant)
        return
    for name, flt in (
        ("s7-engineering.pcap", "tcp.port==102 && ip.addr==10.10.1.60"),
        ("s7-hmi-reads.pcap", "tcp.port==102 && ip.addr==10.10.1.50 && frame.number<=400"),
    ):
        subprocess.check_call(["tshark", "-r", plant, "-Y", flt, "-F", "pcap", "-w",
                               os.path.join(OUT, name)])


def main():
    plant = os.path.join(HERE, "..", "..", "samples", "plant.pcap")
    if len(sys.argv) == 3 and sys.argv[1] == "--plant":
        plant = sys.argv[2]
    os.makedirs(OUT, exist_ok=True)
    modbus_cases()
    ftp_cases()
    http_cases()
    telnet_cases()
    smb_cases()
    scan_cases()
    arp_cases()
    plant_slices(plant)


if __name__ == "__main__":
    main()
