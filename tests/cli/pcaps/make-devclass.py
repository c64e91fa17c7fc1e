# Writes device-class.pcap (run with /usr/bin/python3, scapy): devices that
# say what they are, and one whose industrial traffic must win.
#   - 02:00:00:00:00:30 (10.20.1.30) announces _ipp._tcp by mDNS and serves
#     HTTP: a printer, not a server;
#   - 02:00:00:00:00:31 (10.20.1.31) answers HTTP as "Hikvision-Webs": iot;
#   - 02:00:00:00:00:32 asks DHCP with an HP printer's option-55 list: printer;
#   - 02:00:00:00:00:33 asks DHCP with Windows XP's list and does nothing
#     else: it-workstation, from the DHCP clue;
#   - 02:00:00:00:00:34 (10.20.1.34) announces a UPnP camera by SSDP but
#     serves Modbus: a plc, whatever it announces;
#   - 02:00:00:00:00:35 (10.20.1.35) only searches for printers (SSDP
#     M-SEARCH for Printer:1): not a printer;
#   - the router 02:00:00:00:00:36 (10.20.1.1) relays an HP printer's DHCP
#     Discover (giaddr set): the printer's identity is not the router's;
#   - 02:00:00:00:00:37 sends a DHCP Discover for another client hardware
#     address (a test tool): not its identity either;
#   - LLDP: 02:00:00:00:00:38 advertises station-only capabilities (a PC
#     with a PROFINET driver): not a network device; 02:00:00:00:00:39
#     advertises bridge+station with a Siemens HMI panel's description: hmi;
#     02:00:00:00:00:3a advertises the telephone capability: phone;
#     02:00:00:00:00:3b advertises bridge: a network device;
#     02:00:00:00:00:3c sends LLDP without the capabilities TLV (an end
#     station's agent): not a network device.
from scapy.all import (Ether, IP, UDP, TCP, BOOTP, DHCP, DNS, DNSQR, DNSRR, Raw, wrpcap)
t0 = 1709625600.0
pk = []
def add(p, dt):
    p.time = t0 + dt
    pk.append(p)
pc = '00:14:22:8e:41:a3'
prn, cam, dprn, dxp, plc, srch = ('02:00:00:00:00:%02x' % i for i in (0x30, 0x31, 0x32, 0x33, 0x34, 0x35))
# printer: mDNS announcement, then an HTTP exchange with the PC
ann = DNS(id=0, qr=1, aa=1, qd=None,
          an=DNSRR(rrname='_ipp._tcp.local', type='PTR', ttl=4500, rdata='Office MFP._ipp._tcp.local'))
add(Ether(src=prn, dst='01:00:5e:00:00:fb')/IP(src='10.20.1.30', dst='224.0.0.251', ttl=255)/UDP(sport=5353, dport=5353)/ann, 0)
def http(client_mac, server_mac, cip, sip, sport, server, dt):
    req = b'GET / HTTP/1.1\r\nHost: ' + sip.encode() + b'\r\nUser-Agent: Mozilla/5.0\r\n\r\n'
    rsp = b'HTTP/1.1 200 OK\r\nServer: ' + server + b'\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n'
    add(Ether(src=client_mac, dst=server_mac)/IP(src=cip, dst=sip, ttl=128)/TCP(sport=sport, dport=80, flags='S', seq=100), dt)
    add(Ether(src=server_mac, dst=client_mac)/IP(src=sip, dst=cip, ttl=64)/TCP(sport=80, dport=sport, flags='SA', seq=500, ack=101), dt + 0.01)
    add(Ether(src=client_mac, dst=server_mac)/IP(src=cip, dst=sip, ttl=128)/TCP(sport=sport, dport=80, flags='A', seq=101, ack=501), dt + 0.02)
    add(Ether(src=client_mac, dst=server_mac)/IP(src=cip, dst=sip, ttl=128)/TCP(sport=sport, dport=80, flags='PA', seq=101, ack=501)/Raw(req), dt + 0.03)
    add(Ether(src=server_mac, dst=client_mac)/IP(src=sip, dst=cip, ttl=64)/TCP(sport=80, dport=sport, flags='PA', seq=501, ack=101 + len(req))/Raw(rsp), dt + 0.04)
http(pc, prn, '10.20.1.5', '10.20.1.30', 50100, b'Apache', 1)
http(pc, cam, '10.20.1.5', '10.20.1.31', 50101, b'Hikvision-Webs', 2)
def dhcp_discover(mac, prl, dt):
    add(Ether(src=mac, dst='ff:ff:ff:ff:ff:ff')/IP(src='0.0.0.0', dst='255.255.255.255')/UDP(sport=68, dport=67)/
        BOOTP(chaddr=bytes.fromhex(mac.replace(':', '')), xid=0x1000 + dt)/
        DHCP(options=[('message-type', 'discover'), ('param_req_list', prl), 'end']), dt)
