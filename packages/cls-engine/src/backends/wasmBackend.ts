import * as tf from '@tensorflow/tfjs-core';
import type * as WasmBackendModule from '@tensorflow/tfjs-backend-wasm';
import type { BackendAvailability, ComputeBackend, Logger } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from '../kernels/registerWasmTrainingKernels.js';
import { configureWasmTrainingKernels } from '../kernels/kernelSettings.js';
import { probePackage } from './importOptional.js';
import { installPthreadWorker, releaseIdlePthreadWorkers, withReportedCores } from './wasmThreads.js';

const PACKAGE = '@tensorflow/tfjs-backend-wasm';
const MULTITHREAD_FLAG = 'WASM_HAS_MULTITHREAD_SUPPORT';

type WasmModule = typeof WasmBackendModule;

/**
 * WebAssembly + XNNPACK (SIMD) with the engine's convolution-gradient kernels. With `threads` > 1 it starts
 * tfjs's threaded-SIMD build on Node worker threads (tfjs leaves it off on Node); if that cannot start, it says
 * why and runs single-threaded. Results are the same either way: XNNPACK splits work, not sums, across threads.
 */
export class WasmBackend implements ComputeBackend {
  readonly tfBackendName = 'wasm';
  readonly device = 'cpu';
  readonly priority = 10;
  threads: number | undefined;
  readonly #requestedThreads: number;
  readonly #logger: Logger;

  constructor(requestedThreads: number, logger: Logger) {
    this.#requestedThreads = requestedThreads;
    this.#logger = logger;
  }

  probe(): Promise<BackendAvailability> {
    return probePackage(PACKAGE);
  }

  async activate(): Promise<void> {
    const wasm = (await import(PACKAGE)) as WasmModule;
    if (this.#requestedThreads > 1 && !(await this.#startThreaded(wasm))) {
      tf.env().set(MULTITHREAD_FLAG, false);
    }
    if (tf.getBackend() !== this.tfBackendName && !(await tf.setBackend(this.tfBackendName))) {
      throw new Error('TensorFlow.js could not initialize the wasm backend');
    }
    await tf.ready();
    registerWasmTrainingKernels();
    this.threads = wasm.getThreadsCount();
    configureWasmTrainingKernels({ threads: this.threads });
  }

  async #startThreaded(wasm: WasmModule): Promise<boolean> {
    const threads = this.#requestedThreads;
    try {
      installPthreadWorker();
      tf.env().set(MULTITHREAD_FLAG, true);
      wasm.setThreadsCount(threads);
      const started = await withReportedCores(threads, () => tf.setBackend(this.tfBackendName));
      if (!started) throw new Error('the threaded-SIMD build did not initialize');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.warn(`wasm: ${threads} threads unavailable (${message}); using 1`);
      return false;
    }
    const backend = tf.backend() as unknown as { wasm: unknown };
    releaseIdlePthreadWorkers(backend.wasm);
    return true;
  }
}
