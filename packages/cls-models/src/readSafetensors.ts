import { ClsError } from '@nextplay/cls-core';
import {
  ELEMENT_BYTES,
  decodeElements,
  type ElementType,
  type StateDict,
  type StateTensor,
} from './stateDict.js';

interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data_offsets: readonly [number, number];
}

/**
 * Parses a `.safetensors` file: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * its dtype, shape and byte range, then the raw little-endian data. `source` names the file in errors.
 */
export function readSafetensors(bytes: Uint8Array, source: string): StateDict {
  const invalid = (reason: string) =>
    new ClsError('CHECKPOINT_INVALID', `${source} is not a valid safetensors file: ${reason}`);
  if (bytes.length < 8) throw invalid('it is shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw invalid('the header length exceeds the file');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new ClsError('CHECKPOINT_INVALID', `${source}: the safetensors header is not valid JSON`, {
      cause: error,
    });
  }
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, StateTensor>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = value as SafetensorsEntry;
    if (!(entry.dtype in ELEMENT_BYTES)) throw invalid(`tensor ${name} has unsupported dtype ${entry.dtype}`);
    const type = entry.dtype as ElementType;
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * ELEMENT_BYTES[type] || end > data.length) {
      throw invalid(`tensor ${name} has a byte range that does not match its shape`);
    }
    tensors.set(name, {
      shape: [...entry.shape],
      values: decodeElements(data.subarray(begin, end), type, 0, count),
    });
  }
  return tensors;
}
