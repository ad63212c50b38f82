import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pngBytes } from './pngBytes.js';

/** A class name that would be markup if a report did not escape it. */
export const EVIL_CLASS = '<img src=x onerror=alert(1)>&"cat"';
export const CLASSES = ['dog', EVIL_CLASS, 'bird'];

/** A chart as our callbacks write it, plus a script and a handler a report must never let run. */
export function svgChart(label: string, width = 320, height = 160): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" onload="alert(1)"><script>alert(2)</script><rect width="${width}" height="${height}" fill="white"/><rect x="10" y="10" width="${width / 2}" height="${height / 2}" fill="steelblue"/><text x="20" y="${height - 20}">${label}</text></svg>`;
}

async function put(runDir: string, path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(join(runDir, path)), { recursive: true });
  await writeFile(join(runDir, path), data);
}

/**
 * A run directory holding every file the report shows (as the callbacks and the engine write them), a
 * third-party section manifest and a bad one. `results: false` leaves `results.json` out (a run in progress).
 */
export async function writeSyntheticRun(
  runDir?: string,
  options: {
    readonly results?: boolean;
    readonly overrides?: readonly string[];
    readonly testAcc?: number;
  } = {},
): Promise<string> {
  const dir = runDir ?? (await mkdtemp(join(tmpdir(), 'cls-report-run-')));
  const overrides = options.overrides ?? ['experiment=mnist', 'trainer.max_epochs=2'];
  const files: Record<string, string | Buffer> = {
    '.hydra/config.yaml':
      'task_name: train\nseed: 12345\nmodel:\n  arch: resnet18\nnote: "</pre><script>alert(3)</script>"\n',
    '.hydra/overrides.yaml': overrides.map((override) => `- ${override}\n`).join(''),
    '.hydra/hydra.yaml': 'hydra:\n  job:\n    num: 0\n',
    'metrics.csv':
      'epoch,step,train/loss,train/acc,val/loss,val/acc,lr\n0,5,1.5,0.4,1.2,0.55,0.001\n1,10,0.9,0.7,0.8,0.75,0.0005\n',
    'train.log':
      '2026-01-01T10:00:00.000Z [info] run directory: x\n2026-01-01T10:01:30.500Z [info] test: loss 0.8 acc 0.7\n',
    'plots/history.svg': svgChart('history'),
    'plots/history.png': pngBytes(32, 16),
    'plots/confusion_matrix.svg': svgChart('confusion'),
    'plots/confusion_matrix/epoch_000.svg': svgChart('confusion 0'),
    'confusion_matrix/epoch_000.csv': `true\\predicted,${CLASSES.join(',')}\n`,
    'confusion_matrix/epoch_001.csv': `true\\predicted,${CLASSES.join(',')}\n`,
    'plots/predictions.png': pngBytes(48, 24),
    'plots/predictions.svg': svgChart('predictions as svg'),
    'predictions.json': JSON.stringify({
      caption: `Validation samples; red: wrong (${EVIL_CLASS})`,
      split: 'val',
      samples: [{ path: 'val/a.png', target: EVIL_CLASS, predicted: 'dog', confidence: 0.93 }],
    }),
    'dataset_stats.json': JSON.stringify({
      classes: CLASSES,
      num_classes: 3,
      image_size: 28,
      channels: 3,
      total_images: 60,
      splits: {
        train: {
          images: 40,
          class_counts: { dog: 20, [EVIL_CLASS]: 15, bird: 5 },
          imbalance_ratio: 4,
          empty_classes: [],
          largest_class: { name: 'dog', count: 20 },
          smallest_class: { name: 'bird', count: 5 },
          unreadable: 0,
          width: { min: 28, max: 28, mean: 28, median: 28, histogram: [] },
          height: { min: 28, max: 28, mean: 28, median: 28, histogram: [] },
          formats: { png: 40 },
        },
        val: { images: 20, class_counts: { dog: 10, [EVIL_CLASS]: 5, bird: 5 }, empty_classes: [] },
      },
    }),
    'plots/dataset_stats.svg': svgChart('dataset'),
    'model_info.json': JSON.stringify({
      arch: 'resnet18',
      input_size: [28, 28, 3],
      num_classes: 3,
      params_total: 11181642,
      params_trainable: 11171978,
      macs_per_image: 35868672,
      weights_mb: 42.7,
      throughput_img_s: { batch_1: 120.5, batch_64: 880.25 },
      onnx_latency_ms_batch_1: 3.25,
      benchmark: { status: 'measured' },
    }),
    'checkpoints/best/model.json': '{}',
    'checkpoints/epoch=1-step=10/model.json': '{}',
    'onnx/best.onnx': Buffer.from([8, 7, 18, 4]),
    'onnx/best.json': JSON.stringify({
      opset: 17,
      max_abs_diff: 2.3e-6,
      argmax_agreement: 1,
      weights: 'best_checkpoint',
    }),
    'skipped_images.csv': `split,path,reason\ntrain,"train/cat/a,b.png",unreadable <b>bold</b>\nval,val/x.png,truncated\n`,
    'plots/gradcam.svg': svgChart('gradcam'),
    'plots/extra/custom.svg': svgChart('custom'),
    'plots/extra/custom.png': pngBytes(8, 8),
    'report/gradcam.json': JSON.stringify({
      title: 'Grad-CAM <heatmaps>',
      order: 45,
      description: 'Where the model looks.',
      images: ['plots/gradcam.svg'],
      table: {
        columns: ['class', 'mean activation'],
        rows: [
          [EVIL_CLASS, 0.41],
          ['dog', 0.37],
        ],
      },
      files: ['plots/gradcam.svg'],
    }),
    'report/bad.json': JSON.stringify({ title: 'Bad', images: ['../../etc/passwd.png'] }),
    'report/broken.json': '{ "title": ',
  };
  if (options.results !== false) {
    files['results.json'] = JSON.stringify({
      backend: 'wasm',
      'test/acc': options.testAcc ?? 0.6875,
      'test/loss': 0.81234,
      'test/per_class': { dog: { precision: 1, recall: 0.5, f1: 0.6667, support: 2 } },
      'val/acc': 0.75,
      best_model_path: join(dir, 'checkpoints/best'),
      epochs_trained: 2,
      classes: CLASSES,
      interrupted: false,
    });
  }
  for (const [path, data] of Object.entries(files)) await put(dir, path, data);
  return dir;
}
