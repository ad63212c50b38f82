import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  BATCH_NORM_TRAINING_INPUTS,
  type BATCH_NORM_TRAINING_GRAD_RELU_INPUTS,
  batchNormActivation,
  batchNormTrainingGradInputs,
  requiredInputs,
  type BatchNormActivation,
  type BatchNormTrainingAttrs,
  type BatchNormTrainingGradAttrs,
  type KernelInputs,
} from '@nextplay/cls-core';
import { WgslKernel, dispatchWgsl, packUniforms, strideWorkgroups, type WgslDispatch } from './wgslKernel.js';

/**
 * Batch norm in training mode over x viewed as [rows, channels] (NHWC), followed by relu where the kernel's
 * `activation` says so (forward: y rectified; backward: dy taken through relu's gradient as it is read), three
 * dispatches each way:
 *   1. per-channel partial sums over a slice of the rows, one slice per workgroup row ([slices, channels, 2]);
 *   2. a workgroup per few channels adds the slices up, each of its lanes a strided share of them, then a tree
 *      across the lanes, into the two per-channel results (forward: and updates the moving averages);
 *   3. one elementwise pass for y (forward) or dx (backward).
 * With few slices (up to `MERGED_MAX_SLICES`: most layers of a small-image batch) 2 and 3 are one dispatch: each
 * workgroup of the elementwise pass first adds up the slices of its 64 channels itself (a quarter as many bytes as
 * its elementwise part moves forward, a sixth backward), and the first row of workgroups writes the per-channel
 * results. That saves a dispatch each way, where the host time per dispatch, not the GPU, bounds a step. It binds
 * 11 storage buffers forward and 9 backward (10 with relu), so it runs where the device allows that many; the
 * three-pass kernels bind at most 8, WebGPU's guaranteed number.
 * The forward sums x − x[0, c], so that the variance does not cancel away when the mean is large next to it.
 */

/** Channels per workgroup (x) × row lanes (y) of the partial-sum pass. */
const CHANNEL_TILE = 64;
const ROW_LANES = 4;
/** Rows one workgroup sums at least; slices = rows / this, capped. */
const ROWS_PER_SLICE = 256;
const MAX_SLICES = 1024;
const WORKGROUP = 256;
/**
 * Channels (x) × lanes (y) of a workgroup that adds up the slices. One thread looping over up to 1,024 slices
 * would wait on each load in turn on a GPU; 64 lanes do 16 loads each, then 6 tree steps.
 */
const TOTAL_CHANNELS = 4;
const TOTAL_LANES = 64;
/** The most slices the merged totals-and-elementwise pass adds up per workgroup. */
const MERGED_MAX_SLICES = 32;
/** Storage buffers the merged passes bind. */
const MERGED_FORWARD_BUFFERS = 11;
const MERGED_BACKWARD_BUFFERS = 9;

/** `inputs` declares bindings 0…inputCount−1; the partial sums and the uniforms follow them. */
function partialSums(name: string, inputs: string, inputCount: number, term: string): WgslKernel {
  return new WgslKernel(
    name,
    /* wgsl */ `
struct Uniforms { rows: u32, channels: u32, rowsPerSlice: u32 }
${inputs}
@group(0) @binding(${inputCount}) var<storage, read_write> partial: array<vec2<f32>>;
@group(0) @binding(${inputCount + 1}) var<uniform> u: Uniforms;
var<workgroup> lanes: array<vec2<f32>, ${CHANNEL_TILE * ROW_LANES}>;

@compute @workgroup_size(${CHANNEL_TILE}, ${ROW_LANES})
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let c = group.x * ${CHANNEL_TILE}u + local.x;
  let first = group.y * u.rowsPerSlice;
  let end = min(first + u.rowsPerSlice, u.rows);
  var sums = vec2<f32>(0.0);
  if (c < u.channels) {
    for (var r = first + local.y; r < end; r += ${ROW_LANES}u) {
      let i = r * u.channels + c;
      ${term}
    }
  }
  lanes[local.y * ${CHANNEL_TILE}u + local.x] = sums;
  workgroupBarrier();
  if (local.y == 0u && c < u.channels) {
    var total = sums;
    for (var lane = 1u; lane < ${ROW_LANES}u; lane++) {
      total += lanes[lane * ${CHANNEL_TILE}u + local.x];
    }
    partial[group.y * u.channels + c] = total;
  }
}
`,
    12,
  );
}

