import { cpuBackendPlugin } from '@nextplay/cls-backend-tfjs-node';
import { definePlugin } from '@nextplay/cls-core';

/**
 * The cpu backend, preferred over every other cpu backend, that accepts `setMixedPrecision` as a backend with
 * float16 kernels does (it still computes in float32) and records each call in `modes` (and of
 * `setKernelBenchmark` in `benchmarks`): lets the engine's `16-mixed` and `trainer.benchmark` paths run without a GPU.
 */
export function mixedPrecisionBackendPlugin(modes: boolean[], benchmarks: boolean[] = []) {
  return definePlugin<'backend', Record<string, unknown>>({
    kind: 'backend',
    name: 'mixed_cpu',
    package: 'engine-tests',
    description: 'The cpu backend, claiming float16 kernels.',
    optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
    create: async (options, context) => {
      const cpu = await cpuBackendPlugin.create(options, context);
      return {
        tfBackendName: cpu.tfBackendName,
        device: cpu.device,
        priority: 100,
        probe: () => cpu.probe(),
        activate: () => cpu.activate(),
        setMixedPrecision: (enabled: boolean) => {
          modes.push(enabled);
          return enabled ? { enabled: true } : { enabled: false, reason: 'float32 was asked for' };
        },
        setKernelBenchmark: (enabled: boolean) => {
          benchmarks.push(enabled);
        },
      };
    },
  });
}
