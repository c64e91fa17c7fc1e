#!/usr/bin/python3
"""Reads the CSV files of `otscope export --format csv` back with Python's
csv module and checks them against the contract (DESIGN.md column names,
CRLF records, UTF-8) and against the same tables printed as JSON by the
CLI (an independent encoding of the same rows).
usage: check-csv.py CSV_DIR JSON_DIR [--excel]"""
import csv
import io
import json
import os
import sys

CONTRACT = {
    'assets': 'asset_id,mac,ips,vendor,hostnames,role,purdue_level,os,model,firmware,'
              'first_seen,last_seen,packets,bytes,protocols,risk_score',
    'comms': 'src,dst,protocol,transport,port,packets,bytes,first_seen,last_seen',
    'ops': 'protocol,src,dst,function_code,function,class,count,first_seen,last_seen',
    'findings': 'finding_id,severity,rule,title,src,dst,protocol,count,first_seen,last_seen,'
                'evidence,recommendation,attack_id',
}
GUARD = ('=', '+', '-', '@', '\t', '\r')


def main():
    csv_dir, json_dir = sys.argv[1], sys.argv[2]
    excel = '--excel' in sys.argv[3:]
    errors = []
    n = 0
    for name in ('assets', 'asset_attributes', 'comms', 'ops', 'findings', 'protocols',
                 'captures', 'audit'):
        path = os.path.join(csv_dir, name + '.csv')
        raw = open(path, 'rb').read()
        if excel != raw.startswith(b'\xef\xbb\xbf'):
            errors.append(f'{name}: byte order mark {"missing" if excel else "unexpected"}')
        if raw and not raw.endswith(b'\r\n'):
            errors.append(f'{name}: last record does not end in CRLF')
        text = raw.decode('utf-8-sig' if excel else 'utf-8')
        rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))
        header = rows[0]
        want = CONTRACT.get(name)
        if want:
            # the contract's columns, in its order (extra columns may sit between)
            it = iter(header)
            if not all(c in it for c in want.split(',')):
                errors.append(f'{name}: header {header} lacks the contract columns in order')
        for i, r in enumerate(rows[1:], 1):
            if len(r) != len(header):
                errors.append(f'{name}: row {i} has {len(r)} fields for {len(header)} columns')
        n += len(rows) - 1
        jpath = os.path.join(json_dir, name + '.json')
        if not os.path.exists(jpath):
            continue
        table = json.load(open(jpath, encoding='utf-8'))
        if len(table) != len(rows) - 1:
            errors.append(f'{name}: {len(rows) - 1} CSV rows, {len(table)} JSON rows')
            continue
        for i, (obj, r) in enumerate(zip(table, rows[1:]), 1):
            for col, cell in zip(header, r):
                if col not in obj:
                    continue
                v = obj[col]
                want_cell = '' if v is None else str(v)
                if excel and cell[:1] == "'" and cell[1:2] in GUARD and cell[1:2] != '':
                    cell = cell[1:]
                if cell != want_cell:
                    errors.append(f'{name} row {i} {col}: {cell!r} != {want_cell!r}')
                    break
    for e in errors[:40]:
        print('#', e)
    print(f'# {n} rows read back')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
