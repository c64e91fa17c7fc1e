#!/usr/bin/python3
"""Checks the shape of anonymized addresses: a private address stays in
its range and a public one public; two IPv4 addresses of the same class
share exactly as many leading bits after anonymization as before (prefix
preservation); a MAC keeps its OUI but not its device half.
usage: check-prefix.py PLAIN_assets.csv ANON_assets.csv"""
import csv
import ipaddress
import sys


def load(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        return {r['asset_id']: r for r in csv.DictReader(f)}


PRIVATE = [ipaddress.ip_network(n) for n in
           ('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10')]


def klass(a):
    ip = ipaddress.ip_address(a)
    return next((str(n) for n in PRIVATE if ip in n), 'public')


def common(a, b):
    x = int(ipaddress.ip_address(a)) ^ int(ipaddress.ip_address(b))
    return 32 - x.bit_length()


def main():
    plain, anon = load(sys.argv[1]), load(sys.argv[2])
    errors = []
    pairs = []
    for k, r in plain.items():
        a = anon.get(k)
        if not a:
            errors.append(f'asset {k} missing')
            continue
        for p, q in zip(r['ips'].split(';'), a['ips'].split(';')):
            if p and ipaddress.ip_address(p).version == 4:
                pairs.append((p, q))
        if r['mac']:
            if r['mac'][:8] != a['mac'][:8]:
                errors.append(f'asset {k}: OUI of {r["mac"]} not kept ({a["mac"]})')
            if int(r['mac'][:2], 16) & 1 == 0 and r['mac'] == a['mac']:
                errors.append(f'asset {k}: MAC {r["mac"]} not replaced')
    for i in range(len(pairs)):
        for j in range(i + 1, len(pairs)):
            (p1, q1), (p2, q2) = pairs[i], pairs[j]
            if klass(p1) != klass(q1) or klass(p2) != klass(q2):
                errors.append(f'{p1} -> {q1}: private/public class not kept')
            # prefixes are preserved within a class (private ranges map into themselves)
            if klass(p1) == klass(p2) and common(p1, p2) != common(q1, q2):
                errors.append(f'{p1}/{p2} share {common(p1, p2)} bits, {q1}/{q2} {common(q1, q2)}')
    for e in errors[:20]:
        print('#', e)
    print(f'# {len(pairs)} IPv4 addresses compared pairwise')
    return 1 if errors or len(pairs) < 2 else 0


if __name__ == '__main__':
    sys.exit(main())
