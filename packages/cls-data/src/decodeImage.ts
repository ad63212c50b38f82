import { readFile as readFileCallback } from 'node:fs';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ClsError, type RawImage } from '@nextplay/cls-core';
import { decodeBmp } from './decodeBmp.js';
import { decodePngAtSize } from './decodePng.js';

/** The callback `readFile`, promisified: for small files it costs well under half of `fs/promises`' version. */
const readFile = promisify(readFileCallback);

/**
 * How an image reaches `size`×`size`: `fill` squashes it (torchvision's `Resize((s, s))`), `center_crop` scales
 * the short side to `size` and crops the centre, `letterbox` fits it inside and pads with black.
 */
export type ResizeMode = 'fill' | 'center_crop' | 'letterbox';

export const RESIZE_MODES: readonly ResizeMode[] = ['fill', 'center_crop', 'letterbox'];

const FIT: Readonly<Record<ResizeMode, keyof sharp.FitEnum>> = {
  fill: 'fill',
  center_crop: 'cover',
  letterbox: 'contain',
};

/**
 * Decodes an image file to `size`×`size` 8-bit RGB (HWC): alpha dropped (as PIL's `convert('RGB')`), grey, CMYK
 * and palette images converted to sRGB, the first frame of animations. sharp works on libuv's thread pool;
 * plain PNGs already at the target size are decoded directly (see `decodePngAtSize`).
 * Throws `DATA_IMAGE_UNREADABLE` naming the file when it cannot be decoded.
 */
export async function decodeImage(
  path: string,
  size: number,
  resize: ResizeMode = 'fill',
): Promise<RawImage> {
  try {
    const extension = extname(path).toLowerCase();
    let input: sharp.Sharp;
    if (extension === '.bmp') {
      input = await bmpInput(path);
    } else if (extension === '.png') {
      const file = await readFile(path);
      const direct = decodePngAtSize(file, size);
      if (direct !== undefined) return direct;
      input = sharp(file, { failOn: 'error' });
    } else {
      input = sharp(path, { failOn: 'error' });
    }
    const { data, info } = await input
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: FIT[resize], kernel: 'linear', background: { r: 0, g: 0, b: 0 } })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: pixels, width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClsError('DATA_IMAGE_UNREADABLE', `cannot read image ${path}: ${reason}`, { cause: error });
  }
}

async function bmpInput(path: string): Promise<sharp.Sharp> {
  const image = decodeBmp(await readFile(path));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}
