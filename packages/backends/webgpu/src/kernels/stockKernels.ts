import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** tfjs-webgpu's own kernels that ours replace, kept to fall back to and to restore (benchmarks). */
const stockKernels = new Map<string, KernelConfig>();

export function keepStockKernel(config: KernelConfig): void {
  stockKernels.set(config.kernelName, config);
}

export function stockKernel(kernelName: string): KernelConfig | undefined {
  return stockKernels.get(kernelName);
}

/** Runs tfjs-webgpu's own kernel `kernelName` with a kernel function's arguments. */
export function runStockKernel(kernelName: string, args: unknown): TensorInfo {
  const stock = stockKernels.get(kernelName);
  if (stock === undefined) throw new Error(`the stock webgpu ${kernelName} kernel was not kept`);
  return stock.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
}
