import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  BatchMatMul,
  _FusedMatMul,
  backend_util,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type _FusedMatMulAttrs,
} from '@tensorflow/tfjs-core';
import { ProductVariants } from './productVariants.js';
import { runProductKernel, type OwnProduct } from './productKernel.js';
import { runMatrixProduct, type Activation } from './tiledMatrixProduct.js';

interface Variant {
  half: boolean;
  transposeA: boolean;
  transposeB: boolean;
  bias: boolean;
  activation: Activation;
}

/**
 * C[batch] = op(A[batch]) · op(B[batch]), op transposing where asked; a batch of one broadcasts. In float16 under
 * `16-mixed`; in float32 under `trainer.benchmark` where it is faster (`runProductKernel`).
 */
const products = new ProductVariants(({ half, transposeA, transposeB, bias, activation }: Variant) => ({
  label: 'BatchMatMul',
  inputs: ['a', 'b'],
  fields: [
    ['aBatchStride', 'u32'],
    ['bBatchStride', 'u32'],
  ],
  loaders: /* wgsl */ `
fn loadA(batch: u32, m: u32, k: u32) -> f32 {
  return a[batch * u.aBatchStride + ${transposeA ? 'k * u.M + m' : 'm * u.K + k'}];
}

fn loadB(batch: u32, k: u32, n: u32) -> f32 {
  return b[batch * u.bBatchStride + ${transposeB ? 'n * u.K + k' : 'k * u.N + n'}];
}
`,
  contiguous: { a: transposeA ? 'm' : 'k', b: transposeB ? 'k' : 'n' },
  bias,
  activation,
  half,
}));

interface MatMulArgs {
  inputs: { a?: TensorInfo; b?: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: WebGPUBackend;
  attrs: BatchMatMulAttrs & Partial<Pick<_FusedMatMulAttrs, 'activation'>>;
}

/** Our product for this call; undefined where it does not apply (a broadcast, bias or activation it lacks). */
function ownMatMul(args: MatMulArgs): OwnProduct {
  const { inputs, backend, attrs } = args;
  const { a, b, bias, preluActivationWeights } = inputs;
  if (a === undefined || b === undefined) throw new Error('BatchMatMul needs inputs a and b');
  const activation = attrs.activation ?? 'linear';
  if (preluActivationWeights !== undefined) return undefined;
  if (activation !== 'linear' && activation !== 'relu') return undefined;
  const { transposeA, transposeB } = attrs;
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  const m = a.shape[transposeA ? rankA - 1 : rankA - 2] ?? 1;
  const k = a.shape[transposeA ? rankA - 2 : rankA - 1] ?? 1;
  const n = b.shape[transposeB ? rankB - 2 : rankB - 1] ?? 1;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  if (!util.arraysEqual(outerA, outerB) && batchA !== 1 && batchB !== 1) return undefined;
  // As tfjs broadcasts them: a [3, m, k] by b [1, 1, k, n] is [1, 3, m, n].
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  if (bias !== undefined && (util.sizeFromShape(bias.shape) !== n || bias.shape.at(-1) !== n))
    return undefined;
  const batches = Math.max(batchA, batchB);
  return ({ half, tile }) => {
    const output = backend.makeTensorInfo([...outer, m, n], 'float32');
    runMatrixProduct(
      backend,
      products.get({ half, transposeA, transposeB, bias: bias !== undefined, activation }, tile),
      {
        inputs: [a, b],
        bias,
        output,
        m,
        n,
        k,
        batches,
        fields: [batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n],
      },
    );
    return output;
  };
}

export const webgpuBatchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'webgpu',
  kernelFunc: ((args: MatMulArgs) => runProductKernel(BatchMatMul, args, ownMatMul)) as unknown as KernelFunc,
};

export const webgpuFusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'webgpu',
  kernelFunc: ((args: MatMulArgs) =>
    runProductKernel(_FusedMatMul, args, ownMatMul)) as unknown as KernelFunc,
};
