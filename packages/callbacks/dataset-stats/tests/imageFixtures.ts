import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';

export type FixtureFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'bmp';

/** Writes a real `width`×`height` image of `format` to `path` (options: the JPEG's EXIF orientation). */
export async function writeImage(
  path: string,
  format: FixtureFormat,
  width: number,
  height: number,
  options: { readonly orientation?: number; readonly lossless?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  if (format === 'bmp') {
    await writeFile(path, bmp(width, height));
    return;
  }
  let image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } });
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  const encoded =
    format === 'webp' ? image.webp({ lossless: options.lossless ?? false }) : image.toFormat(format);
  await writeFile(path, await encoded.toBuffer());
}

/** A 24-bit top-down Windows bitmap (negative height), which sharp cannot write. */
function bmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + rowBytes * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(-height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.fill(0x80, 54);
  return file;
}
