#!/usr/bin/python3
"""make-pcaps.py - writes the captures of tests/streams: dissection that
needs more than one packet (fragment reassembly, TCP stream framing across
sequence gaps), which the byte vectors of tests/dissect cannot hold.  Plain
Python, no scapy: Ethernet/IPv4/UDP/TCP frames written by hand, classic
pcap format.

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


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload, ip_id):
    """flags: TCP flag bits (0x02 SYN, 0x10 ACK, 0x18 PSH+ACK).  The TCP
    checksum is left 0: otscope does not verify it (NIC offload)."""
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4,
                      flags, 65535, 0, 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), ip_id, 0x4000, 64, 6, 0, src[1], dst[1])
    ip = ip[:10] + struct.pack('!H', ip_checksum(ip)) + ip[12:]
    return dst[0] + src[0] + b'\x08\x00' + ip + tcp


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

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b''):
        self.t += 0.002
        self.ip_id += 1
        self.frames.append((self.t, tcp_frame(src, dst, sport, dport, seq, ack, flags, payload,
                                              self.ip_id)))

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


class TcpConn:
    """One TCP connection opened by cli (SYN) to srv; send() writes a
    segment and moves the sender's sequence number, lose() moves it without
    a segment: the bytes a capture missed."""
    def __init__(self, p, cli, srv, sport, dport):
        self.p = p
        self.ends = {'c': (cli, sport), 's': (srv, dport)}
        self.seq = {'c': 1000, 's': 5000}
        p.tcp(cli, srv, sport, dport, 999, 0, 0x02)
        p.tcp(srv, cli, dport, sport, 4999, 1000, 0x12)
        p.tcp(cli, srv, sport, dport, 1000, 5000, 0x10)

    def send(self, payload, side='c'):
        other = 's' if side == 'c' else 'c'
        (a, pa), (b, pb) = self.ends[side], self.ends[other]
        self.p.tcp(a, b, pa, pb, self.seq[side], self.seq[other], 0x18, payload)
        self.seq[side] += len(payload)

    def lose(self, n, side='c'):
        self.seq[side] += n


def gap_session(conn, pdus, cut):
    """Requests A..G from the client, with the three gap shapes framing
    meets: B loses its middle (bytes cut[0]:cut[1]) and its tail arrives
    with C in one segment, so C starts at B's declared end; D is lost
    whole and E starts a segment; F loses its first 3 bytes, its rest
    starts a segment (not a PDU start: skipped) and G starts the next."""
    a, b, c, d, e, f, g = pdus
    conn.send(a)
    conn.send(b[:cut[0]])
    conn.lose(cut[1] - cut[0])
    conn.send(b[cut[1]:] + c)
    conn.lose(len(d))
    conn.send(e)
    conn.lose(3)
    conn.send(f[3:])
    conn.send(g)


def crc_dnp(data):
    """CRC-16/DNP (IEEE 1815 9.2.2.2.2): reflected 0x3d65, init 0, inverted, LE."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xa6bc if crc & 1 else crc >> 1
    return struct.pack('<H', ~crc & 0xffff)


def dnp3(app, ctrl=0xc4, dst=10, src=1):
    """A DNP3 link frame (by default from master 1 to outstation 10)
    carrying one whole-fragment transport segment (FIR|FIN) of app."""
    user = b'\xc0' + app
    hdr = struct.pack('<BBBBHH', 0x05, 0x64, 5 + len(user), ctrl, dst, src)
    out = hdr + crc_dnp(hdr)
    for i in range(0, len(user), 16):
        out += user[i:i + 16] + crc_dnp(user[i:i + 16])
    return out


def iec104_i(type_id, ioa, element, ns):
    asdu = struct.pack('<BBBBH', type_id, 1, 6, 0, 10) + struct.pack('<I', ioa)[:3] + element
    return struct.pack('<BBHH', 0x68, 4 + len(asdu), ns << 1, 0) + asdu


def tpkt_dt(s7):
    return struct.pack('!BBH', 3, 0, 7 + len(s7)) + b'\x02\xf0\x80' + s7


