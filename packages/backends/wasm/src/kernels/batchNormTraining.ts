import {
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  BATCH_NORM_TRAINING_INPUTS,
  batchNormActivation,
  batchNormTrainingGradInputs,
  requiredInputs,
  type BATCH_NORM_TRAINING_GRAD_RELU_INPUTS,
  type BatchNormTrainingAttrs,
  type BatchNormTrainingGradAttrs,
  type KernelInputs,
} from '@nextplay/cls-core';
import type { SimdExport } from '@nextplay/cls-core/wasm-simd';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { batchNormFunctions } from './batchNormSimdModule.js';
import { writeReluGrad } from './reluGrad.js';
import { simdExports } from './simdInstance.js';
import { WasmKernelCalls } from './wasmKernelCalls.js';

/** The SIMD passes, where the backend exposes its memory and whole 4-channel vectors fit. */
function channelSimd(calls: WasmKernelCalls, channels: number): Record<string, SimdExport> | undefined {
  return channels % 4 === 0 ? simdExports(calls.backend, batchNormFunctions) : undefined;
}

function channelCount(x: TensorInfo): number {
  const channels = x.shape[x.shape.length - 1];
  if (channels === undefined || channels === 0) throw new Error('batch normalization needs a channel axis');
  return channels;
}

/**
 * Training-mode batch normalization on the wasm heap, channels last: per-channel sums, then y = x·scale + shift
 * forward; Σ dy and Σ dy·(x − mean), then dx = dy·a + x·b + k backward. Done with tfjs ops it takes about thirty
 * kernels per layer, whose reductions over the leading axes each transpose the activation first in the wasm
 * backend. With a multiple of 4 channels the passes are SIMD (`batchNormSimdModule`, float32 sums; the variance
 * sums squared deviations from the mean, so no cancellation); otherwise JavaScript with float64 sums. With
 * `activation: 'relu'` y is rectified in the same pass, and the gradient first takes dy through relu's gradient
 * (one SIMD pass into a scratch tensor).
 */
function batchNormTraining(args: {
  inputs: KernelInputs<typeof BATCH_NORM_TRAINING_INPUTS, TensorInfo>;
  backend: KernelBackend;
  attrs: BatchNormTrainingAttrs;
}): TensorInfo[] {
  const { x, gamma, beta, movingMean, movingVariance } = requiredInputs(
    BATCH_NORM_TRAINING,
    args.inputs,
    BATCH_NORM_TRAINING_INPUTS,
  );
  const relu = batchNormActivation(BATCH_NORM_TRAINING, args.attrs) === 'relu';
  const channels = channelCount(x);
  const calls = new WasmKernelCalls(args.backend);
  const y = calls.allocate(x.shape);
  const mean = calls.allocate([channels]);
  const variance = calls.allocate([channels]);
  const rows = x.shape.reduce((a, b) => a * b, 1) / channels;
  const simd = channelSimd(calls, channels);
  const at = (t: TensorInfo): number => calls.byteOffset(t);
  // Per channel: the mean (as the y pass uses it) and the biased variance.
  const channelMean = new Float64Array(channels);
  const channelVariance = new Float64Array(channels);
  if (simd !== undefined) {
    // Two passes (mean, then squared deviations: no cancellation in float32).
    calls.view(mean).fill(0);
    calls.view(variance).fill(0);
    simd.sums?.(at(x), rows, channels * 4, at(mean));
    const means = calls.view(mean);
    for (let c = 0; c < channels; c++) means[c] = (means[c] ?? 0) / rows;
    channelMean.set(means);
    simd.squaredDeviations?.(at(x), at(mean), rows, channels * 4, at(variance));
    const variances = calls.view(variance);
    for (let c = 0; c < channels; c++) channelVariance[c] = (variances[c] ?? 0) / rows;
  } else {
    const xs = calls.view(x);
    const sumOfSquares = new Float64Array(channels);
    for (let offset = 0; offset < xs.length; offset += channels) {
      for (let c = 0; c < channels; c++) {
        const value = xs[offset + c] ?? 0;
        channelMean[c] = (channelMean[c] ?? 0) + value;
        sumOfSquares[c] = (sumOfSquares[c] ?? 0) + value * value;
      }
    }
    for (let c = 0; c < channels; c++) {
      const m = (channelMean[c] ?? 0) / rows;
      channelMean[c] = m;
      channelVariance[c] = Math.max(0, (sumOfSquares[c] ?? 0) / rows - m * m);
    }
  }
  calls.view(mean).set(channelMean);
  calls.view(variance).set(channelVariance);
  const updatedMean = movingAverage(calls, movingMean, mean, args.attrs.momentum);
  const updatedVariance = movingAverage(calls, movingVariance, variance, args.attrs.momentum);
  // y = x·scale + shift per channel.
  const gammas = calls.view(gamma);
  const betas = calls.view(beta);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = (gammas[c] ?? 0) / Math.sqrt((channelVariance[c] ?? 0) + args.attrs.epsilon);
    scale[c] = s;
    shift[c] = (betas[c] ?? 0) - (channelMean[c] ?? 0) * s;
  }
  if (simd !== undefined) {
    const scaleT = calls.allocate([channels]);
    const shiftT = calls.allocate([channels]);
    calls.view(scaleT).set(scale);
    calls.view(shiftT).set(shift);
    (relu ? simd.affineRelu : simd.affine)?.(at(x), at(scaleT), at(shiftT), rows, channels * 4, at(y));
    calls.dispose(scaleT, shiftT);
  } else {
    const xs = calls.view(x);
    const ys = calls.view(y);
    for (let offset = 0; offset < xs.length; offset += channels) {
      for (let c = 0; c < channels; c++) {
        const value = (xs[offset + c] ?? 0) * (scale[c] ?? 0) + (shift[c] ?? 0);
        ys[offset + c] = relu && value < 0 ? 0 : value;
      }
    }
  }
  return [y, mean, variance, updatedMean, updatedVariance];
}

