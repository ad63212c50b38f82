import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPixelNormalizer } from '@nextplay/cls-core';
import { decodeImage, type ResizeMode } from '@nextplay/cls-data';
import { runOnnxModel } from '@nextplay/cls-onnx';
import {
  findPython,
  launchChromium,
  openOffline,
  pageContent,
  runPython,
  SKIP_BROWSER_TESTS,
} from '@nextplay/cls-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
/** torchvision's counts for the run's model, made by tools/make-torchvision-counts.py. */
const torchvisionCounts = JSON.parse(
  readFileSync(new URL('./fixtures/torchvision_counts.json', import.meta.url), 'utf8'),
) as { cases: { arch: string; num_classes: number; image_size: number; params: number; macs: number }[] };
const CLASSES = ['7', '23', '00', '5'];
/** The run's class order: torchvision's, the names sorted as strings. */
const RUN_CLASSES = ['00', '23', '5', '7'];
const SPLIT_DIRS = { train: 'train', val: 'valid', test: 'test' } as const;

/** The contract, run exactly as it says: every observability file of a 2-epoch ImageFolder run. */
describe('cls train data=imagefolder … writes the observability files', () => {
  let root: string;
  let runDir: string;

  beforeAll(async () => {
    root = await makeImageFolder({ classes: CLASSES, perClass: { train: 10, valid: 5, test: 6 } });
    runDir = join(mkdtempSync(join(tmpdir(), 'cls-observability-')), 'run');
    await promisify(execFile)(
      process.execPath,
      [
        bin,
        'train',
        'data=imagefolder',
        `data.root=${root}`,
        'model=resnet18',
        'data.image_size=32',
        'trainer.max_epochs=2',
        `hydra.run.dir=${runDir}`,
      ],
      { env: { ...process.env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 },
    );
  }, 300_000);

  it('writes every file of the table', () => {
    const files = [
      'dataset_stats.json',
      'plots/dataset_stats.svg',
      'plots/dataset_stats.png',
      'confusion_matrix/epoch_000.csv',
      'confusion_matrix/epoch_001.csv',
      'plots/confusion_matrix/epoch_000.svg',
      'plots/confusion_matrix/epoch_001.png',
      'plots/confusion_matrix.svg',
      'plots/confusion_matrix.png',
      'plots/history.svg',
      'plots/history.png',
      'model_info.json',
      'onnx/best.onnx',
      'onnx/best.json',
      'onnx/last.onnx',
      'onnx/last.json',
      'plots/predictions.png',
      'report.html',
    ];
    expect(files.filter((file) => !existsSync(join(runDir, file)))).toEqual([]);
  });

  it('has one confusion matrix per epoch, summing to the val split, whose trace is that epoch’s val/acc', () => {
    const metrics = readCsv(join(runDir, 'metrics.csv'));
    const valSize = CLASSES.length * 5;
    const csvs = readdirSync(join(runDir, 'confusion_matrix')).sort();
    expect(csvs).toEqual(['epoch_000.csv', 'epoch_001.csv']);
    for (const [epoch, file] of csvs.entries()) {
      const [header, ...rows] = readCsv(join(runDir, 'confusion_matrix', file));
      expect(header?.slice(1)).toEqual(RUN_CLASSES);
      expect(rows.map((row) => row[0])).toEqual(RUN_CLASSES);
      const counts = rows.map((row) => row.slice(1).map(Number));
      const total = counts.flat().reduce((a, b) => a + b, 0);
      const trace = counts.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
      expect(total).toBe(valSize);
      const row = metrics.find((r) => r[metrics[0]!.indexOf('epoch')] === String(epoch))!;
      expect(trace / total).toBeCloseTo(Number(row[metrics[0]!.indexOf('val/acc')]), 6);
    }
  });

  it('counts the files on disk in dataset_stats.json', () => {
    const stats = JSON.parse(readFileSync(join(runDir, 'dataset_stats.json'), 'utf8')) as {
      splits: Record<string, { images: number; class_counts: Record<string, number> }>;
    };
    for (const [split, dir] of Object.entries(SPLIT_DIRS)) {
      const onDisk = Object.fromEntries(
        RUN_CLASSES.map((name) => [name, readdirSync(join(root, dir, name)).length]),
      );
      expect(stats.splits[split]?.class_counts, split).toEqual(onDisk);
      expect(stats.splits[split]?.images).toBe(Object.values(onDisk).reduce((a, b) => a + b, 0));
    }
  });

  it('counts parameters as torchvision does and multiply-accumulates within 1%', () => {
    const info = JSON.parse(readFileSync(join(runDir, 'model_info.json'), 'utf8')) as Record<string, unknown>;
    const reference = torchvisionCounts.cases.find(
      (c) => c.arch === 'resnet18' && c.num_classes === CLASSES.length && c.image_size === 32,
    )!;
    expect(info.arch).toBe('resnet18');
    expect(info.params_total).toBe(reference.params);
    expect(info.params_trainable).toBe(reference.params);
    expect(Math.abs(Number(info.macs_per_image) / reference.macs - 1)).toBeLessThan(0.01);
    for (const key of ['input_size', 'weights_mb', 'throughput_img_s', 'onnx_latency_ms_batch_1']) {
      expect(info[key], key).toBeDefined();
    }
    expect(Number(info.onnx_latency_ms_batch_1)).toBeGreaterThan(0);
  });

  it('exports onnx/best.onnx that reproduces test/acc in ONNX Runtime, preprocessed as its sidecar says', async () => {
    const sidecar = JSON.parse(readFileSync(join(runDir, 'onnx/best.json'), 'utf8')) as {
      classes: string[];
      mean: number[];
      std: number[];
      input_size: number[] | number;
      resize: ResizeMode;
      opset: number;
      max_abs_diff: number;
    };
    expect(sidecar.classes).toEqual(RUN_CLASSES);
    expect(sidecar.max_abs_diff).toBeLessThan(1e-3);
    const size = Array.isArray(sidecar.input_size)
      ? Math.max(...sidecar.input_size.slice(-2))
      : sidecar.input_size;
    const normalize = createPixelNormalizer(sidecar.mean, sidecar.std);
    const files = sidecar.classes.flatMap((name, label) =>
      readdirSync(join(root, 'test', name)).map((file) => ({ path: join(root, 'test', name, file), label })),
    );
    const nhwc = new Float32Array(files.length * size * size * 3);
    for (const [i, file] of files.entries()) {
      const image = await decodeImage(file.path, size, sidecar.resize);
      normalize(image.data, nhwc, i * size * size * 3);
    }
    const { logits } = await runOnnxModel(
      readFileSync(join(runDir, 'onnx/best.onnx')),
      toNchw(nhwc, files.length, size),
      [files.length, 3, size, size],
    );
    const k = sidecar.classes.length;
    const correct = files.filter(
      (file, i) => argmax(logits.subarray(i * k, (i + 1) * k)) === file.label,
    ).length;
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Record<string, number>;
    expect(Math.abs(correct / files.length - (results['test/acc'] ?? NaN))).toBeLessThanOrEqual(0.01);
  });

  it('exports onnx/best.onnx that passes onnx.checker.check_model(full_check=True)', () => {
    const python = findPython(['onnx']);
    if (python === undefined) {
      throw new Error("python3-onnx is missing: install Debian's python3-onnx (.ci/run does)");
    }
    const script =
      'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")';
    expect(runPython(python, ['-c', script, join(runDir, 'onnx/best.onnx')]).trim()).toBe('ok');
  });

  it.skipIf(SKIP_BROWSER_TESTS)(
    'has a report.html that headless Chromium shows with every chart, no console error and no request',
    async () => {
      const browser = await launchChromium();
      try {
        const { page, watch } = await openOffline(browser, join(runDir, 'report.html'));
        const { images, svgAreas } = await pageContent(page);
        // history, confusion matrix, predictions grid, dataset statistics: each one image, each drawn.
        expect(images.map((image) => image.alt.slice(0, 40))).toEqual([
          'Loss, accuracy and learning rate per epo',
          'plots/confusion_matrix.svg',
          expect.stringMatching(/^\d+ of \d+ test images/),
          'plots/dataset_stats.svg',
        ]);
        expect(images.filter((image) => !image.loaded)).toEqual([]);
        expect(svgAreas.filter((area) => area === 0)).toEqual([]);
        expect(watch).toEqual({ blocked: [], errors: [] });
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'report-imagefolder.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it('rebuilds report.html with cls report RUN_DIR', async () => {
    rmSync(join(runDir, 'report.html'));
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'report', runDir], {
      env: { ...process.env, CI: 'true' },
    });
    expect(stdout.trim()).toBe(join(runDir, 'report.html'));
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?https?:/i);
    for (const section of ['history', 'confusion', 'predictions', 'model_info', 'dataset']) {
      expect(html.toLowerCase(), section).toContain(section.replace('_', ' ').split(' ')[0]);
    }
  }, 60_000);
});

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

function toNchw(nhwc: Float32Array, count: number, size: number): Float32Array {
  const out = new Float32Array(nhwc.length);
  const plane = size * size;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[n * 3 * plane + c * plane + p] = nhwc[(n * plane + p) * 3 + c] ?? 0;
    }
  }
  return out;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}
