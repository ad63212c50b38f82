import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { halfPrecisionEnabled } from './halfPrecision.js';
import { MeasuredChoice, productKernelChoice } from './kernelBenchmark.js';
import { runStockKernel } from './stockKernels.js';
import { TILE_SIZES, type TileSize } from './tiledMatrixProduct.js';

export interface ProductKernelArgs {
  readonly inputs: Readonly<Record<string, TensorInfo | undefined>>;
  readonly backend: WebGPUBackend;
  readonly attrs: object;
}

/** Our tiled product for one call, in float16 or float32, with this tile size; undefined where it does not apply. */
export type OwnProduct = ((options: { half: boolean; tile: TileSize }) => TensorInfo) | undefined;

/** A kernel a product can run as: tfjs-webgpu's, or our tiled product with this tile size. */
export type ProductKernelLabel = 'stock' | `ours-${TileSize}`;

/** Our tile size wherever nothing was timed: the smaller tiles fill a GPU with fewer rows and columns. */
const DEFAULT_TILE: TileSize = 64;

interface Candidate {
  readonly label: ProductKernelLabel;
  readonly run: () => TensorInfo;
}

/** Per kernel and precision (keyed by both), the choices made and the candidates' labels, in timing order. */
const choices = new Map<
  string,
  {
    readonly kernel: string;
    readonly precision: ProductKernelDecision['precision'];
    readonly measured: MeasuredChoice;
    readonly labels: readonly ProductKernelLabel[];
  }
>();

/** A choice `trainer.benchmark` made: for `kernel` in `precision`, with these input shapes and attributes (JSON). */
export interface ProductKernelDecision {
  readonly kernel: string;
  readonly precision: 'float32' | 'float16';
  readonly call: string;
  readonly chosen: ProductKernelLabel;
}

/** The choices made so far in this process, by kernel, precision and call. */
export function productKernelDecisions(): ProductKernelDecision[] {
  return [...choices.values()].flatMap(({ kernel, precision, measured, labels }) =>
    measured
      .choices()
      .map(([call, index]) => ({ kernel, precision, call, chosen: labels[index] ?? 'stock' })),
  );
}

/**
 * A convolution or matrix product: ours in float16 under 16-mixed; in float32 as `productKernelChoice` says
 * (tfjs-webgpu's, ours, or under `trainer.benchmark` the fastest for its shapes by GPU time). Under
 * `trainer.benchmark` our tile sizes are timed too, in either precision. `withStock: false` is for a kernel whose
 * stock version is never worth timing (it then runs only where ours does not apply, and on empty tensors).
 */
export function runProductKernel<Args extends ProductKernelArgs>(
  kernelName: string,
  args: Args,
  ownProduct: (args: Args) => OwnProduct,
  { withStock = true }: { withStock?: boolean } = {},
): TensorInfo {
  const stock = () => runStockKernel(kernelName, args);
  // WebGPU cannot bind an empty buffer: such a call goes to tfjs's kernel, as it would without ours.
  const empty = Object.values(args.inputs).some((input) => input?.shape.includes(0) === true);
  if (empty) return stock();
  const half = halfPrecisionEnabled();
  const choice = productKernelChoice();
  if (!half && choice === 'stock' && withStock) return stock();
  const own = ownProduct(args);
  if (own === undefined) return stock();
  if (choice !== 'measure') {
    const tile = TILE_SIZES.find((size) => choice === `ours-${size}`) ?? DEFAULT_TILE;
    return own({ half, tile });
  }
  const candidates: Candidate[] = [
    ...(half || !withStock ? [] : [{ label: 'stock', run: stock } as const]),
    ...TILE_SIZES.map((tile) => ({ label: `ours-${tile}` as const, run: () => own({ half, tile }) })),
  ];
  const precision = half ? 'float16' : 'float32';
  const key = `${kernelName} ${precision}`;
  let made = choices.get(key);
  if (made === undefined) {
    made = {
      kernel: kernelName,
      precision,
      measured: new MeasuredChoice(),
      labels: candidates.map(({ label }) => label),
    };
    choices.set(key, made);
  }
  return made.measured.run(
    args.backend,
    choiceKey(args),
    candidates.map(({ run }) => run),
  );
}

function choiceKey({ inputs, attrs }: ProductKernelArgs): string {
  const shapes = Object.entries(inputs).map(([name, tensor]) => [name, tensor?.shape]);
  return JSON.stringify([shapes, attrs]);
}
