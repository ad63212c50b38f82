import { execFileSync } from 'node:child_process';
import { open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import { decodeBmp, decodeImage, decodePngAtSize } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, writeBytes, writeSolidImage } from './helpers/fixtures.js';
import { bmpHeader, inflateBombPng, pngChunk, writeBmpFile } from './helpers/hostileImages.js';
import { MIB, measureInChild } from './helpers/measureInChild.js';

// The cases that measure memory run in a child process against the built package (`npx nx run
// @nextplay/cls-data:build` first); the rules are checked in this process against the source.

afterAll(removeTempDirs);

let dir: string;

beforeAll(async () => {
  dir = await tempDir('cls-hostile-');
});

/** The pixel limit, sharp's default `limitInputPixels`. */
const MAX_IMAGE_PIXELS = 268402689;
/** A bound far under the 1.5 GB every hostile file must stay below, and far over a Node process with sharp. */
const SMALL_RSS_BYTES = 400 * MIB;

const DECODE_IN_CHILD = `
  const { decodeImage } = await import('@nextplay/cls-data');
  const images = await Promise.all(args.map((path) => decodeImage(path, 32)));
  return images.map((image) => [image.width, image.height, image.data[0]]);
`;

describe('a PNG whose image data inflates past what its header declares', () => {
  it('is refused by the direct PNG path, naming the rule', () => {
    // 8 MiB of scanlines for a 32×32 RGB image that needs 32 × (1 + 96) = 3104 bytes.
    const bomb = inflateBombPng(32, 32, 8);
    expect(() => decodePngAtSize(bomb, 32)).toThrow(ClsError);
    expect(() => decodePngAtSize(bomb, 32)).toThrow(
      'the PNG image data inflates to more than the 3104 bytes its 32×32 header declares',
    );
  });

  it('is refused when its header declares more pixels than the limit', () => {
    const header = inflateBombPng(20000, 20000, 1);
    expect(() => decodePngAtSize(header, 20000)).toThrow(
      `the PNG header declares 20000×20000 pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    );
  });

  it('is refused by decodeImage naming the file, in bounded memory and time', async () => {
    // About 1 MB that inflates to 1 GiB: before the bound, 2.1 GB of memory and 8 s, and then decoded "fine".
    const path = join(dir, 'bomb.png');
    await writeBytes(path, inflateBombPng(32, 32, 1024));
    const measured = await measureInChild(DECODE_IN_CHILD, [path]);
    expect(measured.code).toBe('DATA_IMAGE_UNREADABLE');
    expect(measured.message).toBe(
      `cannot read image ${path}: the PNG image data inflates to more than the 3104 bytes its 32×32 header declares`,
    );
    expect(measured.maxRssBytes).toBeLessThan(SMALL_RSS_BYTES);
    expect(measured.cpuMs).toBeLessThan(3000);
  });

  it('is left out of a training dataset by the check before training, in bounded memory', async () => {
    const root = join(dir, 'dataset');
    await writeSolidImage(join(root, 'train', 'a', 'fine.png'), { width: 32, height: 32, color: [9, 9, 9] });
    await writeSolidImage(join(root, 'train', 'b', 'fine.jpg'), { width: 40, height: 30, color: [9, 9, 9] });
    const bomb = join(root, 'train', 'b', 'bomb.png');
    await writeBytes(bomb, inflateBombPng(32, 32, 1024));
    const measured = await measureInChild(
      `
      const { createLogger } = await import('@nextplay/cls-core');
      const { imageFolderDataset } = await import('@nextplay/cls-data');
      const context = {
        logger: createLogger({ console: false }),
        seed: 0,
        createTransform: () => Promise.reject(new Error('no transforms here')),
      };
      const options = {
        root: args[0], image_size: 32, num_workers: 2, mean: [0, 0, 0], std: [1, 1, 1], max_bad_fraction: 0.5,
      };
      const data = await imageFolderDataset.create(options, context);
      let images = 0;
      const batches = { batchSize: 2, shuffle: false, seed: 0, epoch: 0, augment: false };
      for await (const batch of data.train.batches(batches)) images += batch.labels.length;
      return { images, skipped: data.skippedImages };
    `,
      [root],
    );
    expect(measured.value).toEqual({
      images: 2,
      skipped: [
        {
          split: 'train',
          path: 'train/b/bomb.png',
          reason: 'the PNG image data inflates to more than the 3104 bytes its 32×32 header declares',
        },
      ],
    });
    expect(measured.maxRssBytes).toBeLessThan(SMALL_RSS_BYTES);
    expect(measured.cpuMs).toBeLessThan(5000);
  });
});

describe('BMP headers are checked before any pixel memory is allocated', () => {
  it('refuses a 50 MB bitmap that declares more pixels than the limit, in bounded memory and time', async () => {
    // 20000×20000 at one bit a pixel: 50 MB of file, 1.2 GB of RGB. Before the check: 1.27 GB and 7.4 s.
    const path = join(dir, 'huge.bmp');
    await writeBmpFile(path, bmpHeader({ width: 20000, height: 20000, bitsPerPixel: 1 }), 62 + 2500 * 20000);
    const measured = await measureInChild(DECODE_IN_CHILD, [path]);
    expect(measured).toMatchObject({
      code: 'DATA_IMAGE_UNREADABLE',
      message: `cannot read image ${path}: the BMP header declares 20000×20000 pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    });
    expect(measured.maxRssBytes).toBeLessThan(SMALL_RSS_BYTES);
    expect(measured.cpuMs).toBeLessThan(3000);
  });

  it('refuses a bitmap whose header declares more pixel bytes than the file holds', async () => {
    const header = bmpHeader({ width: 9000, height: 9000, bitsPerPixel: 24 });
    const file = new Uint8Array(1 << 20);
    file.set(header);
    expect(() => decodeBmp(file)).toThrow(
      'truncated BMP pixel data: the header declares 9000×9000 pixels at 24 bits from byte 54, 243000054 bytes in all, but the file has 1048576',
    );
    const path = join(dir, 'short.bmp');
    await writeBytes(path, file);
    await expect(decodeImage(path, 8)).rejects.toThrow(`cannot read image ${path}: truncated BMP pixel data`);
    // Pixels that would start inside the headers, or past the end of the file.
    const inside = bmpHeader({ width: 1, height: 1, bitsPerPixel: 24, pixelOffset: 20 });
    expect(() => decodeBmp(Uint8Array.of(...inside, 0, 0, 0, 0))).toThrow(/truncated BMP pixel data/);
    const past = bmpHeader({ width: 1, height: 1, bitsPerPixel: 24, pixelOffset: 0xffffffff });
    expect(() => decodeBmp(Uint8Array.of(...past, 0, 0, 0, 0))).toThrow(/from byte 4294967295/);
  });

  it('refuses bit depths and header sizes it cannot read, whatever the size', () => {
    for (const bitsPerPixel of [0, 2, 64]) {
      const file = new Uint8Array(4096);
      file.set(bmpHeader({ width: 10000, height: 10000, bitsPerPixel }));
      expect(() => decodeBmp(file)).toThrow(`unsupported BMP bit depth ${bitsPerPixel}`);
    }
    const file = new Uint8Array(4096);
    file.set(bmpHeader({ width: 2, height: 2, bitsPerPixel: 24, headerSize: 0x7fffffff }));
    expect(() => decodeBmp(file)).toThrow('unsupported BMP header size 2147483647');
    const masks = bmpHeader({ width: 1, height: 1, bitsPerPixel: 32, compression: 3, pixelOffset: 54 });
    expect(() => decodeBmp(Uint8Array.of(...masks, 0, 0, 0, 0))).toThrow('truncated BMP bit-field masks');
  });

  it('refuses a bitmap at the pixel limit, whose RGB is more than the decoded bytes limit', async () => {
    // A 16383×16383 one-bit bitmap of 33 MB decodes to 805 MB of RGB.
    const path = join(dir, 'limit.bmp');
    const header = bmpHeader({ width: 16383, height: 16383, bitsPerPixel: 1 });
    await writeBmpFile(path, header, header.length + Math.ceil(16383 / 32) * 4 * 16383);
    await expect(decodeImage(path, 32)).rejects.toThrow(
      `cannot read image ${path}: the bmp header declares 16383×16383 pixels of 3 × 1-byte samples, 767.9 MiB decoded, more than the limit of 256 MiB`,
    );
  });

  it('decodes bitmaps near the decoded bytes limit one at a time, in bounded memory', async () => {
    // Two 9450×9450 one-bit bitmaps of 11 MB each decode to 256 MiB of RGB each.
    const side = 9450;
    const paths = [join(dir, 'limit-a.bmp'), join(dir, 'limit-b.bmp')];
    for (const path of paths) {
      const header = bmpHeader({ width: side, height: side, bitsPerPixel: 1 });
      await writeBmpFile(path, header, header.length + Math.ceil(side / 32) * 4 * side);
    }
    const measured = await measureInChild(DECODE_IN_CHILD, paths, 90_000);
    expect(measured.value).toEqual([
      [32, 32, 0],
      [32, 32, 0],
    ]);
    expect(measured.maxRssBytes).toBeLessThan(700 * MIB);
    // About 3 s each on an idle machine; the bound is the 60 s every hostile file must stay within.
    expect(measured.ms).toBeLessThan(55_000);
  });
});

