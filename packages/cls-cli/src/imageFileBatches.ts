import { isClsError, type ImageSize, type RawImage } from '@nextplay/cls-core';
import type { ImageBatch } from '@nextplay/cls-engine';
import { createPixelNormalizer, decodeImage, type ResizeMode } from '@nextplay/cls-data';

/** How the checkpoint's data pipeline prepared images for evaluation. */
export interface EvaluationPreprocessing {
  /** `[height, width]` the model takes. */
  readonly imageSize: ImageSize;
  readonly resize: ResizeMode;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Decodes image files into normalized batches exactly as an ImageFolder split does without augmentation
 * (resize, grey/alpha/CMYK → RGB, `(pixel / 255 − mean) / std`). The next batch decodes on libuv's threads while
 * the caller runs the model on the current one. With `onUnreadable`, a file that cannot be read is left out of its
 * batch (a batch of none is not yielded) and reported with the decoder's reason; without it, it ends the batches.
 */
export async function* imageFileBatches(
  paths: readonly string[],
  batchSize: number,
  preprocessing: EvaluationPreprocessing,
  onUnreadable?: (path: string, reason: string) => void,
): AsyncGenerator<ImageBatch> {
  const { imageSize, resize } = preprocessing;
  const [height, width] = imageSize;
  const normalize = createPixelNormalizer(preprocessing.mean, preprocessing.std);
  const imageLength = height * width * 3;
  const decode = async (path: string): Promise<RawImage | undefined> => {
    try {
      return await decodeImage(path, imageSize, resize);
    } catch (error) {
      if (onUnreadable === undefined || !isClsError(error) || error.code !== 'DATA_IMAGE_UNREADABLE')
        throw error;
      onUnreadable(path, unreadableReason(error.message, path));
      return undefined;
    }
  };
  const load = async (start: number): Promise<ImageBatch> => {
    const decoded = await Promise.all(paths.slice(start, start + batchSize).map(decode));
    const readable = decoded.filter((image): image is RawImage => image !== undefined);
    const images = new Float32Array(readable.length * imageLength);
    for (const [slot, image] of readable.entries()) normalize(image.data, images, slot * imageLength);
    return { images, shape: [readable.length, height, width, 3] };
  };
  let next = load(0);
  for (let start = 0; start < paths.length; start += batchSize) {
    const current = await next;
    if (start + batchSize < paths.length) {
      next = load(start + batchSize);
      next.catch(() => undefined); // a failure surfaces when that batch is awaited
    }
    if (current.shape[0] > 0) yield current;
  }
}

/** The decoder's message without its `cannot read image <path>: ` prefix. */
function unreadableReason(message: string, path: string): string {
  const prefix = `cannot read image ${path}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
