import type { RawImage } from '@nextplay/cls-core';
import {
  createSimdMemory,
  instantiateSimdModule,
  type GrowableSimdMemory,
  type SimdExport,
} from '@nextplay/cls-core/wasm-simd';
import { resampleFunctions } from './resampleSimdModule.js';

/** Per output pixel (or row): the first source pixel (or row), the number of taps and their weights. */
export interface ResampleTaps {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float32Array;
  /** Weight slots per output pixel. */
  readonly taps: number;
}

interface Kernels {
  readonly memory: GrowableSimdMemory;
  readonly resampleRows: SimdExport;
  readonly resampleColumns: SimdExport;
}

/**
 * Past this much working memory an image is resampled in JavaScript instead: each thread's module memory grows to
 * its largest image and never shrinks. A 2,000 × 2,000 box resized to 224 × 224 fits.
 */
const MAX_WORKING_BYTES = 32 * 1024 * 1024;
/** Up to this size the source rows are copied whole, in one call; past it, only the box's columns row by row. */
const WHOLE_ROWS_MAX_BYTES = 1024 * 1024;
const PAGE_BYTES = 65536;

/** This thread's module, compiled on first use (each transform worker has its own). */
let kernels: Kernels | undefined;

function loadKernels(): Kernels {
  if (kernels === undefined) {
    const memory = createSimdMemory(4);
    const { exports } = instantiateSimdModule(resampleFunctions, memory);
    const { resampleRows, resampleColumns } = exports;
    if (resampleRows === undefined || resampleColumns === undefined)
      throw new Error('resample module lacks its passes');
    kernels = { memory, resampleRows, resampleColumns };
  }
  return kernels;
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** A separable resize: the source rows it reads, the taps of its two passes and the output size. */
export interface ResamplePlan {
  /** The first source row read, and one past the last. */
  readonly rowStart: number;
  readonly rowEnd: number;
  /** Columns, in source pixels. */
  readonly h: ResampleTaps;
  /** Rows, in source rows. */
  readonly v: ResampleTaps;
  readonly outWidth: number;
  readonly outHeight: number;
}

/**
 * The RGB `image` resampled by `plan` in WebAssembly SIMD, with float32 sums rounded once at the end; undefined
 * when the working memory would pass MAX_WORKING_BYTES.
 */
export function resampleRgbSimd(image: RawImage, plan: ResamplePlan): RawImage | undefined {
  const { rowStart, rowEnd, h, v, outWidth, outHeight } = plan;
  const rowCount = rowEnd - rowStart;
  const imageStride = image.width * 3;
  // Whole rows are copied in at one go when they are small; else only the columns the horizontal pass reads.
  let columnStart = 0;
  let columnEnd = image.width;
  if (rowCount * imageStride > WHOLE_ROWS_MAX_BYTES) {
    columnStart = image.width;
    columnEnd = 0;
    for (let x = 0; x < outWidth; x++) {
      const first = h.first[x] ?? 0;
      columnStart = Math.min(columnStart, first);
      columnEnd = Math.max(columnEnd, first + (h.count[x] ?? 0));
    }
  }
  const stride = (columnEnd - columnStart) * 3;
  const outRowBytes = outWidth * 3;
  // Room for one float past each row (the horizontal pass writes four lanes per pixel).
  const rowStride = align16((outRowBytes + 1) * 4);
  let end = 0;
  const reserve = (bytes: number): number => {
    const at = end;
    end = align16(end + bytes);
    return at;
  };
  // 8 spare bytes: the last pixel's load reads 8.
  const source = reserve(rowCount * stride + 8);
  const hFirst = reserve(outWidth * 4);
  const hCount = reserve(outWidth * 4);
  const hWeights = reserve(h.weights.length * 4);
  const vFirst = reserve(outHeight * 4);
  const vCount = reserve(outHeight * 4);
  const vWeights = reserve(v.weights.length * 4);
  const rows = reserve(rowCount * rowStride);
  // 4 spare bytes: the last row's last store writes 4.
  const out = reserve(outHeight * outRowBytes + 4);
  if (end > MAX_WORKING_BYTES) return undefined;

  const { memory, resampleRows, resampleColumns } = loadKernels();
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  const { buffer } = memory;
  const sourceRows = new Uint8Array(buffer, source, rowCount * stride);
  if (stride === imageStride) {
    sourceRows.set(image.data.subarray(rowStart * imageStride, rowEnd * imageStride));
  } else {
    for (let y = 0; y < rowCount; y++) {
      const from = (rowStart + y) * imageStride + columnStart * 3;
      sourceRows.set(image.data.subarray(from, from + stride), y * stride);
    }
  }
  const firstBytes = new Int32Array(buffer, hFirst, outWidth);
  for (let x = 0; x < outWidth; x++) firstBytes[x] = ((h.first[x] ?? 0) - columnStart) * 3;
  new Int32Array(buffer, hCount, outWidth).set(h.count);
  new Float32Array(buffer, hWeights, h.weights.length).set(h.weights);
  const firstRows = new Int32Array(buffer, vFirst, outHeight);
  for (let y = 0; y < outHeight; y++) firstRows[y] = ((v.first[y] ?? 0) - rowStart) * rowStride;
  new Int32Array(buffer, vCount, outHeight).set(v.count);
  new Float32Array(buffer, vWeights, v.weights.length).set(v.weights);

  resampleRows(source, stride, rowCount, hFirst, hCount, hWeights, h.taps * 4, outWidth, rows, rowStride);
  resampleColumns(rows, rowStride, vFirst, vCount, vWeights, v.taps * 4, outHeight, outRowBytes * 4, out);
  return {
    data: new Uint8Array(buffer, out, outHeight * outRowBytes).slice(),
    width: outWidth,
    height: outHeight,
    channels: 3,
  };
}