describe('what decodeImage reads', () => {
  it('hands image files over 32 MiB to sharp by path instead of reading them into memory', async () => {
    // A 32×32 PNG with a 600 MB private chunk before IEND (a hole in a sparse file): read whole, 600 MB of memory.
    const png = await sharp(Buffer.alloc(32 * 32 * 3, 100), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    const withoutEnd = png.subarray(0, png.length - 12);
    const chunkBytes = 600 * MIB;
    const chunkHead = new Uint8Array(8);
    new DataView(chunkHead.buffer).setUint32(0, chunkBytes);
    chunkHead.set(Buffer.from('prVt', 'latin1'), 4);
    const end = pngChunk('IEND', new Uint8Array(0));
    const path = join(dir, 'long.png');
    const file = await open(path, 'w');
    await file.write(withoutEnd, 0, withoutEnd.length, 0);
    await file.write(chunkHead, 0, chunkHead.length, withoutEnd.length);
    await file.write(end, 0, end.length, withoutEnd.length + chunkHead.length + chunkBytes + 4);
    await file.close();
    const measured = await measureInChild(DECODE_IN_CHILD, [path]);
    expect(measured.value).toEqual([[32, 32, 100]]);
    expect(measured.maxRssBytes).toBeLessThan(SMALL_RSS_BYTES);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO or a device instead of waiting or reading forever',
    { timeout: 10_000 },
    async () => {
      const fifo = join(dir, 'fifo.jpg');
      execFileSync('mkfifo', [fifo]);
      await expect(decodeImage(fifo, 8)).rejects.toThrow(`cannot read image ${fifo}: not a regular file`);
      for (const name of ['zero.png', 'zero.bmp', 'zero.jpg']) {
        const link = join(dir, name);
        await symlink('/dev/zero', link);
        await expect(decodeImage(link, 8)).rejects.toThrow(`cannot read image ${link}: not a regular file`);
      }
    },
  );
});
