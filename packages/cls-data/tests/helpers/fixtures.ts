import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import {
  PluginRegistry,
  createLogger,
  type DatasetContext,
  type Transform,
  type TransformContext,
} from '@nextplay/cls-core';
import { dataPlugins } from '@nextplay/cls-data';

export type Rgb = readonly [number, number, number];

export interface SolidImage {
  readonly width: number;
  readonly height: number;
  readonly color: Rgb;
  readonly format?: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff';
  /** Written as a one-channel grey image (uses the red value). */
  readonly grey?: boolean;
  /** Adds an opaque alpha channel. */
  readonly alpha?: boolean;
}

const created: string[] = [];

/** A new folder under the OS temp dir, removed by `removeTempDirs`. */
export async function tempDir(prefix = 'cls-data-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes a one-colour image with sharp in the given format, creating parent folders. */
export async function writeSolidImage(path: string, image: SolidImage): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const [r, g, b] = image.color;
  let pipeline = sharp({
    create: {
      width: image.width,
      height: image.height,
      channels: image.alpha === true ? 4 : 3,
      background: image.alpha === true ? { r, g, b, alpha: 1 } : { r, g, b },
    },
  });
  if (image.grey === true) pipeline = pipeline.toColourspace('b-w');
  const format = image.format ?? 'png';
  pipeline = format === 'jpeg' ? pipeline.jpeg({ quality: 100 }) : pipeline.toFormat(format);
  await pipeline.toFile(path);
}

/** Writes raw RGB pixels as a PNG. */
export async function writeRgbPng(
  path: string,
  data: Uint8Array,
  width: number,
  height: number,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

/** An uncompressed 24-bit BMP, bottom-up, of the RGB pixels given row by row from the top. */
export function encodeBmp24(data: Uint8Array, width: number, height: number): Uint8Array {
  const row = Math.ceil((width * 3) / 4) * 4;
  const file = new Uint8Array(54 + row * height);
  const view = new DataView(file.buffer);
  file.set([0x42, 0x4d]);
  view.setUint32(2, file.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = 54 + (height - 1 - y) * row + x * 3;
      file[to] = data[from + 2] ?? 0;
      file[to + 1] = data[from + 1] ?? 0;
      file[to + 2] = data[from] ?? 0;
    }
  }
  return file;
}

/** A 4-bit palette BMP, top-down (negative height), of palette indices given row by row. */
export function encodeBmp4(
  indices: readonly number[],
  width: number,
  height: number,
  palette: readonly Rgb[],
): Uint8Array {
  const row = Math.ceil((width * 4) / 32) * 4;
  const paletteBytes = 16 * 4;
  const offset = 54 + paletteBytes;
  const file = new Uint8Array(offset + row * height);
  const view = new DataView(file.buffer);
  file.set([0x42, 0x4d]);
  view.setUint32(2, file.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, -height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 4, true);
  palette.forEach(([r, g, b], i) => {
    file.set([b, g, r, 0], 54 + i * 4);
  });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = offset + y * row + (x >> 1);
      const value = indices[y * width + x] ?? 0;
      file[at] = (file[at] ?? 0) | (x % 2 === 0 ? value << 4 : value);
    }
  }
  return file;
}

export async function writeBytes(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

export interface TestContext extends DatasetContext {
  readonly messages: { readonly type: string; readonly text: string }[];
  readonly transformsCreated: string[];
}

/** A dataset context with a silent logger that records messages and this package's transforms. */
export function testContext(seed = 0): TestContext {
  const messages: { type: string; text: string }[] = [];
  const transformsCreated: string[] = [];
  const logger = createLogger({ console: false });
  logger.addReporter({
    log(entry) {
      messages.push({ type: entry.type, text: entry.args.map(String).join(' ') });
    },
  });
  const registry = new PluginRegistry().register(...dataPlugins);
  return {
    logger,
    seed,
    messages,
    transformsCreated,
    createTransform: (
      name: string,
      options: Readonly<Record<string, unknown>>,
      context: TransformContext,
    ): Promise<Transform> => {
      transformsCreated.push(name);
      return registry.create('transform', name, options, context);
    },
  };
}

/** A deterministic, non-uniform RGB test pattern. */
export function pattern(width: number, height: number, channels = 3): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + ((i * i) % 101)) % 256;
  return data;
}