const forwardSums = partialSums(
  'ClsBatchNormTraining sums',
  '@group(0) @binding(0) var<storage, read> x: array<f32>;',
  1,
  `let shifted = x[i] - x[c];
      sums += vec2<f32>(shifted, shifted * shifted);`,
);

/**
 * The kernel for each activation, made on first use. With relu, the gradient kernels also bind the forward's output
 * y (the storage binding before the uniforms) and read dy through relu's gradient, `RELU_GRAD`'s rule.
 */
function perActivation(make: (relu: boolean) => WgslKernel): (activation: BatchNormActivation) => WgslKernel {
  const made = new Map<BatchNormActivation, WgslKernel>();
  return (activation) => {
    let kernel = made.get(activation);
    if (kernel === undefined) {
      kernel = make(activation === 'relu');
      made.set(activation, kernel);
    }
    return kernel;
  };
}

/**
 * dy[i], or with relu dy[i] where y[i] > 0, 0 elsewhere and NaN where y[i] is NaN (found from its bits, as
 * `RELU_GRAD`'s kernel does: compilers may fold out y != y).
 */
const gradientAt = (relu: boolean): string =>
  relu
    ? 'select(select(0.0, dy[i], y[i] > 0.0), y[i], (bitcast<u32>(y[i]) & 0x7fffffffu) > 0x7f800000u)'
    : 'dy[i]';

/** The output value v, or with relu max(v, 0) with NaN kept. */
const activated = (relu: boolean, value: string): string =>
  relu ? `select(${value}, 0.0, ${value} < 0.0)` : value;

const label = (name: string, relu: boolean): string => (relu ? `${name} (relu)` : name);

const backwardSums = perActivation((relu) =>
  partialSums(
    label('ClsBatchNormTrainingGrad sums', relu),
    `@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
${relu ? '@group(0) @binding(3) var<storage, read> y: array<f32>;' : ''}`,
    relu ? 4 : 3,
    `let g = ${gradientAt(relu)};
      sums += vec2<f32>(g, g * (x[i] - mean[c]));`,
  ),
);

/**
 * A kernel over [ceil(channels / TOTAL_CHANNELS)] workgroups whose uniforms have `channels` and `slices` and whose
 * binding 0 is the partial sums: `body` runs once per channel c with `total`, the sum of its slices.
 */
function sliceTotals(name: string, uniforms: string, bindings: string, body: string, uniformBytes: number) {
  return new WgslKernel(
    name,
    /* wgsl */ `
struct Uniforms { ${uniforms} }
@group(0) @binding(0) var<storage, read> partial: array<vec2<f32>>;
${bindings}
var<workgroup> laneTotals: array<vec2<f32>, ${TOTAL_CHANNELS * TOTAL_LANES}>;

@compute @workgroup_size(${TOTAL_CHANNELS}, ${TOTAL_LANES})
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let c = group.x * ${TOTAL_CHANNELS}u + local.x;
  var laneTotal = vec2<f32>(0.0);
  if (c < u.channels) {
    for (var s = local.y; s < u.slices; s += ${TOTAL_LANES}u) { laneTotal += partial[s * u.channels + c]; }
  }
  let slot = local.y * ${TOTAL_CHANNELS}u + local.x;
  laneTotals[slot] = laneTotal;
  for (var stride = ${TOTAL_LANES / 2}u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (local.y < stride) { laneTotals[slot] += laneTotals[slot + stride * ${TOTAL_CHANNELS}u]; }
  }
  // Lane 0 wrote its slot last itself.
  if (local.y != 0u || c >= u.channels) { return; }
  let total = laneTotals[local.x];
  ${body}
}
`,
    uniformBytes,
  );
}

