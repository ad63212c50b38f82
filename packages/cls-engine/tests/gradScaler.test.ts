import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GradScaler } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Whether `scaler` finds every value of `gradients` finite, with the unscaled tensors disposed. */
async function allFinite(scaler: GradScaler, gradients: readonly tf.Tensor[]): Promise<boolean> {
  const unscaled = scaler.unscale(gradients);
  try {
    return await scaler.allFinite(unscaled);
  } finally {
    tf.dispose([...unscaled.gradients, unscaled.nonFinite]);
  }
}

/** Reads from the device (`Tensor.data()`, `dataSync()`) the active backend serves while `run` runs. */
async function countReads<T>(run: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const read = vi.spyOn(tf.engine(), 'read');
  const readSync = vi.spyOn(tf.engine(), 'readSync');
  const result = await run();
  return { result, reads: read.mock.calls.length + readSync.mock.calls.length };
}

describe('GradScaler', () => {
  it("starts from torch's defaults", () => {
    const scaler = new GradScaler();
    expect(scaler.scale).toBe(65536);
    expect(scaler.skippedSteps).toBe(0);
    expect(scaler.stateDict()).toEqual({ scale: 65536, growth_tracker: 0, skipped_steps: 0 });
  });

  it('grows the scale after growth_interval clean steps in a row', () => {
    const scaler = new GradScaler({ initScale: 8, growthInterval: 3 });
    scaler.update(false);
    scaler.update(false);
    expect(scaler.scale).toBe(8);
    scaler.update(false);
    expect(scaler.scale).toBe(16);
    expect(scaler.stateDict().growth_tracker).toBe(0);
    scaler.update(false);
    scaler.update(false);
    scaler.update(true); // an inf resets the run of clean steps
    scaler.update(false);
    scaler.update(false);
    expect(scaler.scale).toBe(8);
    scaler.update(false);
    expect(scaler.scale).toBe(16);
    expect(scaler.skippedSteps).toBe(1);
  });

  it('backs off on inf and on NaN gradients', async () => {
    const scaler = new GradScaler({ initScale: 1024, backoffFactor: 0.25 });
    for (const bad of [Infinity, -Infinity, NaN]) {
      const gradients = [tf.tensor1d([1, bad, 2])];
      const finite = await allFinite(scaler, gradients);
      expect(finite).toBe(false);
      scaler.update(!finite);
      tf.dispose(gradients);
    }
    expect(scaler.scale).toBe(1024 / 64);
    expect(scaler.skippedSteps).toBe(3);
  });

  it('finds an inf in any one of several gradients with one read from the device', async () => {
    const scaler = new GradScaler();
    const shapes: [number, number][] = [
      [3, 4],
      [1, 5],
      [2, 2],
    ];
    for (let bad = -1; bad < shapes.length; bad++) {
      const gradients = shapes.map(([rows, cols], i) => {
        const values = Array.from({ length: rows * cols }, (_, j) => (j % 2 === 0 ? 1e3 : -2e3) * (i + 1));
        if (i === bad) values[rows * cols - 1] = Infinity;
        return tf.tensor2d(values, [rows, cols]);
      });
      const before = tf.memory().numTensors;
      const { result, reads } = await countReads(() => allFinite(scaler, gradients));
      expect(result).toBe(bad === -1);
      expect(reads).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(gradients);
      vi.restoreAllMocks();
    }
  });

  it('checks each value, as torch does: huge finite values whose sum would overflow are finite', async () => {
    const gradients = [tf.tensor1d([3e38, 3e38]), tf.tensor1d([-3e38])];
    expect(await allFinite(new GradScaler(), gradients)).toBe(true);
    gradients.push(tf.tensor1d([0, NaN]));
    expect(await allFinite(new GradScaler(), gradients)).toBe(false);
    tf.dispose(gradients);
  });

  it('unscale divides every gradient by the scale into new tensors', async () => {
    const scaler = new GradScaler({ initScale: 512 });
    const gradients = [tf.tensor1d([512, -1024, 3]), tf.tensor2d([[256, 0]])];
    const { gradients: unscaled, nonFinite } = scaler.unscale(gradients);
    expect(unscaled[0]).not.toBe(gradients[0]);
    expect(Array.from(await unscaled[0]!.data())).toEqual([1, -2, 3 / 512]);
    expect(Array.from(await unscaled[1]!.data())).toEqual([0.5, 0]);
    expect(unscaled[1]!.shape).toEqual([1, 2]);
    expect(Array.from(await gradients[0]!.data())).toEqual([512, -1024, 3]);
    expect(nonFinite.dtype).toBe('int32');
    expect(Array.from(await nonFinite.data())).toEqual([0]);
    tf.dispose([...gradients, ...unscaled, nonFinite]);
  });

  it('restores its state from a state dict', () => {
    const scaler = new GradScaler({ initScale: 64, growthInterval: 4 });
    scaler.update(true);
    scaler.update(false);
    scaler.update(false);
    const state = scaler.stateDict();
    expect(state).toEqual({ scale: 32, growth_tracker: 2, skipped_steps: 1 });

    const restored = new GradScaler({ initScale: 64, growthInterval: 4 });
    restored.loadStateDict(JSON.parse(JSON.stringify(state)) as typeof state);
    expect(restored.stateDict()).toEqual(state);
    restored.update(false);
    restored.update(false);
    expect(restored.scale).toBe(64);
  });

  it('refuses settings torch refuses', () => {
    expect(() => new GradScaler({ growthFactor: 1 })).toThrow('growth factor must be above 1');
    expect(() => new GradScaler({ backoffFactor: 1 })).toThrow('backoff factor must be between 0 and 1');
    expect(() => new GradScaler({ initScale: 0 })).toThrow('init scale must be a positive number');
    expect(() => new GradScaler({ growthInterval: 0.5 })).toThrow(
      'growth interval must be a positive integer',
    );
  });
});
