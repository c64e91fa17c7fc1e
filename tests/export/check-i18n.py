#!/usr/bin/python3
"""Every language file of the report has exactly the keys of en.tsv, no
empty text, and the same {placeholders} per key.
usage: check-i18n.py DATA/report"""
import os
import re
import sys


def load(path):
    out = {}
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        key, sep, text = line.partition('\t')
        if not sep or not text:
            raise SystemExit(f'{path}:{n}: not key<TAB>text')
        out[key] = text
    return out


def main():
    d = sys.argv[1]
    en = load(os.path.join(d, 'en.tsv'))
    errors = []
    langs = [f for f in sorted(os.listdir(d)) if re.fullmatch(r'[a-z]{2}(_[A-Z]{2})?\.tsv', f)]
    for f in langs:
        t = load(os.path.join(d, f))
        for k in en.keys() - t.keys():
            errors.append(f'{f}: no {k}')
        for k in t.keys() - en.keys():
            errors.append(f'{f}: {k} is not in en.tsv')
        for k in en.keys() & t.keys():
            if set(re.findall(r'\{\w+\}', en[k])) != set(re.findall(r'\{\w+\}', t[k])):
                errors.append(f'{f}: {k} has other placeholders than en.tsv')
    for e in errors:
        print('#', e)
    print(f'# {len(en)} keys, languages: {", ".join(langs)}')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
