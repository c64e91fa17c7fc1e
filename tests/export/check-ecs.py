#!/usr/bin/python3
"""Checks otscope NDJSON against the ECS field list in ecs-fields.tsv:
every field is known (or under otscope.* / labels.*), has its ECS type,
categorization fields take allowed values, MACs are in ECS form, Community
IDs look like v1, and every line carries the fields every line must carry.
usage: check-ecs.py ecs-fields.tsv FILE.ndjson [SITE]"""
import ipaddress
import json
import re
import sys
from datetime import datetime

MAC = re.compile(r'^[0-9A-F]{2}(-[0-9A-F]{2}){5}$')
CID = re.compile(r'^1:[A-Za-z0-9+/]{27}=$')
REQUIRED = ['@timestamp', 'ecs.version', 'event.kind', 'event.category', 'event.type',
            'event.dataset', 'observer.product', 'labels.site']


def load_schema(path):
    types, allowed = {}, {}
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        parts = line.split('\t')
        if parts[0].startswith('!'):
            allowed[parts[0][1:]] = set(parts[1].split())
        else:
            types[parts[0]] = (parts[1], len(parts) > 2 and parts[2] == 'array')
    return types, allowed


def flatten(obj, prefix=''):
    for k, v in obj.items():
        path = prefix + k
        if isinstance(v, dict):
            yield from flatten(v, path + '.')
        else:
            yield path, v


def type_ok(t, v):
    if t in ('keyword', 'match_only_text'):
        return isinstance(v, str)
    if t == 'long':
        return isinstance(v, int) and not isinstance(v, bool)
    if t == 'float':
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == 'boolean':
        return isinstance(v, bool)
    if t == 'ip':
        try:
            ipaddress.ip_address(v)
            return True
        except (ValueError, TypeError):
            return False
    if t == 'date':
        try:
            datetime.fromisoformat(v.replace('Z', '+00:00'))
            return True
        except (ValueError, AttributeError):
            return False
    return False


def main():
    types, allowed = load_schema(sys.argv[1])
    site = sys.argv[3] if len(sys.argv) > 3 else None
    errors = []
    lines = open(sys.argv[2], encoding='utf-8').read().split('\n')
    if lines[-1] != '':
        errors.append('no final newline')
    docs = [l for l in lines if l]
    datasets = set()
    for n, line in enumerate(docs, 1):
        try:
            doc = json.loads(line)
        except ValueError as e:
            errors.append(f'line {n}: not JSON: {e}')
            continue
        fields = dict(flatten(doc))
        for r in REQUIRED:
            if r not in fields:
                errors.append(f'line {n}: no {r}')
        if site is not None and fields.get('labels.site') != site:
            errors.append(f'line {n}: labels.site {fields.get("labels.site")!r} != {site!r}')
        datasets.add(fields.get('event.dataset'))
        for path, v in fields.items():
            if path.startswith('otscope.') or path.startswith('labels.'):
                if path.startswith('labels.') and not isinstance(v, str):
                    errors.append(f'line {n}: {path} is not a keyword')
                continue
            if path not in types:
                errors.append(f'line {n}: {path} is not in the ECS field list')
                continue
            t, is_array = types[path]
            values = v if isinstance(v, list) else [v]
            if isinstance(v, list) and not is_array:
                errors.append(f'line {n}: {path} is a list but ECS has one value')
            for x in values:
                if not type_ok(t, x):
                    errors.append(f'line {n}: {path}={x!r} is not an ECS {t}')
                if path in allowed and x not in allowed[path]:
                    errors.append(f'line {n}: {path}={x!r} is not an allowed value')
                if path.endswith('.mac') and not MAC.match(str(x)):
                    errors.append(f'line {n}: {path}={x!r} is not an ECS MAC (00-00-5E-00-53-23)')
                if path == 'network.community_id' and not CID.match(str(x)):
                    errors.append(f'line {n}: {path}={x!r} is not a Community ID v1')
    for e in errors[:40]:
        print('#', e)
    print(f'# {len(docs)} documents, datasets: {", ".join(sorted(d for d in datasets if d))}')
    return 1 if errors or not docs else 0


if __name__ == '__main__':
    sys.exit(main())
