import type { ImageSize } from '@nextplay/cls-core';
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
 * the caller runs the model on the current one.
 */
export async function* imageFileBatches(
  paths: readonly string[],
  batchSize: number,
  preprocessing: EvaluationPreprocessing,
): AsyncGenerator<ImageBatch> {
  const { imageSize, resize } = preprocessing;
  const [height, width] = imageSize;
  const normalize = createPixelNormalizer(preprocessing.mean, preprocessing.std);
  const imageLength = height * width * 3;
  const load = async (start: number): Promise<ImageBatch> => {
    const group = paths.slice(start, start + batchSize);
    const images = new Float32Array(group.length * imageLength);
    await Promise.all(
      group.map(async (path, slot) => {
        const image = await decodeImage(path, imageSize, resize);
        normalize(image.data, images, slot * imageLength);
      }),
    );
    return { images, shape: [group.length, height, width, 3] };
  };
  let next = load(0);
  for (let start = 0; start < paths.length; start += batchSize) {
    const current = await next;
    if (start + batchSize < paths.length) {
      next = load(start + batchSize);
      next.catch(() => undefined); // a failure surfaces when that batch is awaited
    }
    yield current;
  }
}
