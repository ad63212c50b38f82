import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  DataModuleInfo,
  DataSplitInfo,
  RawImage,
  SplitName,
  SplitPredictions,
} from '@nextplay/cls-core';
import { createRecordingTrainerContext, type RecordingTrainerContext } from '@nextplay/cls-testing';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PredictionsCallback,
  predictionGridLayout,
  tileOrigin,
  type PredictionsDocument,
} from '../src/index.js';

const LONG_NAME = 'a class name far too long to fit under one tile';
const CLASSES = ['zero', 'one', 'a <&"> b', LONG_NAME];
const SIZE = 40;
/** Sample 7: the most confident wrong (0.99); 13 next (0.9); sample 12: the least confident correct (0.26). */
const WRONG = new Map([
  [7, 0.99],
  [13, 0.9],
  [21, 0.5],
  [30, 0.4],
]);
const LOW_CORRECT = new Map([
  [12, 0.26],
  [5, 0.3],
  [33, 0.35],
]);

function predictions(split: 'val' | 'test'): SplitPredictions {
  const targets = Array.from({ length: SIZE }, (_, i) => i % CLASSES.length);
  return {
    split,
    epoch: 4,
    targets: Int32Array.from(targets),
    predicted: Int32Array.from(targets.map((t, i) => (WRONG.has(i) ? (t + 2) % CLASSES.length : t))),
    confidence: Float32Array.from(targets.map((_, i) => WRONG.get(i) ?? LOW_CORRECT.get(i) ?? 0.95)),
  };
}

/** Every pixel of sample `index` of `split` the same colour, different per sample and split. */
function colourOf(split: SplitName, index: number): [number, number, number] {
  return [index * 6, split === 'test' ? 200 : 100, 255 - index * 6];
}

function loadImage(split: SplitName, index: number): RawImage {
  const data = new Uint8Array(28 * 28 * 3);
  const colour = colourOf(split, index);
  for (let i = 0; i < data.length; i++) data[i] = colour[i % 3]!;
  return { data, width: 28, height: 28, channels: 3 };
}

function splitInfo(name: SplitName): DataSplitInfo {
  return {
    name,
    size: SIZE,
    classCounts: CLASSES.map(() => SIZE / CLASSES.length),
    files: Array.from({ length: SIZE }, (_, i) => ({
      path: `/data/${name}/${i % CLASSES.length}/img_${i}.png`,
      label: i % CLASSES.length,
    })),
  };
}

function dataInfo(splits: { test: boolean }): DataModuleInfo {
  return {
    classes: CLASSES,
    imageSize: [28, 28],
    channels: 3,
    train: splitInfo('train'),
    val: splitInfo('val'),
    test: splits.test ? splitInfo('test') : undefined,
  };
}

let context: RecordingTrainerContext | undefined;

afterEach(async () => {
  await context?.dispose();
  context = undefined;
});

async function newContext(options: { test: boolean; images?: boolean }): Promise<RecordingTrainerContext> {
  context = await createRecordingTrainerContext({
    data: dataInfo(options),
    ...(options.images === false ? {} : { loadImage }),
  });
  return context;
}

async function readDocument(ctx: RecordingTrainerContext): Promise<PredictionsDocument> {
  return JSON.parse(await readFile(join(ctx.runDir, 'predictions.json'), 'utf8')) as PredictionsDocument;
}

async function pixels(path: string) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return {
    info,
    at: (x: number, y: number): number[] => {
      const offset = (y * info.width + x) * info.channels;
      return [data[offset]!, data[offset + 1]!, data[offset + 2]!];
    },
  };
}

const SMALL = {
  count: 12,
  columns: 4,
  tile_size: 32,
  most_confident_wrong: 3,
  least_confident_correct: 2,
} as const;

