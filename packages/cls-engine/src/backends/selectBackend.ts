import { availableParallelism } from 'node:os';
import {
  ClsError,
  type Accelerator,
  type BackendAdapter,
  type ComputeBackend,
  type Logger,
  type MixedPrecisionSupport,
  type PluginRegistry,
} from '@nextplay/cls-core';

export interface SelectedBackend {
  readonly name: string;
  readonly reason: string;
  /** CPU threads, for backends that control them (wasm). */
  readonly threads: number | undefined;
  /** The backend's hard memory ceiling in bytes, where it has one (wasm: 4 GiB). */
  readonly memoryLimitBytes: number | undefined;
  /** The GPU it computes on, where a GPU backend names one (vendor, device, driver). */
  readonly adapter: BackendAdapter | undefined;
  /**
   * Switches the backend's convolutions and matrix products to float16 (`true`) or back to float32 (`false`),
   * saying whether they now compute in float16. A backend without float16 kernels stays in float32 and says so.
   */
  readonly setMixedPrecision: (enabled: boolean) => MixedPrecisionSupport;
  /** `trainer.benchmark`: kernels chosen per shape by timing them, where the backend has a choice. */
  readonly setKernelBenchmark: (enabled: boolean) => void;
}

export interface BackendSettings {
  /** `trainer.num_threads`: CPU threads for the wasm backend; null or absent = every core. */
  readonly threads?: number | null;
  /** `trainer.benchmark`: kernels chosen per shape by timing them, where the backend has a choice. */
  readonly benchmark?: boolean;
}

const GPU_HINT =
  'WebGPU needs a GPU driver with Vulkan (Linux: apt-get install libvulkan1 and the driver; in Docker NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics), Metal or D3D12; ' +
  'or install `npm install @tensorflow/tfjs-node-gpu` (needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1); or use trainer.accelerator=cpu';

/**
 * Picks and activates the backend to train on: the highest-priority available backend of the requested device
 * (any device under `auto`). Backends that fail to activate are skipped with their reason.
 */
export async function selectBackend(
  accelerator: Accelerator,
  registry: PluginRegistry,
  logger: Logger,
  settings: BackendSettings = {},
): Promise<SelectedBackend> {
  const threads = settings.threads ?? availableParallelism();
  const candidates: { name: string; backend: ComputeBackend }[] = [];
  for (const definition of registry.list('backend')) {
    const backend = await registry.create('backend', definition.name, {}, { logger, threads, accelerator });
    if (accelerator === 'auto' || backend.device === accelerator)
      candidates.push({ name: definition.name, backend });
  }
  candidates.sort((a, b) => b.backend.priority - a.backend.priority);

  const skipped: string[] = [];
  for (const { name, backend } of candidates) {
    const availability = await backend.probe();
    if (!availability.available) {
      skipped.push(availability.reason);
      continue;
    }
    try {
      await backend.activate();
    } catch (error) {
      skipped.push(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const reason =
      skipped.length > 0
        ? skipped.join('; ')
        : accelerator === 'auto'
          ? 'highest-priority backend available'
          : `highest-priority ${accelerator} backend available`;
    const threadCount =
      backend.threads === undefined ? '' : `, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
    const adapter = backend.adapter;
    const onAdapter =
      adapter === undefined ? '' : ` on ${adapter.vendor} ${adapter.device} (driver ${adapter.driver})`;
    logger.info(`backend: ${name}${threadCount}${onAdapter} (${reason})`);
    if (settings.benchmark !== undefined) backend.setKernelBenchmark?.(settings.benchmark);
    return {
      name,
      reason,
      threads: backend.threads,
      memoryLimitBytes: backend.memoryLimitBytes,
      adapter,
      setMixedPrecision: (enabled) =>
        backend.setMixedPrecision?.(enabled) ?? {
          enabled: false,
          reason: `the ${name} backend computes in float32 only`,
        },
      setKernelBenchmark: (enabled) => backend.setKernelBenchmark?.(enabled),
    };
  }

  if (accelerator === 'gpu') {
    const why = skipped.length > 0 ? skipped.join('; ') : 'no GPU backend is registered';
    throw new ClsError(
      'BACKEND_UNAVAILABLE',
      `trainer.accelerator=gpu but no GPU backend is available: ${why}`,
      {
        hint: GPU_HINT,
      },
    );
  }
  const why =
    skipped.length > 0
      ? skipped.join('; ')
      : `no ${accelerator === 'auto' ? '' : `${accelerator} `}backend is registered`;
  throw new ClsError(
    'BACKEND_UNAVAILABLE',
    `no TensorFlow.js backend is available for trainer.accelerator=${accelerator}: ${why}`,
  );
}
