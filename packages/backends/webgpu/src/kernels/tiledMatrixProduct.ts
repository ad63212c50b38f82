import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import {
  MAX_WORKGROUPS,
  WgslKernel,
  dispatchWgsl,
  packUniforms,
  strideWorkgroups,
  type WgslDispatch,
} from './wgslKernel.js';

/**
 * The output tile per workgroup of 16 × 16 threads: 64 × 64 (4 × 4 values per thread), or 128 × 128 (8 × 8 per
 * thread: twice the multiply-adds per value loaded from workgroup memory, at the cost of more registers, 16 KiB of
 * workgroup memory in f32 (WebGPU's default limit), and workgroups four times as large, so fewer of them for a given
 * product). Which is faster depends on the GPU and the shapes: `trainer.benchmark` times both.
 */
export type TileSize = 64 | 128;
export const TILE_SIZES: readonly TileSize[] = [64, 128];
/** The K values loaded per step: a 16-wide slice, summed in f16 under 16-mixed. */
const TK = 16;
const THREADS = 16;
/** Workgroups a split-K dispatch aims at: enough to fill a large GPU several times over. */
const TARGET_WORKGROUPS = 512;
/** The fewest K values one split sums, so that its tiles' loads pay for themselves. */
const MIN_K_PER_SPLIT = 256;
const REDUCE_WORKGROUP = 256;

export type Activation = 'linear' | 'relu';

/**
 * A matrix product C[batch, m, n] = Σ_k A(batch, m, k) · B(batch, k, n), where A and B are gathered from the
 * input tensors by WGSL loaders (a convolution is an implicit im2col), optionally followed by a bias over n and an
 * activation.
 */
export interface MatrixProductShader {
  readonly label: string;
  /** The float32 storage arrays the loaders read, bound in this order from binding 0. */
  readonly inputs: readonly string[];
  /** Uniform fields after the common `M, N, K, kPerSplit, splits, batches`: WGSL `name: u32|i32`, in order. */
  readonly fields: readonly (readonly [string, 'u32' | 'i32'])[];
  /**
   * WGSL `fn loadA(batch: u32, m: u32, k: u32) -> f32` and `fn loadB(batch: u32, k: u32, n: u32) -> f32`,
   * called with m < M, n < N and k < K only; `u` is the uniforms.
   */
  readonly loaders: string;
  /** Which index is contiguous in memory for each operand, so that neighbouring threads load neighbours. */
  readonly contiguous: { readonly a: 'k' | 'm'; readonly b: 'k' | 'n' };
  /** Whether the output adds `bias[n]` (a binding after the inputs). */
  readonly bias: boolean;
  readonly activation: Activation;
  /**
   * float16 (`16-mixed`): A and B are rounded to f16 as they are loaded (beyond ±65504 they become ±inf, as
   * torch's half casts), each 16-wide slice of K is multiplied and summed in f16, the slices are summed in f32,
   * and the result is rounded to f16, stored as f32 (TensorFlow.js has no float16 dtype). Needs `shader-f16`.
   */
  readonly half: boolean;
}

/** IEEE rounding to f16 that WGSL leaves undefined out of range: too large is ±inf, NaN stays NaN. */
const HALF_ROUNDING = /* wgsl */ `
fn toHalf(value: f32) -> f16 {
  let bits = bitcast<u32>(value);
  let magnitude = bits & 0x7fffffffu;
  let sign = (bits >> 16u) & 0x8000u;
  // The bit patterns depend on the value, so that no constant expression is a non-finite number.
  if (magnitude > 0x7f800000u) { return bitcast<vec2<f16>>(sign | 0x7e00u).x; }
  if (magnitude >= 0x477ff000u) { return bitcast<vec2<f16>>(sign | 0x7c00u).x; }
  // WGSL lets f16(x) round either way; rounded first, x is a float16 value and the conversion exact.
  return f16(roundToHalf(value));
}

fn roundToHalf(value: f32) -> f32 {
  let bits = bitcast<u32>(value);
  let magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) { return value; }
  if (magnitude >= 0x477ff000u) { return bitcast<f32>((bits & 0x80000000u) | 0x7f800000u); }
  // In bits, not f32(f16(value)): a compiler may fold that pair of conversions away (lavapipe's does).
  if (magnitude < 0x38800000u) {
    // Below 2^-14, float16 steps by 2^-24 (its subnormals); round() ties to even.
    return round(value * 16777216.0) / 16777216.0;
  }
  // Keep 10 of the 23 mantissa bits, to nearest, ties to even; a carry moves to the next exponent, as it should.
  let lowest = (magnitude >> 13u) & 1u;
  return bitcast<f32>((bits & 0x80000000u) | ((magnitude + 0x0fffu + lowest) & 0xffffe000u));
}
`;

