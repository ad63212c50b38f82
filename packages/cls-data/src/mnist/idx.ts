import { readFile } from 'node:fs/promises';
import { ClsError } from '@nextplay/cls-core';

/** Magic numbers of the IDX files MNIST ships: unsigned bytes, 3 dimensions for images and 1 for labels. */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly columns: number;
  /** `count` images of `rows`×`columns` grey bytes, row-major, one after another. */
  readonly pixels: Uint8Array;
}

/** Reads an IDX3 image file (`train-images-idx3-ubyte`). */
export async function readIdxImages(path: string): Promise<IdxImages> {
  const { dims, data } = parseIdx(await readFile(path), path, IDX_IMAGES_MAGIC);
  const [count = 0, rows = 0, columns = 0] = dims;
  return { count, rows, columns, pixels: data };
}

/** Reads an IDX1 label file (`train-labels-idx1-ubyte`): one byte per image. */
export async function readIdxLabels(path: string): Promise<Uint8Array> {
  return parseIdx(await readFile(path), path, IDX_LABELS_MAGIC).data;
}

/** Checks the header (magic, big-endian dimensions) against the file length; the data is a view, not a copy. */
function parseIdx(file: Uint8Array, path: string, magic: number): { dims: number[]; data: Uint8Array } {
  const kind = magic === IDX_IMAGES_MAGIC ? 'image' : 'label';
  const fail = (reason: string) =>
    new ClsError('DATA_IMAGE_UNREADABLE', `${path} is not an IDX ${kind} file: ${reason}`);
  if (file.byteLength < 4) throw fail(`only ${file.byteLength} bytes`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) throw fail(`magic number ${found}, expected ${magic}`);
  const dimensionCount = magic & 0xff;
  const headerLength = 4 + 4 * dimensionCount;
  if (file.byteLength < headerLength) throw fail('truncated header');
  const dims = Array.from({ length: dimensionCount }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = headerLength + dims.reduce((product, dim) => product * dim, 1);
  if (file.byteLength !== expected) {
    throw fail(`${file.byteLength} bytes, but its header (${dims.join('×')}) implies ${expected}`);
  }
  return {
    dims,
    data: new Uint8Array(file.buffer, file.byteOffset + headerLength, file.byteLength - headerLength),
  };
}
