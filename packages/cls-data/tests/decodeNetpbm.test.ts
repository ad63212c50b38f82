import { readFileSync } from 'node:fs';
import { copyFile, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import {
  decodeImage,
  decodeImagePixels,
  decodeNetpbm,
  imageFolderDataset,
  scanImageFolder,
  type ImageFolderDataModule,
} from '@nextplay/cls-data';
import { readPilExpected, type PilImage } from './helpers/pilExpected.js';
import { removeTempDirs, tempDir, testContext, writeBytes, writeSolidImage } from './helpers/fixtures.js';
import { MIB, measureInChild } from './helpers/measureInChild.js';

// Fixtures made by tools/make-netpbm-fixtures.py with Debian's python3-pil: PGM and PPM files and what
// torchvision's loader, `Image.open(p).convert('RGB')`, gives for each.
const fixtures = fileURLToPath(new URL('./fixtures/netpbm/', import.meta.url));

const expected = readPilExpected(fixtures);

/** The pixel limit, sharp's default `limitInputPixels`. */
const MAX_IMAGE_PIXELS = 268402689;

afterAll(removeTempDirs);

let dir: string;
beforeAll(async () => {
  dir = await tempDir('cls-netpbm-');
});

function fixture(name: string): { readonly file: Uint8Array; readonly want: PilImage } {
  const want = expected[name];
  if (want === undefined) throw new Error(`no fixture ${name}`);
  return { file: readFileSync(join(fixtures, 'images', name)), want };
}

function bytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Writes `header` followed by zero bytes up to `fileBytes` in all (a hole in a sparse file where it can be). */
async function writeSparse(path: string, header: string, fileBytes: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(bytes(header), 0, header.length, 0);
    await file.truncate(fileBytes);
  } finally {
    await file.close();
  }
}

describe("decodeNetpbm matches Pillow's Image.open(p).convert('RGB') byte for byte", () => {
  it('covers P2, P3, P5 and P6, maxval 255, under 255 and over 255, as modes L, I and RGB', () => {
    const names = Object.keys(expected);
    for (const magic of ['P2', 'P3', 'P5', 'P6']) {
      const files = names.filter(
        (name) => String.fromCharCode(...fixture(name).file.subarray(0, 2)) === magic,
      );
      expect(files.length, magic).toBeGreaterThanOrEqual(2);
    }
    for (const name of ['p5_maxval10.pgm', 'p6_maxval100.ppm', 'p5_maxval1000.pgm', 'p6_maxval65535.ppm']) {
      expect(names).toContain(name);
    }
    expect(new Set(Object.values(expected).map((image) => image.mode))).toEqual(new Set(['L', 'I', 'RGB']));
  });

  it.each(Object.keys(expected))('%s', async (name) => {
    const { file, want } = fixture(name);
    const wantRgb = Buffer.from(want.rgb, 'base64');
    const image = decodeNetpbm(file);
    expect([image.width, image.height, image.channels]).toEqual([want.width, want.height, 3]);
    expect(Buffer.from(image.data).equals(wantRgb)).toBe(true);
    const fromPath = await decodeImagePixels(join(fixtures, 'images', name));
    expect(Buffer.from(fromPath.data).equals(wantRgb)).toBe(true);
  });

  it('rounds halves to even as Python does, and clips samples over maxval', () => {
    const image = decodeNetpbm(fixture('p5_maxval10.pgm').file);
    // 1/10·255 = 25.5 → 26, 3/10·255 = 76.5 → 76, 5/10·255 = 127.5 → 128; 11, 12, 200, 255 → 255.
    expect([...image.data].filter((_, i) => i % 3 === 0)).toEqual([
      0, 26, 51, 76, 102, 128, 153, 178, 204, 230, 255, 255, 255, 255, 255,
    ]);
  });

  it('finds the format from the content, not the file name, and resizes it', async () => {
    for (const [name, renamed] of [
      ['p6_maxval255.ppm', 'p6.png'],
      ['p2_maxval255.pgm', 'p2.jpg'],
      ['p5_maxval65535.pgm', 'p5.PPM'],
    ] as const) {
      const { want } = fixture(name);
      const path = join(dir, renamed);
      await copyFile(join(fixtures, 'images', name), path);
      const image = await decodeImagePixels(path);
      expect(Buffer.from(image.data).equals(Buffer.from(want.rgb, 'base64')), renamed).toBe(true);
      const resized = await decodeImage(path, [4, 6]);
      expect([resized.height, resized.width, resized.data.length]).toEqual([4, 6, 4 * 6 * 3]);
    }
  });
});