def s7_job(seq, params, data=b''):
    return struct.pack('!BBHHHH', 0x32, 1, 0, seq, len(params), len(data)) + params + data


def enip(cmd, data=b'', session=0):
    return struct.pack('<HHII8sI', cmd, len(data), session, 0, b'\0' * 8, 0) + data


def tcp_gaps():
    """TCP sequence gaps in Modbus, DNP3, IEC-104, S7comm and EtherNet/IP
    sessions (gap_session); one more EtherNet/IP session loses a message's
    start and its rest begins with bytes that read as a SendRRData header
    declaring 65535 bytes (beyond the 65511 a message allows): not a
    resynchronisation point, the ListIdentity after it is."""
    p = Pcap()
    ctrl = (bytes.fromhex('00 1b 1b 10 00 07'), bytes([10, 10, 9, 7]))
    rtu = (bytes.fromhex('00 80 f4 10 00 08'), bytes([10, 10, 9, 8]))

    def mbap(tid, fc, body):
        return struct.pack('!HHHBB', tid, 0, 2 + len(body), 1, fc) + body
    gap_session(TcpConn(p, ctrl, rtu, 40001, 502), [
        mbap(1, 3, struct.pack('!HH', 100, 2)),
        mbap(2, 16, struct.pack('!HHB', 200, 4, 8) + bytes(8)),
        mbap(3, 15, struct.pack('!HHBB', 300, 8, 1, 0xff)),
        mbap(4, 6, struct.pack('!HH', 400, 1)),
        mbap(5, 5, struct.pack('!HH', 500, 0xff00)),
        mbap(6, 23, struct.pack('!HHHHB', 600, 2, 610, 1, 2) + bytes(2)),
        mbap(7, 1, struct.pack('!HH', 700, 16)),
    ], (9, 14))

    g12 = bytes.fromhex('0c 01 28 01 00 00 00 03 01 64 00 00 00 64 00 00 00 00')
    gap_session(TcpConn(p, ctrl, rtu, 40002, 20000), [
        dnp3(bytes.fromhex('c0 0e')),              # warm restart
        dnp3(bytes.fromhex('c1 05') + g12),        # direct operate
        dnp3(bytes.fromhex('c2 0d')),              # cold restart
        dnp3(bytes.fromhex('c3 14 3c 02 06')),     # enable unsolicited
        dnp3(bytes.fromhex('c4 15 3c 02 06')),     # disable unsolicited
        dnp3(bytes.fromhex('c5 03') + g12),        # select
        dnp3(bytes.fromhex('c6 01 3c 01 06')),     # read class 0
    ], (12, 30))

    gap_session(TcpConn(p, ctrl, rtu, 40003, 2404), [
        bytes.fromhex('68 04 07 00 00 00'),        # STARTDT act
        iec104_i(100, 0, b'\x14', 0),              # interrogation
        iec104_i(45, 2, b'\x01', 1),               # single command
        iec104_i(103, 0, bytes(7), 2),             # clock sync
        iec104_i(50, 3, struct.pack('<fB', 1.5, 0), 3),  # float setpoint
        iec104_i(105, 0, b'\x01', 4),              # reset process
        iec104_i(46, 4, b'\x01', 5),               # double command
    ], (4, 10))

    conn = TcpConn(p, ctrl, rtu, 40004, 102)
    conn.send(bytes.fromhex('03 00 00 16 11 e0 00 00 00 01 00 c1 02 01 00 c2 02 01 02 c0 01 0a'))
    conn.send(bytes.fromhex('03 00 00 16 11 d0 00 01 00 02 00 c0 01 0a c1 02 01 00 c2 02 01 02'), 's')
    item = bytes.fromhex('12 0a 10 02 00 01 00 00 84 00 00 00')
    gap_session(conn, [
        tpkt_dt(s7_job(1, bytes.fromhex('f0 00 00 01 00 01 01 e0'))),          # setup communication
        tpkt_dt(s7_job(2, b'\x04\x01' + item)),                                # read var
        tpkt_dt(s7_job(3, b'\x05\x01' + item, bytes.fromhex('00 04 00 10 12 34'))),  # write var
        tpkt_dt(s7_job(4, bytes.fromhex('29 00 00 00 00 00 09') + b'P_PROGRAM')),   # PLC stop
        tpkt_dt(s7_job(5, bytes.fromhex('1a 00 01 00 00 00 00 00 09') + b'_0A00001P' +
                       bytes.fromhex('0d') + b'1000500000400')),                 # request download
        tpkt_dt(s7_job(6, bytes.fromhex('28 00 00 00 00 00 00 fd 00 0a 01 00') + b'0A00001P' +
                       b'\x05_INSE')),                                          # PI insert
        tpkt_dt(s7_job(7, bytes.fromhex('1d 00 01 00 00 00 00 00 09') + b'_0A00001P')),  # start upload
    ], (10, 20))

    cip_stop = bytes.fromhex('00 00 00 00 00 00 02 00 a1 00 04 00 22 40 95 ff b1 00 08 00'
                             '06 01 07 02 20 8e 24 01')
    gap_session(TcpConn(p, ctrl, rtu, 40005, 44818), [
        enip(0x65, bytes.fromhex('01 00 00 00')),  # RegisterSession
        enip(0x70, cip_stop, 0x2a0001),            # SendUnitData (CIP Stop)
        enip(0x63),                                # ListIdentity
        enip(0x04),                                # ListServices
        enip(0x64),                                # ListInterfaces
        enip(0x6f, bytes.fromhex('00 00 00 00 00 00 02 00 00 00 00 00 b2 00 06 00'
                                 '01 02 20 01 24 01'), 0x2a0001),  # SendRRData
        enip(0x66, b'', 0x2a0001),                 # UnRegisterSession
    ], (8, 30))

    hmi = (bytes.fromhex('00 1b 1b 10 00 09'), bytes([10, 10, 9, 9]))
    conn = TcpConn(p, hmi, rtu, 40006, 44818)
    conn.send(enip(0x65, bytes.fromhex('01 00 00 00')))
    tricky = enip(0x6f, bytes.fromhex('00 00 00 00 00 00 02 00 00 00 00 00 b2 00 0a 00'
                                      '4c 02 20 6b 24 01 6f 00 ff ff'), 0x2a0002)
    conn.lose(len(tricky) - 4)
    conn.send(tricky[-4:])
    conn.send(enip(0x63))
    p.write(os.path.join(HERE, 'tcp-gaps.pcap'))


