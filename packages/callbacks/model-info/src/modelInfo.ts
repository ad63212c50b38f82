import { getBackend } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { countMacs } from './countMacs.js';
import { countParameters } from './countParameters.js';
import { leafLayers } from './layerGraph.js';
import { roundTo } from './roundTo.js';

/** Where the measurements stand: written `pending` at fit start, then `measured`, `disabled` or `interrupted`. */
export type BenchmarkStatus = 'pending' | 'measured' | 'disabled' | 'interrupted';

/** How the measurements were made. */
export interface BenchmarkInfo {
  readonly status: BenchmarkStatus;
  readonly budget_seconds: number;
  /** Wall time the measurements took; null until measured. */
  readonly seconds: number | null;
  /** Timed runs (after one warm-up each) per measurement: `tfjs_batch_1`, `tfjs_batch_<N>`, `onnx_batch_1`. */
  readonly runs: Readonly<Record<string, number>>;
  /** The ONNX model timed: `onnx/last.onnx`, `onnx/best.onnx` (from onnx_export) or `converted in memory`. */
  readonly onnx_model: string | null;
  /** Why the ONNX latency is null although measured (a layer the converter does not support, …). */
  readonly onnx_error: string | null;
}

/** The contents of `model_info.json`. */
export interface ModelInfo {
  /** `config.model.arch`. */
  readonly arch: string;
  /** The model's input without the batch axis: `[height, width, channels]` for an image model (NHWC, as tfjs). */
  readonly input_size: readonly (number | null)[];
  /** Width of the model's output (the classes). */
  readonly num_classes: number | null;
  /** As torch counts `model.parameters()`: trainable and frozen, BN running statistics left out. */
  readonly params_total: number;
  readonly params_trainable: number;
  /** Multiply-accumulates per image at `input_size` over conv and dense layers (torchvision's GFLOPS); see countMacs. */
  readonly macs_per_image: number | null;
  /** `macs_per_image` / 1e9, to 3 decimals: torchvision's "GFLOPS" column. */
  readonly gmacs: number | null;
  /** float32 size of every stored weight (BN running statistics included) in MiB, as torchvision's "Size (MB)". */
  readonly weights_mb: number;
  /** Layers with a computation (nested models opened, input layers left out). */
  readonly layers: number;
  /** The training backend (`tf.getBackend()`): cpu, wasm, webgl, webgpu, tensorflow, … */
  readonly backend: string;
  /** `config.data.batch_size`, the second throughput batch. */
  readonly batch_size: number;
  /**
   * Inference images per second on the training backend, `{ batch_1, batch_<batch_size> }` (one key when the batch
   * size is 1); values null until measured.
   */
  readonly throughput_img_s: Readonly<Record<string, number | null>>;
  /** ONNX Runtime CPU latency of one image, ms: median of timed runs after a warm-up; null until measured. */
  readonly onnx_latency_ms_batch_1: number | null;
  readonly benchmark: BenchmarkInfo;
}

const BYTES_PER_FLOAT32 = 4;
const MIB = 2 ** 20;

export function throughputKey(batchSize: number): string {
  return `batch_${batchSize}`;
}

/** Everything that can be known without running the model, with the measurements still `pending` (or `disabled`). */
export function describeModel(
  model: LayersModel,
  run: {
    readonly arch: string;
    readonly batchSize: number;
    readonly benchmark: boolean;
    readonly budgetSeconds: number;
  },
): ModelInfo {
  const params = countParameters(model);
  const macs = countMacs(model);
  const outputWidth = model.outputs[0]?.shape.at(-1);
  const throughput: Record<string, null> = {};
  for (const batch of new Set([1, run.batchSize])) throughput[throughputKey(batch)] = null;
  return {
    arch: run.arch,
    input_size: model.inputs[0]?.shape.slice(1) ?? [],
    num_classes: outputWidth ?? null,
    params_total: params.total,
    params_trainable: params.trainable,
    macs_per_image: macs ?? null,
    gmacs: macs === undefined ? null : roundTo(macs / 1e9, 3),
    weights_mb: roundTo((params.stored * BYTES_PER_FLOAT32) / MIB, 3),
    layers: leafLayers(model).length,
    backend: getBackend(),
    batch_size: run.batchSize,
    throughput_img_s: throughput,
    onnx_latency_ms_batch_1: null,
    benchmark: {
      status: run.benchmark ? 'pending' : 'disabled',
      budget_seconds: run.budgetSeconds,
      seconds: null,
      runs: {},
      onnx_model: null,
      onnx_error: null,
    },
  };
}