function finishFunction(shader: MatrixProductShader): string {
  return /* wgsl */ `
fn finish(value: f32, n: u32) -> f32 {
  var v = value;
  ${shader.bias ? 'v += bias[n];' : ''}
  ${shader.activation === 'relu' ? '// select, not max: relu(NaN) is NaN.\n  v = select(v, 0.0, v < 0.0);' : ''}
  ${shader.half ? 'v = roundToHalf(v);' : ''}
  return v;
}
`;
}

function bindings(shader: MatrixProductShader, first: readonly string[]): string {
  const names = [...first, ...(shader.bias ? ['bias'] : [])];
  const lines = names.map(
    (name, binding) => `@group(0) @binding(${binding}) var<storage, read> ${name}: array<f32>;`,
  );
  lines.push(
    `@group(0) @binding(${names.length}) var<storage, read_write> result: array<f32>;`,
    `@group(0) @binding(${names.length + 1}) var<uniform> u: Uniforms;`,
  );
  return lines.join('\n');
}

/** Thread `e` of a tile load: the K row and the M/N column it loads, neighbours along the contiguous index. */
function tileIndex(contiguous: 'k' | 'mn', tile: TileSize): string {
  return contiguous === 'k'
    ? `let kk = e % ${TK}u;\n      let column = e / ${TK}u;`
    : `let kk = e / ${tile}u;\n      let column = e % ${tile}u;`;
}

/**
 * One K step's multiply-adds: thread (x, y) holds rows y + 16i and columns x + 16j of the tile, as `acc[i · V + h]`
 * (a vec4 over columns j = 4h … 4h + 3), V = per / 4; neighbouring threads read neighbouring workgroup values.
 */
function multiplySource(half: boolean, per: number): string {
  const vectors = per / 4;
  const scalar = half ? 'f16' : 'f32';
  const columns = Array.from({ length: vectors }, (_, h) => {
    const reads = [0, 1, 2, 3].map((j) => `tileB[kk][local.x + ${THREADS * (4 * h + j)}u]`).join(', ');
    return `let b${h} = vec4<${scalar}>(${reads});`;
  }).join('\n      ');
  const target = half ? 'part' : 'acc';
  const fmas = Array.from(
    { length: vectors },
    (_, h) => `${target}[i * ${vectors}u + ${h}u] = fma(a, b${h}, ${target}[i * ${vectors}u + ${h}u]);`,
  ).join('\n        ');
  const loop = `for (var kk = 0u; kk < ${TK}u; kk++) {
      ${columns}
      for (var i = 0u; i < ${per}u; i++) {
        let a = vec4<${scalar}>(tileA[kk][local.y + ${THREADS}u * i]);
        ${fmas}
      }
    }`;
  return half
    ? `// Initialized explicitly: lavapipe keeps a loop-body var's value from one iteration to the next.
    var part = array<vec4<f16>, ${per * vectors}>();
    ${loop}
    for (var i = 0u; i < ${per * vectors}u; i++) { acc[i] += vec4<f32>(part[i]); }`
    : loop;
}

