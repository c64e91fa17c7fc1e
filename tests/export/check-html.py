#!/usr/bin/python3
"""Checks the structure of an otscope HTML report with html.parser: one
document, no script, nothing loaded from anywhere (no src, no external
href, no url() in CSS), a Content-Security-Policy whose style hash matches
the one stylesheet, a print stylesheet, no inline style attributes, the
SVG map with nodes, the tables, and every section.
usage: check-html.py REPORT.html [MIN_INVENTORY_ROWS] [--forbid TEXT]..."""
import base64
import hashlib
import re
import sys
from html.parser import HTMLParser

SECTIONS = ['summary', 'risk', 'map', 'assets', 'ops', 'findings', 'captures', 'about', 'audit']
SVG_NS = 'http://www.w3.org/2000/svg'


class Report(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = {}
        self.errors = []
        self.ids = set()
        self.csp = None
        self.style = []
        self.in_style = False
        self.map_nodes = 0
        self.in_map = False
        self.inventory_rows = 0
        self.in_inventory = False
        self.in_tbody = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if tag == 'script':
            self.errors.append('a <script> element')
        for k, v in attrs:
            v = v or ''
            if k.startswith('on'):
                self.errors.append(f'event handler attribute {k} on <{tag}>')
            if k == 'style':
                self.errors.append(f'inline style attribute on <{tag}> (the CSP forbids it)')
            if k in ('src', 'srcset', 'action', 'data', 'poster', 'background'):
                self.errors.append(f'<{tag} {k}=...> loads something')
            if k in ('href', 'xlink:href') and not v.startswith('#'):
                self.errors.append(f'<{tag} {k}="{v}"> points outside the document')
            if k == 'xmlns' and v != SVG_NS:
                self.errors.append(f'unexpected xmlns {v}')
            if k == 'id':
                self.ids.add(v)
        if tag in ('link', 'iframe', 'object', 'embed', 'img', 'base', 'form'):
            self.errors.append(f'a <{tag}> element')
        if tag == 'meta' and a.get('http-equiv', '').lower() == 'content-security-policy':
            self.csp = a.get('content', '')
        if tag == 'style':
            self.in_style = True
        if tag == 'svg' and 'map' in (a.get('class') or '').split():
            self.in_map = True
        if self.in_map and tag == 'g' and 'node' in (a.get('class') or '').split():
            self.map_nodes += 1
        if tag == 'table' and 'inventory' in (a.get('class') or '').split():
            self.in_inventory = True
        if tag == 'tbody':
            self.in_tbody = True
        if tag == 'tr' and self.in_inventory and self.in_tbody:
            self.inventory_rows += 1

    def handle_endtag(self, tag):
        if tag == 'style':
            self.in_style = False
        if tag == 'svg':
            self.in_map = False
        if tag == 'table':
            self.in_inventory = False
        if tag == 'tbody':
            self.in_tbody = False

    def handle_data(self, data):
        if self.in_style:
            self.style.append(data)
        else:
            self.text.append(data)


def main():
    path = sys.argv[1]
    args = sys.argv[2:]
    forbid = [args[i + 1] for i, x in enumerate(args) if x == '--forbid']
    nums = [x for i, x in enumerate(args) if x.isdigit() and (i == 0 or args[i - 1] != '--forbid')]
    min_rows = int(nums[0]) if nums else 1
    raw = open(path, encoding='utf-8').read()
    p = Report()
    p.feed(raw)
    p.close()
    e = p.errors
    if not raw.startswith('<!DOCTYPE html>'):
        e.append('no doctype')
    if p.tags.get('html') != 1 or p.tags.get('body') != 1:
        e.append('not one html document')
    if p.tags.get('style') != 1:
        e.append('not exactly one <style>')
    css = ''.join(p.style)
    if re.search(r'url\s*\(|@import', css):
        e.append('the stylesheet loads something')
    if '@media print' not in css:
        e.append('no print stylesheet')
    if not p.csp:
        e.append('no Content-Security-Policy meta')
    else:
        if "default-src 'none'" not in p.csp:
            e.append("CSP lacks default-src 'none'")
        digest = base64.b64encode(hashlib.sha256(css.encode('utf-8')).digest()).decode()
        if f"'sha256-{digest}'" not in p.csp:
            e.append('CSP style hash does not match the stylesheet')
        if 'unsafe' in p.csp or 'script-src' in p.csp:
            e.append('CSP admits scripts or unsafe sources')
    for s in SECTIONS:
        if s not in p.ids:
            e.append(f'no section #{s}')
    if p.map_nodes < 1:
        e.append('the SVG map has no nodes')
    if p.tags.get('table', 0) < 3:
        e.append(f'only {p.tags.get("table", 0)} tables')
    if p.inventory_rows < min_rows:
        e.append(f'inventory has {p.inventory_rows} rows, expected at least {min_rows}')
    text = ''.join(p.text)
    for f in forbid:
        if f in raw:
            e.append(f'forbidden text {f!r} is in the file')
    for x in e[:40]:
        print('#', x)
    print(f'# {p.map_nodes} map nodes, {p.inventory_rows} inventory rows, {p.tags.get("table", 0)}'
          f' tables, {len(text)} characters of text')
    return 1 if e else 0


if __name__ == '__main__':
    sys.exit(main())
