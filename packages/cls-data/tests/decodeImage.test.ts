import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import { decodeBmp, decodeImage, decodePngAtSize } from '@nextplay/cls-data';
import {
  encodeBmp24,
  encodeBmp4,
  pattern,
  tempDir,
  writeBytes,
  writeRgbPng,
  writeSolidImage,
  removeTempDirs,
} from './helpers/fixtures.js';

afterAll(removeTempDirs);

let dir: string;

beforeAll(async () => {
  dir = await tempDir();
});

function pixelAt(data: Uint8Array, width: number, x: number, y: number): number[] {
  const at = (y * width + x) * 3;
  return [...data.subarray(at, at + 3)];
}

describe('decodeImage', () => {
  it('decodes to size×size RGB, squashing any aspect ratio', async () => {
    const path = join(dir, 'red.png');
    await writeSolidImage(path, { width: 13, height: 7, color: [255, 0, 0] });
    const image = await decodeImage(path, 8);
    expect([image.width, image.height, image.channels, image.data.length]).toEqual([8, 8, 3, 8 * 8 * 3]);
    for (let i = 0; i < 64; i++)
      expect(pixelAt(image.data, 8, i % 8, Math.floor(i / 8))).toEqual([255, 0, 0]);
  });

  it('replicates grey to three channels and drops alpha', async () => {
    await writeSolidImage(join(dir, 'grey.jpg'), {
      width: 9,
      height: 11,
      color: [120, 120, 120],
      grey: true,
      format: 'jpeg',
    });
    await writeSolidImage(join(dir, 'rgba.png'), { width: 5, height: 5, color: [10, 200, 30], alpha: true });
    const grey = await decodeImage(join(dir, 'grey.jpg'), 4);
    expect(grey.channels).toBe(3);
    const [r = 0, g, b] = pixelAt(grey.data, 4, 2, 2);
    expect(Math.abs(r - 120)).toBeLessThanOrEqual(1);
    expect([g, b]).toEqual([r, r]);
    const rgba = await decodeImage(join(dir, 'rgba.png'), 5);
    expect(rgba.data.length).toBe(5 * 5 * 3);
    expect(pixelAt(rgba.data, 5, 4, 4)).toEqual([10, 200, 30]);
  });

  it('reads webp, gif and tiff', async () => {
    for (const format of ['webp', 'gif', 'tiff'] as const) {
      const path = join(dir, `blue.${format}`);
      await writeSolidImage(path, { width: 6, height: 6, color: [0, 0, 255], format });
      const image = await decodeImage(path, 6);
      const [r = 0, g = 0, b = 0] = pixelAt(image.data, 6, 3, 3);
      expect(r + g).toBeLessThan(10);
      expect(b).toBeGreaterThan(245);
    }
  });

  it('center_crop keeps the middle and letterbox pads with black', async () => {
    // 30×10: red | green | blue thirds.
    const width = 30;
    const height = 10;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(y * width + x) * 3 + Math.floor(x / 10)] = 255;
    }
    const path = join(dir, 'thirds.png');
    await writeRgbPng(path, data, width, height);

    const cropped = await decodeImage(path, 10, 'center_crop');
    expect(pixelAt(cropped.data, 10, 0, 5)).toEqual([0, 255, 0]);
    expect(pixelAt(cropped.data, 10, 9, 5)).toEqual([0, 255, 0]);

    const boxed = await decodeImage(path, 30, 'letterbox');
    expect(pixelAt(boxed.data, 30, 15, 0)).toEqual([0, 0, 0]);
    expect(pixelAt(boxed.data, 30, 15, 29)).toEqual([0, 0, 0]);
    expect(pixelAt(boxed.data, 30, 15, 15)).toEqual([0, 255, 0]);

    const filled = await decodeImage(path, 30, 'fill');
    expect(pixelAt(filled.data, 30, 0, 0)).toEqual([255, 0, 0]);
    expect(pixelAt(filled.data, 30, 29, 29)).toEqual([0, 0, 255]);
  });

  it('reads BMP, which sharp cannot', async () => {
    const data = pattern(5, 3);
    const path = join(dir, 'pattern.BMP');
    await writeBytes(path, encodeBmp24(data, 5, 3));
    expect([...(await decodeImage(path, 5)).data.subarray(0, 3)]).toEqual([...data.subarray(0, 3)]);
    expect(decodeBmp(encodeBmp24(data, 5, 3)).data).toEqual(data);

    const palette = [
      [255, 0, 0],
      [0, 0, 255],
    ] as const;
    const indices = [0, 1, 1, 0, 1, 1];
    const image = decodeBmp(encodeBmp4(indices, 3, 2, palette));
    expect([image.width, image.height]).toEqual([3, 2]);
    expect(Array.from({ length: 6 }, (_, i) => pixelAt(image.data, 3, i % 3, Math.floor(i / 3)))).toEqual(
      indices.map((i) => [...(palette[i] ?? [])]),
    );
  });

  it('reads 16- and 32-bit BMP, with default and bit-field masks', () => {
    const header = (bitsPerPixel: number, compression: number, pixelOffset: number, height: number) => {
      const bytes = new Uint8Array(pixelOffset);
      const view = new DataView(bytes.buffer);
      bytes.set([0x42, 0x4d]);
      view.setUint32(10, pixelOffset, true);
      view.setUint32(14, 40, true);
      view.setInt32(18, 2, true);
      view.setInt32(22, height, true);
      view.setUint16(26, 1, true);
      view.setUint16(28, bitsPerPixel, true);
      view.setUint32(30, compression, true);
      return { bytes, view };
    };
    // 16-bit 5-5-5, bottom-up: one row of [red, blue], padded to 4 bytes.
    const rgb555 = header(16, 0, 54, 1);
    const rgb555File = Uint8Array.of(...rgb555.bytes, 0x00, 0x7c, 0x1f, 0x00);
    expect([...decodeBmp(rgb555File).data]).toEqual([255, 0, 0, 0, 0, 255]);
    // 32-bit with explicit masks (B, G, R order reversed on purpose), top-down, two rows.
    const fields = header(32, 3, 66, -2);
    fields.view.setUint32(54, 0x000000ff, true); // red in the low byte
    fields.view.setUint32(58, 0x0000ff00, true);
    fields.view.setUint32(62, 0x00ff0000, true);
    const pixels = Uint8Array.of(10, 20, 30, 0, 40, 50, 60, 0, 70, 80, 90, 0, 100, 110, 120, 0);
    const decoded = decodeBmp(Uint8Array.of(...fields.bytes, ...pixels));
    expect([decoded.width, decoded.height]).toEqual([2, 2]);
    expect([...decoded.data]).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    expect(() => decodeBmp(Uint8Array.of(...header(32, 1, 54, 1).bytes, 0, 0, 0, 0))).toThrow(
      /compression 1/,
    );
    expect(() => decodeBmp(Uint8Array.of(...header(24, 0, 54, 4).bytes, 0, 0, 0))).toThrow(/truncated/);
  });

  it('decodes plain PNGs at the target size directly, exactly as sharp does', async () => {
    const size = 23;
    const rgb = pattern(size, size);
    const rgba = pattern(size, size, 4);
    const raw = (data: Uint8Array, channels: 1 | 2 | 3 | 4) =>
      sharp(data, { raw: { width: size, height: size, channels } });
    // [name, PNG, decoded without sharp?]
    const variants: [string, sharp.Sharp, boolean][] = [
      ['rgb', raw(rgb, 3).png({ adaptiveFiltering: true }), true],
      ['rgba', raw(rgba, 4).png({ adaptiveFiltering: true }), true],
      ['grey', raw(pattern(size, size, 1), 1).png({ adaptiveFiltering: true }), true],
      ['grey-alpha', raw(pattern(size, size, 2), 2).png(), true],
      ['palette', raw(rgb, 3).png({ palette: true, colours: 200 }), true],
      ['palette-4-bit', raw(rgb, 3).png({ palette: true, colours: 16 }), true],
      ['palette-1-bit', raw(rgb, 3).png({ palette: true, colours: 2 }), true],
      ['interlaced', raw(rgb, 3).png({ progressive: true }), false],
      ['16-bit', raw(rgb, 3).toColourspace('rgb16').png(), false],
      ['icc', raw(rgb, 3).withIccProfile('p3').png(), false],
    ];
    for (const [name, pipeline, isDirect] of variants) {
      const file = await pipeline.toBuffer();
      // Embedded colour profiles are ignored, as PIL does.
      const expected = new Uint8Array(
        await sharp(file, { ignoreIcc: true }).removeAlpha().toColourspace('srgb').raw().toBuffer(),
      );
      const direct = decodePngAtSize(file, size);
      expect(direct?.data, name).toEqual(isDirect ? expected : undefined);
      const path = join(dir, `${name}.png`);
      await writeBytes(path, file);
      expect((await decodeImage(path, size)).data, name).toEqual(expected);
    }
    const plain = await raw(rgb, 3).png().toBuffer();
    expect(decodePngAtSize(plain, size + 1)).toBeUndefined();

    // 2-bit grey, which sharp does not write: four pixels 0, 1, 2, 3 scale to 0, 85, 170, 255.
    const chunk = (type: string, data: Uint8Array) => {
      const out = new Uint8Array(12 + data.length);
      new DataView(out.buffer).setUint32(0, data.length);
      out.set(Buffer.from(type, 'latin1'), 4);
      out.set(data, 8);
      return out;
    };
    const header = Uint8Array.of(0, 0, 0, 4, 0, 0, 0, 4, 2, 0, 0, 0, 0);
    const rows = Uint8Array.of(0, 0b00011011, 0, 0b00011011, 0, 0b00011011, 0, 0b00011011);
    const grey2 = Uint8Array.of(
      ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      ...chunk('IHDR', header),
      ...chunk('IDAT', deflateSync(rows)),
      ...chunk('IEND', new Uint8Array(0)),
    );
    expect([...(decodePngAtSize(grey2, 4)?.data.subarray(0, 12) ?? [])]).toEqual([
      0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255,
    ]);
    expect(decodePngAtSize(plain.subarray(0, plain.length - 30), size)).toBeUndefined();
  });

  it('throws DATA_IMAGE_UNREADABLE naming the file', async () => {
    const path = join(dir, 'broken.png');
    await writeBytes(path, 'this is not an image');
    const error = await decodeImage(path, 8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClsError);
    expect(error).toMatchObject({ code: 'DATA_IMAGE_UNREADABLE' });
    expect((error as Error).message).toContain(path);

    const truncated = join(dir, 'truncated.jpg');
    const jpeg = await sharp(pattern(40, 40), { raw: { width: 40, height: 40, channels: 3 } })
      .jpeg()
      .toBuffer();
    await writeBytes(truncated, jpeg.subarray(0, jpeg.length / 2));
    await expect(decodeImage(truncated, 8)).rejects.toMatchObject({ code: 'DATA_IMAGE_UNREADABLE' });

    await writeBytes(join(dir, 'rle.bmp'), Uint8Array.of(0x42, 0x4d, ...new Uint8Array(60)));
    await expect(decodeImage(join(dir, 'rle.bmp'), 8)).rejects.toThrow(/rle\.bmp/);
  });
});
