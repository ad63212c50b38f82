import type { LabeledFile } from '@nextplay/cls-core';
import { readImageHeader, type ImageHeader } from './readImageHeader.js';
import { sampleIndices } from './sampleIndices.js';

/** A file whose header could not be read, and why. */
export interface UnreadableFile {
  readonly path: string;
  readonly reason: string;
}

/** The headers read from (a sample of) a split's files. */
export interface HeaderScan {
  /** Files whose header was read or tried: all of the split's, or a sample of `max_header_reads`. */
  readonly attempted: number;
  readonly headers: readonly ImageHeader[];
  /** In the split's order. */
  readonly unreadable: readonly UnreadableFile[];
}

/** Header reads in flight at once (sharp's reads go to libuv's pool; the rest are synchronous and short). */
const CONCURRENCY = 2;
/** Each reader lets the event loop run after this many files, so training is never held up for long. */
const FILES_PER_TURN = 16;

/**
 * Reads the headers of at most `limit` of `files` (a sample drawn with `seed` when there are more), in the
 * background of the event loop. A file that cannot be read is listed as unreadable, never thrown.
 */
export async function scanHeaders(
  files: readonly LabeledFile[],
  limit: number,
  seed: number,
): Promise<HeaderScan> {
  const picked = sampleIndices(files.length, limit, seed);
  const results: (ImageHeader | UnreadableFile | undefined)[] = new Array<undefined>(picked.length);
  let next = 0;
  const reader = async () => {
    let sinceTurn = 0;
    while (next < picked.length) {
      const slot = next++;
      const path = files[picked[slot] ?? 0]?.path ?? '';
      try {
        results[slot] = await readImageHeader(path);
      } catch (error) {
        results[slot] = { path, reason: error instanceof Error ? error.message : String(error) };
      }
      if (++sinceTurn >= FILES_PER_TURN) {
        sinceTurn = 0;
        await new Promise<void>((resume) => setImmediate(resume));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, reader));
  const headers: ImageHeader[] = [];
  const unreadable: UnreadableFile[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if ('reason' in result) unreadable.push(result);
    else headers.push(result);
  }
  return { attempted: picked.length, headers, unreadable };
}
