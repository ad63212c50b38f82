import { expect } from 'vitest';
import { createRandom } from '@nextplay/cls-core';

/** `size` seeded values uniform in [center − spread, center + spread). */
export function randomValues(size: number, seed: number, center = 0, spread = 1): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: size }, () => center + (random() * 2 - 1) * spread);
}

/**
 * The largest difference between `actual` and `expected`, relative to the largest expected magnitude or to
 * `minScale` where all are smaller (1 suits values that cancel to near zero).
 */
export function maxRelativeDiff(actual: Float32Array, expected: Float32Array, minScale = 1e-6): number {
  expect(actual.length).toBe(expected.length);
  let scale = minScale;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let diff = 0;
  for (let i = 0; i < actual.length; i++)
    diff = Math.max(diff, Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)));
  return diff / scale;
}
