#!/usr/bin/env python3
"""Makes the Pillow reference fixtures of @nextplay/cls-data's Netpbm decoder (tests/decodeNetpbm.test.ts).

Run with Debian's python3-pil: /usr/bin/python3 tools/make-netpbm-fixtures.py
Writes tiny .pgm/.ppm files (P2, P3, P5, P6) to packages/cls-data/tests/fixtures/netpbm/images/, written
byte by byte here (Pillow writes only maxval 255 and 65535), and expected.json beside them: for each file what
torchvision's ImageFolder loader sees, `Image.open(p).convert('RGB')`, as Pillow's mode, width, height and
base64 RGB bytes (HWC), plus the Pillow version. The files and the JSON are committed, so the tests need no
Python.
"""
import base64
import json
import os
import struct

import PIL
from PIL import Image

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'cls-data', 'tests', 'fixtures', 'netpbm'
)
IMAGES = os.path.join(OUT, 'images')

WIDTH, HEIGHT = 5, 3


def samples(count, maxval, seed=0, over=0):
    """`count` samples spread over 0…maxval, the last `over` of them above maxval (a binary file may hold those)."""
    values = [(i * 7919 + seed * 104729) % (maxval + 1) for i in range(count)]
    values[:2] = [0, maxval][: min(2, count)]
    top = 255 if maxval < 256 else 65535
    for i in range(over):
        values[count - 1 - i] = min(top, maxval + 1 + i * 13)
    return values


def binary(magic, width, height, maxval, values, header=None):
    head = header if header is not None else b'%s\n%d %d\n%d\n' % (magic, width, height, maxval)
    fmt = 'B' if maxval < 256 else '>H'
    return head + b''.join(struct.pack(fmt, v) for v in values)


def plain(magic, width, height, maxval, values, per_line=7):
    lines = [b'%s\n# a comment line\n%d %d\n%d' % (magic, width, height, maxval)]
    for at in range(0, len(values), per_line):
        lines.append(b' '.join(b'%d' % v for v in values[at : at + per_line]))
    return b'\n'.join(lines) + b'\n'


def cases():
    grey, rgb = WIDTH * HEIGHT, WIDTH * HEIGHT * 3
    yield 'p5_maxval255.pgm', binary(b'P5', WIDTH, HEIGHT, 255, samples(grey, 255))
    yield 'p6_maxval255.ppm', binary(b'P6', WIDTH, HEIGHT, 255, samples(rgb, 255, 1))
    # maxval under 255: Pillow scales by round(v / maxval * 255), half to even, and clips samples above maxval.
    yield 'p5_maxval10.pgm', binary(b'P5', WIDTH, HEIGHT, 10, list(range(11)) + [11, 12, 200, 255])
    yield 'p5_maxval1.pgm', binary(b'P5', WIDTH, HEIGHT, 1, samples(grey, 1, 2, over=2))
    yield 'p6_maxval100.ppm', binary(b'P6', WIDTH, HEIGHT, 100, samples(rgb, 100, 3, over=4))
    yield 'p6_maxval2.ppm', binary(b'P6', WIDTH, HEIGHT, 2, samples(rgb, 2, 4))
    # 16-bit grey is mode I: scaled to 0…65535 (raw when maxval is 65535), then clipped to 255 by convert('RGB').
    yield 'p5_maxval65535.pgm', binary(b'P5', WIDTH, HEIGHT, 65535, [0, 1, 100, 254, 255, 256, 65535] + samples(8, 300))
    yield 'p5_maxval1000.pgm', binary(b'P5', WIDTH, HEIGHT, 1000, [0, 1, 2, 3, 4, 5, 999, 1000, 1001, 65535] + samples(5, 4))
    yield 'p5_maxval256.pgm', binary(b'P5', WIDTH, HEIGHT, 256, samples(grey, 3, 5))
    # 16-bit RGB is scaled to 0…255.
    yield 'p6_maxval65535.ppm', binary(b'P6', WIDTH, HEIGHT, 65535, samples(rgb, 65535, 6, over=0))
    yield 'p6_maxval1000.ppm', binary(b'P6', WIDTH, HEIGHT, 1000, samples(rgb, 1000, 7, over=3))
    yield 'p6_maxval300.ppm', binary(b'P6', WIDTH, HEIGHT, 300, samples(rgb, 300, 8))
    # The header's tokens may be separated by any whitespace and comments (to CR or LF); one byte after maxval.
    yield 'header_comments.ppm', binary(
        b'P6', WIDTH, HEIGHT, 255, samples(rgb, 255, 9),
        header=b'P6\t# made by hand\r\n  %d\x0b\x0c# width\n#height next\r%d\n # maxval:\n255\r' % (WIDTH, HEIGHT),
    )
    # Pillow reads the LF of a CRLF after maxval as the first sample.
    yield 'crlf_after_maxval.pgm', binary(
        b'P5', WIDTH, HEIGHT, 255, samples(grey, 255, 10), header=b'P5 %d %d 255\r\n' % (WIDTH, HEIGHT)
    )
    # Plain (ASCII) samples, whitespace-separated; maxval up to 65535.
    yield 'p2_maxval255.pgm', plain(b'P2', WIDTH, HEIGHT, 255, samples(grey, 255, 11))
    yield 'p2_maxval9.pgm', plain(b'P2', WIDTH, HEIGHT, 9, samples(grey, 9, 12), per_line=1)
    yield 'p2_maxval1000.pgm', plain(b'P2', WIDTH, HEIGHT, 1000, [0, 1, 2, 3, 4, 5, 999, 1000] + samples(7, 1000))
    yield 'p3_maxval255.ppm', plain(b'P3', WIDTH, HEIGHT, 255, samples(rgb, 255, 13))
    yield 'p3_maxval7.ppm', plain(b'P3', WIDTH, HEIGHT, 7, samples(rgb, 7, 14), per_line=3)
    yield 'p3_maxval65535.ppm', plain(b'P3', WIDTH, HEIGHT, 65535, samples(rgb, 65535, 15))
    # In plain data a comment is cut out with its line end, joining what is on either side: "1#c\n2" reads 12.
    values = b' '.join(b'%d' % v for v in samples(rgb, 99, 16)[2:])
    yield 'plain_comments.ppm', b'P3 %d %d 99\n1#x\n2 3 # the rest\t\n %s\n# the end' % (WIDTH, HEIGHT, values)
    # Samples past those the header declares are ignored.
    yield 'trailing_bytes.pgm', binary(b'P5', WIDTH, HEIGHT, 255, samples(grey + 9, 255, 17))
    yield 'one_pixel.ppm', b'P6 1 1 255 \x01\x02\x03'


def main():
    os.makedirs(IMAGES, exist_ok=True)
    expected = {'pillow': PIL.__version__, 'call': "Image.open(p).convert('RGB')", 'images': {}}
    for name, data in cases():
        path = os.path.join(IMAGES, name)
        with open(path, 'wb') as f:
            f.write(data)
        with Image.open(path) as im:
            mode = im.mode
            rgb = im.convert('RGB')
        expected['images'][name] = {
            'mode': mode,
            'width': rgb.width,
            'height': rgb.height,
            'rgb': base64.b64encode(rgb.tobytes()).decode('ascii'),
        }
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write('\n')
    print(f"{len(expected['images'])} images in {IMAGES}, Pillow {PIL.__version__}")


if __name__ == '__main__':
    main()