dhcp_discover(dprn, [1, 3, 7, 44, 51, 54, 58, 59, 12, 15, 144, 18], 3)
dhcp_discover(dxp, [1, 15, 3, 6, 44, 46, 47, 31, 33, 249, 43], 4)
# the PLC: a UPnP camera announcement, and Modbus served to the PC
notify = (b'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: urn:schemas-upnp-org:device:DigitalSecurityCamera:1\r\n'
          b'NTS: ssdp:alive\r\nSERVER: Linux UPnP/1.0 Cam/1.0\r\nUSN: uuid:1::urn:schemas-upnp-org:device:DigitalSecurityCamera:1\r\n\r\n')
add(Ether(src=plc, dst='01:00:5e:7f:ff:fa')/IP(src='10.20.1.34', dst='239.255.255.250', ttl=4)/UDP(sport=1900, dport=1900)/Raw(notify), 5)
mb_req = bytes.fromhex('000100000006010300000002')
mb_rsp = bytes.fromhex('00010000000701030400010002')
add(Ether(src=pc, dst=plc)/IP(src='10.20.1.5', dst='10.20.1.34', ttl=128)/TCP(sport=50102, dport=502, flags='S', seq=100), 6)
add(Ether(src=plc, dst=pc)/IP(src='10.20.1.34', dst='10.20.1.5', ttl=64)/TCP(sport=502, dport=50102, flags='SA', seq=500, ack=101), 6.01)
add(Ether(src=pc, dst=plc)/IP(src='10.20.1.5', dst='10.20.1.34', ttl=128)/TCP(sport=50102, dport=502, flags='PA', seq=101, ack=501)/Raw(mb_req), 6.02)
add(Ether(src=plc, dst=pc)/IP(src='10.20.1.34', dst='10.20.1.5', ttl=64)/TCP(sport=502, dport=50102, flags='PA', seq=501, ack=113)/Raw(mb_rsp), 6.03)
# a searcher looking for printers is not one
search = b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: urn:schemas-upnp-org:device:Printer:1\r\n\r\n'
add(Ether(src=srch, dst='01:00:5e:7f:ff:fa')/IP(src='10.20.1.35', dst='239.255.255.250', ttl=4)/UDP(sport=50200, dport=1900)/Raw(search), 7)
relay, tool = '02:00:00:00:00:36', '02:00:00:00:00:37'
add(Ether(src=relay, dst=pc)/IP(src='10.20.1.1', dst='10.20.1.5', ttl=64)/UDP(sport=67, dport=67)/
    BOOTP(hops=1, giaddr='10.20.1.1', chaddr=bytes.fromhex('020000000040'), xid=0x2000)/
    DHCP(options=[('message-type', 'discover'), ('hostname', b'relayed-printer'),
                  ('param_req_list', [1, 3, 7, 44, 51, 54, 58, 59, 12, 15, 144, 18]), 'end']), 8)
add(Ether(src=tool, dst='ff:ff:ff:ff:ff:ff')/IP(src='0.0.0.0', dst='255.255.255.255')/UDP(sport=68, dport=67)/
    BOOTP(chaddr=bytes.fromhex('020000000041'), xid=0x2001)/
    DHCP(options=[('message-type', 'discover'), ('hostname', b'flood-0001'),
                  ('param_req_list', [1, 3, 7, 44, 51, 54, 58, 59, 12, 15, 144, 18]), 'end']), 9)
import struct
def tlv(t, v):
    return struct.pack('>H', (t << 9) | len(v)) + v
def lldp(mac, name, desc, caps, dt):
    body = (tlv(1, b'\x04' + bytes.fromhex(mac.replace(':', ''))) + tlv(2, b'\x07port-001') +
            tlv(3, b'\x00\x78') + (tlv(5, name) + tlv(6, desc) + tlv(7, struct.pack('>HH', caps, caps))
                                   if caps is not None else b'') + tlv(0, b''))
    add(Ether(src=mac, dst='01:80:c2:00:00:0e', type=0x88cc)/Raw(body), dt)
lldp('02:00:00:00:00:38', b'ENG-PC-7', b'Workstation G750, BIOS 1.0', 0x0080, 10)
lldp('02:00:00:00:00:39', b'panel-7', b'Siemens, SIMATIC HMI, KTP700 Basic, 6AV2 123-2GB03-0AX0, SW.V 13.0.1', 0x0084, 10.1)
lldp('02:00:00:00:00:3a', b'desk-phone', b'IP phone, firmware 1.2', 0x0020, 10.2)
lldp('02:00:00:00:00:3b', b'sw-cell-7', b'Industrial switch, 8 ports', 0x0004, 10.3)
lldp('02:00:00:00:00:3c', b'', b'', None, 10.4)
wrpcap('device-class.pcap', pk)