const forwardStatistics = sliceTotals(
  'ClsBatchNormTraining statistics',
  'rows: u32, channels: u32, slices: u32, decay: f32',
  `@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> movingMean: array<f32>;
@group(0) @binding(3) var<storage, read> movingVariance: array<f32>;
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> variance: array<f32>;
@group(0) @binding(6) var<storage, read_write> updatedMean: array<f32>;
@group(0) @binding(7) var<storage, read_write> updatedVariance: array<f32>;
@group(0) @binding(8) var<uniform> u: Uniforms;`,
  `let shiftedMean = total.x / f32(u.rows);
  let batchMean = x[c] + shiftedMean;
  let batchVariance = max(total.y / f32(u.rows) - shiftedMean * shiftedMean, 0.0);
  mean[c] = batchMean;
  variance[c] = batchVariance;
  updatedMean[c] = movingMean[c] - (movingMean[c] - batchMean) * u.decay;
  updatedVariance[c] = movingVariance[c] - (movingVariance[c] - batchVariance) * u.decay;`,
  16,
);

/**
 * dγ and dβ, and per channel the coefficients of dx = a·g − b − c·(x − mean) (g: dy, through relu's gradient with
 * relu), as (mean, a, b, c) with a = γ/σ, b = a·dβ/rows, c = a·dγ/(σ·rows): the elementwise pass then binds four
 * storage buffers (five with relu), within WebGPU's guaranteed eight.
 */
const backwardStatistics = sliceTotals(
  'ClsBatchNormTrainingGrad statistics',
  'channels: u32, slices: u32, epsilon: f32, invRows: f32',
  `@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read_write> dGamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dBeta: array<f32>;
@group(0) @binding(6) var<storage, read_write> coefficients: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> u: Uniforms;`,
  `let invStd = inverseSqrt(variance[c] + u.epsilon);
  let gammaGradient = total.y * invStd;
  dBeta[c] = total.x;
  dGamma[c] = gammaGradient;
  let scale = gamma[c] * invStd;
  coefficients[c] = vec4<f32>(mean[c], scale, scale * total.x * u.invRows, scale * invStd * gammaGradient * u.invRows);`,
  16,
);

const normalize = perActivation(
  (relu) =>
    new WgslKernel(
      label('ClsBatchNormTraining normalize', relu),
      /* wgsl */ `
struct Uniforms { size: u32, channels: u32, epsilon: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let c = i % u.channels;
    let value = (x[i] - mean[c]) * (inverseSqrt(variance[c] + u.epsilon) * gamma[c]) + beta[c];
    y[i] = ${activated(relu, 'value')};
  }
}
`,
      12,
    ),
);

const inputGradient = perActivation(
  (relu) =>
    new WgslKernel(
      label('ClsBatchNormTrainingGrad dx', relu),
      /* wgsl */ `
struct Uniforms { size: u32, channels: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> coefficients: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
${relu ? '@group(0) @binding(4) var<storage, read> y: array<f32>;' : ''}
@group(0) @binding(${relu ? 5 : 4}) var<uniform> u: Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${WORKGROUP}u) {
    let k = coefficients[i % u.channels];
    dx[i] = k.y * ${gradientAt(relu)} - k.z - k.w * (x[i] - k.x);
  }
}
`,
      8,
    ),
);

/**
 * A pass over [ceil(channels / CHANNEL_TILE), chunks] workgroups of CHANNEL_TILE channels × ROW_LANES lanes: each
 * first adds up the slices of its channels (bindings: `partial` first) into `total`, and `perChannel` turns that
 * into workgroup values (`first` is true in the first row of workgroups, which writes the per-channel results);
 * then `elementwise` runs for each value i of its rows (`u.rowsPerChunk` of them) in channel c.
 */
