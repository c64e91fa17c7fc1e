#!/usr/bin/python3
"""Anonymization leak test: collects every IP address, MAC address, host,
device, domain and user name and capture path of the sample from a plain
CSV export, then searches anonymized outputs (CSV folders, NDJSON, HTML,
SQLite copies) for any of them.  Addresses that name no device
(unspecified, broadcast, multicast, loopback, group MACs) are kept by
design and not searched for.
usage: check-anon.py PLAIN_CSV_DIR OUTPUT...   (a folder: every file in it)"""
import csv
import ipaddress
import os
import re
import sqlite3
import sys

NAME_ATTRS = {'hostname', 'device_name', 'domain', 'user', 'serial'}


def rows(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))


def kept_ip(s):
    ip = ipaddress.ip_address(s)
    return ip.is_unspecified or ip.is_multicast or ip.is_loopback or s == '255.255.255.255'


def kept_mac(s):
    return int(s[:2], 16) & 1 == 1 or s == '00:00:00:00:00:00'


def originals(plain):
    ips, macs, names = set(), set(), set()

    def addr(v):
        for a in filter(None, (v or '').split(';')):
            if re.fullmatch(r'[0-9a-f]{2}(:[0-9a-f]{2}){5}', a):
                if not kept_mac(a):
                    macs.add(a)
            else:
                try:
                    if not kept_ip(a):
                        ips.add(a)
                except ValueError:
                    pass
    for r in rows(os.path.join(plain, 'assets.csv')):
        addr(r['mac'])
        addr(r['ips'])
        names.update(filter(None, r['hostnames'].split(';')))
    for t in ('comms.csv', 'ops.csv', 'findings.csv'):
        for r in rows(os.path.join(plain, t)):
            addr(r['src'])
            addr(r['dst'])
    for r in rows(os.path.join(plain, 'asset_attributes.csv')):
        addr(r['addr'])
        if r['name'] in NAME_ATTRS and len(r['value']) >= 3:
            names.add(r['value'])
            names.add(r['value'].split('.')[0])
    for r in rows(os.path.join(plain, 'captures.csv')):
        names.add(os.path.basename(r['path']))
    return ips, macs, {n for n in names if len(n) >= 3}


def texts(path):
    if os.path.isdir(path):
        for f in sorted(os.listdir(path)):
            yield from texts(os.path.join(path, f))
        return
    raw = open(path, 'rb').read()
    if raw.startswith(b'SQLite format 3'):
        # the values, and the raw pages too (free pages may keep old text)
        db = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
        for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in db.execute(f'SELECT * FROM "{t}"'):
                yield f'{path}:{t}', ' '.join(str(v) for v in row)
        db.close()
        yield path + ':raw', raw.decode('latin-1')
    else:
        yield path, raw.decode('utf-8', 'replace')


def main():
    ips, macs, names = originals(sys.argv[1])
    pats = []
    for ip in ips:
        pats.append((ip, re.compile(r'(?<![0-9A-Za-z.:])' + re.escape(ip) + r'(?![0-9A-Za-z:]|\.\d)')))
    for m in macs:
        pats.append((m, re.compile(re.escape(m) + '|' + re.escape(m.replace(':', '-')), re.I)))
    for n in names:
        # Names are matched as written: a workgroup "PLANT" must not match
        # the report's own prose ("the plant's asset register").
        pats.append((n, re.compile(r'(?<![0-9A-Za-z_-])' + re.escape(n) + r'(?![0-9A-Za-z_-])')))
    leaks = []
    n_files = 0
    for out in sys.argv[2:]:
        for where, text in texts(out):
            n_files += 1
            for orig, pat in pats:
                m = pat.search(text)
                if m:
                    leaks.append(f'{orig!r} in {where}: ...{text[max(0, m.start() - 40):m.end() + 40]!r}...')
    for l in leaks[:40]:
        print('#', l)
    print(f'# searched {n_files} texts for {len(ips)} IPs, {len(macs)} MACs, {len(names)} names')
    return 1 if leaks or not (ips and macs) else 0


if __name__ == '__main__':
    sys.exit(main())
