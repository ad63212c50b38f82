import {
  createRandom,
  deriveSeed,
  definePlugin,
  shuffleInPlace,
  type Batch,
  type BatchOptions,
  type DataModule,
  type DataSplit,
  type SplitName,
} from '@nextplay/cls-core';

export const QUADRANT_CLASSES = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

/** Synthetic images: noise, plus one bright quadrant that is the class. Deterministic for a seed. */
function quadrantImages(
  count: number,
  size: number,
  seed: number,
): { images: Float32Array[]; labels: number[] } {
  const random = createRandom(seed);
  const images: Float32Array[] = [];
  const labels: number[] = [];
  const half = size / 2;
  for (let i = 0; i < count; i++) {
    const label = i % 4;
    const image = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const quadrant = (y < half ? 0 : 2) + (x < half ? 0 : 1);
        const base = quadrant === label ? 1 : -0.5;
        for (let c = 0; c < 3; c++) image[(y * size + x) * 3 + c] = base + (random() - 0.5);
      }
    }
    images.push(image);
    labels.push(label);
  }
  return { images, labels };
}

function split(name: SplitName, count: number, size: number, seed: number): DataSplit {
  const { images, labels } = quadrantImages(count, size, seed);
  return {
    name,
    size: count,
    classCounts: QUADRANT_CLASSES.map((_, c) => labels.filter((l) => l === c).length),
    async *batches(options: BatchOptions): AsyncIterable<Batch> {
      const order = Array.from({ length: count }, (_, i) => i);
      if (options.shuffle) shuffleInPlace(order, createRandom(deriveSeed(options.seed, options.epoch)));
      let emitted = options.startBatch ?? 0;
      for (let start = emitted * options.batchSize; start < count; start += options.batchSize) {
        if (options.limitBatches !== undefined && emitted >= options.limitBatches) return;
        const indices = order.slice(start, start + options.batchSize);
        if (options.dropLast === true && indices.length < options.batchSize) return;
        const pixels = new Float32Array(indices.length * size * size * 3);
        indices.forEach((index, k) => {
          pixels.set(images[index] ?? new Float32Array(0), k * size * size * 3);
        });
        emitted += 1;
        await Promise.resolve();
        yield {
          images: pixels,
          labels: Int32Array.from(indices.map((index) => labels[index] ?? 0)),
          shape: [indices.length, size, size, 3],
        };
      }
    },
  };
}

export interface QuadrantsOptions {
  readonly image_size: number;
  readonly train_size?: number;
  readonly with_val?: boolean;
  readonly with_test?: boolean;
}

export const quadrantsDatasetPlugin = definePlugin<'dataset', QuadrantsOptions>({
  kind: 'dataset',
  name: 'quadrants',
  package: 'engine-tests',
  description: 'Synthetic 4-class images: which quadrant is bright.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
  create: (options, context): DataModule => ({
    classes: QUADRANT_CLASSES,
    imageSize: [options.image_size, options.image_size],
    channels: 3,
    train: split('train', options.train_size ?? 128, options.image_size, deriveSeed(context.seed, 1)),
    val:
      options.with_val === false
        ? undefined
        : split('val', 32, options.image_size, deriveSeed(context.seed, 2)),
    test:
      options.with_test === false
        ? undefined
        : split('test', 40, options.image_size, deriveSeed(context.seed, 3)),
  }),
});
