import { extname } from 'node:path';
import sharp from 'sharp';
import { ClsError, type RawImage } from '@nextplay/cls-core';
import { decodeBmpFile } from './decodeBmp.js';
import { decodePngAtSize } from './decodePng.js';
import { IMAGE_READ_INTO_MEMORY_MAX_BYTES, MAX_IMAGE_PIXELS } from './imageLimits.js';
import { readImageFile } from './readImageFile.js';

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
 * Throws `DATA_IMAGE_UNREADABLE` naming the file when it cannot be decoded, is not a regular file, declares more
 * than `MAX_IMAGE_PIXELS` pixels, or holds image data beyond what its header declares (a PNG inflate bomb).
 */
export async function decodeImage(
  path: string,
  size: number,
  resize: ResizeMode = 'fill',
): Promise<RawImage> {
  try {
    const extension = extname(path).toLowerCase();
    if (extension === '.bmp') {
      return await decodeBmpFile(path, (image) =>
        resizeToRgb(
          sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }),
          size,
          resize,
        ),
      );
    }
    // Large files go to sharp by path, which reads them as it decodes.
    const file = await readImageFile(path, IMAGE_READ_INTO_MEMORY_MAX_BYTES);
    const direct = file !== undefined && extension === '.png' ? decodePngAtSize(file, size) : undefined;
    if (direct !== undefined) return direct;
    const input = sharp(file ?? path, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
    return await resizeToRgb(input, size, resize);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClsError('DATA_IMAGE_UNREADABLE', `cannot read image ${path}: ${reason}`, { cause: error });
  }
}

/** sharp's pipeline to `size`×`size` 8-bit RGB. */
async function resizeToRgb(input: sharp.Sharp, size: number, resize: ResizeMode): Promise<RawImage> {
  const { data, info } = await input
    .removeAlpha()
    .toColourspace('srgb')
    .resize(size, size, { fit: FIT[resize], kernel: 'linear', background: { r: 0, g: 0, b: 0 } })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { data: pixels, width: info.width, height: info.height, channels: 3 };
}
