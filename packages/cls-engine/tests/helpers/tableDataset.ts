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

/** One sample: three feature values (a 1×1 RGB image) and its class index. */
export type TableRow = readonly [number, number, number, number];

export interface TableOptions {
  readonly classes: readonly string[];
  readonly train: readonly TableRow[];
  readonly test?: readonly TableRow[];
}

function split(name: SplitName, rows: readonly TableRow[], numClasses: number): DataSplit {
  return {
    name,
    size: rows.length,
    classCounts: Array.from({ length: numClasses }, (_, c) => rows.filter((r) => r[3] === c).length),
    async *batches(options: BatchOptions): AsyncIterable<Batch> {
      const order = rows.map((_, i) => i);
      if (options.shuffle) shuffleInPlace(order, createRandom(deriveSeed(options.seed, options.epoch)));
      for (let start = 0; start < rows.length; start += options.batchSize) {
        const picked = order.slice(start, start + options.batchSize).map((i) => rows[i]!);
        await Promise.resolve();
        yield {
          images: Float32Array.from(picked.flatMap((r) => [r[0], r[1], r[2]])),
          labels: Int32Array.from(picked.map((r) => r[3])),
          shape: [picked.length, 1, 1, 3],
        };
      }
    },
  };
}

/** A dataset spelled out in the config: 1×1 RGB images, for gradients that can be computed by hand. */
export const tableDatasetPlugin = definePlugin<'dataset', TableOptions>({
  kind: 'dataset',
  name: 'table',
  package: 'engine-tests',
  description: 'Tiny hand-written samples.',
  optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
  create: (options): DataModule => ({
    classes: options.classes,
    imageSize: [1, 1],
    channels: 3,
    train: split('train', options.train, options.classes.length),
    val: undefined,
    test: options.test === undefined ? undefined : split('test', options.test, options.classes.length),
  }),
});
