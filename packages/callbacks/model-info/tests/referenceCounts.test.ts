import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { buildResNet, RESNET_ARCHITECTURES, type ResNetArchName } from '@nextplay/cls-models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { countMacs, countParameters, describeModel } from '../src/index.js';

/** Counts over torchvision's models, made by tools/make-torchvision-counts.py. */
interface ReferenceCase {
  readonly arch: ResNetArchName;
  readonly num_classes: number;
  readonly image_size: number;
  readonly channels: number;
  readonly params: number;
  readonly macs: number;
  readonly weights_mib: number;
}

const reference = JSON.parse(
  readFileSync(new URL('fixtures/reference_counts.json', import.meta.url), 'utf8'),
) as { readonly cases: readonly ReferenceCase[] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('counts of @nextplay/cls-models ResNets against torchvision', () => {
  it.each(
    reference.cases.map((c) => [`${c.arch}, ${c.num_classes} classes, ${c.channels}x${c.image_size} px`, c]),
  )('%s', (_, c) => {
    // Built only (weights initialized), never run: a 224 px forward pass takes 20+ s on the cpu backend.
    const model = buildResNet({
      ...RESNET_ARCHITECTURES[c.arch],
      numClasses: c.num_classes,
      imageSize: c.image_size,
      channels: c.channels,
      seed: 0,
    });
    try {
      const params = countParameters(model);
      expect(params.total).toBe(c.params);
      expect(params.trainable).toBe(c.params);
      // The 1% the brief allows is not needed: the walk over layer configs counts what the hooks count.
      expect(countMacs(model)).toBe(c.macs);
      const info = describeModel(model, { arch: c.arch, batchSize: 8, benchmark: false, budgetSeconds: 1 });
      expect(info.weights_mb).toBeCloseTo(c.weights_mib, 3);
      expect(info.input_size).toEqual([c.image_size, c.image_size, c.channels]);
      expect(info.num_classes).toBe(c.num_classes);
    } finally {
      model.dispose();
    }
  });

  it('gives torchvision’s published GFLOPS at 224 px with 1000 classes', () => {
    const published: Record<string, number> = { resnet18: 1.814, resnet34: 3.664, resnet50: 4.089 };
    for (const c of reference.cases.filter((c) => c.image_size === 224 && c.num_classes === 1000)) {
      expect(Math.round(c.macs / 1e6) / 1e3).toBe(published[c.arch]);
    }
  });
});
