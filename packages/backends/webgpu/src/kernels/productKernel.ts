import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { halfPrecisionEnabled } from './halfPrecision.js';
import { MeasuredChoice, productKernelChoice } from './kernelBenchmark.js';
import { runStockKernel } from './stockKernels.js';

export interface ProductKernelArgs {
  readonly inputs: Readonly<Record<string, TensorInfo | undefined>>;
  readonly backend: WebGPUBackend;
  readonly attrs: object;
}

/** Our tiled product for one call, in float16 or float32; undefined where it does not apply. */
export type OwnProduct = ((half: boolean) => TensorInfo) | undefined;

const choices = new Map<string, MeasuredChoice>();

/** A choice `trainer.benchmark` made: for `kernel` with these input shapes and attributes (JSON), which one ran. */
export interface ProductKernelDecision {
  readonly kernel: string;
  readonly call: string;
  readonly chosen: 'stock' | 'ours';
}

/** The choices made so far in this process, by kernel and call. */
export function productKernelDecisions(): ProductKernelDecision[] {
  return [...choices].flatMap(([kernel, measured]) =>
    measured
      .choices()
      .map(([call, index]) => ({ kernel, call, chosen: index === 0 ? 'stock' : 'ours' }) as const),
  );
}

/**
 * A convolution or matrix product: ours in float16 under 16-mixed; in float32 as `productKernelChoice` says
 * (tfjs-webgpu's, ours, or under `trainer.benchmark` the faster of the two for its shapes by GPU time).
 */
export function runProductKernel<Args extends ProductKernelArgs>(
  kernelName: string,
  args: Args,
  ownProduct: (args: Args) => OwnProduct,
): TensorInfo {
  const stock = () => runStockKernel(kernelName, args);
  const half = halfPrecisionEnabled();
  const choice = productKernelChoice();
  if (!half && choice === 'stock') return stock();
  const own = ownProduct(args);
  if (own === undefined) return stock();
  if (half || choice === 'ours') return own(half);
  let measured = choices.get(kernelName);
  if (measured === undefined) {
    measured = new MeasuredChoice();
    choices.set(kernelName, measured);
  }
  return measured.run(args.backend, choiceKey(args), [stock, () => own(false)]);
}

function choiceKey({ inputs, attrs }: ProductKernelArgs): string {
  const shapes = Object.entries(inputs).map(([name, tensor]) => [name, tensor?.shape]);
  return JSON.stringify([shapes, attrs]);
}
