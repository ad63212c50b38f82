import * as tf from '@tensorflow/tfjs-core';
import type * as WasmBackendModule from '@tensorflow/tfjs-backend-wasm';
import { probePackage, type BackendAvailability, type ComputeBackend, type Logger } from '@nextplay/cls-core';
import { registerWasmTrainingKernels } from './kernels/registerWasmTrainingKernels.js';
import { configureWasmTrainingKernels } from './kernels/kernelSettings.js';
import { ownProductPossible } from './kernels/parallelKernels.js';
import { WASM_HEAP_LIMIT_BYTES, guardWasmAllocations, type WasmAllocator } from './wasmHeapGuard.js';
import { installPthreadWorker, releaseIdlePthreadWorkers, withReportedCores } from './wasmThreads.js';

const PACKAGE = '@tensorflow/tfjs-backend-wasm';
const MULTITHREAD_FLAG = 'WASM_HAS_MULTITHREAD_SUPPORT';

type WasmModule = typeof WasmBackendModule;

/**
 * WebAssembly + XNNPACK (SIMD) with the engine's training kernels. With `threads` > 1 it starts tfjs's
 * threaded-SIMD build on Node worker threads (tfjs leaves it off on Node); if that cannot start, it says why and
 * runs single-threaded. Where the engine's own matrix products run (relaxed SIMD), they use the threads and
 * XNNPACK's pool keeps one: its threads spin for milliseconds after each operation, taking cores from the
 * products that follow, and the operations left to XNNPACK are small. Results are the same whatever the thread
 * count: work is split, not sums.
 */
export class WasmBackend implements ComputeBackend {
  readonly tfBackendName = 'wasm';
  readonly device = 'cpu';
  readonly priority = 10;
  threads: number | undefined;
  readonly memoryLimitBytes = WASM_HEAP_LIMIT_BYTES;
  readonly #requestedThreads: number;
  readonly #logger: Logger;
  /** Whether the threaded build started (with XNNPACK's pool at one thread where the engine's products run). */
  #threaded = false;

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
    guardWasmAllocations((tf.backend() as unknown as { wasm: WasmAllocator }).wasm);
    registerWasmTrainingKernels();
    const xnnpackThreads = wasm.getThreadsCount();
    this.threads = this.#threaded ? this.#requestedThreads : xnnpackThreads;
    configureWasmTrainingKernels({ threads: this.threads });
    this.#logger.debug(`wasm: ${this.threads} compute threads, ${xnnpackThreads} for XNNPACK operations`);
  }

  async #startThreaded(wasm: WasmModule): Promise<boolean> {
    const threads = this.#requestedThreads;
    const xnnpackThreads = ownProductPossible() ? 1 : threads;
    try {
      installPthreadWorker();
      tf.env().set(MULTITHREAD_FLAG, true);
      wasm.setThreadsCount(xnnpackThreads);
      const started = await withReportedCores(xnnpackThreads, () => tf.setBackend(this.tfBackendName));
      if (!started) throw new Error('the threaded-SIMD build did not initialize');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.warn(`wasm: ${threads} threads unavailable (${message}); using 1`);
      return false;
    }
    const backend = tf.backend() as unknown as { wasm: unknown };
    releaseIdlePthreadWorkers(backend.wasm);
    this.#threaded = true;
    return true;
  }
}
