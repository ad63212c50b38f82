import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@nextplay/cls-data';
import { removeTempDirs, tempDir, writeBytes } from './helpers/fixtures.js';
import { BLUR_BOMB_SVG, floatRgbaStripBombTiff, pngWithHeader } from './helpers/hostileImages.js';
import { MIB, measureInChild } from './helpers/measureInChild.js';

// Images within sharp's pixel limit may still decode to gigabytes (float samples, 16-bit RGBA), and sharp reads
// any format it finds in the content. The memory cases run in a child against the build (build cls-data first).

afterAll(removeTempDirs);

let dir: string;

beforeAll(async () => {
  dir = await tempDir('cls-decoded-bytes-');
});

const DECODE_ALL_IN_CHILD = `
  const { decodeImage } = await import('@nextplay/cls-data');
  const results = await Promise.allSettled(args.map((path) => decodeImage(path, 32)));
  return results.map((r) => (r.status === 'fulfilled' ? [r.value.width, r.value.height] : r.reason.message));
`;

describe('decodeImage', () => {
  it('does not render an SVG named .png: it is not a raster image', async () => {
    // Rendered, this 16000×16000 filter took 7 GB and did not end.
    const path = join(dir, 'blur.png');
    await writeBytes(path, BLUR_BOMB_SVG);
    const measured = await measureInChild(DECODE_ALL_IN_CHILD, [path]);
    expect(measured.value).toEqual([`cannot read image ${path}: not a raster image: svg`]);
    expect(measured.maxRssBytes).toBeLessThan(400 * MIB);
  });

  it('refuses a TIFF whose float RGBA samples would take 4 GiB, from its header, in small memory', async () => {
    // 16383² pixels (the pixel limit) of 16 bytes: about 20 KB of file, every strip the same deflated zeros.
    const path = join(dir, 'float.tif');
    await writeBytes(path, floatRgbaStripBombTiff(16383, 16383));
    const paths = Array.from({ length: 6 }, (_, i) => join(dir, `float-${i}.tif`));
    for (const copy of paths) await copyFile(path, copy);
    const measured = await measureInChild(DECODE_ALL_IN_CHILD, paths);
    expect(measured.value).toEqual(
      paths.map(
        (p) =>
          `cannot read image ${p}: the tiff header declares 16383×16383 pixels of 4 × 4-byte samples, 4095.5 MiB decoded, more than the limit of 256 MiB`,
      ),
    );
    expect(measured.maxRssBytes).toBeLessThan(400 * MIB);
  });

  it('refuses a 16-bit RGBA PNG of 16383² pixels (2 GiB decoded) before inflating it', async () => {
    const path = join(dir, 'rgba16.png');
    await writeBytes(path, pngWithHeader(16383, 16383, 16, 6));
    await expect(decodeImage(path, 32)).rejects.toThrow(
      `cannot read image ${path}: the png header declares 16383×16383 pixels of 4 × 2-byte samples, 2047.8 MiB decoded, more than the limit of 256 MiB`,
    );
    // Grey at the pixel limit becomes 768 MiB of RGB.
    await writeBytes(path, pngWithHeader(16383, 16383, 8, 0));
    await expect(decodeImage(path, 32)).rejects.toThrow('767.9 MiB decoded, more than the limit of 256 MiB');
  });

  it('decodes images under the limit, several at once, within one memory budget', async () => {
    // Six 8000² RGBA PNGs of 100 KB each: each is decoded whole to 192 MB of RGB (PIL drops alpha
    // before resizing), then resized.
    const side = 8000;
    const first = join(dir, 'big-0.png');
    await sharp(Buffer.alloc(side * side * 2, 0x40), { raw: { width: side, height: side, channels: 2 } })
      .png({ compressionLevel: 1 })
      .toFile(first);
    const paths = [first, ...Array.from({ length: 5 }, (_, i) => join(dir, `big-${i + 1}.png`))];
    for (const copy of paths.slice(1)) await copyFile(first, copy);
    const measured = await measureInChild(DECODE_ALL_IN_CHILD, paths, 120_000);
    expect(measured.value).toEqual(paths.map(() => [32, 32]));
    expect(measured.maxRssBytes).toBeLessThan(800 * MIB);
  }, 180_000);
});
