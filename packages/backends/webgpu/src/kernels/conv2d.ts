import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  Conv2D,
  FusedConv2D,
  backend_util,
  util,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { CONVOLUTION_FIELDS, convolutionFieldValues } from './convolutionFields.js';
import { ProductVariants } from './productVariants.js';
import { runProductKernel, type OwnProduct } from './productKernel.js';
import { runMatrixProduct, type Activation } from './tiledMatrixProduct.js';

/**
 * y[(b, oh, ow), co] = Σ_k patch[(b, oh, ow), k] · W[k, co] over k = (kh, kw, ci): an implicit im2col product, in
 * float16 under `16-mixed`; in float32 under `trainer.benchmark` where it is faster (`runProductKernel`).
 */
const products = new ProductVariants(
  ({ half, bias, activation }: { half: boolean; bias: boolean; activation: Activation }) => ({
    label: 'Conv2D',
    inputs: ['x', 'w'],
    fields: CONVOLUTION_FIELDS,
    loaders: /* wgsl */ `
fn loadA(batch: u32, m: u32, k: u32) -> f32 {
  let ci = k % u.inChannels;
  let tap = k / u.inChannels;
  let ow = m % u.outWidth;
  let rows = m / u.outWidth;
  let ih = i32((rows % u.outHeight) * u.strideHeight + (tap / u.filterWidth) * u.dilationHeight) - u.padTop;
  let iw = i32(ow * u.strideWidth + (tap % u.filterWidth) * u.dilationWidth) - u.padLeft;
  if (ih < 0 || iw < 0 || ih >= i32(u.inHeight) || iw >= i32(u.inWidth)) { return 0.0; }
  let b = rows / u.outHeight;
  return x[((b * u.inHeight + u32(ih)) * u.inWidth + u32(iw)) * u.inChannels + ci];
}

fn loadB(batch: u32, k: u32, n: u32) -> f32 {
  return w[k * u.N + n];
}
`,
    contiguous: { a: 'k', b: 'n' },
    bias,
    activation,
    half,
  }),
);

interface ConvolutionArgs {
  inputs: { x?: TensorInfo; filter?: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: WebGPUBackend;
  attrs: Conv2DAttrs & Partial<Pick<FusedConv2DAttrs, 'activation'>>;
}

/** Our product for this call; undefined where it does not apply (NCHW, an activation it lacks). */
function ownConvolution(args: ConvolutionArgs): OwnProduct {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias, preluActivationWeights } = inputs;
  if (x === undefined || filter === undefined) throw new Error('Conv2D needs inputs x and filter');
  const activation = attrs.activation ?? 'linear';
  if (preluActivationWeights !== undefined) return undefined;
  if (activation !== 'linear' && activation !== 'relu') return undefined;
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') return undefined;
  const conv = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
  if (bias !== undefined && util.sizeFromShape(bias.shape) !== conv.outChannels) return undefined;
  return ({ half, tile }) => {
    const y = backend.makeTensorInfo(conv.outShape, 'float32');
    runMatrixProduct(backend, products.get({ half, bias: bias !== undefined, activation }, tile), {
      inputs: [x, filter],
      bias,
      output: y,
      m: conv.batchSize * conv.outHeight * conv.outWidth,
      n: conv.outChannels,
      k: conv.filterHeight * conv.filterWidth * conv.inChannels,
      fields: convolutionFieldValues(conv),
    });
    return y;
  };
}

export const webgpuConv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'webgpu',
  kernelFunc: ((args: ConvolutionArgs) =>
    runProductKernel(Conv2D, args, ownConvolution)) as unknown as KernelFunc,
};

export const webgpuFusedConv2dConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'webgpu',
  kernelFunc: ((args: ConvolutionArgs) =>
    runProductKernel(FusedConv2D, args, ownConvolution)) as unknown as KernelFunc,
};