def ua_msg(kind, body):
    return kind + b'F' + struct.pack('<I', 8 + len(body)) + body


def ua_string(text):
    return struct.pack('<i', len(text)) + text


def reverse_conns():
    """Reverse connections: the side that opens TCP is the protocol's
    server.  A cellular RTU (Modbus server) dials out to its master and
    the master polls it over that connection: FC 3 (its request shape
    tells), FC 6 (a request shape equal to its response: the port that
    asked so far decides), FC 16; a second one starts with FC 6 and a
    third with FC 8 echo (Return Query Data), requests whose answers are
    byte-identical to them: the master spoke first on a connection the
    RTU opened, and a Modbus server never speaks first; each echo pairs
    with its request by transaction id, then FC 5.  A
    DNP3 outstation dials its master (function codes mark requests).  An
    OPC UA server uses Reverse Connect (RHE, then the client's HEL) and
    an encrypted OpenSecureChannel, which only the Connection Protocol
    orients.  An EtherNet/IP adapter dials its scanner: the session
    handle and the CIP reply bit tell requests from replies."""
    p = Pcap()
    master = (bytes.fromhex('00 1b 1b 10 00 21'), bytes([10, 10, 9, 21]))
    rtu = (bytes.fromhex('00 80 f4 10 00 20'), bytes([10, 10, 9, 20]))
    rtu2 = (bytes.fromhex('00 80 f4 10 00 22'), bytes([10, 10, 9, 22]))

    def mbap(tid, fc, body):
        return struct.pack('!HHHBB', tid, 0, 2 + len(body), 1, fc) + body
    conn = TcpConn(p, rtu, master, 49800, 502)
    conn.send(mbap(1, 3, struct.pack('!HH', 100, 2)), 's')
    conn.send(mbap(1, 3, b'\x04' + bytes(4)))
    conn.send(mbap(2, 6, struct.pack('!HH', 110, 7)), 's')
    conn.send(mbap(2, 6, struct.pack('!HH', 110, 7)))
    conn.send(mbap(3, 16, struct.pack('!HHB', 120, 2, 4) + bytes(4)), 's')
    conn.send(mbap(3, 16, struct.pack('!HH', 120, 2)))
    conn = TcpConn(p, rtu2, master, 49801, 502)
    conn.send(mbap(9, 6, struct.pack('!HH', 200, 1)), 's')
    conn.send(mbap(9, 6, struct.pack('!HH', 200, 1)))
    conn.send(mbap(10, 5, struct.pack('!HH', 210, 0xff00)), 's')
    conn.send(mbap(10, 5, struct.pack('!HH', 210, 0xff00)))
    rtu3 = (bytes.fromhex('00 80 f4 10 00 26'), bytes([10, 10, 9, 26]))
    conn = TcpConn(p, rtu3, master, 49805, 502)
    conn.send(mbap(1, 8, struct.pack('!HH', 0, 0x1234)), 's')
    conn.send(mbap(1, 8, struct.pack('!HH', 0, 0x1234)))
    conn.send(mbap(2, 5, struct.pack('!HH', 7, 0)), 's')
    conn.send(mbap(2, 5, struct.pack('!HH', 7, 0)))

    outstation = (bytes.fromhex('00 80 f4 10 00 23'), bytes([10, 10, 9, 23]))
    conn = TcpConn(p, outstation, master, 49802, 20000)
    conn.send(dnp3(bytes.fromhex('c0 01 3c 02 06')), 's')    # read class 1
    conn.send(dnp3(bytes.fromhex('c0 81 00 00'), ctrl=0x44, dst=1, src=10))  # response

    ua_server = (bytes.fromhex('00 80 f4 10 00 24'), bytes([10, 10, 9, 24]))
    conn = TcpConn(p, ua_server, master, 49803, 4840)
    url = b'opc.tcp://10.10.9.24:4840'
    conn.send(ua_msg(b'RHE', ua_string(b'urn:plc:server') + ua_string(url)))
    conn.send(ua_msg(b'HEL', struct.pack('<IIIII', 0, 65536, 65536, 0, 0) + ua_string(url)), 's')
    conn.send(ua_msg(b'ACK', struct.pack('<IIIII', 0, 65536, 65536, 0, 0)))
    policy = ua_string(b'http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256')
    sealed = bytes((i * 37 + 11) & 0xff for i in range(64))  # ciphertext stand-in
    opn = struct.pack('<I', 0) + policy + struct.pack('<ii', -1, -1) + struct.pack('<II', 1, 1)
    conn.send(ua_msg(b'OPN', opn + sealed), 's')
    conn.send(ua_msg(b'OPN', opn + sealed[::-1]))

    adapter = (bytes.fromhex('00 00 bc 10 00 25'), bytes([10, 10, 9, 25]))
    conn = TcpConn(p, adapter, master, 49804, 44818)
    conn.send(enip(0x65, bytes.fromhex('01 00 00 00')), 's')               # RegisterSession
    conn.send(enip(0x65, bytes.fromhex('01 00 00 00'), 0x1234))           # its reply: a handle
    cpf = bytes.fromhex('00 00 00 00 00 00 02 00 00 00 00 00 b2 00')
    conn.send(enip(0x6f, cpf + bytes.fromhex('06 00 01 02 20 01 24 01'), 0x1234), 's')  # Get_Attribute_All
    conn.send(enip(0x6f, cpf + bytes.fromhex('04 00 81 00 00 00'), 0x1234))              # its reply
    p.write(os.path.join(HERE, 'reverse-conns.pcap'))


if __name__ == '__main__':
    pnio_fragments()
    udp_refused_first()
    tcp_gaps()
    reverse_conns()