function tilesSource(shader: MatrixProductShader, tile: TileSize): string {
  const per = tile / THREADS;
  const vectors = per / 4;
  const scalar = shader.half ? 'f16' : 'f32';
  const store = shader.half ? 'toHalf' : '';
  const fields = shader.fields.map(([name, type]) => `${name}: ${type},`).join(' ');
  return /* wgsl */ `
${shader.half ? 'enable f16;' : ''}
struct Uniforms {
  M: u32, N: u32, K: u32, kPerSplit: u32, splits: u32, batches: u32, mOffset: u32, batchOffset: u32, ${fields}
}
${bindings(shader, shader.inputs)}

var<workgroup> tileA: array<array<${scalar}, ${tile}>, ${TK}>;
var<workgroup> tileB: array<array<${scalar}, ${tile}>, ${TK}>;

${shader.loaders}
${shader.half ? HALF_ROUNDING : ''}
${finishFunction(shader)}

@compute @workgroup_size(${THREADS}, ${THREADS})
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let batch = u.batchOffset + group.z / u.splits;
  let split = group.z % u.splits;
  let m0 = u.mOffset + group.x * ${tile}u;
  let n0 = group.y * ${tile}u;
  let kStart = split * u.kPerSplit;
  let kEnd = min(kStart + u.kPerSplit, u.K);
  let flat = local.y * ${THREADS}u + local.x;
  var acc: array<vec4<f32>, ${per * vectors}>;
  for (var k0 = kStart; k0 < kEnd; k0 += ${TK}u) {
    for (var r = 0u; r < ${(TK * tile) / (THREADS * THREADS)}u; r++) {
      let e = flat + r * ${THREADS * THREADS}u;
      {
        ${tileIndex(shader.contiguous.a === 'k' ? 'k' : 'mn', tile)}
        let k = k0 + kk;
        var a = 0.0;
        if (k < kEnd && m0 + column < u.M) { a = loadA(batch, m0 + column, k); }
        tileA[kk][column] = ${store}(a);
      }
      {
        ${tileIndex(shader.contiguous.b === 'k' ? 'k' : 'mn', tile)}
        let k = k0 + kk;
        var b = 0.0;
        if (k < kEnd && n0 + column < u.N) { b = loadB(batch, k, n0 + column); }
        tileB[kk][column] = ${store}(b);
      }
    }
    workgroupBarrier();
    ${multiplySource(shader.half, per)}
    workgroupBarrier();
  }
  for (var i = 0u; i < ${per}u; i++) {
    let m = m0 + local.y + ${THREADS}u * i;
    for (var j = 0u; j < ${per}u; j++) {
      let n = n0 + local.x + ${THREADS}u * j;
      let value = acc[i * ${vectors}u + j / 4u][j % 4u];
      if (m < u.M && n < u.N) {
        if (u.splits == 1u) {
          result[(batch * u.M + m) * u.N + n] = finish(value, n);
        } else {
          result[((split * u.batches + batch) * u.M + m) * u.N + n] = value;
        }
      }
    }
  }
}
`;
}

function sumSource(shader: MatrixProductShader): string {
  return /* wgsl */ `
${shader.half ? 'enable f16;' : ''}
struct Uniforms { size: u32, splits: u32, N: u32 }
${bindings(shader, ['partial'])}
${shader.half ? HALF_ROUNDING : ''}
${finishFunction(shader)}

@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = id.x; i < u.size; i += groups.x * ${REDUCE_WORKGROUP}u) {
    var total = 0.0;
    for (var s = 0u; s < u.splits; s++) { total += partial[s * u.size + i]; }
    result[i] = finish(total, i % u.N);
  }
}
`;
}

/** A product's two kernels: the tiles (writing partial sums when K is split) and the sum of the splits. */
export class TiledMatrixProduct {
  readonly tiles: WgslKernel;
  readonly sum: WgslKernel;

  constructor(
    readonly shader: MatrixProductShader,
    readonly tile: TileSize,
  ) {
    const precision = shader.half ? 'f16' : 'f32';
    this.tiles = new WgslKernel(
      `${shader.label} ${tile}² tiles (${precision})`,
      tilesSource(shader, tile),
      (8 + shader.fields.length) * 4,
    );
    this.sum = new WgslKernel(`${shader.label} sum (${precision})`, sumSource(shader), 12);
  }
}

