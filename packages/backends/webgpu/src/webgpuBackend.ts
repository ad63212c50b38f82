import * as tf from '@tensorflow/tfjs-core';
import {
  importOptional,
  type Accelerator,
  type BackendAdapter,
  type BackendAvailability,
  type ComputeBackend,
  type Logger,
  type MixedPrecisionSupport,
} from '@nextplay/cls-core';
import { dawnGpu } from './dawnGpu.js';
import { findAdapter } from './findAdapter.js';
import { formatAdapter } from './gpuAdapter.js';
import { gpuDeviceNodesPresent } from './gpuDeviceNodes.js';
import { setHalfPrecision } from './kernels/halfPrecision.js';
import { setProductKernelChoice } from './kernels/kernelBenchmark.js';
import { registerWebGpuTrainingKernels } from './kernels/registerWebGpuTrainingKernels.js';
import { installWebGpuBackendFactory } from './webgpuDevice.js';

const PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/**
 * TensorFlow.js's WebGPU backend on Dawn. A hardware adapter is taken under `trainer.accelerator=auto` and `gpu`; a
 * software one (llvmpipe, SwiftShader) only under `gpu`, with a warning, since it is a slow CPU in disguise.
 */
export class WebGpuBackend implements ComputeBackend {
  readonly tfBackendName = 'webgpu';
  readonly device = 'gpu';
  readonly priority = 25;
  adapter: BackendAdapter | undefined;
  readonly #accelerator: Accelerator | undefined;
  readonly #logger: Logger;

  constructor(accelerator: Accelerator | undefined, logger: Logger) {
    this.#accelerator = accelerator;
    this.#logger = logger;
  }

  async probe(): Promise<BackendAvailability> {
    if (this.#accelerator !== 'gpu' && !gpuDeviceNodesPresent()) {
      return {
        available: false,
        reason: 'WebGPU has no hardware GPU (no /dev/dri render node or /dev/nvidia0)',
      };
    }
    const search = await findAdapter();
    if (!search.found) return { available: false, reason: search.reason };
    const adapter = search.adapter;
    if (adapter.software && this.#accelerator !== 'gpu') {
      return {
        available: false,
        reason: `WebGPU has only a software adapter (${formatAdapter(adapter)}); trainer.accelerator=gpu runs on it`,
      };
    }
    this.adapter = adapter;
    return { available: true, reason: `WebGPU adapter ${formatAdapter(adapter)}` };
  }

  async activate(): Promise<void> {
    await dawnGpu();
    const imported = await importOptional(PACKAGE);
    if (!imported.ok) throw new Error(imported.reason);
    await installWebGpuBackendFactory();
    registerWebGpuTrainingKernels();
    if (!(await tf.setBackend(this.tfBackendName))) {
      throw new Error('TensorFlow.js could not initialize the webgpu backend');
    }
    await tf.ready();
    if (this.adapter?.software === true) {
      this.#logger.warn(
        `WebGPU runs on a software adapter (${formatAdapter(this.adapter)}): results are right but training is slow; a GPU's Vulkan driver makes it fast`,
      );
    }
  }

  setMixedPrecision(enabled: boolean): MixedPrecisionSupport {
    if (!enabled) {
      setHalfPrecision(false);
      return { enabled: false, reason: 'float32 was asked for' };
    }
    if (tf.getBackend() !== this.tfBackendName) {
      return { enabled: false, reason: 'the webgpu backend is not active' };
    }
    const { device } = tf.backend() as unknown as { readonly device: GPUDevice };
    if (!device.features.has('shader-f16')) {
      const adapter = this.adapter === undefined ? 'the WebGPU adapter' : formatAdapter(this.adapter);
      return { enabled: false, reason: `${adapter} lacks the shader-f16 feature (float16 shaders)` };
    }
    setHalfPrecision(true);
    return { enabled: true };
  }

  setKernelBenchmark(enabled: boolean): void {
    setProductKernelChoice(enabled ? 'measure' : 'stock');
  }
}
