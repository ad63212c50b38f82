import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, decodeImagePixels } from '@nextplay/cls-data';
import { readPilExpected } from './helpers/pilExpected.js';
import { removeTempDirs, tempDir } from './helpers/fixtures.js';

// Fixtures made by tests/fixtures/pil/make_pil_fixtures.py with Debian's python3-pil: the images and what
// `ImageOps.exif_transpose(Image.open(p)).convert('RGB')` gives for each.
const fixtures = fileURLToPath(new URL('./fixtures/pil/', import.meta.url));

const expected = readPilExpected(fixtures);

afterAll(removeTempDirs);

let dir: string;
beforeAll(async () => {
  dir = await tempDir('cls-pil-');
});

/** The first pixel that differs, as `x,y: got … want …`, or undefined when all match. */
function firstDifference(got: Uint8Array, want: Uint8Array, width: number): string | undefined {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      const pixel = Math.floor(i / 3);
      const at = pixel * 3;
      return `${pixel % width},${Math.floor(pixel / width)}: got ${[...got.subarray(at, at + 3)].join(' ')}, want ${[...want.subarray(at, at + 3)].join(' ')}`;
    }
  }
  return undefined;
}

describe("decodeImagePixels matches PIL's exif_transpose + convert('RGB') pixel for pixel", () => {
  it('covers the kinds of file the issue lists', () => {
    const modes = new Set(Object.values(expected).map((image) => image.mode));
    for (const mode of ['RGB', 'RGBA', 'L', 'LA', 'P', 'CMYK', 'I', '1']) expect(modes).toContain(mode);
    const names = Object.keys(expected);
    for (const kind of ['.webp', '.tif', '.gif', '.bmp', 'exif_orientation_8', 'rgb16', 'tall', 'wide']) {
      expect(names.some((name) => name.includes(kind))).toBe(true);
    }
  });

  it.each(Object.keys(expected))('%s', async (name) => {
    const want = expected[name];
    if (want === undefined) throw new Error(`no fixture ${name}`);
    const image = await decodeImagePixels(join(fixtures, 'images', name));
    expect([image.width, image.height, image.channels]).toEqual([want.width, want.height, 3]);
    const wantRgb = Buffer.from(want.rgb, 'base64');
    expect(firstDifference(image.data, wantRgb, want.width)).toBeUndefined();
  });

  it('finds the format from the content, not the file name', async () => {
    for (const [name, renamed] of [
      ['cmyk.jpg', 'cmyk.png'],
      ['grey16.png', 'grey16.jpg'],
      ['rgb.bmp', 'rgb.jpeg'],
      ['rgb.tif', 'rgb.webp'],
    ] as const) {
      const want = expected[name];
      if (want === undefined) throw new Error(`no fixture ${name}`);
      const path = join(dir, renamed);
      await copyFile(join(fixtures, 'images', name), path);
      const image = await decodeImagePixels(path);
      expect(
        firstDifference(image.data, Buffer.from(want.rgb, 'base64'), want.width),
        renamed,
      ).toBeUndefined();
    }
  });
});

describe("decodeImage resizes those same pixels as torchvision's Resize((8, 8)) does a PIL image", () => {
  it.each(Object.keys(expected))('%s', async (name) => {
    const want = expected[name];
    if (want?.resized8 === undefined) throw new Error(`no resized fixture ${name}`);
    const reference = Buffer.from(want.resized8, 'base64');
    const image = await decodeImage(join(fixtures, 'images', name), 8);
    expect([image.width, image.height, image.channels]).toEqual([8, 8, 3]);
    // PIL rounds to 8 bits between its two passes; ours sums in floats and rounds once.
    let worst = 0;
    for (let i = 0; i < reference.length; i++) {
      worst = Math.max(worst, Math.abs((image.data[i] ?? 0) - (reference[i] ?? 0)));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});