/** K splits for `batches` M × N products over K values: enough workgroups, each split still a useful length. */
export function splitCount(m: number, n: number, k: number, batches = 1, tile: TileSize = 64): number {
  const tiles = Math.ceil(m / tile) * Math.ceil(n / tile) * batches;
  const wanted = Math.ceil(TARGET_WORKGROUPS / tiles);
  return Math.max(1, Math.min(wanted, Math.floor(k / MIN_K_PER_SPLIT), Math.floor(MAX_WORKGROUPS / batches)));
}

export interface MatrixProductRun {
  readonly inputs: readonly TensorInfo[];
  readonly bias?: TensorInfo | undefined;
  /** The float32 output, `batches × M × N` values. */
  readonly output: TensorInfo;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batches?: number;
  /** Values of the shader's `fields`, in order. */
  readonly fields: readonly number[];
}

/**
 * Runs `product` into `run.output`, splitting K across workgroups when the output alone cannot fill the GPU. Where
 * M needs more tiles, or the batches and splits more workgroups, than one dispatch dimension holds (65,535: e.g.
 * M = batch × 112 × 112 rows for batches over 334), the tiles go out in several dispatches, each over a range of
 * M tiles and batches.
 */
export function runMatrixProduct(
  backend: WebGPUBackend,
  product: TiledMatrixProduct,
  run: MatrixProductRun,
): void {
  const { shader, tile } = product;
  if (shader.bias !== (run.bias !== undefined))
    throw new Error(`${shader.label}: bias given ≠ bias expected`);
  if (run.fields.length !== shader.fields.length) throw new Error(`${shader.label}: wrong number of fields`);
  const batches = run.batches ?? 1;
  const { m, n, k } = run;
  if (Math.ceil(n / tile) > MAX_WORKGROUPS) {
    throw new Error(`${shader.label}: a ${m} × ${n} product is larger than one dispatch can cover`);
  }
  const splits = splitCount(m, n, k, batches, tile);
  const kPerSplit = Math.ceil(k / splits / TK) * TK;
  const usedSplits = Math.max(1, Math.ceil(k / kPerSplit));
  const bias = run.bias === undefined ? [] : [run.bias];
  const partial =
    usedSplits === 1 ? run.output : backend.makeTensorInfo([usedSplits, batches, m, n], 'float32');
  const mTiles = Math.ceil(m / tile);
  const batchesPerDispatch = Math.max(1, Math.floor(MAX_WORKGROUPS / usedSplits));
  const tileDispatches: WgslDispatch[] = [];
  for (let firstTile = 0; firstTile < mTiles; firstTile += MAX_WORKGROUPS) {
    for (let firstBatch = 0; firstBatch < batches; firstBatch += batchesPerDispatch) {
      tileDispatches.push({
        kernel: product.tiles,
        tensors: [...run.inputs, ...bias, partial],
        uniforms: packUniforms([
          ['u32', m],
          ['u32', n],
          ['u32', k],
          ['u32', kPerSplit],
          ['u32', usedSplits],
          ['u32', batches],
          ['u32', firstTile * tile],
          ['u32', firstBatch],
          ...shader.fields.map(([, type], i) => [type, run.fields[i] ?? 0] as const),
        ]),
        workgroups: [
          Math.min(MAX_WORKGROUPS, mTiles - firstTile),
          Math.ceil(n / tile),
          usedSplits * Math.min(batchesPerDispatch, batches - firstBatch),
        ],
      });
    }
  }
  try {
    dispatchWgsl(backend, [
      ...tileDispatches,
      ...(usedSplits === 1
        ? []
        : [
            {
              kernel: product.sum,
              tensors: [partial, ...bias, run.output],
              uniforms: packUniforms([
                ['u32', batches * m * n],
                ['u32', usedSplits],
                ['u32', n],
              ]),
              workgroups: [strideWorkgroups(batches * m * n, REDUCE_WORKGROUP)] as const,
            },
          ]),
    ]);
  } finally {
    if (partial !== run.output) backend.disposeData(partial.dataId);
  }
}
