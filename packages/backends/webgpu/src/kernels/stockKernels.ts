import type { KernelConfig } from '@tensorflow/tfjs-core';

/** tfjs-webgpu's own kernels that ours replace, kept to fall back to and to restore (benchmarks). */
const stockKernels = new Map<string, KernelConfig>();

export function keepStockKernel(config: KernelConfig): void {
  stockKernels.set(config.kernelName, config);
}

export function stockKernel(kernelName: string): KernelConfig | undefined {
  return stockKernels.get(kernelName);
}
