import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageHeader } from '../src/index.js';
import { writeImage, type FixtureFormat } from './imageFixtures.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataset-stats-header-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** Sharp's format and size of the file, turned as training sees it. */
async function sharpHeader(path: string): Promise<[string, number, number]> {
  const { format, width, height, orientation } = await sharp(path).metadata();
  return (orientation ?? 1) >= 5 ? [format, height, width] : [format, width, height];
}

/** `jpeg` with a comment segment of `bytes` bytes after its start marker, as large EXIF or ICC data would be. */
function withLongSegment(jpeg: Uint8Array, bytes: number): Uint8Array {
  const segment = Buffer.alloc(4 + bytes, 0x20);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(2 + bytes, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

describe('readImageHeader', () => {
  it.each<[FixtureFormat, number, number, { lossless?: boolean }]>([
    ['png', 31, 17, {}],
    ['jpeg', 640, 480, {}],
    ['webp', 45, 23, {}],
    ['webp', 45, 23, { lossless: true }],
    ['gif', 12, 90, {}],
    ['tiff', 300, 7, {}],
    ['bmp', 7, 5, {}],
  ])('reads a %s header of %ix%i as sharp would', async (format, width, height, options) => {
    const path = join(dir, `${format}-${width}x${height}-${String(options.lossless)}.img`);
    await writeImage(path, format, width, height, options);
    expect(await readImageHeader(path)).toEqual({ format, width, height });
    if (format !== 'bmp') expect(await sharpHeader(path)).toEqual([format, width, height]);
  });

  it.each<[FixtureFormat]>([['jpeg'], ['tiff']])(
    'applies a %s’s EXIF orientation, as training sees the image',
    async (format) => {
      const path = join(dir, `rotated.${format}`);
      await writeImage(path, format, 60, 20, { orientation: 6 });
      expect(await readImageHeader(path)).toEqual({ format, width: 20, height: 60 });
      expect(await sharpHeader(path)).toEqual([format, 20, 60]);
    },
  );

  it.each([[5_000], [60_000], [3 * 60_000]])(
    'reads on to a JPEG’s frame header behind %i bytes of segments',
    async (bytes) => {
      const plain = join(dir, `plain-${bytes}.jpg`);
      await writeImage(plain, 'jpeg', 60, 20, { orientation: 6 });
      let jpeg: Uint8Array = await readFile(plain);
      for (let left = bytes; left > 0; left -= 60_000) jpeg = withLongSegment(jpeg, Math.min(left, 60_000));
      const path = join(dir, `long-${bytes}.jpg`);
      await writeFile(path, jpeg);
      expect(await readImageHeader(path)).toEqual({ format: 'jpeg', width: 20, height: 60 });
      expect(await sharpHeader(path)).toEqual(['jpeg', 20, 60]);
    },
  );

  it('reads the 16-bit sizes of an OS/2 bitmap header', async () => {
    const path = join(dir, 'os2.bmp');
    const file = Buffer.alloc(26 + 3 * 7 * 5 + 5);
    file.write('BM', 0, 'latin1');
    file.writeUInt32LE(file.length, 2);
    file.writeUInt32LE(26, 10);
    file.writeUInt32LE(12, 14);
    file.writeUInt16LE(7, 18);
    file.writeUInt16LE(5, 20);
    file.writeUInt16LE(1, 22);
    file.writeUInt16LE(24, 24);
    await writeFile(path, file);
    expect(await readImageHeader(path)).toEqual({ format: 'bmp', width: 7, height: 5 });
  });

  it.each([
    ['P5', 'pgm', 'P5\n7 5\n255\n'],
    ['P6', 'ppm', 'P6 7 5 65535 '],
    ['P2', 'pgm', 'P2\n# made by hand\n7\t5\r\n9\n0 1 2'],
    ['P3', 'ppm', 'P3\x0b7 # width\n5\x0c#maxval next\r1000\n1 2 3'],
  ])('reads a %s (%s) header, which sharp cannot read, as training does', async (_, format, header) => {
    const path = join(dir, `netpbm-${format}-${header.length}.png`);
    await writeFile(path, Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(7 * 5 * 6)]));
    expect(await readImageHeader(path)).toEqual({ format, width: 7, height: 5 });
  });

  it('reads a Netpbm header behind comments longer than the first read', async () => {
    const path = join(dir, 'long-comment.pgm');
    await writeFile(path, `P5\n#${'x'.repeat(10_000)}\n640 480\n255\n${'\0'.repeat(640 * 480)}`);
    expect(await readImageHeader(path)).toEqual({ format: 'pgm', width: 640, height: 480 });
  });

  it.each([
    ['zero-width.ppm', 'P6 0 5 255\n', 'the ppm header declares 0x5 pixels'],
    ['maxval-0.pgm', 'P5 7 5 0\n', 'invalid pgm maxval 0 (1 to 65535)'],
    ['maxval-65536.pgm', 'P2 7 5 65536\n1', 'invalid pgm maxval 65536 (1 to 65535)'],
    ['not-a-number.ppm', 'P6 7 five 255\n', 'bad ppm header: "five" is not a number'],
    ['truncated-header.ppm', 'P6 7 5', 'truncated ppm header'],
  ])('refuses the Netpbm header of %s', async (name, content, reason) => {
    const path = join(dir, name);
    await writeFile(path, content, 'latin1');
    await expect(readImageHeader(path)).rejects.toThrow(reason);
  });

  it('finds the format from the bytes, not the name, and leaves other formats to sharp', async () => {
    const path = join(dir, 'drawing.png');
    await writeFile(path, '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"></svg>');
    expect(await readImageHeader(path)).toEqual({ format: 'svg', width: 30, height: 20 });
  });

  it('refuses a header that declares no pixels', async () => {
    const path = join(dir, 'zero-width.png');
    const png = Buffer.from(
      await sharp({ create: { width: 4, height: 3, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    png.writeUInt32BE(0, 16);
    await writeFile(path, png);
    await expect(readImageHeader(path)).rejects.toThrow('the png header declares 0x3 pixels');
  });

  it.each([
    ['garbage.png', 'this is not an image', /unsupported image format/],
    ['empty.png', '', /empty file/],
    [
      'truncated.png',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
      /corrupt header: pngload/,
    ],
    ['truncated.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a]), /premature end of JPEG/],
    ['truncated.gif', Buffer.from('GIF89a\x0c\x00', 'latin1'), /corrupt header: gifload/],
    ['truncated.webp', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), /corrupt header: webp/],
    ['truncated.bmp', Buffer.from('BM\x10\x00\x00\x00', 'latin1'), /unsupported image format/],
  ])('refuses %s with the reason', async (name, content, reason) => {
    const path = join(dir, name);
    await writeFile(path, content);
    await expect(readImageHeader(path)).rejects.toThrow(reason);
  });

  it('refuses a directory and a FIFO without waiting on it', async () => {
    await expect(readImageHeader(dir)).rejects.toThrow('not a regular file');
    if (process.platform === 'win32') return;
    const fifo = join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expect(readImageHeader(fifo)).rejects.toThrow('not a regular file');
  });
});
