import * as tf from '@tensorflow/tfjs-core';
import { ClsError, createPixelNormalizer, type SplitName, type TrainerContext } from '@nextplay/cls-core';

/** Real images of one split, normalized as the data pipeline feeds the model: float32 NHWC. */
export interface ComparisonBatch {
  /** Null for random inputs (see `randomComparisonBatch`). */
  readonly split: SplitName | null;
  readonly nhwc: Float32Array;
  /** `[count, height, width, 3]` */
  readonly shape: readonly [number, number, number, number];
}

const SPLITS_BY_PREFERENCE: readonly SplitName[] = ['val', 'test', 'train'];

/**
 * Up to `count` images of the val split (else test, else train), spread evenly over the split's unshuffled
 * order (splits are sorted by class, so the first images would all be of one class), normalized with
 * `(pixel / 255 - mean) / std`. Undefined when no split holds images.
 */
export async function loadComparisonBatch(
  context: TrainerContext,
  count: number,
): Promise<ComparisonBatch | undefined> {
  const { mean, std } = context.config.data;
  const normalize = createPixelNormalizer(mean, std);
  for (const split of SPLITS_BY_PREFERENCE) {
    const size = context.data[split]?.size ?? 0;
    if (size === 0) continue;
    const n = Math.min(count, size);
    const indices = Array.from({ length: n }, (_, i) => Math.floor((i * size) / n));
    const images = await context.loadImages(split, indices);
    const [first] = images ?? [];
    if (images === undefined || first === undefined) continue;
    const { width, height } = first;
    const pixels = width * height * 3;
    const nhwc = new Float32Array(images.length * pixels);
    images.forEach((image, i) => {
      if (image.width !== width || image.height !== height || image.channels !== 3) {
        throw new ClsError(
          'CONFIG_INVALID',
          `${split} image ${indices[i]} is ${image.width}×${image.height}×${image.channels}, expected ${width}×${height}×3`,
        );
      }
      normalize(image.data, nhwc, i * pixels);
    });
    return { split, nhwc, shape: [images.length, height, width, 3] };
  }
  return undefined;
}

/**
 * `count` seeded standard-normal images, for a run whose splits hold no images (a dataset kept in memory): the
 * check `cls export` does. `split` is null so the sidecar says so.
 */
export async function randomComparisonBatch(
  height: number,
  width: number,
  count: number,
): Promise<ComparisonBatch> {
  const shape = [count, height, width, 3] as const;
  const noise = tf.randomNormal([...shape], 0, 1, 'float32', 0);
  const nhwc = (await noise.data()).slice() as Float32Array;
  noise.dispose();
  return { split: null, nhwc, shape };
}
