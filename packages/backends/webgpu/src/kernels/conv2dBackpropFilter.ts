import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  Conv2DBackpropFilter,
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { CONVOLUTION_FIELDS, convolutionFieldValues } from './convolutionFields.js';
import { ProductVariants } from './productVariants.js';
import { runProductKernel, type OwnProduct } from './productKernel.js';
import { runMatrixProduct } from './tiledMatrixProduct.js';

/**
 * dW[(kh, kw, ci), co] = Σ_k A[k, (kh, kw, ci)] · dy[k, co] over k = (batch, out row, out column), A being the input
 * patches (implicit im2col: each tile is gathered from x as it is loaded). K is far larger than the output (the stem
 * at 64 px, batch 64: K = 65,536 for a 147 × 64 gradient), so K is split across workgroups that each write a
 * partial product, and a second pass adds the partials up. NCHW goes to the stock kernel.
 */
const products = new ProductVariants(({ half }: { half: boolean }) => ({
  label: 'Conv2DBackpropFilter',
  inputs: ['x', 'dy'],
  fields: CONVOLUTION_FIELDS,
  loaders: /* wgsl */ `
fn loadA(batch: u32, m: u32, k: u32) -> f32 {
  let ci = m % u.inChannels;
  let tap = m / u.inChannels;
  let ow = k % u.outWidth;
  let rows = k / u.outWidth;
  let ih = i32((rows % u.outHeight) * u.strideHeight + tap / u.filterWidth) - u.padTop;
  let iw = i32(ow * u.strideWidth + tap % u.filterWidth) - u.padLeft;
  if (ih < 0 || iw < 0 || ih >= i32(u.inHeight) || iw >= i32(u.inWidth)) { return 0.0; }
  let b = rows / u.outHeight;
  return x[((b * u.inHeight + u32(ih)) * u.inWidth + u32(iw)) * u.inChannels + ci];
}

fn loadB(batch: u32, k: u32, n: u32) -> f32 {
  return dy[k * u.N + n];
}
`,
  contiguous: { a: 'm', b: 'n' },
  bias: false,
  activation: 'linear',
  half,
}));

interface BackpropFilterArgs {
  inputs: { x?: TensorInfo; dy?: TensorInfo };
  backend: WebGPUBackend;
  attrs: Conv2DBackpropFilterAttrs;
}

/** Our product for this call; undefined for NCHW, which tfjs-webgpu's kernel handles. */
function ownBackpropFilter(args: BackpropFilterArgs): OwnProduct {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  // tfjs has no dilated convolution gradients (it refuses them before a kernel runs): only the layout varies.
  if (format !== 'channelsLast') return undefined;
  const conv = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  return ({ half, tile }) => {
    const dw = backend.makeTensorInfo(filterShape, 'float32');
    runMatrixProduct(backend, products.get({ half }, tile), {
      inputs: [x, dy],
      output: dw,
      m: conv.filterHeight * conv.filterWidth * conv.inChannels,
      n: conv.outChannels,
      k: conv.batchSize * conv.outHeight * conv.outWidth,
      fields: convolutionFieldValues(conv),
    });
    return dw;
  };
}

/** Ours in either precision: tfjs-webgpu's naive kernel is far slower on a GPU (issue #14), so it is not timed. */
function conv2dBackpropFilter(args: BackpropFilterArgs): TensorInfo {
  return runProductKernel(Conv2DBackpropFilter, args, ownBackpropFilter, { withStock: false });
}

export const webgpuConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
