import type { ImageSize, RawImage } from '@nextplay/cls-core';
import { decodeImage, decodeImagePixels, decodeImageWithin, type ResizeMode } from './decodeImage.js';

export interface PipelineResolution {
  readonly imageSize: ImageSize;
  readonly resize: ResizeMode;
  /** The short side transforms need (Infinity: the source); undefined: straight to imageSize. */
  readonly decodeSide: number | undefined;
}

/** Decodes a file at the resolution a split's pipeline works from. */
export function decodeForPipeline(path: string, resolution: PipelineResolution): Promise<RawImage> {
  const { imageSize, resize, decodeSide } = resolution;
  if (decodeSide === undefined) return decodeImage(path, imageSize, resize);
  if (decodeSide === Infinity) return decodeImagePixels(path);
  return decodeImageWithin(path, decodeSide);
}
