# usage: tunnels-tshark.py PCAP COMMS.CSV
# The tunnels' own conversations of otscope's comms against tshark's
# dissection of the same capture (PDML, so nested layers keep their
# order): per tunnel protocol and address pair, packets and bytes.  A
# tunnel layer is GRE, VXLAN, GTP-U (UDP 2152) or an IP header right after
# another (IP in IP); its conversation is the IP header before it.  Only
# the outer packet and four tunnels inside it count, as otscope opens
# them.  Bytes: the frame for the outermost layer, the IP total length
# (IPv6: payload + 40) inside.  Prints the differences; exit 1 on any.
import csv
import subprocess
import sys
import xml.etree.ElementTree as ET

MAX_INNER = 4


def field(proto, name):
    for f in proto.iter('field'):
        if f.get('name') == name:
            return f.get('show')
    return None


def ip_layer(proto):
    if proto.get('name') == 'ip':
        return field(proto, 'ip.src'), field(proto, 'ip.dst'), int(field(proto, 'ip.len'))
    plen = int(field(proto, 'ipv6.plen'))
    return field(proto, 'ipv6.src'), field(proto, 'ipv6.dst'), plen + 40


def tshark_rows(pcap):
    xml = subprocess.run(['tshark', '-r', pcap, '-T', 'pdml'], check=True,
                         capture_output=True).stdout
    rows = {}
    for pkt in ET.fromstring(xml).iter('packet'):
        protos = [p for p in pkt.findall('proto')]
        frame_len = int(field(protos[1], 'frame.len'))
        last_ip = None
        n_ip = 0
        prev = None
        port = None
        for p in protos:
            name = p.get('name')
            kind = None
            if name in ('ip', 'ipv6'):
                if prev in ('ip', 'ipv6'):
                    kind = 'ipip'
            elif name == 'gre':
                kind = 'gre'
            elif name == 'vxlan':
                kind = 'vxlan'
            elif name == 'gtp' and port == '2152':
                kind = 'gtp-u'
            if name == 'udp':
                port = field(p, 'udp.dstport')
            if kind and last_ip and n_ip <= MAX_INNER + 1:
                src, dst, ip_len = last_ip
                key = (kind, frozenset((src, dst)))
                n, b = rows.get(key, (0, 0))
                rows[key] = (n + 1, b + (frame_len if n_ip == 1 else ip_len))
            if name in ('ip', 'ipv6'):
                last_ip = ip_layer(p)
                n_ip += 1
            prev = name
    return rows


def otscope_rows(path):
    rows = {}
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            if r['protocol'] in ('gre', 'ipip', 'vxlan', 'gtp-u'):
                key = (r['protocol'], frozenset((r['src'], r['dst'])))
                n, b = rows.get(key, (0, 0))
                rows[key] = (n + int(r['packets']), b + int(r['bytes']))
    return rows


def main():
    want = tshark_rows(sys.argv[1])
    got = otscope_rows(sys.argv[2])
    bad = 0
    for key in sorted(set(want) | set(got), key=lambda k: (k[0], sorted(k[1]))):
        w, g = want.get(key), got.get(key)
        label = '%s %s' % (key[0], ' '.join(sorted(key[1])))
        if w != g:
            bad += 1
            print('differs: %s: tshark %s, otscope %s' % (label, w, g))
        else:
            print('same: %s: %d packets, %d bytes' % (label, w[0], w[1]))
    return 1 if bad or not want else 0


sys.exit(main())
