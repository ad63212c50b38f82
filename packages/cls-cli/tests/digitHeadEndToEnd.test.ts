import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPixelNormalizer } from '@nextplay/cls-core';
import { decodeImage, type ResizeMode } from '@nextplay/cls-data';
import { decodeDigits } from '@nextplay/cls-models';
import { runOnnxModel } from '@nextplay/cls-onnx';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

/** Train lacks 47; val and test hold it: a digit head reads it as an unseen number. */
const CLASSES = ['7', '23', '00', '5', '47'];

let root: string;
let cwd: string;
let runDir: string;

beforeAll(async () => {
  root = await makeImageFolder({ classes: CLASSES, perClass: { train: 6, valid: 2, test: 3 } });
  rmSync(join(root, 'train', '47'), { recursive: true });
  cwd = mkdtempSync(join(tmpdir(), 'cls-digit-head-'));
  runDir = join(cwd, 'run');
  const train = await runCliInProcess(
    [
      'train',
      'data=imagefolder',
      `data.root=${root}`,
      'model=resnet18',
      'model.head=digits',
      'data.image_size=32',
      'data.batch_size=8',
      'trainer.max_epochs=1',
      '~callbacks.progress_bar',
      'hydra.run.dir=run',
    ],
    cwd,
  );
  expect(train.code, train.stderr).toBe(0);
}, 180_000);

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('cls train model.head=digits', () => {
  it('reports whole-number, per-digit and unseen accuracy in results.json', () => {
    const results = readJson(join(runDir, 'results.json'));
    expect(results.head).toBe('digits');
    expect(results.classes).toEqual(['00', '23', '47', '5', '7']);
    for (const key of ['test/acc', 'test/acc_tens', 'test/acc_units', 'test/acc_unseen']) {
      expect(results[key], key).toBeTypeOf('number');
      expect(results[key] as number, key).toBeGreaterThanOrEqual(0);
      expect(results[key] as number, key).toBeLessThanOrEqual(1);
    }
    expect(results['test/acc_top5']).toBeNull();
  });

  it('writes a whole-number confusion matrix with an (other) column', () => {
    const csv = readFileSync(join(runDir, 'confusion_matrix', 'epoch_000.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]?.split(',').slice(1)).toEqual(['00', '23', '47', '5', '7', '(other)']);
    const counted = csv
      .slice(1)
      .flatMap((line) => line.split(',').slice(1).map(Number))
      .reduce((a, b) => a + b, 0);
    expect(counted).toBe(CLASSES.length * 2);
  });

  it('exports tens and units, and cls predict reads the numbers the ONNX graph reads', async () => {
    const sidecar = readJson(join(runDir, 'onnx', 'best.json')) as {
      head: string;
      output_names: string[];
      decode: Record<string, unknown>;
      mean: number[];
      std: number[];
      input_size: number[];
      resize: ResizeMode;
    };
    expect(sidecar).toMatchObject({ head: 'digits', output_names: ['tens', 'units'] });
    expect(sidecar.decode).toHaveProperty('tens');
    expect(sidecar.decode).toHaveProperty('confidence');

    const predict = await runCliInProcess(
      ['predict', 'ckpt_path=run/checkpoints/best', `input=${join(root, 'test')}`, 'output=out/p.csv'],
      cwd,
    );
    expect(predict.code, predict.stderr).toBe(0);
    const rows = readFileSync(join(cwd, 'out', 'p.csv'), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(rows[0]).toBe('path,class,confidence');
    const predicted = new Map(
      rows
        .slice(1)
        .map((row) => row.split(',') as [string, string, string])
        .map(([path, number, confidence]) => [path, { number, confidence: Number(confidence) }]),
    );

    const size = sidecar.input_size.at(-1) ?? 0;
    const files = readdirSync(join(root, 'test'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    const normalize = createPixelNormalizer(sidecar.mean, sidecar.std);
    const nhwc = new Float32Array(files.length * size * size * 3);
    for (const [i, file] of files.entries()) {
      normalize((await decodeImage(file, size, sidecar.resize)).data, nhwc, i * size * size * 3);
    }
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < files.length; n++)
      for (let p = 0; p < size * size; p++)
        for (let c = 0; c < 3; c++)
          nchw[(n * 3 + c) * size * size + p] = nhwc[(n * size * size + p) * 3 + c] ?? 0;
    const onnx = readFileSync(join(runDir, 'onnx', 'best.onnx'));
    const { outputs } = await runOnnxModel(onnx, nchw, [files.length, 3, size, size]);
    const [tens, units] = outputs;
    expect(outputs.map((output) => [output.name, output.dims])).toEqual([
      ['tens', [files.length, 11]],
      ['units', [files.length, 10]],
    ]);
    files.forEach((file, n) => {
      const read = decodeDigits(
        tens!.data.subarray(n * 11, n * 11 + 11),
        units!.data.subarray(n * 10, n * 10 + 10),
      );
      const name = file.slice(join(root, 'test').length + 1);
      expect(predicted.get(name)?.number, name).toBe(read.label);
      expect(predicted.get(name)?.confidence).toBeCloseTo(read.confidence, 4);
    });
  });

  it('cls export writes the same two outputs, with the head and its decoding in the metadata', async () => {
    const exported = await runCliInProcess(
      ['export', 'ckpt_path=run/checkpoints/best', 'export.output=out/digits.onnx'],
      cwd,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('digits head: outputs tens, units');
    const { outputs } = await runOnnxModel(
      readFileSync(join(cwd, 'out', 'digits.onnx')),
      new Float32Array(2 * 3 * 32 * 32),
      [2, 3, 32, 32],
    );
    expect(outputs.map((output) => output.name)).toEqual(['tens', 'units']);
  });

  it('cls test reads numbers the checkpoint never saw, and refuses top_k > 1 for predict', async () => {
    const other = await makeImageFolder({ classes: ['7', '99'], perClass: { train: 1, valid: 1, test: 2 } });
    const tested = await runCliInProcess(
      ['test', 'ckpt_path=run/checkpoints/best', `data.root=${other}`, 'hydra.run.dir=other'],
      cwd,
    );
    expect(tested.code, tested.stderr).toBe(0);
    const results = readJson(join(cwd, 'other', 'test_results.json'));
    expect(results['test/acc_unseen']).toBeTypeOf('number');
    expect(Object.keys(results['test/per_class'] as object)).toContain('99');

    const topK = await runCliInProcess(
      ['predict', 'ckpt_path=run/checkpoints/best', `input=${join(root, 'test')}`, 'top_k=2'],
      cwd,
    );
    expect(topK.code).toBe(1);
    expect(topK.stderr).toMatch(/predict.top_k=2: .* digits head, which reads one number per image/);
  });
});

describe('cls train model.head=linear on numbers train lacks', () => {
  it('trains, warns that it cannot learn them, and reports test/acc_unseen', async () => {
    const run = await runCliInProcess(
      [
        'train',
        'data=imagefolder',
        `data.root=${root}`,
        'model=resnet18',
        'data.image_size=32',
        'data.batch_size=8',
        'trainer.max_epochs=1',
        '~callbacks.progress_bar',
        '~callbacks.onnx_export',
        '~callbacks.model_info',
        'hydra.run.dir=linear',
      ],
      cwd,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'linear', 'train.log'), 'utf8')).toContain(
      'model.head=linear cannot learn the 1 class without training images',
    );
    const results = readJson(join(cwd, 'linear', 'results.json'));
    expect(results.head).toBe('linear');
    expect(results.classes).toEqual(['00', '23', '47', '5', '7']);
    expect(results['test/acc_unseen']).toBeTypeOf('number');
  }, 120_000);
});
