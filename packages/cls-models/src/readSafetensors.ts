import { ClsError } from '@nextplay/cls-core';
import {
  ELEMENT_BYTES,
  decodeElements,
  type ElementType,
  type StateDict,
  type StateTensor,
} from './stateDict.js';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

interface SafetensorsEntry {
  readonly name: string;
  readonly type: ElementType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Parses a `.safetensors` file: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * its dtype, shape and byte range, then the raw little-endian data. Every entry is checked before anything is
 * decoded: a known dtype, a shape of non-negative integers, a byte range inside the data whose length is the
 * shape's (counted in BigInt), ranges that do not overlap, and at most `maxStateDictValues` values in all.
 * `source` names the file in errors.
 */
export function readSafetensors(bytes: Uint8Array, source: string): StateDict {
  const fail = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `${source} is not a valid safetensors file: ${rule}`);
  };
  if (bytes.length < 8) fail('it is shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) fail('the header length exceeds the file');
  const headerLength = Number(declared);
  if (headerLength > WEIGHTS_FILE_LIMITS.maxSafetensorsHeaderBytes) {
    fail(`the header has ${headerLength} bytes, more than ${WEIGHTS_FILE_LIMITS.maxSafetensorsHeaderBytes}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new ClsError('CHECKPOINT_INVALID', `${source}: the safetensors header is not valid JSON`, {
      cause: error,
    });
  }
  if (!isRecord(header)) return fail('the header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const entries: SafetensorsEntry[] = [];
  let totalValues = 0n;
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(value)) return fail(`tensor ${name} is not described by an object`);
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== 'string' || !Object.hasOwn(ELEMENT_BYTES, dtype)) {
      fail(`tensor ${name} has unsupported dtype ${String(dtype)}`);
    }
    const type = dtype as ElementType;
    if (!Array.isArray(shape) || shape.length > WEIGHTS_FILE_LIMITS.maxTensorRank || !shape.every(isCount)) {
      return fail(`tensor ${name} has a shape that is not a list of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      return fail(`tensor ${name} has data_offsets that are not two non-negative integers`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > data.length) fail(`tensor ${name} has a byte range outside the data`);
    const count = shape.reduce((a, b) => a * BigInt(b), 1n);
    if (BigInt(end - begin) !== count * BigInt(ELEMENT_BYTES[type])) {
      fail(`tensor ${name} has a byte range that does not match its shape`);
    }
    totalValues += count;
    if (totalValues > BigInt(WEIGHTS_FILE_LIMITS.maxStateDictValues)) {
      fail(`its tensors hold more than ${WEIGHTS_FILE_LIMITS.maxStateDictValues} values`);
    }
    entries.push({ name, type, shape: shape, begin, end });
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin);
  byOffset.forEach((entry, i) => {
    const previous = byOffset[i - 1];
    if (previous !== undefined && entry.begin < previous.end) {
      fail(`tensors ${previous.name} and ${entry.name} overlap`);
    }
  });
  const tensors = new Map<string, StateTensor>();
  for (const { name, type, shape, begin, end } of entries) {
    const count = (end - begin) / ELEMENT_BYTES[type];
    tensors.set(name, {
      shape: [...shape],
      values: decodeElements(data.subarray(begin, end), type, 0, count),
    });
  }
  return tensors;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
