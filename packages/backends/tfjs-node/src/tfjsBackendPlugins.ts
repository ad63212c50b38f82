import * as tf from '@tensorflow/tfjs-core';
import {
  definePlugin,
  importOptional,
  probePackage,
  type BackendAvailability,
  type ComputeBackend,
  type PluginDefinition,
} from '@nextplay/cls-core';

const PACKAGE = '@nextplay/cls-backend-tfjs-node';

interface TfjsBackendSpec {
  readonly name: string;
  readonly packageName: string;
  readonly tfBackendName: string;
  readonly device: ComputeBackend['device'];
  readonly priority: number;
  readonly description: string;
  readonly afterActivate?: () => void;
}

class TfjsBackend implements ComputeBackend {
  readonly tfBackendName: string;
  readonly device: ComputeBackend['device'];
  readonly priority: number;
  readonly #spec: TfjsBackendSpec;

  constructor(spec: TfjsBackendSpec) {
    this.#spec = spec;
    this.tfBackendName = spec.tfBackendName;
    this.device = spec.device;
    this.priority = spec.priority;
  }

  probe(): Promise<BackendAvailability> {
    return probePackage(this.#spec.packageName);
  }

  async activate(): Promise<void> {
    const imported = await importOptional(this.#spec.packageName);
    if (!imported.ok) throw new Error(imported.reason);
    if (!(await tf.setBackend(this.tfBackendName))) {
      throw new Error(`TensorFlow.js could not initialize the ${this.tfBackendName} backend`);
    }
    await tf.ready();
    this.#spec.afterActivate?.();
  }
}

function tfjsBackendPlugin(spec: TfjsBackendSpec): PluginDefinition<'backend'> {
  return definePlugin<'backend', Record<string, unknown>>({
    kind: 'backend',
    name: spec.name,
    package: PACKAGE,
    description: spec.description,
    optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
    create: () => new TfjsBackend(spec),
  });
}

export const tfjsNodeGpuBackendPlugin = tfjsBackendPlugin({
  name: 'tfjs-node-gpu',
  packageName: '@tensorflow/tfjs-node-gpu',
  tfBackendName: 'tensorflow',
  device: 'gpu',
  priority: 30,
  description:
    'libtensorflow with CUDA (optional peer dependency @tensorflow/tfjs-node-gpu; CUDA 11.2 + cuDNN 8.1).',
});

export const tfjsNodeBackendPlugin = tfjsBackendPlugin({
  name: 'tfjs-node',
  packageName: '@tensorflow/tfjs-node',
  tfBackendName: 'tensorflow',
  device: 'cpu',
  priority: 20,
  description: 'libtensorflow on the CPU (optional peer dependency @tensorflow/tfjs-node).',
});

export const cpuBackendPlugin = tfjsBackendPlugin({
  name: 'cpu',
  packageName: '@tensorflow/tfjs-backend-cpu',
  tfBackendName: 'cpu',
  device: 'cpu',
  priority: 0,
  description: 'Plain JavaScript reference backend: slow, for tiny models and tests.',
});

export const tfjsBackendPlugins = [tfjsNodeGpuBackendPlugin, tfjsNodeBackendPlugin, cpuBackendPlugin];
