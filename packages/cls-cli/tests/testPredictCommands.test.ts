import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPixelNormalizer, decodeImage } from '@nextplay/cls-data';
import { loadCheckpointModel, loadTrainerState, predictImages, type ClassScore } from '@nextplay/cls-engine';
import { toImageSize, type ClassifierModel } from '@nextplay/cls-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expandPredictShortForms } from '../src/commands/predict.js';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

const IMAGE_SIZE = 16;

/** A one-epoch ResNet-18 at 16 px, trained in this process; `cls test` and `cls predict` then use its checkpoints. */
let cwd: string;
let root: string;
let runDir: string;
let best: string;
let classes: readonly string[];
let model: ClassifierModel | undefined;
const otherRoots: string[] = [];

beforeAll(async () => {
  root = await makeImageFolder({ classes: ['7', '23', '00'], perClass: { train: 4, valid: 2, test: 3 } });
  cwd = mkdtempSync(join(tmpdir(), 'cls-test-predict-'));
  runDir = join(cwd, 'run');
  const train = await runCliInProcess(
    [
      'train',
      'data=imagefolder',
      `data.root=${root}`,
      'model=resnet18',
      `data.image_size=${IMAGE_SIZE}`,
      'data.batch_size=6',
      'trainer.max_epochs=1',
      '~callbacks.progress_bar',
      'hydra.run.dir=run',
    ],
    cwd,
  );
  expect(train.stderr).toBe('');
  expect(train.code).toBe(0);
  best = join(runDir, 'checkpoints', 'best');
  classes = (await loadTrainerState(best)).classes;
}, 120_000);

afterAll(() => {
  model?.dispose();
  for (const dir of [cwd, root, ...otherRoots]) rmSync(dir, { recursive: true, force: true });
});

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Top-k of every image, decoded on its own and run through the engine as a batch of one. */
async function directPredictions(paths: readonly string[], topK: number): Promise<ClassScore[][]> {
  const state = await loadTrainerState(best);
  model ??= await loadCheckpointModel(best);
  const normalize = createPixelNormalizer(state.mean, state.std);
  const result: ClassScore[][] = [];
  for (const path of paths) {
    const [height, width] = toImageSize(state.image_size);
    const image = await decodeImage(path, [height, width], 'fill');
    const pixels = new Float32Array(image.data.length);
    normalize(image.data, pixels, 0);
    const [scores] = await predictImages(model, [{ images: pixels, shape: [1, height, width, 3] }], {
      classes: state.classes,
      topK,
    });
    result.push(scores ?? []);
  }
  return result;
}

