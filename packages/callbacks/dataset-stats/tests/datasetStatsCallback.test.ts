import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SKIPPED_IMAGES_CSV,
  skippedImagesCsv,
  type ClsConfig,
  type DataModuleInfo,
  type DataSplitInfo,
  type LabeledFile,
  type SplitName,
} from '@nextplay/cls-core';
import {
  createRecordingTrainerContext,
  testRunConfig,
  type RecordingTrainerContext,
} from '@nextplay/cls-testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatasetStatsCallback, type DatasetStatsOptions } from '../src/index.js';
import { writeImage, type FixtureFormat } from './imageFixtures.js';

/** Not alphabetical: the JSON and plot must keep the run's order. */
const CLASSES = ['dog', 'cat', 'bird', 'fish'];

let root: string;
let data: DataModuleInfo;
const contexts: RecordingTrainerContext[] = [];

interface SplitJson {
  images: number;
  class_counts: Record<string, number>;
  imbalance_ratio: number | null;
  empty_classes: string[];
  from_files: boolean;
  sizes_from_files: number;
  sampled: boolean;
  unreadable: number;
  unreadable_files: { path: string; reason: string }[];
  width: { min: number; max: number; mean: number; median: number; histogram: unknown[] } | null;
  height: { min: number; max: number; mean: number; median: number; histogram: unknown[] } | null;
  formats: Record<string, number>;
}

interface StatsJson {
  classes: string[];
  image_size: number;
  splits: Record<string, SplitJson>;
}

/** Writes the images and returns the split as the data module describes it. */
async function fileSplit(
  name: SplitName,
  images: readonly [string, FixtureFormat | 'garbage', number, number][],
): Promise<DataSplitInfo> {
  const files: LabeledFile[] = [];
  for (const [i, [className, format, width, height]] of images.entries()) {
    const path = join(root, name, className, `${i}.${format === 'garbage' ? 'png' : format}`);
    if (format === 'garbage') {
      await mkdir(join(root, name, className), { recursive: true });
      await writeFile(path, 'not an image at all');
    } else {
      await writeImage(path, format, width, height);
    }
    files.push({ path, label: CLASSES.indexOf(className) });
  }
  const classCounts = CLASSES.map((_, c) => files.filter(({ label }) => label === c).length);
  return { name, size: files.length, classCounts, files };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dataset-stats-images-'));
  const train = await fileSplit('train', [
    ['dog', 'png', 32, 24],
    ['dog', 'jpeg', 64, 48],
    ['dog', 'webp', 32, 24],
    ['cat', 'gif', 16, 16],
    ['cat', 'bmp', 20, 10],
    ['cat', 'garbage', 0, 0],
    ['bird', 'tiff', 40, 30],
  ]);
  const val = await fileSplit('val', [
    ['dog', 'png', 28, 28],
    ['dog', 'png', 28, 28],
    ['cat', 'png', 28, 28],
    ['bird', 'png', 28, 28],
    ['fish', 'png', 28, 28],
  ]);
  // Held in memory: counts, no files.
  const test: DataSplitInfo = { name: 'test', size: 20, classCounts: [5, 5, 5, 5] };
  data = { classes: CLASSES, imageSize: [24, 24], channels: 3, train, val, test };
});

afterAll(() => rm(root, { recursive: true, force: true }));

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.dispose()));
});

async function newContext(
  runData: DataModuleInfo = data,
  runDir?: string,
  config?: ClsConfig,
): Promise<RecordingTrainerContext> {
  const context = await createRecordingTrainerContext({
    classes: runData.classes,
    data: runData,
    ...(runDir === undefined ? {} : { runDir }),
    ...(config === undefined ? {} : { config }),
  });
  contexts.push(context);
  return context;
}

