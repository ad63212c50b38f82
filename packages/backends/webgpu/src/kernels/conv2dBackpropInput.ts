import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  Conv2DBackpropInput,
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { CONVOLUTION_FIELDS, convolutionFieldValues } from './convolutionFields.js';
import { ProductVariants } from './productVariants.js';
import { runProductKernel, type OwnProduct } from './productKernel.js';
import { runMatrixProduct } from './tiledMatrixProduct.js';

/**
 * dx[(b, ih, iw), ci] = Σ_k dy[(b, oh, ow), co] · W[kh, kw, ci, co] over k = (kh, kw, co), where
 * oh · strideHeight + kh − padTop = ih (and likewise for columns); a tap that lands between strides adds nothing.
 * In float16 under `16-mixed`; in float32 under `trainer.benchmark` where it is faster (`runProductKernel`).
 */
const products = new ProductVariants(({ half }: { half: boolean }) => ({
  label: 'Conv2DBackpropInput',
  inputs: ['dy', 'w'],
  fields: CONVOLUTION_FIELDS,
  loaders: /* wgsl */ `
fn loadA(batch: u32, m: u32, k: u32) -> f32 {
  let co = k % u.outChannels;
  let tap = k / u.outChannels;
  let iw = m % u.inWidth;
  let rows = m / u.inWidth;
  let th = i32(rows % u.inHeight) + u.padTop - i32(tap / u.filterWidth);
  let tw = i32(iw) + u.padLeft - i32(tap % u.filterWidth);
  if (th < 0 || tw < 0) { return 0.0; }
  let oh = u32(th) / u.strideHeight;
  let ow = u32(tw) / u.strideWidth;
  if (oh * u.strideHeight != u32(th) || ow * u.strideWidth != u32(tw) || oh >= u.outHeight || ow >= u.outWidth) {
    return 0.0;
  }
  let b = rows / u.inHeight;
  return dy[((b * u.outHeight + oh) * u.outWidth + ow) * u.outChannels + co];
}

fn loadB(batch: u32, k: u32, n: u32) -> f32 {
  let co = k % u.outChannels;
  let tap = k / u.outChannels;
  return w[(tap * u.N + n) * u.outChannels + co];
}
`,
  contiguous: { a: 'k', b: 'k' },
  bias: false,
  activation: 'linear',
  half,
}));

interface BackpropInputArgs {
  inputs: { dy?: TensorInfo; filter?: TensorInfo };
  backend: WebGPUBackend;
  attrs: Conv2DBackpropInputAttrs;
}

/** Our product for this call; undefined for NCHW, which tfjs-webgpu's kernel handles. */
function ownBackpropInput(args: BackpropInputArgs): OwnProduct {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  if (dy === undefined || filter === undefined)
    throw new Error('Conv2DBackpropInput needs inputs dy and filter');
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') return undefined;
  const conv = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
  return ({ half, tile }) => {
    const dx = backend.makeTensorInfo(attrs.inputShape, 'float32');
    runMatrixProduct(backend, products.get({ half }, tile), {
      inputs: [dy, filter],
      output: dx,
      m: conv.batchSize * conv.inHeight * conv.inWidth,
      n: conv.inChannels,
      k: conv.filterHeight * conv.filterWidth * conv.outChannels,
      fields: convolutionFieldValues(conv),
    });
    return dx;
  };
}

function conv2dBackpropInput(args: BackpropInputArgs): TensorInfo {
  return runProductKernel(Conv2DBackpropInput, args, ownBackpropInput);
}

export const webgpuConv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'webgpu',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
