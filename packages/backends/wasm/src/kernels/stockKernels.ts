import type { KernelFunc } from '@tensorflow/tfjs-core';

/** The wasm backend's own kernels that the engine's replacements fall back to, kept before they are replaced. */
const stockKernels = new Map<string, KernelFunc>();

export function keepStockKernel(kernelName: string, kernelFunc: KernelFunc): void {
  stockKernels.set(kernelName, kernelFunc);
}

export function stockKernel(kernelName: string): KernelFunc {
  const kernelFunc = stockKernels.get(kernelName);
  if (kernelFunc === undefined) throw new Error(`the stock wasm ${kernelName} kernel was not kept`);
  return kernelFunc;
}
