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
}

export const wasmTrainingKernelSettings: WasmTrainingKernelSettings = {
  backpropInput: 'auto',
  forward: 'auto',
};

export function configureWasmTrainingKernels(settings: Partial<WasmTrainingKernelSettings>): void {
  Object.assign(wasmTrainingKernelSettings, settings);
}
