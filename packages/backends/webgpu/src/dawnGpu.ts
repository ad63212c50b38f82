import { setDawnEventPolling } from './dawnEventPolling.js';

let gpu: Promise<GPU> | undefined;

/**
 * WebGPU through Dawn's Node bindings (the `webgpu` package's prebuilt dawn.node), installed as `navigator.gpu` with
 * WebGPU's constants, as tfjs-backend-webgpu expects from a browser, with its event polling paced
 * (dawnEventPolling.ts). Created once per process.
 */
export function dawnGpu(): Promise<GPU> {
  gpu ??= import('webgpu').then((dawn) => {
    Object.assign(globalThis, dawn.globals);
    setDawnEventPolling('paced');
    // Dawn withholds shader-f16 on NVIDIA's Vulkan driver (crbug.com/42251215) unless this toggle lifts it; only
    // 16-mixed kernels use f16, and their tests check them against float32.
    // Timestamps are quantized to 65.536 µs by default (timing-attack mitigation in browsers), too coarse to time
    // one kernel (trainer.benchmark, tf.profile).
    const instance = dawn.create([
      'enable-dawn-features=vulkan_enable_f16_on_nvidia',
      'disable-dawn-features=timestamp_quantization',
    ]);
    const scope = globalThis as { navigator?: { gpu?: GPU } };
    if (scope.navigator === undefined) {
      Object.defineProperty(globalThis, 'navigator', {
        value: { gpu: instance },
        configurable: true,
        writable: true,
      });
    } else {
      Object.defineProperty(scope.navigator, 'gpu', { value: instance, configurable: true });
    }
    return instance;
  });
  return gpu;
}