async function runFit(context: RecordingTrainerContext, options: DatasetStatsOptions = {}) {
  const callback = new DatasetStatsCallback(options);
  callback.onFitStart(context);
  const blocked = callback.stats !== undefined;
  callback.onTrainEpochEnd();
  await callback.onFitEnd();
  const text = await readFile(join(context.runDir, 'dataset_stats.json'), 'utf8');
  return { callback, blocked, text, json: JSON.parse(text) as StatsJson };
}

describe('DatasetStatsCallback', () => {
  it('writes exact class counts, imbalance, sizes and formats of every split', async () => {
    const context = await newContext();
    const { json, text, blocked } = await runFit(context);
    expect(blocked).toBe(false); // onFitStart returned before reading any header
    expect(json.classes).toEqual(CLASSES);
    expect(json.image_size).toBe(24);
    expect(Object.keys(json.splits)).toEqual(['train', 'val', 'test']);

    const train = json.splits.train;
    expect(train?.images).toBe(7);
    expect(train?.class_counts).toEqual({ dog: 3, cat: 3, bird: 1, fish: 0 });
    expect(text.indexOf('"dog": 3')).toBeLessThan(text.indexOf('"cat": 3'));
    expect(train?.imbalance_ratio).toBeNull();
    expect(train?.empty_classes).toEqual(['fish']);
    expect(train?.from_files).toBe(true);
    expect(train?.sampled).toBe(false);
    expect(train?.sizes_from_files).toBe(6);
    expect(train?.unreadable).toBe(1);
    expect(train?.unreadable_files).toEqual([
      { path: join(root, 'train', 'cat', '5.png'), reason: 'Input file contains unsupported image format' },
    ]);
    expect(train?.formats).toEqual({ bmp: 1, gif: 1, jpeg: 1, png: 1, tiff: 1, webp: 1 });
    expect(train?.width).toMatchObject({ min: 16, max: 64, mean: 34, median: 32 });
    expect(train?.height).toMatchObject({ min: 10, max: 48, mean: 25.3333, median: 24 });

    const val = json.splits.val;
    expect(val?.class_counts).toEqual({ dog: 2, cat: 1, bird: 1, fish: 1 });
    expect(val?.imbalance_ratio).toBe(2);
    expect(val?.empty_classes).toEqual([]);
    expect(val?.formats).toEqual({ png: 5 });
    expect(val?.width).toEqual({
      min: 28,
      max: 28,
      mean: 28,
      median: 28,
      histogram: [{ from: 28, to: 28, count: 5 }],
    });

    expect(json.splits.test).toMatchObject({
      images: 20,
      class_counts: { dog: 5, cat: 5, bird: 5, fish: 5 },
      imbalance_ratio: 1,
      from_files: false,
      sizes_from_files: 0,
      unreadable: 0,
      width: null,
      height: null,
      formats: {},
    });

    const svg = await readFile(join(context.runDir, 'plots', 'dataset_stats.svg'), 'utf8');
    for (const label of ['train: 7 images', 'val: 5 images', 'test: 20 images', 'width (px)', 'fish']) {
      expect(svg).toContain(label);
    }
    expect((await stat(join(context.runDir, 'plots', 'dataset_stats.png'))).size).toBeGreaterThan(5000);
  });

  it('reads at most max_header_reads headers per split, the same sample every run, and resumes to the same bytes', async () => {
    const context = await newContext();
    const first = await runFit(context, { max_header_reads: 3, plots: false });
    for (const split of ['train', 'val']) {
      const stats = first.json.splits[split];
      expect((stats?.sizes_from_files ?? 0) + (stats?.unreadable ?? 0)).toBe(3);
      expect(stats?.sampled).toBe(true);
    }
    expect(first.json.splits.train?.class_counts).toEqual({ dog: 3, cat: 3, bird: 1, fish: 0 });
    // A resumed run calls onFitStart again, in a new process: a new callback over the same run directory.
    const resumed = await runFit(await newContext(data, context.runDir), {
      max_header_reads: 3,
      plots: false,
    });
    expect(resumed.text).toBe(first.text);
    await expect(stat(join(context.runDir, 'plots', 'dataset_stats.svg'))).rejects.toThrow();
  });

  it('keeps 100 numeric class names in the run’s order, in the JSON and on the plot', async () => {
    const classes = Array.from({ length: 100 }, (_, i) => String(i)).sort();
    const classCounts = classes.map((_, c) => (c === 7 ? 0 : 50 + c));
    const split = (name: SplitName): DataSplitInfo => ({
      name,
      size: classCounts.reduce((a, b) => a + b, 0),
      classCounts,
    });
    const context = await newContext({
      classes,
      imageSize: [64, 64],
      channels: 3,
      train: split('train'),
      val: split('val'),
      test: undefined,
    });
    const { json, text } = await runFit(context);
    expect(Object.keys(json.splits)).toEqual(['train', 'val']);
    expect(json.splits.train?.empty_classes).toEqual([classes[7]]);
    const positions = classes.map((name) => text.indexOf(`"${name}": `));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const svg = await readFile(join(context.runDir, 'plots', 'dataset_stats.svg'), 'utf8');
    expect(svg).toContain('>99</text>');
    expect(svg).toContain('>10</text>');
    expect(svg).toContain('no file headers read');
  });

  it('counts and lists the images the data module skipped as unreadable, in their split', async () => {
    // As the trainer writes it before the fit starts; paths relative to data.root, one guarded against formulas.
    const context = await newContext(data, undefined, testRunConfig({ data: { root } }));
    const odd = '-odd, "name".png';
    await writeFile(
      join(context.runDir, SKIPPED_IMAGES_CSV),
      skippedImagesCsv([
        { split: 'train', path: 'train/cat/broken.png', reason: 'Input buffer has corrupt header' },
        { split: 'val', path: `val/dog/${odd}`, reason: 'empty file' },
      ]),
    );
    const { json } = await runFit(context);
    expect(json.splits.train?.unreadable).toBe(2);
    expect(json.splits.train?.unreadable_files).toEqual([
      { path: join(root, 'train', 'cat', 'broken.png'), reason: 'Input buffer has corrupt header' },
      { path: join(root, 'train', 'cat', '5.png'), reason: 'Input file contains unsupported image format' },
    ]);
    expect(json.splits.train?.sizes_from_files).toBe(6); // the skipped file is not among the headers read
    expect(json.splits.val?.unreadable).toBe(1);
    expect(json.splits.val?.unreadable_files).toEqual([
      { path: join(root, 'val', 'dog', odd), reason: 'empty file' },
    ]);
    expect(json.splits.test?.unreadable).toBe(0);
    const svg = await readFile(join(context.runDir, 'plots', 'dataset_stats.svg'), 'utf8');
    expect(svg).toContain('train: image sizes of 6 file headers, 2 unreadable');
    expect(svg).toContain('val: image sizes of 5 file headers, 1 unreadable');
  });

  it('fails naming skipped_images.csv when it is not split,path,reason', async () => {
    const context = await newContext();
    await writeFile(join(context.runDir, SKIPPED_IMAGES_CSV), 'path,reason\ntrain/cat/a.png,empty file\n');
    const callback = new DatasetStatsCallback({ plots: false });
    callback.onFitStart(context);
    await expect(callback.onFitEnd()).rejects.toThrow(
      'dataset_stats.json could not be written: skipped_images.csv: the header must be split,path,reason, got path,reason',
    );
  });

  it('surfaces a failure to write as one error at onFitEnd', async () => {
    const context = await newContext();
    await mkdir(join(context.runDir, 'dataset_stats.json', 'blocked'), { recursive: true });
    const callback = new DatasetStatsCallback({ plots: false });
    callback.onFitStart(context);
    await expect(callback.onFitEnd()).rejects.toThrow(/^dataset_stats\.json could not be written: /);
    await expect(callback.onFitEnd()).resolves.toBeUndefined();
  });
});
