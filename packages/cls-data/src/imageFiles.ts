import { extname } from 'node:path';

/**
 * Extensions read as images (compared case-insensitively): torchvision's `IMG_EXTENSIONS` (which includes
 * `.webp`; `.ppm` and `.pgm` are read by our own decoder, as `.bmp` is), plus `.gif`, which PIL reads as
 * torchvision's loader would.
 */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.bmp',
  '.ppm',
  '.pgm',
  '.gif',
  '.tif',
  '.tiff',
];

/** True for a visible file name with an image extension. */
export function isImageFileName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}
