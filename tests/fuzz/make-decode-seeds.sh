#!/bin/sh
# make-decode-seeds.sh - writes the seed corpus of fuzz-decode
# (tests/fuzz/corpus/decode/) from samples/plant.pcap.
#
# usage: tests/fuzz/make-decode-seeds.sh [PCAP] [OUTDIR]
#
# Seed layout (see fuzz-decode.c): one selector byte (bits 0-2 the link
# type: 0 Ethernet, 1 SLL, 2 SLL2, 3 DLT_RAW, 4 IPv4, 5 IPv6, 6 NULL,
# 7 LOOP), then records of wire length (2 bytes, big endian) + frame.
# The seeds: the first frame of each kind of traffic in the sample, the
# opening packets of the Modbus, S7 and EtherNet/IP conversations, the same
# frames re-framed for the other link types, a VLAN tag, IPv4 fragments, a
# synthetic IPv6 datagram, a clipped frame, and the frames of
# tests/cli/pcaps/tunnels.pcap.  Deterministic: rerunning it
# rewrites the same files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pcap=${1:-$here/../../samples/plant.pcap}
out=${2:-$here/corpus/decode}
mkdir -p "$out"
exec /usr/bin/python3 - "$pcap" "$out" <<'PY'
import os, struct, sys

pcap, out = sys.argv[1], sys.argv[2]
data = open(pcap, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
if magic in (0xa1b2c3d4, 0xa1b23c4d):
    endian = "<"
elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
    endian = ">"
else:
    sys.exit("make-decode-seeds: %s: not a pcap file" % pcap)
if struct.unpack(endian + "I", data[20:24])[0] != 1:
    sys.exit("make-decode-seeds: %s: not an Ethernet capture" % pcap)
frames = []
off = 24
while off + 16 <= len(data):
    _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
    frames.append(data[off + 16:off + 16 + caplen])
    off += 16 + caplen

def ip_info(f):
    """(ethertype, ip_proto, sport, dport, l3 offset) of an Ethernet frame."""
    et = struct.unpack(">H", f[12:14])[0]
    if et != 0x0800 or len(f) < 34:
        return et, None, None, None, 14
    ihl = (f[14] & 0x0f) * 4
    proto = f[23]
    sport = dport = None
    if proto in (6, 17) and len(f) >= 14 + ihl + 4:
        sport, dport = struct.unpack(">HH", f[14 + ihl:18 + ihl])
    return et, proto, sport, dport, 14

written = []
def seed(name, sel, recs):
    body = bytes([sel])
    for wire, frame in recs:
        body += struct.pack(">H", wire) + frame
    with open(os.path.join(out, name + ".bin"), "wb") as fh:
        fh.write(body)
    written.append(name)

def whole(f):
    return (len(f), f)

# 1. The first frame of each kind of traffic (ethertype, IP protocol,
#    service port), small frames only.
seen = {}
for i, f in enumerate(frames):
    et, proto, sp, dp, _ = ip_info(f)
    port = min(p for p in (sp, dp)) if sp is not None else None
    key = (et, proto, port)
    if key in seen or len(f) > 400:
        continue
    seen[key] = i
kinds = sorted(seen.items(), key=lambda kv: kv[1])[:12]
for (et, proto, port), i in kinds:
    name = "eth-%04x" % et
    if proto is not None:
        name += "-%s" % {6: "tcp", 17: "udp", 1: "icmp"}.get(proto, "ip%d" % proto)
    if port is not None:
        name += "-%d" % port
    seed(name, 0, [whole(frames[i])])

# 2. The opening packets of a conversation (SYN onwards when captured).
def conversation(port, n):
    recs = []
    flow = None
    for f in frames:
        et, proto, sp, dp, _ = ip_info(f)
        if proto != 6 or port not in (sp, dp):
            continue
        key = frozenset(((f[26:30], sp), (f[30:34], dp)))
        if flow is None:
            flow = key
        if key == flow:
            recs.append(whole(f))
        if len(recs) == n:
            break
    return recs
for port, label in ((502, "modbus"), (102, "s7comm"), (44818, "enip")):
    recs = conversation(port, 8)
    if recs:
        seed("eth-conversation-%s" % label, 0, recs)

def first(pred):
    for f in frames:
        if pred(ip_info(f)):
            return f
    return None
# a Modbus frame with payload (longer than the bare Ethernet/IP/TCP headers)
modbus = next((f for f in frames if ip_info(f)[1] == 6 and 502 in ip_info(f)[2:4]
               and len(f) > 66), None)
dns = first(lambda x: x[1] == 17 and 53 in (x[2], x[3]))
arp = first(lambda x: x[0] == 0x0806)

# 3. The same frames under the other link types.
if modbus:
    ip = modbus[14:]
    src = modbus[6:12]
    seed("raw-modbus", 3, [whole(ip)])
    seed("ipv4-modbus", 4, [whole(ip)])
    sll = struct.pack(">HHH", 0, 1, 6) + src + b"\0\0" + struct.pack(">H", 0x0800)
    seed("sll-modbus", 1, [whole(sll + ip)])
    sll2 = (struct.pack(">HHIHBB", 0x0800, 0, 2, 1, 0, 6) + src + b"\0\0")
    seed("sll2-modbus", 2, [whole(sll2 + ip)])
    seed("null-modbus", 6, [whole(struct.pack("<I", 2) + ip)])
    seed("loop-modbus", 7, [whole(struct.pack(">I", 2) + ip)])
    # 802.1Q tag (VLAN 10)
    seed("eth-vlan-modbus", 0, [whole(modbus[:12] + b"\x81\x00\x00\x0a" + modbus[12:])])
    # clipped: the capture kept 40 bytes of the frame
    seed("eth-clipped-modbus", 0, [(len(modbus), modbus[:40])])
if arp:
    sll = struct.pack(">HHH", 1, 1, 6) + arp[6:12] + b"\0\0" + struct.pack(">H", 0x0806)
    seed("sll-arp", 1, [whole(sll + arp[14:])])

# 4. IPv4 fragments of the DNS datagram (first 8 bytes of UDP, then the rest).
def csum(b):
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
if dns:
    eth, iph, udp = dns[:14], dns[14:34], dns[34:]
    def frag(offset8, more, payload):
        h = bytearray(iph)
        struct.pack_into(">H", h, 2, 20 + len(payload))
        struct.pack_into(">H", h, 4, 0x4242)
        struct.pack_into(">H", h, 6, (0x2000 if more else 0) | offset8)
        struct.pack_into(">H", h, 10, 0)
        struct.pack_into(">H", h, 10, csum(bytes(h)))
        return whole(eth + bytes(h) + payload)
    seed("eth-ipv4-fragments-dns", 0, [frag(0, True, udp[:8]), frag(1, False, udp[8:])])

# 5. The DNS datagram carried by IPv6 (link-local addresses).
    src6 = bytes.fromhex("fe800000000000000000000000000001")
    dst6 = bytes.fromhex("fe800000000000000000000000000002")
    ip6 = struct.pack(">IHBB", 0x60000000, len(udp), 17, 64) + src6 + dst6 + udp
    seed("ipv6-dns", 5, [whole(ip6)])
    seed("eth-ipv6-dns", 0, [whole(eth[:12] + b"\x86\xdd" + ip6)])

# 6. Tunnels: each frame of tests/cli/pcaps/tunnels.pcap (GRE, VXLAN,
#    GTP-U, IP in IP, GRE nested past the depth limit), the Modbus session
#    in GRE as one conversation.
tunnels = os.path.join(os.path.dirname(os.path.abspath(out)), "..", "..", "cli", "pcaps", "tunnels.pcap")
tdata = open(tunnels, "rb").read()
tframes = []
off = 24
while off + 16 <= len(tdata):
    _, _, caplen, _ = struct.unpack("<IIII", tdata[off:off + 16])
    tframes.append(tdata[off + 16:off + 16 + caplen])
    off += 16 + caplen
seed("eth-tunnel-gre-modbus", 0, [whole(f) for f in tframes[:5]])
for i, label in ((5, "vxlan"), (6, "vxlan-gpe"), (7, "gtpu"), (8, "6in4"), (9, "4in6"),
                 (10, "gre-ethernet"), (11, "gre-nested")):
    seed("eth-tunnel-" + label, 0, [whole(tframes[i])])

print("make-decode-seeds: %d seeds in %s" % (len(written), out))
PY
