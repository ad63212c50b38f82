import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@nextplay/cls-core';
import { cpuBackendPlugin, tfjsNodeBackendPlugin, tfjsNodeGpuBackendPlugin } from '../src/index.js';

const context = { logger: createLogger({ console: false }), threads: 1 };

describe('TensorFlow.js package backends', () => {
  it('report an optional native package that is not installed, naming it', async () => {
    for (const plugin of [tfjsNodeGpuBackendPlugin, tfjsNodeBackendPlugin]) {
      const backend = await plugin.create({}, context);
      const availability = await backend.probe();
      expect(availability.available).toBe(false);
      expect(availability.reason).toMatch(/is not installed$/);
      await expect(backend.activate()).rejects.toThrow(/tfjs-node(-gpu)? is not installed/);
    }
    expect((await tfjsNodeGpuBackendPlugin.create({}, context)).device).toBe('gpu');
  });

  it('activates the cpu reference backend', async () => {
    const backend = await cpuBackendPlugin.create({}, context);
    expect(await backend.probe()).toEqual({
      available: true,
      reason: '@tensorflow/tfjs-backend-cpu is installed',
    });
    await backend.activate();
    expect(tf.getBackend()).toBe('cpu');
    expect(await tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).data()).toEqual(new Float32Array([4, 6]));
  });
});
