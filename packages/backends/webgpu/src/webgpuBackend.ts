import * as tf from '@tensorflow/tfjs-core';
import {
  importOptional,
  type Accelerator,
  type BackendAdapter,
  type BackendAvailability,
  type ComputeBackend,
  type Logger,
} from '@nextplay/cls-core';
import { dawnGpu } from './dawnGpu.js';
import { findAdapter } from './findAdapter.js';
import { formatAdapter } from './gpuAdapter.js';
import { gpuDeviceNodesPresent } from './gpuDeviceNodes.js';
import { registerWebGpuTrainingKernels } from './kernels/registerWebGpuTrainingKernels.js';

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
}
