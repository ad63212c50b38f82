import { unzipSync } from 'fflate';
import { ClsError } from '@nextplay/cls-core';
import {
  ELEMENT_BYTES,
  elementReader,
  type ElementType,
  type StateDict,
  type StateTensor,
} from './stateDict.js';
import { isTensor, unpickleTorch, type TorchTensorRef } from './torchPickle.js';

const STORAGE_ELEMENT_TYPES: Readonly<Record<string, ElementType>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** Whether the bytes start like a zip archive (`torch.save`'s default format since PyTorch 1.6). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Reads a `state_dict` saved by `torch.save` (zip format: `<name>/data.pkl` plus one raw little-endian file per
 * storage under `<name>/data/`). The pickle is read by a safe unpickler that refuses every global that is not a
 * tensor rebuild or a dict. A checkpoint wrapping the weights as `{"state_dict": …}` or `{"model": …}` is unwrapped.
 */
export function readTorchCheckpoint(bytes: Uint8Array, source: string): StateDict {
  if (!isZip(bytes)) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `${source} is not a torch.save zip archive (legacy torch files are not supported)`,
      { hint: 're-save it with torch.save(state_dict, path) from PyTorch >= 1.6, or as .safetensors' },
    );
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new ClsError('CHECKPOINT_INVALID', `${source}: the zip archive cannot be read`, { cause: error });
  }
  const pickleName = Object.keys(files).find((name) => name === 'data.pkl' || name.endsWith('/data.pkl'));
  const pickle = pickleName === undefined ? undefined : files[pickleName];
  if (pickleName === undefined || pickle === undefined) {
    throw new ClsError('CHECKPOINT_INVALID', `${source} has no data.pkl: not a torch.save file`);
  }
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const root = unwrapStateDict(unpickleTorch(pickle, source));
  if (root === undefined) {
    throw new ClsError('CHECKPOINT_INVALID', `${source} does not hold a state_dict (a dict of tensors)`);
  }
  const tensors = new Map<string, StateTensor>();
  for (const [key, value] of root) {
    if (typeof key !== 'string' || !isTensor(value)) continue;
    const storage = files[`${prefix}data/${value.storage.key}`];
    if (storage === undefined) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `${source}: storage ${value.storage.key} of ${key} is missing`,
      );
    }
    tensors.set(key, materialize(value, storage, `${source}: ${key}`));
  }
  return tensors;
}

function unwrapStateDict(value: unknown): Map<unknown, unknown> | undefined {
  if (!(value instanceof Map)) return undefined;
  if ([...value.values()].some(isTensor)) return value;
  for (const key of ['state_dict', 'model']) {
    const inner: unknown = value.get(key);
    if (inner instanceof Map) return unwrapStateDict(inner);
  }
  return value.size === 0 ? value : undefined;
}

/** Copies a strided view of a storage into a contiguous float32 array. */
function materialize(tensor: TorchTensorRef, storage: Uint8Array, what: string): StateTensor {
  const type = STORAGE_ELEMENT_TYPES[tensor.storage.storageType] ?? 'F32';
  const size = ELEMENT_BYTES[type];
  const read = elementReader(new DataView(storage.buffer, storage.byteOffset, storage.byteLength), type);
  const { shape, stride, offset } = tensor;
  const count = shape.reduce((a, b) => a * b, 1);
  let last = offset;
  shape.forEach((dim, axis) => {
    if (dim > 0) last += (dim - 1) * (stride[axis] ?? 0);
  });
  if (count > 0 && (last + 1) * size > storage.length) {
    throw new ClsError('CHECKPOINT_INVALID', `${what} reaches past the end of its storage`);
  }
  const values = new Float32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let element = offset;
    for (let axis = 0; axis < shape.length; axis++) element += (index[axis] ?? 0) * (stride[axis] ?? 0);
    values[i] = read(element * size);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const next = (index[axis] ?? 0) + 1;
      if (next < (shape[axis] ?? 1)) {
        index[axis] = next;
        break;
      }
      index[axis] = 0;
    }
  }
  return { shape: [...shape], values };
}
