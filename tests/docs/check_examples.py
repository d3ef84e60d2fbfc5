#!/usr/bin/env python3
"""The examples of a documentation page are what procmap prints.

    check_examples.py PROCMAP PAGE.md [--rules-table]

Every ```pmap block of the page is a model; the next ```text or ```json
block before the following ```pmap block is what `procmap check` says of it:

- ```text: the diagnostics, file:line:col first (the file name is the one
  the block's first diagnostic names, else model.pmap).  When the block
  shows source lines and carets, the whole output must match, without the
  summary line unless the block ends with it; otherwise the diagnostic
  lines alone, all of them and in order.
- ```json: a part of the JSON report's "metrics": every key it gives has the
  value the report gives (lists element by element, the report's list may
  be longer).

A ```pmap block with no such block after it fails the check: an example
nobody checks drifts.  --rules-table also checks that the page's tables of
rules are `procmap rules`, row for row.

Runs each model in a temporary folder with --no-config.  Prints what
differs and exits 1; exits 0 when every example holds.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r'^(```+|~~~+)\s*([^`\s]*)\s*(.*)$')
HEAD = re.compile(r'^(\S+?\.pmap):\d+:\d+: (error|warning|info): ')
SUMMARY = re.compile(r'^\d+ errors?, \d+ warnings?, \d+ infos?')


def blocks(text):
    """(line number, info, body) of every fenced block."""
    out, lines, i = [], text.split('\n'), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, start, body = m.group(1), m.group(2), i + 1, []
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        out.append((start, info, '\n'.join(body) + '\n'))
        i += 1
    return out


def run(procmap, folder, args):
    r = subprocess.run([procmap, 'check', '--no-config', '--color', 'never',
                        '--fail-on', 'info'] + args, cwd=folder,
                       capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1):
        return None, r.stderr
    return r.stdout, r.stderr


def subset(want, got, path):
    """Where want differs from got, or None."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f'{path}: not an object in the report'
        for k, v in want.items():
            if k not in got:
                return f'{path}.{k}: not in the report'
            d = subset(v, got[k], f'{path}.{k}')
            if d:
                return d
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) < len(want):
            return f'{path}: the report has {got!r}'
        for n, (w, g) in enumerate(zip(want, got)):
            d = subset(w, g, f'{path}[{n}]')
            if d:
                return d
        return None
    return None if want == got else f'{path}: the page says {want!r}, the report {got!r}'


def check_text(procmap, folder, model, want):
    m = HEAD.match(want)
    name = m.group(1) if m else 'model.pmap'
    with open(os.path.join(folder, name), 'w') as f:
        f.write(model)
    out, err = run(procmap, folder, [name])
    if out is None:
        return f'procmap failed: {err.strip()}'
    lines = out.rstrip('\n').split('\n')
    if not want.strip():
        want = ''
    wl = want.rstrip('\n').split('\n')
    if not SUMMARY.match(wl[-1]):
        lines = [l for l in lines if not SUMMARY.match(l)]
    if not any(l.startswith(' ') for l in wl):
        lines = [l for l in lines if HEAD.match(l)]
    got = '\n'.join(lines) + '\n' if lines else ''
    return None if got == want else f'the page says\n{want}procmap says\n{got}'


def check_json(procmap, folder, model, want):
    with open(os.path.join(folder, 'model.pmap'), 'w') as f:
        f.write(model)
    out, err = run(procmap, folder, ['--format', 'json', 'model.pmap'])
    if out is None:
        return f'procmap failed: {err.strip()}'
    try:
        w = json.loads(want)
    except ValueError as e:
        return f'the page\'s JSON does not parse: {e}'
    return subset(w, json.loads(out)['metrics'], 'metrics')


def check_rules_table(procmap, text):
    r = subprocess.run([procmap, 'rules', '--format', 'json'], capture_output=True,
                       text=True, check=True)
    rules = {x['name']: x for x in json.loads(r.stdout)}
    row = re.compile(r'^\| \[?`([a-z-]+)`\]?(?:\(#[a-z0-9-]+\))? \| (error|warning|info) \| '
                     r'([a-z, ]+) \| (.*) \|$')
    seen, problems = set(), []
    for line in text.split('\n'):
        m = row.match(line)
        if not m:
            continue
        name, sev, about, finds = m.groups()
        seen.add(name)
        r = rules.get(name)
        if not r:
            problems.append(f'the table lists {name}, procmap rules does not')
            continue
        if (sev, about, finds) != (r['severity'], ', '.join(r['about']), r['summary']):
            problems.append(f'{name}: the page says | {sev} | {about} | {finds} |, procmap '
                            f'rules | {r["severity"]} | {", ".join(r["about"])} | {r["summary"]} |')
    for name in rules:
        if name not in seen:
            problems.append(f'{name}: in procmap rules, not in the tables of the page')
    return problems


def main():
    procmap, page = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(page) as f:
        text = f.read()
    problems = []
    bs = blocks(text)
    with tempfile.TemporaryDirectory(prefix='procmap-docs-') as tmp:
        for n, (line, info, body) in enumerate(bs):
            if info != 'pmap':
                continue
            out = None
            for line2, info2, body2 in bs[n + 1:]:
                if info2 == 'pmap':
                    break
                if info2 in ('text', 'json'):
                    out = (info2, body2)
                    break
            if out is None:
                problems.append(f'{page}:{line}: a pmap example with no ```text or ```json '
                                'block after it')
                continue
            folder = os.path.join(tmp, str(n))
            os.mkdir(folder)
            d = (check_text if out[0] == 'text' else check_json)(procmap, folder, body, out[1])
            if d:
                problems.append(f'{page}:{line}: {d}')
    if '--rules-table' in sys.argv[3:]:
        problems += [f'{page}: {p}' for p in check_rules_table(procmap, text)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