describe('PredictionsCallback', () => {
  it('draws the test predictions at test end: a columns × rows grid of tiles of the asked size', async () => {
    const ctx = await newContext({ test: true });
    ctx.testPredictions = predictions('test');
    await new PredictionsCallback(SMALL).onTestEnd(ctx);
    const info = await sharp(join(ctx.runDir, 'plots', 'predictions.png')).metadata();
    // A cell is 4 px padding on each side of the widest of the framed image (32 px + a 3 px frame each side) and
    // 14 characters of the 10 px font (87 px); in height, the framed image and three 13 px text lines, padded. A
    // 21 px title band (one line and its padding) spans the top.
    const cellWidth = 2 * 4 + Math.max(32 + 2 * 3, 87);
    const cellHeight = 2 * 4 + 32 + 2 * 3 + 3 * 13 + 4;
    expect([info.format, info.width, info.height]).toEqual(['png', 4 * cellWidth, 21 + 3 * cellHeight]);
    const svg = await sharp(join(ctx.runDir, 'plots', 'predictions.svg')).metadata();
    expect([svg.format, svg.width, svg.height]).toEqual(['svg', info.width, info.height]);
  });

  it('shows the most confident wrong and least confident correct first, then a seeded random sample', async () => {
    const ctx = await newContext({ test: true });
    ctx.testPredictions = predictions('test');
    await new PredictionsCallback(SMALL).onTestEnd(ctx);
    const document = await readDocument(ctx);
    const { samples } = document;
    expect(samples.slice(0, 5).map((s) => [s.index, s.reason])).toEqual([
      [7, 'most_confident_wrong'],
      [13, 'most_confident_wrong'],
      [21, 'most_confident_wrong'],
      [12, 'least_confident_correct'],
      [5, 'least_confident_correct'],
    ]);
    const random = samples.slice(5);
    expect(random.map((s) => s.reason)).toEqual(new Array(7).fill('random'));
    const indices = samples.map((s) => s.index);
    expect(new Set(indices).size).toBe(12);
    expect(random.map((s) => s.index)).toEqual(random.map((s) => s.index).sort((a, b) => a - b));
    expect(samples[0]).toEqual({
      index: 7,
      path: '/data/test/3/img_7.png',
      true: LONG_NAME,
      predicted: 'one',
      confidence: expect.closeTo(0.99, 6) as number,
      correct: false,
      reason: 'most_confident_wrong',
      true_index: 3,
      predicted_index: 1,
    });
    expect(document).toMatchObject({
      split: 'test',
      epoch: 4,
      evaluated: SIZE,
      accuracy: 0.9,
      shown: 12,
      columns: 4,
      rows: 3,
      tile_size: 32,
      image: 'plots/predictions.png',
    });
    expect(document.shown_wrong).toBe(samples.filter((s) => !s.correct).length);
    expect(document.caption).toContain('12 of 40 test images');

    // The same seed draws the same sample; another seed another one.
    const again = await newContext({ test: true });
    again.testPredictions = predictions('test');
    await new PredictionsCallback(SMALL).onTestEnd(again);
    expect((await readDocument(again)).samples.map((s) => s.index)).toEqual(indices);
    await again.dispose();
    await new PredictionsCallback({ ...SMALL, seed: 7 }).onTestEnd(again);
    expect((await readDocument(again)).samples.map((s) => s.index)).not.toEqual(indices);
  });

  it('places each image in its tile, enlarged, framed red when wrong and green when right', async () => {
    const ctx = await newContext({ test: true });
    ctx.testPredictions = predictions('test');
    await new PredictionsCallback(SMALL).onTestEnd(ctx);
    const { samples } = await readDocument(ctx);
    const png = await pixels(join(ctx.runDir, 'plots', 'predictions.png'));
    const layout = predictionGridLayout(12, 4, 32);
    samples.forEach((sample, position) => {
      const { x, y } = tileOrigin(layout, position);
      // The image fills the tile: its corners and centre are the sample's colour.
      for (const [dx, dy] of [
        [0, 0],
        [31, 31],
        [16, 16],
      ] as const)
        expect(png.at(x + dx, y + dy)).toEqual(colourOf('test', sample.index));
      const frame = png.at(x - 2, y + 16);
      expect(frame).toEqual(sample.correct ? [0x2c, 0xa0, 0x2c] : [0xd6, 0x27, 0x28]);
    });
    expect(samples.filter((s) => !s.correct).length).toBeGreaterThanOrEqual(3);
  });

  it('draws greyscale and non-square images, letterboxed in grey', async () => {
    const ctx = await createRecordingTrainerContext({
      data: dataInfo({ test: true }),
      loadImage: (_split, index) => ({
        data: new Uint8Array(20 * 10).fill(index * 6),
        width: 20,
        height: 10,
        channels: 1,
      }),
    });
    context = ctx;
    ctx.testPredictions = predictions('test');
    await new PredictionsCallback(SMALL).onTestEnd(ctx);
    const { samples } = await readDocument(ctx);
    const png = await pixels(join(ctx.runDir, 'plots', 'predictions.png'));
    const { x, y } = tileOrigin(predictionGridLayout(12, 4, 32), 0);
    const grey = samples[0]!.index * 6;
    expect(png.at(x + 16, y + 16)).toEqual([grey, grey, grey]);
    expect(png.at(x + 16, y + 2)).toEqual([0x80, 0x80, 0x80]);
  });

  it('fails with one line naming an image it cannot draw', async () => {
    const ctx = await createRecordingTrainerContext({
      data: dataInfo({ test: true }),
      loadImage: () => ({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 }),
    });
    context = ctx;
    ctx.testPredictions = predictions('test');
    await expect(new PredictionsCallback(SMALL).onTestEnd(ctx)).rejects.toThrow(
      'an image of 4×4×3 holds 10 bytes instead of 48',
    );
    await expect(readdir(ctx.runDir)).resolves.toEqual([]);
  });

  it('escapes class names for XML and cuts long ones with an ellipsis', async () => {
    const ctx = await newContext({ test: true });
    ctx.testPredictions = predictions('test');
    await new PredictionsCallback({ ...SMALL, count: 40 }).onTestEnd(ctx);
    const svg = await readFile(join(ctx.runDir, 'plots', 'predictions.svg'), 'utf8');
    expect(svg).toContain('true: a &lt;&amp;&quot;&gt; b');
    expect(svg).not.toContain('<&"> b');
    expect(svg).not.toContain(LONG_NAME);
    expect(svg).toMatch(/true: a class[^<]*…<\/text>/);
    // librsvg parsed it: a malformed document would fail to render.
    expect((await sharp(Buffer.from(svg)).png().toBuffer()).length).toBeGreaterThan(0);
  });

  it('without a test split, draws the last validation at fit end', async () => {
    const ctx = await newContext({ test: false });
    ctx.validationPredictions = predictions('val');
    const callback = new PredictionsCallback(SMALL);
    await callback.onFitEnd(ctx);
    const document = await readDocument(ctx);
    expect(document.split).toBe('val');
    expect(document.samples[0]?.path).toBe('/data/val/3/img_7.png');
    const png = await pixels(join(ctx.runDir, 'plots', 'predictions.png'));
    const { x, y } = tileOrigin(predictionGridLayout(12, 4, 32), 0);
    expect(png.at(x + 5, y + 5)).toEqual(colourOf('val', 7));
  });

  it('with a test split, waits for the test pass instead of drawing at fit end', async () => {
    const ctx = await newContext({ test: true });
    ctx.validationPredictions = predictions('val');
    await new PredictionsCallback(SMALL).onFitEnd(ctx);
    await expect(readdir(ctx.runDir)).resolves.toEqual([]);
  });

  it('writes nothing when the run was interrupted', async () => {
    const ctx = await newContext({ test: false });
    ctx.validationPredictions = predictions('val');
    ctx.interrupted = true;
    await new PredictionsCallback(SMALL).onFitEnd(ctx);
    await expect(readdir(ctx.runDir)).resolves.toEqual([]);
    expect(ctx.messages).toEqual([]);
  });

  it('writes nothing, with one info line, for a split without images', async () => {
    const ctx = await newContext({ test: true, images: false });
    ctx.testPredictions = predictions('test');
    await new PredictionsCallback(SMALL).onTestEnd(ctx);
    await expect(readdir(ctx.runDir)).resolves.toEqual([]);
    expect(ctx.messages).toEqual([
      { type: 'info', text: 'predictions: the test split holds no images; plots/predictions.png not drawn' },
    ]);
  });

  it('draws 32 images at the default options well within a second of CPU time', async () => {
    const ctx = await newContext({ test: true });
    ctx.testPredictions = predictions('test');
    const callback = new PredictionsCallback();
    await callback.onTestEnd(ctx); // warms sharp and the font check
    // CPU time of the whole process (sharp's threads included): on a busy machine, wall time counts others' turns.
    const started = process.cpuUsage();
    await callback.onTestEnd(ctx);
    const cpu = process.cpuUsage(started);
    const { info } = await pixels(join(ctx.runDir, 'plots', 'predictions.png'));
    expect([info.width, info.height]).toEqual([
      8 * (112 + 2 * 4 + 2 * 4),
      24 + 4 * (2 * 4 + 112 + 2 * 4 + 3 * 16 + 4),
    ]);
    expect((await readDocument(ctx)).shown).toBe(32);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1000);
  });
});
