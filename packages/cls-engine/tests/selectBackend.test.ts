import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, createLogger, definePlugin, type Logger } from '@nextplay/cls-core';
import { wasmTrainingKernels } from '@nextplay/cls-backend-wasm';
import { enginePlugins, selectBackend } from '../src/index.js';
import { backendPlugins } from './helpers/backendPlugins.js';

function quietLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = createLogger({ console: false });
  logger.addReporter({ log: (entry) => messages.push(entry.args.map(String).join(' ')) });
  return { logger, messages };
}

describe('selectBackend without tfjs-node', () => {
  it('auto picks wasm, explains why, and registers the training kernels', async () => {
    const { logger, messages } = quietLogger();
    const registry = new PluginRegistry().register(...enginePlugins, ...backendPlugins);
    const selected = await selectBackend('auto', registry, logger, { threads: 1 });
    expect(selected.name).toBe('wasm');
    expect(selected.threads).toBe(1);
    expect(selected.reason).toBe(
      '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
    );
    expect(messages).toContain(`backend: wasm, 1 thread (${selected.reason})`);
    expect(tf.getBackend()).toBe('wasm');
    for (const kernel of wasmTrainingKernels) {
      expect(tf.getKernel(kernel.kernelName, 'wasm').kernelFunc).toBe(kernel.kernelFunc);
    }
  });

  it('gpu fails with BACKEND_UNAVAILABLE and says how to install tfjs-node-gpu', async () => {
    const registry = new PluginRegistry().register(...enginePlugins, ...backendPlugins);
    const error = await selectBackend('gpu', registry, quietLogger().logger).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(message).toContain('npm install @tensorflow/tfjs-node-gpu');
    expect(message).toContain('CUDA 11.2');
    expect(message).toContain('cuDNN 8.1');
  });

  it('cpu considers cpu-device backends only, by priority', async () => {
    const registry = new PluginRegistry().register(...backendPlugins.filter((p) => p.name !== 'wasm'));
    const selected = await selectBackend('cpu', registry, quietLogger().logger, { benchmark: true });
    const { setMixedPrecision, setKernelBenchmark, ...chosen } = selected;
    expect(chosen).toEqual({ name: 'cpu', reason: '@tensorflow/tfjs-node is not installed' });
    // trainer.benchmark means nothing to a backend with one kernel per operation.
    expect(() => {
      setKernelBenchmark(true);
    }).not.toThrow();
    expect(tf.getBackend()).toBe('cpu');
    // A backend without float16 kernels says so for either mode.
    for (const enabled of [true, false]) {
      expect(setMixedPrecision(enabled)).toEqual({
        enabled: false,
        reason: 'the cpu backend computes in float32 only',
      });
    }
  });

  it('skips a backend that fails to start', async () => {
    const broken = definePlugin<'backend', Record<string, unknown>>({
      kind: 'backend',
      name: 'broken',
      package: 'engine-tests',
      description: 'Available but fails to activate.',
      optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
      create: () => ({
        tfBackendName: 'broken',
        device: 'cpu',
        priority: 100,
        probe: () => Promise.resolve({ available: true, reason: 'always' }),
        activate: () => Promise.reject(new Error('no luck')),
      }),
    });
    const registry = new PluginRegistry().register(broken, ...backendPlugins);
    const selected = await selectBackend('auto', registry, quietLogger().logger);
    expect(selected.name).toBe('wasm');
    expect(selected.reason).toContain('broken failed to start: no luck');
  });
});
