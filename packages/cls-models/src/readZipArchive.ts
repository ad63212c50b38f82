import { inflateRawSync } from 'node:zlib';
import { ClsError } from '@nextplay/cls-core';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

/** The entries of a zip archive by name, each unpacked when first asked for. */
export interface ZipArchive {
  readonly names: readonly string[];
  /** The entry's bytes; undefined when the archive has no such entry. */
  read(name: string): Uint8Array | undefined;
}

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Where its local header starts and its data ends. */
  readonly start: number;
  readonly dataStart: number;
  readonly end: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const ZIP64_MARK = 0xffffffff;

/**
 * Reads the central directory of a zip archive (a `torch.save` file) and checks it before anything is unpacked:
 * at most `maxZipEntries` entries, unique names, entries that lie inside the file and overlap neither each other
 * nor the directory (overlapping entries are how small zip bombs multiply), stored or deflated only, and a total
 * uncompressed size of at most `maxZipExpansion` times the archive's size and `maxZipUncompressedBytes`. An
 * entry is inflated with its declared size as the output limit, so a deflate bomb stops at that size.
 * `source` names the file in errors.
 */
export function readZipArchive(bytes: Uint8Array, source: string): ZipArchive {
  const fail = (rule: string): never => {
    throw new ClsError('CHECKPOINT_INVALID', `refusing to load ${source}: ${rule}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfCentralDirectory(view) ?? fail('the zip archive has no end of central directory');
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryStart = view.getUint32(end + 16, true);
  if (count === 0xffff || directoryStart === ZIP64_MARK) fail('zip64 archives are not supported');
  if (count > WEIGHTS_FILE_LIMITS.maxZipEntries) {
    fail(`the zip archive has ${count} entries, more than ${WEIGHTS_FILE_LIMITS.maxZipEntries}`);
  }
  const directoryEnd = directoryStart + directorySize;
  if (directoryEnd > end) fail('the zip central directory lies outside the file');

  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let at = directoryStart;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directoryEnd || view.getUint32(at, true) !== CENTRAL_HEADER) {
      fail(`zip central directory entry ${i} is malformed`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const start = view.getUint32(at + 42, true);
    if (next > directoryEnd) fail(`zip central directory entry ${i} is malformed`);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at = next;
    if (entries.has(name)) fail(`zip entry ${name} appears twice`);
    if ((flags & 1) !== 0) fail(`zip entry ${name} is encrypted`);
    if (compressedSize === ZIP64_MARK || size === ZIP64_MARK || start === ZIP64_MARK) {
      fail(`zip entry ${name} is a zip64 entry, which is not supported`);
    }
    if (method !== STORED && method !== DEFLATED) {
      fail(`zip entry ${name} uses compression method ${method} (only stored and deflated are supported)`);
    }
    if (method === STORED && compressedSize !== size)
      fail(`stored zip entry ${name} has two different sizes`);
    if (start + 30 > directoryStart || view.getUint32(start, true) !== LOCAL_HEADER) {
      fail(`zip entry ${name} has no local header where the central directory says`);
    }
    const dataStart = start + 30 + view.getUint16(start + 26, true) + view.getUint16(start + 28, true);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > directoryStart) fail(`zip entry ${name} reaches past its data into the central directory`);
    total += size;
    entries.set(name, { name, method, compressedSize, size, start, dataStart, end: dataEnd });
  }

  const maxTotal = Math.min(
    WEIGHTS_FILE_LIMITS.maxZipUncompressedBytes,
    WEIGHTS_FILE_LIMITS.maxZipExpansion * bytes.length,
  );
  if (total > maxTotal) {
    fail(
      `the zip archive unpacks to ${total} bytes, more than ${maxTotal} ` +
        `(${WEIGHTS_FILE_LIMITS.maxZipExpansion} times its size, at most ${WEIGHTS_FILE_LIMITS.maxZipUncompressedBytes})`,
    );
  }
  const sorted = [...entries.values()].sort((a, b) => a.start - b.start);
  sorted.forEach((entry, i) => {
    const previous = sorted[i - 1];
    if (previous !== undefined && entry.start < previous.end) {
      fail(`zip entries ${previous.name} and ${entry.name} overlap`);
    }
  });

  const unpacked = new Map<string, Uint8Array>();
  return {
    names: [...entries.keys()],
    read(name) {
      const entry = entries.get(name);
      if (entry === undefined) return undefined;
      const cached = unpacked.get(name);
      if (cached !== undefined) return cached;
      const data = bytes.subarray(entry.dataStart, entry.end);
      const contents = entry.method === STORED ? data : inflate(data, entry, fail);
      unpacked.set(name, contents);
      return contents;
    },
  };
}

function inflate(data: Uint8Array, entry: ZipEntry, fail: (rule: string) => never): Uint8Array {
  let contents: Uint8Array;
  try {
    // One byte over the declared size is enough to tell that the stream holds more than it declares.
    contents = inflateRawSync(data, { maxOutputLength: entry.size + 1 });
  } catch {
    return fail(`zip entry ${entry.name} does not inflate to its declared ${entry.size} bytes`);
  }
  if (contents.length !== entry.size) {
    fail(`zip entry ${entry.name} inflates to ${contents.length} bytes, not its declared ${entry.size}`);
  }
  return contents;
}

/** The offset of the end-of-central-directory record: the last one, within the 64 KiB a comment may take. */
function findEndOfCentralDirectory(view: DataView): number | undefined {
  const last = view.byteLength - 22;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return undefined;
}
