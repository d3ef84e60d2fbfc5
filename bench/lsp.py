#!/usr/bin/env python3
"""bench/lsp.py — `procmap lsp` as an editor sees it, on one model:
open → diagnostics, change → diagnostics (the 50 ms debounce included and
shown apart), and hover / definition / completion answered.  Each figure is
the median of 20.  Run by bench/run.sh on the 10k-step model:
    python3 bench/lsp.py build/bench/procmap model.pmap
"""
import json
import os
import subprocess
import sys
import time

DEBOUNCE_MS = 50


def main(binary, path):
    p = subprocess.Popen([binary, 'lsp'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(o):
        b = json.dumps(o).encode()
        p.stdin.write(b'Content-Length: %d\r\n\r\n' % len(b) + b)
        p.stdin.flush()

    def recv(want_id=None):
        while True:
            h = b''
            while not h.endswith(b'\r\n\r\n'):
                h += p.stdout.read(1)
            n = int(h.split(b':')[1].split(b'\r')[0])
            m = json.loads(p.stdout.read(n))
            if want_id is None or m.get('id') == want_id:
                return m

    path = os.path.abspath(path)
    text = open(path, encoding='utf-8').read()
    uri = 'file://' + path
    send({'jsonrpc': '2.0', 'id': 0, 'method': 'initialize', 'params': {}})
    recv(0)
    t = time.perf_counter()
    send({'jsonrpc': '2.0', 'method': 'textDocument/didOpen', 'params': {'textDocument': {
        'uri': uri, 'languageId': 'pmap', 'version': 1, 'text': text}}})
    ndiag = len(recv()['params']['diagnostics'])
    opened = (time.perf_counter() - t) * 1000
    lines = text.split('\n')
    mid = len(lines) // 2
    ts = []
    for k in range(20):
        edit = '# edit\n' if k % 2 == 0 else ''
        end = mid if k % 2 == 0 else mid + 1
        send({'jsonrpc': '2.0', 'method': 'textDocument/didChange', 'params': {
            'textDocument': {'uri': uri, 'version': k + 2}, 'contentChanges': [{
                'range': {'start': {'line': mid, 'character': 0},
                          'end': {'line': end, 'character': 0}}, 'text': edit}]}})
        t = time.perf_counter()
        recv()
        ts.append((time.perf_counter() - t) * 1000)
    change = sorted(ts)[len(ts) // 2]
    sl = next(i for i, l in enumerate(lines) if l.strip().startswith('step '))
    sc = lines[sl].index('step ') + 6
    pos = {'textDocument': {'uri': uri}, 'position': {'line': sl, 'character': sc}}
    rows = []
    for i, meth in enumerate(['hover', 'definition', 'completion']):
        ts = []
        for k in range(20):
            rid = 100 + 20 * i + k
            t = time.perf_counter()
            send({'jsonrpc': '2.0', 'id': rid, 'method': 'textDocument/' + meth, 'params': pos})
            recv(rid)
            ts.append((time.perf_counter() - t) * 1000)
        rows.append((meth, sorted(ts)[len(ts) // 2]))
    send({'jsonrpc': '2.0', 'id': 1, 'method': 'shutdown'})
    recv(1)
    send({'jsonrpc': '2.0', 'method': 'exit'})
    p.wait()
    print('  %-46s %8.1f ms  (%d diagnostics, %d lines)' % ('LSP: open -> diagnostics', opened,
                                                           ndiag, len(lines)))
    print('  %-46s %8.1f ms  (of which %d ms debounce: %.1f ms of work)' % (
        'LSP: change -> diagnostics', change, DEBOUNCE_MS, change - DEBOUNCE_MS))
    for meth, ms in rows:
        print('  %-46s %8.2f ms' % ('LSP: ' + meth, ms))
    print('| LSP, %d-line model | change -> diagnostics <= 50 ms after the debounce; '
          'hover/definition/completion <= 10 ms | %.1f ms; %s | %s |' % (
              len(lines), change - DEBOUNCE_MS, ', '.join('%.2f ms' % ms for _, ms in rows),
              'ok' if change - DEBOUNCE_MS <= 50 and all(ms <= 10 for _, ms in rows) else 'NOT MET'))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