function totalsThenElementwise(
  name: string,
  uniforms: string,
  bindings: string,
  shared: string,
  perChannel: string,
  elementwise: string,
  uniformBytes: number,
): WgslKernel {
  return new WgslKernel(
    name,
    /* wgsl */ `
struct Uniforms { rows: u32, channels: u32, slices: u32, rowsPerChunk: u32, ${uniforms} }
@group(0) @binding(0) var<storage, read> partial: array<vec2<f32>>;
${bindings}
var<workgroup> laneTotals: array<vec2<f32>, ${CHANNEL_TILE * ROW_LANES}>;
${shared}

@compute @workgroup_size(${CHANNEL_TILE}, ${ROW_LANES})
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let c = group.x * ${CHANNEL_TILE}u + local.x;
  let inRange = c < u.channels;
  var laneTotal = vec2<f32>(0.0);
  if (inRange) {
    for (var s = local.y; s < u.slices; s += ${ROW_LANES}u) { laneTotal += partial[s * u.channels + c]; }
  }
  laneTotals[local.y * ${CHANNEL_TILE}u + local.x] = laneTotal;
  workgroupBarrier();
  if (local.y == 0u && inRange) {
    var total = laneTotal;
    for (var lane = 1u; lane < ${ROW_LANES}u; lane++) { total += laneTotals[lane * ${CHANNEL_TILE}u + local.x]; }
    let first = group.y == 0u;
    ${perChannel}
  }
  workgroupBarrier();
  if (!inRange) { return; }
  let start = group.y * u.rowsPerChunk;
  let end = min(start + u.rowsPerChunk, u.rows);
  for (var r = start + local.y; r < end; r += ${ROW_LANES}u) {
    let i = r * u.channels + c;
    ${elementwise}
  }
}
`,
    uniformBytes,
  );
}

const mergedNormalize = perActivation((relu) =>
  totalsThenElementwise(
    label('ClsBatchNormTraining statistics and normalize', relu),
    'epsilon: f32, decay: f32',
    `@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read> movingMean: array<f32>;
@group(0) @binding(5) var<storage, read> movingVariance: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> mean: array<f32>;
@group(0) @binding(8) var<storage, read_write> variance: array<f32>;
@group(0) @binding(9) var<storage, read_write> updatedMean: array<f32>;
@group(0) @binding(10) var<storage, read_write> updatedVariance: array<f32>;
@group(0) @binding(11) var<uniform> u: Uniforms;`,
    `var<workgroup> channelMean: array<f32, ${CHANNEL_TILE}>;
var<workgroup> channelScale: array<f32, ${CHANNEL_TILE}>;`,
    `let shiftedMean = total.x / f32(u.rows);
    let batchMean = x[c] + shiftedMean;
    let batchVariance = max(total.y / f32(u.rows) - shiftedMean * shiftedMean, 0.0);
    channelMean[local.x] = batchMean;
    channelScale[local.x] = inverseSqrt(batchVariance + u.epsilon) * gamma[c];
    if (first) {
      mean[c] = batchMean;
      variance[c] = batchVariance;
      updatedMean[c] = movingMean[c] - (movingMean[c] - batchMean) * u.decay;
      updatedVariance[c] = movingVariance[c] - (movingVariance[c] - batchVariance) * u.decay;
    }`,
    `let value = (x[i] - channelMean[local.x]) * channelScale[local.x] + beta[c];
    y[i] = ${activated(relu, 'value')};`,
    24,
  ),
);

const mergedInputGradient = perActivation((relu) =>
  totalsThenElementwise(
    label('ClsBatchNormTrainingGrad statistics and dx', relu),
    'epsilon: f32',
    `@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> variance: array<f32>;
@group(0) @binding(5) var<storage, read> gamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> dGamma: array<f32>;
@group(0) @binding(8) var<storage, read_write> dBeta: array<f32>;
${relu ? '@group(0) @binding(9) var<storage, read> y: array<f32>;' : ''}
@group(0) @binding(${relu ? 10 : 9}) var<uniform> u: Uniforms;`,
    `var<workgroup> channelTotals: array<vec2<f32>, ${CHANNEL_TILE}>;`,
    `let invStd = inverseSqrt(variance[c] + u.epsilon);
    let gammaGradient = total.y * invStd;
    channelTotals[local.x] = vec2<f32>(total.x, gammaGradient);
    if (first) {
      dBeta[c] = total.x;
      dGamma[c] = gammaGradient;
    }`,
    `let invStd = inverseSqrt(variance[c] + u.epsilon);
    let normalized = (x[i] - mean[c]) * invStd;
    let totals = channelTotals[local.x];
    let invRows = 1.0 / f32(u.rows);
    dx[i] = gamma[c] * invStd * (${gradientAt(relu)} - totals.x * invRows - normalized * totals.y * invRows);`,
    20,
  ),
);

