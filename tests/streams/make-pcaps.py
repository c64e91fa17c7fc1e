#!/usr/bin/python3
"""make-pcaps.py - writes the captures of tests/streams: dissection that
needs more than one packet (fragment reassembly), which the byte vectors
of tests/dissect cannot hold.  Plain Python, no scapy: Ethernet/IPv4/UDP
frames written by hand, classic pcap format.

usage: tests/streams/make-pcaps.py   (rewrites tests/streams/*.pcap)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CTRL = (bytes.fromhex('00 1b 1b 10 00 01'), bytes([10, 10, 9, 1]))   # IO controller
DEV = (bytes.fromhex('00 0e 8c 20 00 02'), bytes([10, 10, 9, 2]))    # IO device
PNIO_IF_DEVICE = struct.pack('<IHH', 0xdea00001, 0x6c97, 0x11d1) + bytes.fromhex('827100a02442df7d')
PNIO_OBJECT = struct.pack('<IHH', 0xdea00000, 0x6c97, 0x11d1) + bytes.fromhex('8271 0001 000a 002a')
PF_LAST_FRAG = 0x02
PF_FRAG = 0x04


def ip_checksum(hdr):
    s = sum(struct.unpack('!10H', hdr))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff


def udp_frame(src, dst, sport, dport, payload, ip_id):
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), ip_id, 0, 64, 17, 0, src[1], dst[1])
    ip = ip[:10] + struct.pack('!H', ip_checksum(ip)) + ip[12:]
    return dst[0] + src[0] + b'\x08\x00' + ip + udp


def rpc(ptype, flags1, activity, seqnum, opnum, frag_num, body):
    """A DCE/RPC connectionless header (little-endian drep) and its body."""
    hdr = struct.pack('<BBBB3sB', 4, ptype, flags1, 0, b'\x10\x00\x00', 0)
    hdr += PNIO_OBJECT + PNIO_IF_DEVICE + activity
    hdr += struct.pack('<IIIHHHHHBB', 0, 1, seqnum, opnum, 0xffff, 0xffff, len(body), frag_num, 0, 0)
    assert len(hdr) == 80
    return hdr + body


def block(btype, content):
    """A PNIO block: type, length (counts the version), version 1.0, content."""
    return struct.pack('!HHBB', btype, len(content) + 2, 1, 0) + content


def ndr_request(args):
    return struct.pack('<IIIII', 4096, len(args), 4096, 0, len(args)) + args


def ndr_response(args, status=0):
    return struct.pack('<IIIII', status, len(args), len(args), 0, len(args)) + args


def ar_block_req(station):
    initiator = struct.pack('!IHH', 0xdea00000, 0x6c97, 0x11d1) + bytes.fromhex('8271 0001 0001 002a')
    content = struct.pack('!H', 1) + bytes(range(16)) + struct.pack('!H', 1) + CTRL[0]
    content += initiator + struct.pack('!IHHH', 0x11, 100, 0x8892, len(station)) + station
    return block(0x0101, content)


def write_header(index, data_len, slot=0, subslot=0):
    content = struct.pack('!H', 7) + bytes(range(16)) + struct.pack('!IHHHHI', 0, slot, subslot, 0,
                                                                     index, data_len)
    return block(0x0008, content + bytes(24))


def fragments(stub, cut_at):
    """The stub split at the given offsets."""
    edges = [0] + cut_at + [len(stub)]
    return [stub[edges[i]:edges[i + 1]] for i in range(len(edges) - 1)]


class Pcap:
    def __init__(self):
        self.frames = []
        self.t = 1709625600.0
        self.ip_id = 0x100

    def udp(self, src, dst, sport, dport, payload):
        self.t += 0.002
        self.ip_id += 1
        self.frames.append((self.t, udp_frame(src, dst, sport, dport, payload, self.ip_id)))

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for t, fr in self.frames:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack('<IIII', sec, usec, len(fr), len(fr)) + fr)


def fragmented_call(p, src, dst, sport, dport, ptype, activity, seqnum, opnum, stub, cut_at):
    parts = fragments(stub, cut_at)
    for i, part in enumerate(parts):
        flags = PF_FRAG | (PF_LAST_FRAG if i == len(parts) - 1 else 0)
        p.udp(src, dst, sport, dport, rpc(ptype, flags, activity, seqnum, opnum, i, part))


def pnio_fragments():
    """Connect in three fragments (cuts inside an IOCR block body and inside
    a block header), its one-fragment response, then a Write Multiple of
    three records in two fragments and a lone fragment of a call whose
    start is missing."""
    p = Pcap()
    act = bytes.fromhex('a1a2a3a4b1b2c1c2d1d2e1e2e3e4e5e6')
    args = ar_block_req(b'plc-ctrl-1')
    args += block(0x0102, bytes(60)) + block(0x0102, bytes(60))
    args += block(0x0103, bytes(24)) + block(0x0104, bytes(30))
    stub = ndr_request(args)
    iocr2 = 20 + len(ar_block_req(b'plc-ctrl-1')) + 64 + 20     # inside the second IOCR body
    alarm = 20 + len(ar_block_req(b'plc-ctrl-1')) + 2 * 64 + 3  # inside the alarm CR header
    fragmented_call(p, CTRL, DEV, 49152, 34964, 0, act, 1, 0, stub, [iocr2, alarm])
    res = ndr_response(block(0x8101, bytes(30)))
    p.udp(DEV, CTRL, 34964, 49152, rpc(2, 0, act, 1, 0, 0, res))

    act2 = bytes.fromhex('b1a2a3a4b1b2c1c2d1d2e1e2e3e4e5e6')
    records = b''
    writes = ((0x0001, bytes(6)), (0x0002, bytes(8)), (0x0003, bytes(5)))
    for i, (idx, data) in enumerate(writes):
        pad = (4 - len(data) % 4) % 4 if i < len(writes) - 1 else 0  # between records only
        records += write_header(idx, len(data), slot=1, subslot=1) + data + bytes(pad)
    args = write_header(0xe040, len(records)) + records
    stub = ndr_request(args)
    fragmented_call(p, CTRL, DEV, 49152, 34964, 0, act2, 2, 3, stub, [20 + 64 + 70])

    act3 = bytes.fromhex('c1a2a3a4b1b2c1c2d1d2e1e2e3e4e5e6')
    p.udp(CTRL, DEV, 49152, 34964, rpc(0, PF_FRAG | PF_LAST_FRAG, act3, 3, 3, 1, bytes(40)))
    p.write(os.path.join(HERE, 'pnio-fragments.pcap'))


def udp_refused_first():
    """A BACnet/IP conversation whose first datagram is not BACnet (an
    Original-Unicast BVLC with the APDU but no NPDU, as bacnet-stack test
    tools send): the later who-Has and who-Is still make it bacnet."""
    p = Pcap()
    ws = (bytes.fromhex('00 1b 1b 10 00 05'), bytes([10, 10, 9, 5]))
    bcast = (bytes.fromhex('ff ff ff ff ff ff'), bytes([10, 10, 9, 255]))
    p.udp(ws, bcast, 47808, 47808, bytes.fromhex('810a000b10072c0200003d'))
    p.udp(ws, bcast, 47808, 47808, bytes.fromhex('810a00110120ffff00ff10072c0200003d'))
    p.udp(ws, bcast, 47808, 47808, bytes.fromhex('810a00100120ffff00ff1008093d193d'))
    p.write(os.path.join(HERE, 'udp-refused-first.pcap'))


if __name__ == '__main__':
    pnio_fragments()
    udp_refused_first()
