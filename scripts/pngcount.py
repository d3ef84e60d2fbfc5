#!/usr/bin/env python3
"""pngcount.py PNG RRGGBB... — how many pixels of a PNG have exactly one of
those colours.

linkcheck.sh uses it on Chromium's screenshot of index.html: the forest
diagram fills process boxes with #DDEEF8 and clusters and collapsed systems
with #F2F2F2, and nothing else on the page uses those colours, so a count
of zero means the <object> did not paint the SVG.
Standard library only (zlib): 8-bit RGB or RGBA, non-interlaced, which is
what Chromium writes."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("only 8-bit RGB/RGBA, non-interlaced")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        yield line, bpp
        prev = line


def main():
    want = {bytes.fromhex(c) for c in sys.argv[2:]}
    n = 0
    for line, bpp in pixels(sys.argv[1]):
        for x in range(0, len(line), bpp):
            if bytes(line[x:x + 3]) in want:
                n += 1
    print(n)


if __name__ == "__main__":
    main()
