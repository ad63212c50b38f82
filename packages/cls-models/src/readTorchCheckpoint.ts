import { ClsError } from '@nextplay/cls-core';
import { checkTensorView } from './checkTensorView.js';
import { readZipArchive } from './readZipArchive.js';
import {
  ELEMENT_BYTES,
  elementReader,
  type ElementType,
  type StateDict,
  type StateTensor,
} from './stateDict.js';
import { isTensor, unpickleTorch, type TorchTensorRef } from './torchPickle.js';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

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
 * storage under `<name>/data/`). The archive is checked before anything is unpacked (see `readZipArchive`), the
 * pickle is read by a safe unpickler that refuses every global that is not a tensor rebuild or a dict, and every
 * tensor view is checked against its storage (see `checkTensorView`). A checkpoint wrapping the weights as
 * `{"state_dict": …}` or `{"model": …}` is unwrapped.
 */
export function readTorchCheckpoint(bytes: Uint8Array, source: string): StateDict {
  if (!isZip(bytes)) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `${source} is not a torch.save zip archive (legacy torch files are not supported)`,
      { hint: 're-save it with torch.save(state_dict, path) from PyTorch >= 1.6, or as .safetensors' },
    );
  }
  const archive = readZipArchive(bytes, source);
  const pickleName = archive.names.find((name) => name === 'data.pkl' || name.endsWith('/data.pkl'));
  const pickle = pickleName === undefined ? undefined : archive.read(pickleName);
  if (pickleName === undefined || pickle === undefined) {
    throw new ClsError('CHECKPOINT_INVALID', `${source} has no data.pkl: not a torch.save file`);
  }
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const root = unwrapStateDict(unpickleTorch(pickle, source), source);
  if (root === undefined) {
    throw new ClsError('CHECKPOINT_INVALID', `${source} does not hold a state_dict (a dict of tensors)`);
  }
  const tensors = new Map<string, StateTensor>();
  let totalValues = 0;
  for (const [key, value] of root) {
    if (typeof key !== 'string' || !isTensor(value)) continue;
    const what = `${source}: ${key}`;
    const storage = archive.read(`${prefix}data/${value.storage.key}`);
    if (storage === undefined) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `${source}: storage ${value.storage.key} of ${key} is missing`,
      );
    }
    const type = STORAGE_ELEMENT_TYPES[value.storage.storageType] ?? 'F32';
    const storageValues = storage.length / ELEMENT_BYTES[type];
    if (storageValues !== value.storage.numel) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `refusing to load ${what}: its storage declares ${value.storage.numel} values but holds ${storageValues}`,
      );
    }
    const count = checkTensorView(value, storageValues, what);
    totalValues += count;
    if (totalValues > WEIGHTS_FILE_LIMITS.maxStateDictValues) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `refusing to load ${source}: its tensors hold more than ${WEIGHTS_FILE_LIMITS.maxStateDictValues} values`,
      );
    }
    tensors.set(key, materialize(value, storage, type, count));
  }
  return tensors;
}

/** The dict of tensors, looked for under `state_dict` and `model` keys, at most `maxStateDictWrappers` deep. */
function unwrapStateDict(value: unknown, source: string): Map<unknown, unknown> | undefined {
  let current = value;
  for (let depth = 0; depth <= WEIGHTS_FILE_LIMITS.maxStateDictWrappers; depth++) {
    if (!(current instanceof Map)) return undefined;
    const dict: Map<unknown, unknown> = current;
    if ([...dict.values()].some(isTensor)) return dict;
    const inner = ['state_dict', 'model'].map((key): unknown => dict.get(key)).find((v) => v instanceof Map);
    if (inner === undefined) return dict.size === 0 ? dict : undefined;
    current = inner;
  }
  throw new ClsError(
    'CHECKPOINT_INVALID',
    `refusing to load ${source}: the state_dict is wrapped more than ${WEIGHTS_FILE_LIMITS.maxStateDictWrappers} levels deep`,
  );
}

/** Copies a strided view of a storage (already checked to fit it) into a contiguous float32 array. */
function materialize(
  tensor: TorchTensorRef,
  storage: Uint8Array,
  type: ElementType,
  count: number,
): StateTensor {
  const size = ELEMENT_BYTES[type];
  const read = elementReader(new DataView(storage.buffer, storage.byteOffset, storage.byteLength), type);
  const { shape, stride, offset } = tensor;
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
