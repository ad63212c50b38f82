import {
  Conv2D,
  FusedConv2D,
  type Conv2DAttrs,
  type backend_util,
  type FusedConv2DAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dByGemm, gemmPatchValues, type GemmEpilogue } from './conv2dByGemm.js';
import { forwardConvInfo } from './convGeometry.js';
import { ownProductAvailable } from './matrixProduct.js';
import { wasmTrainingKernelSettings } from './kernelSettings.js';
import { stockKernel } from './stockKernels.js';
import { WasmKernelCalls, nhwc } from './wasmKernelCalls.js';

/** Above this many patch values (64 MB) the stock kernel runs, so that the patch matrix never dominates memory. */
const MAX_PATCH_VALUES = 16 * 1024 * 1024;

interface ConvArgs {
  inputs: { x?: TensorInfo; filter?: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: KernelBackend;
  attrs: Conv2DAttrs | FusedConv2DAttrs;
}

/**
 * The engine's own matrix product (relaxed SIMD) for every undilated convolution.
 * Otherwise XNNPACK's product of a patch matrix when it skips filter taps (small maps), or when packing the filter
 * costs the stock kernel more than building the patches costs us. The stock kernel transposes a new filter element by element before XNNPACK
 * packs it (about 10 ns per value here), the matrix product packs it as stored (about 4.5 ns), and building the
 * patch matrix costs about 1 ns per value. Training brings new filters every step; both kernels cache the packed
 * filter while it stays the same (evaluation). The choice depends on shapes only, so results never depend on
 * which filters were seen before.
 */
function preferGemm(info: backend_util.Conv2DInfo, ownProduct: boolean): boolean {
  const { forward } = wasmTrainingKernelSettings;
  // Dilated patch rows would be single-pixel runs, too slow to gather: the stock kernel takes those.
  if (forward === 'stock' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return false;
  const patches = gemmPatchValues(info);
  if (patches === 0) return false;
  // The engine's own product reads the patches in place, at about twice XNNPACK's speed, on all threads (XNNPACK's
  // then keeps one): even a stem's short runs (7 taps × 3 channels) beat the stock kernel.
  if (ownProduct) return true;
  if (patches > MAX_PATCH_VALUES) return false;
  if (forward === 'gemm') return true;
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const allTaps = info.batchSize * info.outHeight * info.outWidth * filterHeight * filterWidth * inChannels;
  const filterValues = filterHeight * filterWidth * inChannels * outChannels;
  return patches < allTaps || 5.5 * filterValues > patches;
}

function isFused(attrs: Conv2DAttrs | FusedConv2DAttrs): attrs is FusedConv2DAttrs {
  return 'activation' in attrs;
}

function conv2dForward(kernelName: string, args: ConvArgs): TensorInfo | TensorInfo[] {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  const { attrs } = args;
  const stock = (): TensorInfo | TensorInfo[] =>
    stockKernel(kernelName)(args as unknown as Parameters<KernelFunc>[0]);
  if (x === undefined || filter === undefined || attrs.dataFormat === 'NCHW') return stock();
  // A PReLU with per-position weights would not broadcast over the product's [1, positions, channels] output.
  if (preluActivationWeights !== undefined && preluActivationWeights.shape.length > 1) return stock();
  const info = forwardConvInfo(
    kernelName,
    nhwc(x),
    nhwc(filter),
    attrs.strides,
    attrs.pad,
    attrs.dimRoundingMode,
    attrs.dataFormat,
    attrs.dilations,
  );
  const calls = new WasmKernelCalls(args.backend);
  const epilogue: GemmEpilogue = isFused(attrs)
    ? {
        ...(bias === undefined ? {} : { bias }),
        ...(preluActivationWeights === undefined ? {} : { preluActivationWeights }),
        attrs: {
          activation: attrs.activation,
          ...(attrs.leakyreluAlpha === undefined ? {} : { leakyreluAlpha: attrs.leakyreluAlpha }),
        },
      }
    : {};
  const ownProduct = ownProductAvailable(calls);
  if (!preferGemm(info, ownProduct)) return stock();
  try {
    const y = conv2dByGemm(calls, x, filter, info, epilogue);
    calls.disposeIntermediates(y);
    return y;
  } catch (error) {
    calls.disposeIntermediates();
    throw error;
  }
}

export const wasmConv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: ((args: ConvArgs) => conv2dForward(Conv2D, args)) as unknown as KernelFunc,
};

export const wasmFusedConv2dConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'wasm',
  kernelFunc: ((args: ConvArgs) => conv2dForward(FusedConv2D, args)) as unknown as KernelFunc,
};
