import {
  getKernel,
  type DataId,
  type DataType,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Per-side padding of the two spatial dimensions of an NHWC tensor; negative values crop. */
export interface SpatialPadding {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** A WebAssembly.Memory (this package compiles without the DOM/WebAssembly type library). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

/** The parts of tfjs-backend-wasm's BackendWasm used to lay out data directly in the wasm heap. */
export interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** Adds a reference to the data, which is then freed only after one more `disposeData`. */
  incRef(dataId: DataId): void;
  readonly dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  readonly wasm: {
    /** The threaded build's memory; its `buffer` is current even after the shared memory has grown. */
    readonly wasmMemory?: WasmMemory;
    /** The single-threaded build's exports, its memory among them. */
    readonly asm?: { readonly memory?: WasmMemory };
    readonly HEAPU8: Uint8Array;
  };
}

/** The typed array tfjs-backend-wasm keeps each dtype in. */
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * Runs other kernels registered for the wasm backend from inside a kernel, tracking every intermediate so one
 * `disposeIntermediates()` frees them all (kernels run below the tfjs engine, so `tf.tidy` cannot see them).
 */
export class WasmKernelCalls {
  readonly #backend: WasmHeapBackend;
  readonly #intermediates: TensorInfo[] = [];

  constructor(backend: KernelBackend) {
    this.#backend = backend as WasmHeapBackend;
  }

  /** The backend, with the parts of its heap these calls use. */
  get backend(): WasmHeapBackend {
    return this.#backend;
  }

  /** A new tensor with uninitialized contents. */
  allocate(shape: readonly number[], dtype: DataType = 'float32'): TensorInfo {
    const tensor = this.#backend.makeOutput([...shape], dtype);
    this.#intermediates.push(tensor);
    return tensor;
  }

  /**
   * The float32 tensor's values in the wasm heap. Any allocation or kernel call may grow (and so move or replace)
   * the heap: take views only after the last allocation that precedes their use, never keep one across a call.
   */
  view(tensor: TensorInfo): Float32Array {
    if (tensor.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${tensor.dtype}`);
    return this.heapView(tensor) as Float32Array;
  }

  /** Where the tensor's values start in the wasm heap, in bytes. */
  byteOffset(tensor: TensorInfo): number {
    const data = this.#backend.dataIdMap.get(tensor.dataId);
    if (data === undefined) throw new Error('the tensor is not stored in the wasm backend');
    return data.memoryOffset;
  }

  /**
   * The tensor's values in the wasm heap, as the typed array of its dtype. Built from the memory's current buffer
   * (with threads it is a SharedArrayBuffer that grows in place; `HEAPU8` may lag behind it).
   */
  heapView(tensor: TensorInfo): HeapArray {
    const offset = this.byteOffset(tensor);
    const { wasm } = this.#backend;
    const buffer = wasm.wasmMemory?.buffer ?? wasm.HEAPU8.buffer;
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    switch (tensor.dtype) {
      case 'float32':
        return new Float32Array(buffer, offset, size);
      case 'int32':
        return new Int32Array(buffer, offset, size);
      case 'bool':
        return new Uint8Array(buffer, offset, size);
      default:
        throw new Error(`the wasm backend keeps no ${tensor.dtype} tensors in its heap`);
    }
  }

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm') as ReturnType<typeof getKernel> | undefined;
    if (kernel === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel`);
    const result = kernel.kernelFunc({ inputs, backend: this.#backend, attrs });
    if (Array.isArray(result)) throw new Error(`the wasm ${kernelName} kernel returned several tensors`);
    this.#intermediates.push(result);
    return result;
  }

  reshape(x: TensorInfo, shape: readonly number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape: [...shape] });
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.run('Slice', { x }, { begin: [...begin], size: [...size] });
  }

  /** Pads (positive) or crops (negative) the spatial dimensions of an NHWC tensor. */
  padSpatial(x: TensorInfo, padding: SpatialPadding): TensorInfo {
    const [n, h, w, c] = nhwc(x);
    const cropTop = Math.max(0, -padding.top);
    const cropBottom = Math.max(0, -padding.bottom);
    const cropLeft = Math.max(0, -padding.left);
    const cropRight = Math.max(0, -padding.right);
    let result = x;
    if (cropTop + cropBottom + cropLeft + cropRight > 0) {
      result = this.slice(
        result,
        [0, cropTop, cropLeft, 0],
        [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
      );
    }
    const padTop = Math.max(0, padding.top);
    const padBottom = Math.max(0, padding.bottom);
    const padLeft = Math.max(0, padding.left);
    const padRight = Math.max(0, padding.right);
    if (padTop + padBottom + padLeft + padRight > 0) {
      result = this.#zeroPad(result, padTop, padBottom, padLeft, padRight);
    }
    return result;
  }

  /**
   * x zero-padded spatially, by row copies. The PadV2 kernel would do the same through XNNPACK's thread pool, whose
   * threads then spin for milliseconds, taking a core from the engine's own product threads that usually run next.
   */
  #zeroPad(x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
    const [n, h, w, c] = nhwc(x);
    const width = w + left + right;
    const padded = this.allocate([n, h + top + bottom, width, c]);
    const source = this.view(x);
    const target = this.view(padded);
    const run = w * c;
    const paddedRow = width * c;
    const paddedImage = (h + top + bottom) * paddedRow;
    for (let image = 0; image < n; image++) {
      const base = image * paddedImage;
      // Only the border is zeroed: the top rows, the bottom rows, and the left and right margins in between.
      target.fill(0, base, base + top * paddedRow + left * c);
      for (let row = 0; row < h; row++) {
        const to = base + ((row + top) * width + left) * c;
        target.set(source.subarray((image * h + row) * run, (image * h + row + 1) * run), to);
        const marginEnd = row + 1 < h ? to + run + (right + left) * c : base + paddedImage;
        target.fill(0, to + run, marginEnd);
      }
      if (h === 0) target.fill(0, base, base + paddedImage);
    }
    return padded;
  }

  /**
   * Stride-1 NHWC convolution with explicit padding, which may be negative (crops the input first). The wasm
   * Conv2D kernel (XNNPACK) handles dilation and explicit padding natively.
   */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    padding: SpatialPadding,
    dilations: readonly [number, number] = [1, 1],
  ): TensorInfo {
    const cropped = this.padSpatial(x, {
      top: Math.min(0, padding.top),
      bottom: Math.min(0, padding.bottom),
      left: Math.min(0, padding.left),
      right: Math.min(0, padding.right),
    });
    const pad = [
      [0, 0],
      [Math.max(0, padding.top), Math.max(0, padding.bottom)],
      [Math.max(0, padding.left), Math.max(0, padding.right)],
      [0, 0],
    ];
    return this.run(
      'Conv2D',
      { x: cropped, filter },
      { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [...dilations], dimRoundingMode: 'floor' },
    );
  }

  /** Frees these intermediates now (to bound the memory of a loop); the rest stay tracked. */
  dispose(...tensors: TensorInfo[]): void {
    for (const tensor of tensors) {
      const index = this.#intermediates.indexOf(tensor);
      if (index >= 0) this.#intermediates.splice(index, 1);
      this.#backend.disposeData(tensor.dataId);
    }
  }

  /** Frees every intermediate except `result` (which the caller returns to the engine). */
  disposeIntermediates(result?: TensorInfo): void {
    for (const tensor of this.#intermediates) {
      if (tensor !== result) this.#backend.disposeData(tensor.dataId);
    }
    this.#intermediates.length = 0;
  }
}

export function nhwc(x: TensorInfo): [number, number, number, number] {
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || n === undefined || h === undefined || w === undefined || c === undefined) {
    throw new Error(`expected a rank-4 NHWC tensor, got shape [${x.shape.join(', ')}]`);
  }
  return [n, h, w, c];
}