/** moving − (moving − batch)·(1 − momentum), rounded to float32 at each step as the tfjs ops that it replaces. */
function movingAverage(
  calls: WasmKernelCalls,
  moving: TensorInfo,
  batch: TensorInfo,
  momentum: number,
): TensorInfo {
  const updated = calls.allocate(moving.shape);
  const decay = Math.fround(1 - momentum);
  const olds = calls.view(moving);
  const news = calls.view(batch);
  const out = calls.view(updated);
  for (let c = 0; c < out.length; c++) {
    const old = olds[c] ?? 0;
    out[c] = old - Math.fround(Math.fround(old - (news[c] ?? 0)) * decay);
  }
  return updated;
}

function batchNormTrainingGrad(args: {
  inputs: KernelInputs<typeof BATCH_NORM_TRAINING_GRAD_RELU_INPUTS, TensorInfo>;
  backend: KernelBackend;
  attrs: BatchNormTrainingGradAttrs;
}): TensorInfo[] {
  const { dy: incoming, x, mean, variance, gamma, y } = batchNormTrainingGradInputs(args.inputs, args.attrs);
  const channels = channelCount(x);
  const calls = new WasmKernelCalls(args.backend);
  let dy = incoming;
  if (y !== undefined) {
    dy = calls.allocate(x.shape);
    writeReluGrad(calls, incoming, y, dy);
  }
  const dx = calls.allocate(x.shape);
  const dGamma = calls.allocate([channels]);
  const dBeta = calls.allocate([channels]);
  const rows = x.shape.reduce((p, q) => p * q, 1) / channels;
  const simd = channelSimd(calls, channels);
  // Per channel: Σ dy and Σ dy·(x − mean).
  const sumDy = new Float64Array(channels);
  const sumDyCentered = new Float64Array(channels);
  let coefficients: [TensorInfo, TensorInfo, TensorInfo] | undefined;
  if (simd !== undefined) {
    coefficients = [calls.allocate([channels]), calls.allocate([channels]), calls.allocate([channels])];
    const at = (t: TensorInfo): number => calls.byteOffset(t);
    calls.view(dBeta).fill(0);
    calls.view(dGamma).fill(0);
    simd.gradientSums?.(at(dy), at(x), at(mean), rows, channels * 4, at(dBeta), at(dGamma));
    sumDy.set(calls.view(dBeta));
    sumDyCentered.set(calls.view(dGamma));
  } else {
    const xs = calls.view(x);
    const dys = calls.view(dy);
    const means = calls.view(mean);
    for (let offset = 0; offset < xs.length; offset += channels) {
      for (let c = 0; c < channels; c++) {
        const g = dys[offset + c] ?? 0;
        sumDy[c] = (sumDy[c] ?? 0) + g;
        sumDyCentered[c] = (sumDyCentered[c] ?? 0) + g * ((xs[offset + c] ?? 0) - (means[c] ?? 0));
      }
    }
  }
  const means = calls.view(mean);
  const variances = calls.view(variance);
  const gammas = calls.view(gamma);
  const dGammas = calls.view(dGamma);
  const dBetas = calls.view(dBeta);
  // dx = dy·a + x·b + k per channel, expanding γ/σ·(dy − Σdy/m − x̂·dγ/m) with x̂ = (x − mean)/σ.
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = means[c] ?? 0;
    const invStd = 1 / Math.sqrt((variances[c] ?? 0) + args.attrs.epsilon);
    const betaGradient = sumDy[c] ?? 0;
    const gammaGradient = (sumDyCentered[c] ?? 0) * invStd;
    dBetas[c] = betaGradient;
    dGammas[c] = gammaGradient;
    const gainOverStd = (gammas[c] ?? 0) * invStd;
    const xCoefficient = (-gainOverStd * invStd * gammaGradient) / rows;
    a[c] = gainOverStd;
    b[c] = xCoefficient;
    k[c] = (-gainOverStd * betaGradient) / rows - xCoefficient * m;
  }
  if (simd !== undefined && coefficients !== undefined) {
    const [aT, bT, kT] = coefficients;
    calls.view(aT).set(a);
    calls.view(bT).set(b);
    calls.view(kT).set(k);
    const at = (t: TensorInfo): number => calls.byteOffset(t);
    simd.inputGradient?.(at(dy), at(x), at(aT), at(bT), at(kT), rows, channels * 4, at(dx));
    calls.dispose(aT, bT, kT);
  } else {
    const xs = calls.view(x);
    const dys = calls.view(dy);
    const dxs = calls.view(dx);
    for (let offset = 0; offset < xs.length; offset += channels) {
      for (let c = 0; c < channels; c++) {
        dxs[offset + c] =
          (dys[offset + c] ?? 0) * (a[c] ?? 0) + (xs[offset + c] ?? 0) * (b[c] ?? 0) + (k[c] ?? 0);
      }
    }
  }
  if (dy !== incoming) calls.dispose(dy);
  return [dx, dGamma, dBeta];
}

export const wasmBatchNormTrainingConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING,
  backendName: 'wasm',
  kernelFunc: batchNormTraining as unknown as KernelFunc,
};

export const wasmBatchNormTrainingGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
};