describe('damaged Netpbm files are refused with DATA_IMAGE_UNREADABLE and the reason', () => {
  const ppm = (header: string, data: Uint8Array = new Uint8Array(0)) =>
    Uint8Array.of(...bytes(header), ...data);

  it.each<[string, Uint8Array, string]>([
    [
      'truncated binary pixel data',
      ppm('P6\n5 3\n255\n', new Uint8Array(44)),
      'truncated PPM pixel data: the header declares 5×3 pixels of maxval 255, 45 bytes from byte 11, but the file has 55',
    ],
    [
      'truncated 16-bit pixel data',
      ppm('P5 2 2 1000 ', new Uint8Array(7)),
      'truncated PGM pixel data: the header declares 2×2 pixels of maxval 1000, 8 bytes from byte 12, but the file has 19',
    ],
    [
      'truncated plain samples',
      ppm('P3 2 1 255\n1 2 3 4 5      '),
      'truncated PPM pixel data: the file ends after 5 of the 6 samples its 2×1 header declares',
    ],
    [
      'plain samples too short for the declared size',
      ppm('P2 100 100 255\n1 2 3'),
      'truncated PGM pixel data: the header declares 100×100 pixels of maxval 255, at least 19999 bytes from byte 15, but the file has 20',
    ],
    ['a header that ends early', ppm('P6\n5 3'), 'truncated PPM header: the file ends before its maxval'],
    ['a header that is not numbers', ppm('P6\n5 x 255\n'), 'bad PPM header: its height is "x", not a number'],
    ['a negative width', ppm('P5 -5 3 255\n'), 'bad PGM header: its width is "-5", not a number'],
    ['a header token too long', ppm('P5 123456789012 3 255\n'), 'bad PGM header: its width is too long'],
    ['width 0', ppm('P6 0 3 255\n'), 'invalid PPM size 0x3'],
    ['height 0', ppm('P5 3 0 255\n'), 'invalid PGM size 3x0'],
    ['maxval 0', ppm('P5 1 1 0\n', Uint8Array.of(0)), 'invalid PGM maxval 0 (1 to 65535)'],
    ['maxval 65536', ppm('P6 1 1 65536\n', new Uint8Array(6)), 'invalid PPM maxval 65536 (1 to 65535)'],
    ['a plain sample over maxval', ppm('P2 2 1 7\n7 8\n'), 'bad PGM sample 8: more than the maxval 7'],
    ['a plain sample that is not a number', ppm('P2 2 1 7\n7 -1\n'), 'bad PGM sample "-1": not a number'],
    [
      'a size over the pixel limit',
      ppm('P5 20000 20000 255\n', new Uint8Array(8)),
      `the PGM header declares 20000×20000 pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    ],
    [
      'a size within the pixel limit whose RGB is over the decoded bytes limit',
      ppm('P5 16383 16383 255\n'),
      'the pgm header declares 16383×16383 pixels of 3 × 1-byte samples, 767.9 MiB decoded, more than the limit of 256 MiB',
    ],
    [
      'a PBM bitmap',
      ppm('P4 8 1\n', Uint8Array.of(0xff)),
      'unsupported Netpbm type P4 (a PBM bitmap; PGM and PPM, P2, P3, P5 and P6, are read)',
    ],
  ])('%s', async (_, file, reason) => {
    expect(() => decodeNetpbm(file)).toThrow(ClsError);
    expect(() => decodeNetpbm(file)).toThrow(reason);
    const path = join(dir, `${reason.length}-${file.length}.ppm`);
    await writeBytes(path, file);
    const error = await decodeImage(path, 8).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'DATA_IMAGE_UNREADABLE',
      message: `cannot read image ${path}: ${reason}`,
    });
  });

  it('refuses a 50 MB graymap that declares more pixels than the limit, in bounded memory and time', async () => {
    // 20000×20000 grey: 400 MB of samples, 1.2 GB of RGB. The file is read by path (over 32 MiB).
    const path = join(dir, 'huge.pgm');
    await writeSparse(path, 'P5 20000 20000 255\n', 50 * MIB);
    const measured = await measureInChild(
      `const { decodeImage } = await import('@nextplay/cls-data');
       const image = await decodeImage(args[0], 32);
       return [image.width, image.height];`,
      [path],
    );
    expect(measured).toMatchObject({
      code: 'DATA_IMAGE_UNREADABLE',
      message: `cannot read image ${path}: the PGM header declares 20000×20000 pixels, more than the limit of ${MAX_IMAGE_PIXELS}`,
    });
    expect(measured.maxRssBytes).toBeLessThan(400 * MIB);
  });
});

describe('Netpbm files over 32 MiB', () => {
  it(
    'are read by path in strips, decoding as from memory (binary and plain)',
    { timeout: 60_000 },
    async () => {
      // 6000×6000 binary grey (36 MB), and 8.4 M plain samples across many 4 MiB strips (34 MB of text).
      const binaryPath = join(dir, 'large.pgm');
      const binary = new Uint8Array(19 + 6000 * 6000);
      binary.set(bytes('P5 6000 6000 255\n# '));
      for (let i = 19; i < binary.length; i++) binary[i] = (i * 31) & 0xff;
      binary.set(bytes('\n'), 18);
      await writeBytes(binaryPath, binary);
      const plainSamples = 2400 * 1170 * 3;
      const values = Array.from({ length: plainSamples }, (_, i) => String((i * 7) % 1000).padStart(3, ' '));
      const plainPath = join(dir, 'large.ppm');
      await writeBytes(plainPath, `P3 2400 1170 999\n${values.join(' ')}\n`);
      for (const path of [binaryPath, plainPath]) {
        const file = await readFile(path);
        expect(file.length).toBeGreaterThan(32 * MIB);
        const fromDisk = await decodeImagePixels(path);
        const inMemory = decodeNetpbm(file);
        expect([fromDisk.width, fromDisk.height]).toEqual([inMemory.width, inMemory.height]);
        expect(Buffer.from(fromDisk.data).equals(Buffer.from(inMemory.data))).toBe(true);
      }
    },
  );
});

describe('an ImageFolder of PGM and PPM files', () => {
  it('scans .ppm and .pgm, in any case, as torchvision does', async () => {
    const root = await tempDir('cls-netpbm-scan-');
    await copyFile(join(fixtures, 'images', 'p6_maxval255.ppm'), join(root, 'a.ppm'));
    for (const [name, source] of [
      ['train/cat/b.PPM', 'p6_maxval255.ppm'],
      ['train/cat/a.pgm', 'p5_maxval255.pgm'],
      ['train/dog/c.pgm', 'p2_maxval255.pgm'],
    ] as const) {
      await writeBytes(join(root, name), readFileSync(join(fixtures, 'images', source)));
    }
    await writeSolidImage(join(root, 'train', 'cat', 'a0.png'), { width: 4, height: 4, color: [1, 2, 3] });
    await writeBytes(join(root, 'train', 'dog', 'notes.pbm'), 'P1 1 1 1');
    const scan = await scanImageFolder(root);
    expect(scan.train.classCounts).toEqual([3, 1]);
    expect(scan.train.files.cat).toEqual(
      ['a.pgm', 'a0.png', 'b.PPM'].map((name) => join(root, 'train', 'cat', name)),
    );
  });

  it('trains on them and skips only a truncated one, listing it with the reason', async () => {
    const root = await tempDir('cls-netpbm-folder-');
    const names = Object.keys(expected);
    for (const [i, name] of names.entries()) {
      const label = i % 2 === 0 ? 'even' : 'odd';
      await writeBytes(join(root, 'train', label, name), readFileSync(join(fixtures, 'images', name)));
    }
    const whole = readFileSync(join(fixtures, 'images', 'p6_maxval255.ppm'));
    await writeBytes(join(root, 'train', 'odd', 'truncated.ppm'), whole.subarray(0, whole.length - 1));
    const data = (await imageFolderDataset.create(
      { root, image_size: 8, num_workers: 2, max_bad_fraction: 0.5, mean: [0, 0, 0], std: [1, 1, 1] },
      testContext(),
    )) as ImageFolderDataModule;
    expect(data.skippedImages).toEqual([
      {
        split: 'train',
        path: 'train/odd/truncated.ppm',
        reason:
          'truncated PPM pixel data: the header declares 5×3 pixels of maxval 255, 45 bytes from byte 11, but the file has 55',
      },
    ]);
    expect(data.train.classCounts).toEqual([Math.ceil(names.length / 2), Math.floor(names.length / 2)]);
    let images = 0;
    const options = { batchSize: 4, shuffle: false, seed: 0, epoch: 0, augment: false };
    for await (const batch of data.train.batches(options)) images += batch.labels.length;
    expect(images).toBe(names.length);
  });
});
