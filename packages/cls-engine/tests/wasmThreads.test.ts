import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/threadedTrainingSteps.mjs', import.meta.url));

/** Each run needs a fresh process: the wasm backend's thread count is fixed when it first starts. */
async function trainWith(threads: number): Promise<{ threads: number; weights: number[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [script, String(threads)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { threads: number; weights: number[] };
}

describe('the multi-threaded wasm backend on Node', () => {
  it('starts with the requested threads and trains to bit-identical weights', async () => {
    const [single, threaded] = await Promise.all([trainWith(1), trainWith(2)]);
    expect(single.threads).toBe(1);
    expect(threaded.threads).toBe(2);
    expect(threaded.weights).toEqual(single.weights);
    expect(single.weights.some((w) => w !== 0)).toBe(true);
  }, 60_000);
});
