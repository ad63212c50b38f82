/** One tensor of a PyTorch state dict, converted to float32, in torch's (row-major) layout. */
export interface StateTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A PyTorch `state_dict` by key (`layer1.0.conv1.weight`), in the file's order. */
export type StateDict = ReadonlyMap<string, StateTensor>;

/** Element types weight files store, by their safetensors name. */
export type ElementType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const ELEMENT_BYTES: Readonly<Record<ElementType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Reads `count` little-endian elements of `type` starting at element `first`, as float32. */
export function decodeElements(
  bytes: Uint8Array,
  type: ElementType,
  first: number,
  count: number,
): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = ELEMENT_BYTES[type];
  const read = elementReader(view, type);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read((first + i) * size);
  return out;
}

/** A reader of one element at a byte offset. */
export function elementReader(view: DataView, type: ElementType): (byteOffset: number) => number {
  switch (type) {
    case 'F64':
      return (at) => view.getFloat64(at, true);
    case 'F32':
      return (at) => view.getFloat32(at, true);
    case 'F16':
      return (at) => halfToFloat(view.getUint16(at, true));
    case 'BF16':
      return (at) => bfloat16ToFloat(view.getUint16(at, true));
    case 'I64':
      return (at) => Number(view.getBigInt64(at, true));
    case 'I32':
      return (at) => view.getInt32(at, true);
    case 'I16':
      return (at) => view.getInt16(at, true);
    case 'I8':
      return (at) => view.getInt8(at);
    case 'U8':
    case 'BOOL':
      return (at) => view.getUint8(at);
  }
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const bfloatScratch = new DataView(new ArrayBuffer(4));

function bfloat16ToFloat(bits: number): number {
  bfloatScratch.setUint32(0, bits << 16);
  return bfloatScratch.getFloat32(0);
}