describe('cls test', () => {
  it("evaluates the best checkpoint on the test split exactly as the training run's test did", async () => {
    // data.image_size is not given: the checkpoint's preprocessing applies.
    const run = await runCliInProcess(
      ['test', 'ckpt_path=best', 'hydra.run.dir=run', `data.root=${root}`],
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const tested = readJson(join(runDir, 'test_results.json'));
    expect(Object.keys(tested)).toEqual([
      'test/acc',
      'test/loss',
      'test/acc_top5',
      'test/f1_macro',
      'test/per_class',
      'ckpt_path',
      'backend',
      'num_images',
    ]);
    const trained = readJson(join(runDir, 'results.json'));
    expect(trained.best_model_path).toBe(best);
    for (const key of ['test/acc', 'test/f1_macro', 'test/per_class', 'test/acc_top5']) {
      expect(tested[key], key).toEqual(trained[key]);
    }
    expect(tested['test/loss']).toBeCloseTo(trained['test/loss'] as number, 6);
    expect(tested.ckpt_path).toBe(best);
    expect(tested.backend).toBe(trained.backend);
    expect(tested.num_images).toBe(9);

    const lines = run.stdout.split('\n');
    expect(lines[1]).toMatch(/^┃ +Test metric +┃ +DataLoader 0 +┃$/);
    const acc = (tested['test/acc'] as number).toFixed(4);
    const loss = (tested['test/loss'] as number).toFixed(4);
    const f1 = (tested['test/f1_macro'] as number).toFixed(4);
    expect(lines.slice(3, 6).map((l) => l.replace(/ +/g, ' '))).toEqual([
      `│ test/acc │ ${acc} │`,
      `│ test/loss │ ${loss} │`,
      `│ test/f1_macro │ ${f1} │`,
    ]);
    expect(lines[8]).toMatch(/^┃ Class +┃ Precision ┃ +Recall +┃ +F1 +┃ Support ┃$/);
    const perClass = tested['test/per_class'] as Record<
      string,
      { precision: number; recall: number; f1: number; support: number }
    >;
    expect(Object.keys(perClass).sort()).toEqual([...classes].sort());
    expect(lines.slice(10, 13).map((l) => l.replace(/ +/g, ' '))).toEqual(
      classes.map((name) => {
        const m = perClass[name]!;
        return `│ ${name} │ ${m.precision.toFixed(4)} │ ${m.recall.toFixed(4)} │ ${m.f1.toFixed(4)} │ ${m.support} │`;
      }),
    );
    expect(lines[14]).toBe(
      `Tested ${best} on 9 images (backend ${String(tested.backend)}); results in ${join(runDir, 'test_results.json')}`,
    );
  });

  it('says in one line what is missing or does not match', async () => {
    expect(await runCliInProcess(['test', `data.root=${root}`], cwd)).toMatchObject({
      code: 1,
      stderr:
        'cls: ckpt_path is required for cls test (ckpt_path=<checkpoint dir>, or ckpt_path=best|last with hydra.run.dir=<training run dir>)\n',
    });
    const elsewhere = await runCliInProcess(['test', 'ckpt_path=last', 'hydra.run.dir=nowhere'], cwd);
    expect(elsewhere.stderr).toBe(
      `cls: ckpt_path=last: ${join(cwd, 'nowhere', 'checkpoints', 'last')} does not exist ` +
        "(pass hydra.run.dir=<the training run's directory>, or ckpt_path=<checkpoint dir>)\n",
    );
    const other = await makeImageFolder({
      classes: ['a', 'b', 'c'],
      perClass: { train: 1, valid: 1, test: 1 },
    });
    otherRoots.push(other);
    const mismatch = await runCliInProcess(['test', `ckpt_path=${best}`, `data.root=${other}`], cwd);
    expect(mismatch).toMatchObject({
      code: 1,
      stderr:
        `cls: ${join(other, 'test')} has classes "a", "b", "c" that checkpoint ${best} lacks (it has [${classes.join(', ')}]) ` +
        '(the model can only be evaluated on the classes it was trained on, matched by name)\n',
    });
    // A test set with fewer classes is labelled with the checkpoint's map, by name: no re-scan of the folders.
    const fewer = await makeImageFolder({
      classes: ['7', '23', '00'],
      perClass: { train: 1, valid: 1, test: 2 },
    });
    otherRoots.push(fewer);
    rmSync(join(fewer, 'test', '00'), { recursive: true });
    const subset = await runCliInProcess(
      ['test', `ckpt_path=${best}`, `data.root=${fewer}`, 'hydra.run.dir=subset'],
      cwd,
    );
    expect(subset.code).toBe(0);
    const tested = JSON.parse(readFileSync(join(cwd, 'subset', 'test_results.json'), 'utf8')) as {
      num_images: number;
      'test/per_class': Record<string, { support: number }>;
    };
    expect(tested.num_images).toBe(4);
    expect(tested['test/per_class']['7']?.support).toBe(2);
    expect(tested['test/per_class']['23']?.support).toBe(2);
    expect(JSON.parse(readFileSync(join(runDir, 'classes.json'), 'utf8'))).toEqual(
      Object.fromEntries(classes.entries()),
    );
  });
});

describe('cls predict', () => {
  it('writes each image’s top-k classes as the engine predicts them, and shows them', async () => {
    const run = await runCliInProcess(
      [
        'predict',
        'ckpt_path=run/checkpoints/best',
        `input=${join(root, 'test')}`,
        'output=out/p.csv',
        'top_k=2',
      ],
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const csv = readFileSync(join(cwd, 'out', 'p.csv'), 'utf8');
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header).toBe('path,class,confidence,class_2,confidence_2');
    const names = classes.flatMap((name) =>
      ['img0.png', 'img1.jpg', 'img2.png'].map((file) => `${name}/${file}`),
    );
    expect(rows.map((row) => row.split(',')[0])).toEqual([...names].sort());

    const expected = await directPredictions(
      rows.map((row) => join(root, 'test', row.split(',')[0] ?? '')),
      2,
    );
    rows.forEach((row, i) => {
      const [, first, firstConfidence, second, secondConfidence] = row.split(',');
      const [top, next] = expected[i]!;
      expect([first, second]).toEqual([top?.name, next?.name]);
      expect(Number(firstConfidence)).toBeCloseTo(top?.confidence ?? NaN, 5);
      expect(Number(secondConfidence)).toBeCloseTo(next?.confidence ?? NaN, 5);
      expect(firstConfidence).toMatch(/^\d\.\d{6}$/);
    });

    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]?.split(/ {2,}/)).toEqual(['path', 'class', 'confidence', 'class_2', 'confidence_2']);
    expect(lines.slice(1, 10).map((line) => line.split(/ +/))).toEqual(
      rows.map((row) => {
        const cells = row.split(',');
        return cells.map((cell, c) => (c % 2 === 0 && c > 0 ? Number(cell).toFixed(4) : cell));
      }),
    );
    expect(lines.slice(10)).toEqual([`Predictions for 9 images written to ${join(cwd, 'out', 'p.csv')}`]);
  });

  it('defaults to predictions.csv in the run directory, shows 20 rows and counts the rest', async () => {
    const run = await runCliInProcess(
      ['predict', `ckpt_path=${best}`, `predict.input=${root}`, 'hydra.run.dir=predicted'],
      cwd,
    );
    expect(run.code).toBe(0);
    const csv = join(cwd, 'predicted', 'predictions.csv');
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe('path,class,confidence');
    expect(rows).toHaveLength(1 + 27);
    expect(rows[1]).toMatch(/^test\/00\/img0\.png,/);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 20 + 2);
    expect(lines.slice(-2)).toEqual([
      '… 7 more rows in the CSV',
      `Predictions for 27 images written to ${csv}`,
    ]);

    const single = await runCliInProcess(
      ['predict', `ckpt_path=${best}`, 'input=one.png', 'output=one.csv'],
      (() => {
        writeFileSync(join(cwd, 'one.png'), readFileSync(join(root, 'test', '7', 'img0.png')));
        return cwd;
      })(),
    );
    expect(single.code).toBe(0);
    const [, row] = readFileSync(join(cwd, 'one.csv'), 'utf8').trimEnd().split('\r\n');
    const [expected] = await directPredictions([join(cwd, 'one.png')], 1);
    expect(row?.split(',').slice(0, 2)).toEqual(['one.png', expected?.[0]?.name]);
  });

  it('says in one line what is missing or unreadable', async () => {
    expect(await runCliInProcess(['predict', `input=${root}`], cwd)).toMatchObject({
      code: 1,
      stderr:
        'cls: ckpt_path is required for cls predict (ckpt_path=<checkpoint dir>, or ckpt_path=best|last with hydra.run.dir=<training run dir>)\n',
    });
    expect(await runCliInProcess(['predict', `ckpt_path=${best}`], cwd)).toMatchObject({
      code: 1,
      stderr: 'cls: predict.input is required for cls predict (input=<image file or folder>)\n',
    });
    expect(await runCliInProcess(['predict', `ckpt_path=${best}`, 'input=missing'], cwd)).toMatchObject({
      code: 1,
      stderr: `cls: predict.input ${join(cwd, 'missing')} does not exist\n`,
    });
    mkdirSync(join(cwd, 'empty', 'sub'), { recursive: true });
    writeFileSync(join(cwd, 'empty', 'sub', 'notes.txt'), 'not an image');
    expect(await runCliInProcess(['predict', `ckpt_path=${best}`, 'input=empty'], cwd)).toMatchObject({
      code: 1,
      stderr: `cls: no images in ${join(cwd, 'empty')} (searched recursively for .png .jpg .jpeg .webp .bmp .ppm .pgm .gif .tif .tiff)\n`,
    });
    mkdirSync(join(cwd, 'broken'));
    writeFileSync(join(cwd, 'broken', 'bad.png'), 'not a png');
    const broken = await runCliInProcess(['predict', `ckpt_path=${best}`, 'input=broken'], cwd);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      new RegExp(`^cls: cannot read image ${join(cwd, 'broken', 'bad.png')}: .+\\n$`),
    );
    expect(broken.stderr.trimEnd().split('\n')).toHaveLength(1);
    const tooMany = await runCliInProcess(['predict', `ckpt_path=${best}`, `input=${root}`, 'top_k=4'], cwd);
    expect(tooMany.stderr).toBe(`cls: predict.top_k=4 is more than the 3 classes of checkpoint ${best}\n`);
  });

  it('skips unreadable files in a folder with a warning each, and predicts the others (issue #13)', async () => {
    const folder = join(cwd, 'mixed');
    mkdirSync(join(folder, '00'), { recursive: true });
    writeFileSync(join(folder, '00', 'empty.jpg'), '');
    writeFileSync(join(folder, 'a.png'), readFileSync(join(root, 'test', '7', 'img0.png')));
    writeFileSync(join(folder, 'b.png'), 'not a png');
    writeFileSync(join(folder, 'c.png'), readFileSync(join(root, 'test', '23', 'img0.png')));
    const logged: string[] = [];
    const capture = (chunk: unknown) => (logged.push(String(chunk)), true);
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    const run = await runCliInProcess(
      ['predict', `ckpt_path=${best}`, 'input=mixed', 'output=mixed.csv', 'data.batch_size=2'],
      cwd,
    ).finally(() => {
      for (const spy of spies) spy.mockRestore();
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = readFileSync(join(cwd, 'mixed.csv'), 'utf8').trimEnd().split('\r\n');
    const expected = await directPredictions([join(folder, 'a.png'), join(folder, 'c.png')], 1);
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 2))).toEqual([
      ['a.png', expected[0]?.[0]?.name],
      ['c.png', expected[1]?.[0]?.name],
    ]);
    const log = logged.join('');
    expect(log).toContain(`skipping unreadable image ${join(folder, '00', 'empty.jpg')}: empty file`);
    expect(log).toMatch(new RegExp(`skipping unreadable image ${join(folder, 'b.png')}: \\S`));
    expect(log).toContain('2 of 4 images could not be read and were skipped; predictions for the other 2');

    const single = await runCliInProcess(['predict', `ckpt_path=${best}`, 'input=mixed/b.png'], cwd);
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(new RegExp(`^cls: cannot read image ${join(folder, 'b.png')}: .+\\n$`));
  });

  it('reads input=, output= and top_k= as predict.input=, predict.output= and predict.top_k=', () => {
    expect(
      expandPredictShortForms([
        'input=a b',
        '++top_k=2',
        'output=x.csv',
        'predict.input=c',
        'model=resnet50',
      ]),
    ).toEqual([
      'predict.input=a b',
      '++predict.top_k=2',
      'predict.output=x.csv',
      'predict.input=c',
      'model=resnet50',
    ]);
  });
});
