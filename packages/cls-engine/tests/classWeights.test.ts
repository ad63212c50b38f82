import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClsError, PluginRegistry, createLogger } from '@nextplay/cls-core';
import { enginePlugins, fit } from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';
import { selectBackend } from '../src/backends/selectBackend.js';
import { resolveClassWeights } from '../src/training/classWeights.js';
import { crossEntropy } from '../src/training/crossEntropy.js';
import { linearModelPlugin } from './helpers/linearModel.js';
import { probePlugin, type Probe } from './helpers/probeCallback.js';
import { runConfig } from './helpers/runConfig.js';
import { tableDatasetPlugin, type TableRow } from './helpers/tableDataset.js';

interface FixtureCase {
  readonly name: string;
  readonly logits: number[][];
  readonly labels?: number[];
  readonly targets?: number[][];
  readonly weights: number[] | null;
  readonly label_smoothing: number;
  readonly loss: number;
  readonly grad: number[][];
}

/** torch's F.cross_entropy on fixed logits (tools/make-class-weight-fixtures.py). */
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/classWeights/cross_entropy.json', import.meta.url), 'utf8'),
) as { counts: number[]; auto: number[]; cases: FixtureCase[] };

describe('weighted cross-entropy against torch', () => {
  beforeAll(async () => {
    await selectBackend(
      'cpu',
      new PluginRegistry().register(...enginePlugins, ...backendPlugins),
      createLogger({ console: false }),
      {
        threads: 1,
      },
    );
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: loss and gradient match', (_, c) => {
    const classes = c.logits[0]!.length;
    const logits = tf.tensor2d(c.logits);
    const targets =
      c.targets === undefined
        ? (tf.cast(tf.oneHot(tf.tensor1d(c.labels!, 'int32'), classes), 'float32') as tf.Tensor2D)
        : tf.tensor2d(c.targets);
    const options = {
      labelSmoothing: c.label_smoothing,
      classWeights: c.weights ?? undefined,
      hardLabels: c.targets === undefined,
    };
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
      crossEntropy(x as tf.Tensor2D, targets, options),
    )(logits);
    expect(value.dataSync()[0]).toBeCloseTo(c.loss, 5);
    const actual = grad.arraySync() as number[][];
    actual.forEach((row, i) => {
      row.forEach((g, j) => {
        expect(g).toBeCloseTo(c.grad[i]![j]!, 6);
      });
    });
    tf.dispose([logits, targets, value, grad]);
  });

  it('auto is n_samples / (n_classes · count_c), as sklearn balanced', () => {
    const weights = resolveClassWeights('auto', fixture.counts, fixture.counts.length)!;
    weights.forEach((w, c) => {
      expect(w).toBeCloseTo(fixture.auto[c]!, 12);
    });
    expect(resolveClassWeights('auto', [4, 0, 2], 3)).toEqual([0.75, 0, 1.5]);
    expect(resolveClassWeights(null, [1, 2], 2)).toBeUndefined();
  });

  it('rejects a list that is not one weight ≥ 0 per class, in one line', () => {
    const message = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(ClsError);
        return (error as ClsError).message;
      }
      throw new Error('no error');
    };
    expect(message(() => resolveClassWeights([1, 2], [3, 3, 3], 3))).toBe(
      'model.class_weights has 2 weights, but the model has 3 classes: give one weight per class, in the order of classes.json',
    );
    expect(message(() => resolveClassWeights([1, -1], [3, 3], 2))).toMatch(
      /class_weights\[1\] must be a finite/,
    );
    expect(message(() => resolveClassWeights([0, 0], [3, 3], 2))).toMatch(/all 0/);
  });
});

describe('model.class_weights in fit', () => {
  let runDir: string;
  let probes: Probe[];

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cls-engine-class-weights-'));
    probes = [];
  });

  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  async function trainOneStep(classWeights: unknown): Promise<number[][]> {
    const registry = new PluginRegistry().register(
      ...enginePlugins,
      ...backendPlugins,
      tableDatasetPlugin,
      linearModelPlugin,
      probePlugin(probes),
    );
    const train: TableRow[] = [
      [1, 2, 0, 0],
      [0, 1, -1, 1],
    ];
    const config = runConfig({
      data: { name: 'table', classes: ['a', 'b'], train, batch_size: 2 },
      model: { arch: 'zero_linear', class_weights: classWeights },
      optimizer: { name: 'sgd', lr: 1, weight_decay: 0, momentum: 0 },
      scheduler: { name: 'constant', warmup_epochs: 0 },
      trainer: { max_epochs: 1 },
      callbacks: { probe: {} },
    });
    await fit({ config, registry, runDir, logger: createLogger({ console: false }) });
    return probes.at(-1)!.weights;
  }

  it('weights each sample by its class and divides by the summed weights (one SGD step from W = 0)', async () => {
    // Uniform softmax: dlogitsᵢ = w_{yᵢ}(½ − one_hotᵢ) / (w_a + w_b); with w = [1, 3] the samples count ¼ and ¾.
    const [kernel, bias] = await trainOneStep([1, 3]);
    const expected = [0.125, -0.125, -0.125, 0.125, 0.375, -0.375];
    kernel!.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 6);
    });
    bias!.forEach((value, i) => {
      expect(value).toBeCloseTo([-0.25, 0.25][i]!, 6);
    });
  });

  it('stops before training when the list has the wrong length', async () => {
    await expect(trainOneStep([1, 2, 3])).rejects.toThrow(/has 3 weights, but the model has 2 classes/);
  });
});