interface Layout {
  readonly size: number;
  readonly channels: number;
  readonly rows: number;
  readonly slices: number;
  readonly rowsPerSlice: number;
}

function layout(x: TensorInfo, kernelName: string): Layout {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (x.shape.length < 2 || channels === 0 || size === 0) {
    throw new Error(
      `${kernelName} needs a non-empty input of rank 2 or more, got shape [${x.shape.join(', ')}]`,
    );
  }
  const rows = size / channels;
  const slices = Math.min(MAX_SLICES, Math.max(1, Math.floor(rows / ROWS_PER_SLICE)));
  return { size, channels, rows, slices, rowsPerSlice: Math.ceil(rows / slices) };
}

/**
 * The row chunks of the merged totals-and-elementwise pass, where it runs: up to `MERGED_MAX_SLICES` slices and a
 * device that binds `buffers` storage buffers. A chunk has four times as many rows as there are slices, which
 * keeps the slices a workgroup adds up small next to the values it reads and writes.
 */
function mergedChunks(
  backend: WebGPUBackend,
  slices: number,
  rows: number,
  buffers: number,
): { readonly rowsPerChunk: number; readonly chunks: number } | undefined {
  if (slices > MERGED_MAX_SLICES || backend.device.limits.maxStorageBuffersPerShaderStage < buffers) {
    return undefined;
  }
  const rowsPerChunk = ROW_LANES * slices;
  return { rowsPerChunk, chunks: Math.ceil(rows / rowsPerChunk) };
}

function batchNormTraining(args: {
  inputs: KernelInputs<typeof BATCH_NORM_TRAINING_INPUTS, TensorInfo>;
  backend: WebGPUBackend;
  attrs: BatchNormTrainingAttrs;
}): TensorInfo[] {
  const { x, gamma, beta, movingMean, movingVariance } = requiredInputs(
    BATCH_NORM_TRAINING,
    args.inputs,
    BATCH_NORM_TRAINING_INPUTS,
  );
  const { backend } = args;
  const activation = batchNormActivation(BATCH_NORM_TRAINING, args.attrs);
  const { size, channels, rows, slices, rowsPerSlice } = layout(x, BATCH_NORM_TRAINING);
  const partial = backend.makeTensorInfo([slices, channels, 2], 'float32');
  const mean = backend.makeTensorInfo([channels], 'float32');
  const variance = backend.makeTensorInfo([channels], 'float32');
  const updatedMean = backend.makeTensorInfo([channels], 'float32');
  const updatedVariance = backend.makeTensorInfo([channels], 'float32');
  const y = backend.makeTensorInfo(x.shape, 'float32');
  const sums: WgslDispatch = {
    kernel: forwardSums,
    tensors: [x, partial],
    uniforms: packUniforms([
      ['u32', rows],
      ['u32', channels],
      ['u32', rowsPerSlice],
    ]),
    workgroups: [Math.ceil(channels / CHANNEL_TILE), slices],
  };
  const decay = 1 - args.attrs.momentum;
  const { epsilon } = args.attrs;
  const merged = mergedChunks(backend, slices, rows, MERGED_FORWARD_BUFFERS);
  const rest: WgslDispatch[] =
    merged !== undefined
      ? [
          {
            kernel: mergedNormalize(activation),
            tensors: [
              partial,
              x,
              gamma,
              beta,
              movingMean,
              movingVariance,
              y,
              mean,
              variance,
              updatedMean,
              updatedVariance,
            ],
            uniforms: packUniforms([
              ['u32', rows],
              ['u32', channels],
              ['u32', slices],
              ['u32', merged.rowsPerChunk],
              ['f32', epsilon],
              ['f32', decay],
            ]),
            workgroups: [Math.ceil(channels / CHANNEL_TILE), merged.chunks],
          },
        ]
      : [
          {
            kernel: forwardStatistics,
            tensors: [partial, x, movingMean, movingVariance, mean, variance, updatedMean, updatedVariance],
            uniforms: packUniforms([
              ['u32', rows],
              ['u32', channels],
              ['u32', slices],
              ['f32', decay],
            ]),
            workgroups: [Math.ceil(channels / TOTAL_CHANNELS)],
          },
          {
            kernel: normalize(activation),
            tensors: [x, mean, variance, gamma, beta, y],
            uniforms: packUniforms([
              ['u32', size],
              ['u32', channels],
              ['f32', epsilon],
            ]),
            workgroups: [strideWorkgroups(size, WORKGROUP)],
          },
        ];
  dispatchWgsl(backend, [sums, ...rest]);
  backend.disposeData(partial.dataId);
  return [y, mean, variance, updatedMean, updatedVariance];
}

