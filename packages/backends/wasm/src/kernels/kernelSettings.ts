export interface WasmTrainingKernelSettings {
  /**
   * How Conv2DBackpropInput computes dx: `conv` (stride-phase convolutions of dy), `gemm` (one matrix product and a
   * scatter) or `auto` (whichever multiplies less for the shapes at hand). For benchmarks and tests.
   */
  backpropInput: 'auto' | 'conv' | 'gemm';
  /**
   * How Conv2D and FusedConv2D run: `stock` (the wasm kernel), `gemm` (patch matrix × filter, whenever the shapes
   * allow) or `auto` (the product when it skips filter taps or saves packing a new filter). For benchmarks and tests.
   */
  forward: 'auto' | 'stock' | 'gemm';
  /**
   * Which matrix product the kernels above use: `auto` (the engine's relaxed-SIMD kernels where relaxed SIMD can be
   * enabled, else XNNPACK's) or `xnnpack`. For benchmarks and tests.
   */
  product: 'auto' | 'xnnpack';
  /** Threads for the engine's own matrix product: the wasm backend sets its thread count here when it starts. */
  threads: number;
  /**
   * The most values of B the engine's product packs at once (default 4 Mi, 16 MB); larger products run in chunks of
   * the shared dimension, so that memory stays bounded on large images.
   */
  maxPackedValues: number;
}

export const wasmTrainingKernelSettings: WasmTrainingKernelSettings = {
  backpropInput: 'auto',
  forward: 'auto',
  product: 'auto',
  threads: 1,
  maxPackedValues: 4 * 1024 * 1024,
};

export function configureWasmTrainingKernels(settings: Partial<WasmTrainingKernelSettings>): void {
  for (const key of ['threads', 'maxPackedValues'] as const) {
    const value = settings[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new Error(`wasm training kernels: ${key} must be an integer >= 1, got ${String(value)}`);
    }
  }
  Object.assign(wasmTrainingKernelSettings, settings);
}
