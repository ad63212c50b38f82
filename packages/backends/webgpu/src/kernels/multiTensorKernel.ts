import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { readInFlight } from '../readsInFlight.js';
import { packUniforms, strideWorkgroups, type WgslDispatch, type WgslKernel } from './wgslKernel.js';

/**
 * How many items of `buffersEach` storage buffers one dispatch can bind besides `otherBuffers`, within the device's
 * storage-buffer limit and at most `most`; at least 1.
 */
function itemsPerDispatch(
  backend: WebGPUBackend,
  buffersEach: number,
  otherBuffers: number,
  most: number,
): number {
  const limit = backend.device.limits.maxStorageBuffersPerShaderStage;
  return Math.max(1, Math.min(most, Math.floor((limit - otherBuffers) / buffersEach)));
}

/**
 * The storage-buffer declarations of `count` items, each binding `buffers` (name and access) in order, item i's
 * named `<name>i` at bindings `buffers.length · i + j`.
 */
export function multiTensorBindings(
  count: number,
  buffers: readonly (readonly [string, 'read' | 'read_write'])[],
): string {
  return Array.from({ length: count }, (_, i) =>
    buffers.map(
      ([name, access], j) =>
        `@group(0) @binding(${buffers.length * i + j}) var<storage, ${access}> ${name}${i}: array<f32>;`,
    ),
  )
    .flat()
    .join('\n');
}

/**
 * A WGSL grid-stride loop over the values of `count` tensors in turn, each tensor's after the previous one's:
 * uniforms `end0 … end{count−1}` (u32) say where each tensor's values end in that order, and `body(i)` runs for a
 * value of tensor i with `j`, its index in that tensor.
 */
export function multiTensorLoop(count: number, workgroup: number, body: (i: number) => string): string {
  const branches = Array.from(
    { length: count },
    (_, i) => `${i === 0 ? '' : 'else '}if (index < u.end${i}) {
      let j = index${i === 0 ? '' : ` - u.end${i - 1}`};
      ${body(i)}
    }`,
  );
  return `for (var index = id.x; index < u.end${count - 1}; index += groups.x * ${workgroup}u) {
    ${branches.join(' ')}
  }`;
}

/** `make`, made once per tensor count and then reused. */
export function kernelPerCount(make: (count: number) => WgslKernel): (count: number) => WgslKernel {
  const made = new Map<number, WgslKernel>();
  return (count) => {
    let kernel = made.get(count);
    if (kernel === undefined) {
      kernel = make(count);
      made.set(count, kernel);
    }
    return kernel;
  };
}

type UniformField = readonly ['u32' | 'i32' | 'f32', number];

/** One tensor's (or group's) share of a multi-tensor kernel call. */
export interface MultiTensorItem {
  /** The values its loop iterates over. */
  readonly size: number;
  /** The tensors it binds, in binding order. */
  readonly tensors: readonly TensorInfo[];
  /** Its uniform fields after its `end{i}`. */
  readonly fields: readonly UniformField[];
}

/**
 * The dispatches of a multi-tensor kernel call: as many items at a time as the device's storage-buffer limit allows
 * (every item binds as many tensors as the first), at most `most`, each dispatch binding its items' tensors and
 * then `shared`, with uniforms `common` and, per item, its `end{i}` (`multiTensorLoop`) and fields.
 */
export function multiTensorDispatches(
  backend: WebGPUBackend,
  items: readonly MultiTensorItem[],
  { kernel, common, shared = [], workgroup, most }: MultiTensorKernel,
): WgslDispatch[] {
  const perDispatch = itemsPerDispatch(backend, items[0]?.tensors.length ?? 1, shared.length, most);
  const dispatches: WgslDispatch[] = [];
  for (let first = 0; first < items.length; first += perDispatch) {
    const group = items.slice(first, first + perDispatch);
    let end = 0;
    const fields = group.flatMap((item) => {
      end += item.size;
      return [['u32', end] as const, ...item.fields];
    });
    dispatches.push({
      kernel: kernel(group.length),
      tensors: [...group.flatMap((item) => item.tensors), ...shared],
      uniforms: packUniforms([...common, ...fields]),
      workgroups: [strideWorkgroups(end, workgroup)],
    });
  }
  return dispatches;
}

export interface MultiTensorKernel {
  /** The kernel for a dispatch of `count` items. */
  readonly kernel: (count: number) => WgslKernel;
  /** The uniform fields before the items' own. */
  readonly common: readonly UniformField[];
  /** Tensors every dispatch binds after its items' (a shared result). */
  readonly shared?: readonly TensorInfo[];
  readonly workgroup: number;
  /** Items one dispatch takes at most, so that the chain of range tests each value goes through stays short. */
  readonly most: number;
}

/** A multi-tensor call's items, by where their results go (`placeResults`). */
export interface PlacedItems {
  readonly inPlace: MultiTensorItem[];
  readonly outOfPlace: MultiTensorItem[];
}

/** The dispatches of `items`: those updated in place with `kernels.inPlace`, then the rest with `kernels.outOfPlace`. */
export function placedDispatches(
  backend: WebGPUBackend,
  items: PlacedItems,
  kernels: {
    readonly inPlace: MultiTensorKernel['kernel'];
    readonly outOfPlace: MultiTensorKernel['kernel'];
  },
  options: Omit<MultiTensorKernel, 'kernel'>,
): WgslDispatch[] {
  return [
    ...multiTensorDispatches(backend, items.inPlace, { ...options, kernel: kernels.inPlace }),
    ...multiTensorDispatches(backend, items.outOfPlace, { ...options, kernel: kernels.outOfPlace }),
  ];
}

/**
 * Where an item's results go: over the `updated` tensors themselves, where every one of them is `writableInPlace`
 * (each then returned as one more reference to its buffer, as tfjs's Identity returns), else into new tensors.
 */
export function placeResults(
  backend: WebGPUBackend,
  updated: readonly TensorInfo[],
): { readonly inPlace: boolean; readonly results: TensorInfo[] } {
  const inPlace = updated.every((tensor) => writableInPlace(backend, tensor));
  const results = updated.map((tensor) => {
    if (!inPlace) return backend.makeTensorInfo(tensor.shape, tensor.dtype);
    backend.incRef(tensor.dataId);
    return { dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype };
  });
  return { inPlace, results };
}

/**
 * Whether a kernel may write a tensor's next value over its own buffer: the buffer is on the GPU and no other tensor
 * shares it (a clone does: tfjs's Identity, e.g. an EMA's first copy of the weights), and no copy of its values is
 * cached on the CPU or about to be (a read leaves one, which would go stale).
 */
function writableInPlace(backend: WebGPUBackend, tensor: TensorInfo): boolean {
  const data = backend.tensorMap.get(tensor.dataId);
  // Typed as always there, but null once uploaded (tfjs-backend-webgpu's uploadToGPU).
  const cached: unknown = data.values;
  return (
    data.refCount === 1 &&
    cached == null &&
    !readInFlight(backend, tensor.dataId) &&
    data.external !== true &&
    data.resource instanceof GPUBuffer
  );
}
