#!/usr/bin/env python3
"""vpcount.py PPM RRGGBB... — the diagram viewports of a screenshot of the
audit page, and how many pixels of each have one of those colours.

Each <div class="vp"> of the page has a 1px #cccccc border, whose left
edge is the same column for every viewport (and table) on the page.  This
finds that column (the one of the first 100 with the most #cccccc pixels),
takes each run of rows where it is #cccccc as one box, and prints a line a
box: its first row, its height and the count of pixels of the colours.
Tables are boxes too, with no diagram colour in them.  PPM: binary (P6),
8-bit, as netpbm's pngtopnm writes.  Standard library only."""
import sys


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("only binary 8-bit PPM")
    w, h = int(fields[1]), int(fields[2])
    pix = data[pos + 1:pos + 1 + 3 * w * h]
    return w, h, [pix[3 * w * y:3 * w * (y + 1)] for y in range(h)]


def main():
    w, h, rows = read_ppm(sys.argv[1])
    want = [bytes.fromhex(c) for c in sys.argv[2:]]
    grey = b"\xcc\xcc\xcc"
    col = max(range(min(100, w)), key=lambda x: sum(r[3 * x:3 * x + 3] == grey for r in rows))
    y = 0
    while y < h:
        if rows[y][3 * col:3 * col + 3] != grey:
            y += 1
            continue
        top = y
        n = 0
        while y < h and rows[y][3 * col:3 * col + 3] == grey:
            r = rows[y]
            n += sum(sum(1 for i in range(0, len(r), 3) if r[i:i + 3] == c) for c in want) \
                if any(c in r for c in want) else 0
            y += 1
        print(top, y - top, n)


main()
