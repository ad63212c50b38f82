import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '@nextplay/cls-core';
import { findAdapter, webgpuBackendPlugin } from '../src/index.js';

// The CI machine has Mesa's lavapipe (a software Vulkan driver) from bookworm-backports, as .ci/run installs it.
const search = await findAdapter();

function quietLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = createLogger({ console: false });
  logger.addReporter({ log: (entry) => messages.push(entry.args.map(String).join(' ')) });
  return { logger, messages };
}

/** Seeded values, so that each backend builds its own tensors from the same numbers. */
function randomValues(size: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 1073741824 - 1;
  });
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** Runs `compute` on webgpu, then on cpu, returning the values of the tensors it returns. */
async function onBoth(compute: () => tf.Tensor[]): Promise<{ gpu: number[][]; cpu: number[][] }> {
  const values = async (): Promise<number[][]> => {
    const list = compute();
    const data = await Promise.all(list.map(async (t) => Array.from(await t.data())));
    tf.dispose(list);
    return data;
  };
  await tf.setBackend('webgpu');
  const gpu = await values();
  await tf.setBackend('cpu');
  const cpu = await values();
  await tf.setBackend('webgpu');
  return { gpu, cpu };
}

function maxDiff(a: number[][], b: number[][]): number {
  let worst = 0;
  a.forEach((values, i) => {
    values.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - (b[i]?.[j] ?? NaN)));
    });
  });
  return worst;
}

describe.skipIf(!search.found)('the WebGPU backend on this machine’s adapter', () => {
  const adapter = search.found ? search.adapter : undefined;

  it('names the adapter and keeps a software one out of auto', async () => {
    expect(adapter?.vendor).toBeTruthy();
    const auto = await webgpuBackendPlugin.create(
      {},
      { logger: quietLogger().logger, threads: 1, accelerator: 'auto' },
    );
    const availability = await auto.probe();
    if (adapter?.software === true) {
      expect(availability.available).toBe(false);
      expect(availability.reason).toMatch(
        /^WebGPU has (only a software adapter \(.+\); trainer\.accelerator=gpu runs on it|no hardware GPU \(.+\))$/,
      );
    } else {
      expect(availability.available).toBe(true);
    }
  });

  it('runs under trainer.accelerator=gpu, warning on a software adapter', async () => {
    const { logger, messages } = quietLogger();
    const backend = await webgpuBackendPlugin.create({}, { logger, threads: 1, accelerator: 'gpu' });
    expect((await backend.probe()).available).toBe(true);
    await backend.activate();
    expect(tf.getBackend()).toBe('webgpu');
    expect(backend.adapter).toEqual(adapter);
    expect(messages.some((m) => m.includes('software adapter'))).toBe(adapter?.software === true);
  });

  it('computes conv2d and its input and filter gradients as the cpu backend does', async () => {
    const { gpu, cpu } = await onBoth(() => {
      const x = randomTensor([2, 9, 9, 3], 1) as tf.Tensor4D;
      const w = randomTensor([3, 3, 3, 8], 2) as tf.Tensor4D;
      const dy = randomTensor([2, 5, 5, 8], 3);
      const y = tf.conv2d(x, w, 2, 'same');
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'),
      )([x, w], dy);
      tf.dispose([x, w, dy]);
      return [y, dx!, dw!];
    });
    expect(gpu.map((v) => v.length)).toEqual([400, 486, 216]);
    expect(maxDiff(gpu, cpu)).toBeLessThan(1e-4);
  });

  it('trains a tiny conv net for a few steps to the cpu backend’s weights', async () => {
    const { gpu, cpu } = await onBoth(() => {
      const x = randomTensor([4, 8, 8, 2], 4);
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
      const w1 = tf.variable(randomTensor([3, 3, 2, 4], 5));
      const w2 = tf.variable(randomTensor([4, 3], 6));
      const optimizer = tf.train.adam(0.01);
      for (let step = 0; step < 3; step += 1) {
        optimizer.minimize(() => {
          const h = tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as unknown as tf.Tensor4D, 1, 'same'));
          const logits = tf.matMul(tf.mean(h, [1, 2]), w2);
          return tf.losses.softmaxCrossEntropy(labels, logits);
        });
      }
      const weights = [w1.clone(), w2.clone()];
      optimizer.dispose();
      w1.dispose();
      tf.dispose([w2, x, labels]);
      return weights;
    });
    expect(maxDiff(gpu, cpu)).toBeLessThan(1e-4);
  });
});