function batchNormTrainingGrad(args: {
  inputs: KernelInputs<typeof BATCH_NORM_TRAINING_GRAD_RELU_INPUTS, TensorInfo>;
  backend: WebGPUBackend;
  attrs: BatchNormTrainingGradAttrs;
}): TensorInfo[] {
  const { dy, x, mean, variance, gamma, activation, y } = batchNormTrainingGradInputs(
    args.inputs,
    args.attrs,
  );
  // With relu the gradient kernels bind y last among their tensors.
  const rectified = y === undefined ? [] : [y];
  const { backend } = args;
  const { epsilon } = args.attrs;
  const { size, channels, rows, slices, rowsPerSlice } = layout(x, BATCH_NORM_TRAINING_GRAD);
  const partial = backend.makeTensorInfo([slices, channels, 2], 'float32');
  const dGamma = backend.makeTensorInfo([channels], 'float32');
  const dBeta = backend.makeTensorInfo([channels], 'float32');
  const dx = backend.makeTensorInfo(x.shape, 'float32');
  const sums: WgslDispatch = {
    kernel: backwardSums(activation),
    tensors: [dy, x, mean, ...rectified, partial],
    uniforms: packUniforms([
      ['u32', rows],
      ['u32', channels],
      ['u32', rowsPerSlice],
    ]),
    workgroups: [Math.ceil(channels / CHANNEL_TILE), slices],
  };
  const merged = mergedChunks(backend, slices, rows, MERGED_BACKWARD_BUFFERS + rectified.length);
  if (merged !== undefined) {
    dispatchWgsl(backend, [
      sums,
      {
        kernel: mergedInputGradient(activation),
        tensors: [partial, dy, x, mean, variance, gamma, dx, dGamma, dBeta, ...rectified],
        uniforms: packUniforms([
          ['u32', rows],
          ['u32', channels],
          ['u32', slices],
          ['u32', merged.rowsPerChunk],
          ['f32', epsilon],
        ]),
        workgroups: [Math.ceil(channels / CHANNEL_TILE), merged.chunks],
      },
    ]);
  } else {
    const coefficients = backend.makeTensorInfo([channels, 4], 'float32');
    dispatchWgsl(backend, [
      sums,
      {
        kernel: backwardStatistics,
        tensors: [partial, mean, variance, gamma, dGamma, dBeta, coefficients],
        uniforms: packUniforms([
          ['u32', channels],
          ['u32', slices],
          ['f32', epsilon],
          ['f32', 1 / rows],
        ]),
        workgroups: [Math.ceil(channels / TOTAL_CHANNELS)],
      },
      {
        kernel: inputGradient(activation),
        tensors: [dy, x, coefficients, dx, ...rectified],
        uniforms: packUniforms([
          ['u32', size],
          ['u32', channels],
        ]),
        workgroups: [strideWorkgroups(size, WORKGROUP)],
      },
    ]);
    backend.disposeData(coefficients.dataId);
  }
  backend.disposeData(partial.dataId);
  return [dx, dGamma, dBeta];
}

export const webgpuBatchNormTrainingConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING,
  backendName: 'webgpu',
  kernelFunc: batchNormTraining as unknown as KernelFunc,
};

export const webgpuBatchNormTrainingGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_GRAD,
  backendName: 'webgpu',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
};
