import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRandom, type RawImage } from '@nextplay/cls-core';
import {
  IMAGENET_POLICY,
  applyAugmentOp,
  autoAugmentSpace,
  createAutoAugment,
  createRandAugment,
  createTrivialAugmentWide,
  randAugmentSpace,
  trivialAugmentSpace,
  type AugmentOp,
  type AugmentationSpace,
} from '@nextplay/cls-data';

// Written by tools/make-transform-fixtures.py from torchvision 0.14's autoaugment module.
interface SpaceFixture {
  readonly image_size: [number, number];
  readonly rand_augment: AugmentationSpace;
  readonly trivial_augment_wide: AugmentationSpace;
  readonly auto_augment: AugmentationSpace;
  readonly imagenet_policy: readonly (readonly [string, number, number | null][])[];
}
interface Encoded {
  readonly width: number;
  readonly height: number;
  readonly data: string;
}
interface OpsFixture {
  readonly input: Encoded;
  readonly cases: readonly {
    readonly params: { op: AugmentOp; magnitude: number };
    readonly output: Encoded;
  }[];
}

const readJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`fixtures/transforms/${name}.json`, import.meta.url), 'utf8'));
const decode = (e: Encoded): RawImage => ({
  width: e.width,
  height: e.height,
  channels: 3,
  data: new Uint8Array(Buffer.from(e.data, 'base64')),
});

function expectSameSpace(actual: AugmentationSpace, expected: AugmentationSpace): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [op, { magnitudes, signed }] of Object.entries(expected) as [
    AugmentOp,
    { magnitudes: number[]; signed: boolean },
  ][]) {
    expect(actual[op]?.signed, op).toBe(signed);
    const ours = actual[op]?.magnitudes ?? [];
    expect(ours.length, op).toBe(magnitudes.length);
    ours.forEach((m, i) => {
      expect(m, `${op}[${i}]`).toBeCloseTo(magnitudes[i] ?? NaN, 4);
    });
  }
}

describe('AutoAugment family against torchvision', () => {
  const space = readJson('augment_space') as SpaceFixture;
  const [height, width] = space.image_size;

  it('has the same op sets and magnitude bins', () => {
    expectSameSpace(randAugmentSpace(31, height, width), space.rand_augment);
    expectSameSpace(trivialAugmentSpace(31), space.trivial_augment_wide);
    expectSameSpace(autoAugmentSpace(height, width), space.auto_augment);
  });

  it('has the imagenet policy', () => {
    expect(IMAGENET_POLICY.map((pair) => pair.map((step) => [...step]))).toEqual(space.imagenet_policy);
  });

  it('applies each op as torchvision _apply_op does', () => {
    const ops = readJson('augment_ops') as OpsFixture;
    const input = decode(ops.input);
    for (const { params, output } of ops.cases) {
      const expected = decode(output);
      const actual = applyAugmentOp(input, params.op, params.magnitude, 'nearest', 0);
      let beyond = 0;
      expected.data.forEach((v, k) => {
        if (Math.abs(v - (actual.data[k] ?? 0)) > 1) beyond++;
      });
      expect(beyond, params.op).toBeLessThanOrEqual(6);
    }
  });

  it('draws ops reproducibly per seed and keeps the size', async () => {
    const input = decode((readJson('augment_ops') as OpsFixture).input);
    for (const transform of [createRandAugment({}), createTrivialAugmentWide({}), createAutoAugment({})]) {
      const outputs = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => Promise.resolve(transform.apply(input, createRandom(seed)))),
      );
      expect(await transform.apply(input, createRandom(3))).toEqual(outputs[2]);
      expect(outputs.every((o) => o.width === 24 && o.height === 20)).toBe(true);
      expect(new Set(outputs.map((o) => Buffer.from(o.data).toString('base64'))).size).toBeGreaterThan(2);
    }
    expect(() => createRandAugment({ magnitude: 31 })).toThrow(/rand_augment\.magnitude/);
  });
});
