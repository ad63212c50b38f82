import type { Accelerator } from './configSchema.js';
import type { Logger } from './logger.js';

export interface BackendAvailability {
  readonly available: boolean;
  /** Why it is or is not available, shown when the engine explains its choice. */
  readonly reason: string;
}

/** The device a GPU backend computes on, as its driver names it; logged and written to results.json. */
export interface BackendAdapter {
  readonly vendor: string;
  /** The device, or its architecture where the driver names no device. */
  readonly device: string;
  /** The driver's description, e.g. its name and version. */
  readonly driver: string;
  /** A CPU emulating a GPU (llvmpipe, SwiftShader): correct, but slow. */
  readonly software: boolean;
}

/** Whether a backend computes in 16-bit mixed precision from now on, or why it cannot. */
export type MixedPrecisionSupport =
  { readonly enabled: true } | { readonly enabled: false; readonly reason: string };

/** A TensorFlow.js backend the engine may train on. */
export interface ComputeBackend {
  /** The tfjs backend name once active, e.g. `wasm`, `tensorflow`, `cpu`. */
  readonly tfBackendName: string;
  readonly device: Exclude<Accelerator, 'auto'>;
  /** Higher is tried first under `trainer.accelerator=auto`. */
  readonly priority: number;
  probe(): Promise<BackendAvailability>;
  /** Loads and activates the backend (registering any kernels it needs). */
  activate(): Promise<void>;
  /** CPU threads it computes with once active, where it controls them (the wasm backend). */
  readonly threads?: number | undefined;
  /**
   * The most bytes its tensors can hold at once, where the backend has a hard ceiling that no setting lifts (the
   * wasm backend's 32-bit heap); undefined where the engine knows of none.
   */
  readonly memoryLimitBytes?: number | undefined;
  /** The GPU it computes on once probed, where it is a GPU backend that can name one. */
  readonly adapter?: BackendAdapter | undefined;
  /**
   * Once active: with `true`, computes convolutions and matrix products in float16 (`trainer.precision=16-mixed`;
   * tensors and variables stay float32), or says why it cannot; with `false`, in float32 again. Absent: the
   * backend computes in float32 only.
   */
  setMixedPrecision?(enabled: boolean): MixedPrecisionSupport;
  /**
   * Once active: `trainer.benchmark`, as Lightning's flag sets `torch.backends.cudnn.benchmark`. With `true`, the
   * backend may pick each convolution's and matrix product's kernel by timing the ones it has for that shape (so a
   * run's kernels, and its last bits, may depend on timings); with `false`, it runs a fixed choice. Absent: the
   * backend has one kernel per operation.
   */
  setKernelBenchmark?(enabled: boolean): void;
}

export interface BackendContext {
  readonly logger: Logger;
  /** CPU threads a CPU backend may use (`trainer.num_threads`, all cores by default). */
  readonly threads: number;
  /** The `trainer.accelerator` asked for: a GPU backend accepts a software adapter only under `gpu`. */
  readonly accelerator?: Accelerator | undefined;
}
