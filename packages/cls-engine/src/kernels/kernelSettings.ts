export interface WasmTrainingKernelSettings {
  /**
   * How Conv2DBackpropInput computes dx: `conv` (stride-phase convolutions of dy), `gemm` (one matrix product and a
   * scatter) or `auto` (whichever multiplies less for the shapes at hand). For benchmarks and tests.
   */
  backpropInput: 'auto' | 'conv' | 'gemm';
}

export const wasmTrainingKernelSettings: WasmTrainingKernelSettings = { backpropInput: 'auto' };

export function configureWasmTrainingKernels(settings: Partial<WasmTrainingKernelSettings>): void {
  Object.assign(wasmTrainingKernelSettings, settings);
}
