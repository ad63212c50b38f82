#!/usr/bin/env node
// Benchmark of the README's main job: `cls train experiment=mnist`, from a cold start (MNIST ImageFolder
// prepared first if missing). Prints wall time, test accuracy on the full 10,000-image test set, throughput
// and the backend. Usage: node tools/bench-mnist.mjs [extra overrides...]   (build first: npm ci does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runDir = join(mkdtempSync(join(tmpdir(), 'cls-bench-mnist-')), 'run');
const args = [
  'packages/cls-cli/bin/cls.js',
  'train',
  'experiment=mnist',
  `hydra.run.dir=${runDir}`,
  ...process.argv.slice(2),
];

const started = performance.now();
const result = spawnSync(process.execPath, args, {
  cwd: repo,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, CI: 'true' },
});
const wallSeconds = (performance.now() - started) / 1000;
if (result.status !== 0) {
  console.error(`cls train exited with ${result.status}`);
  process.exit(result.status ?? 1);
}
const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
const rows = [
  ['command', `cls ${args.slice(1).join(' ')}`],
  ['machine', `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`],
  ['backend', results.backend],
  ['wall time (s)', wallSeconds.toFixed(1)],
  ['train images/s', Number(results.train_images_per_second).toFixed(1)],
  ['test/acc (10,000 images)', Number(results['test/acc']).toFixed(4)],
  ['test/loss', Number(results['test/loss']).toFixed(4)],
  ['run dir', runDir],
];
for (const [name, value] of rows) console.log(`${name.padEnd(26)} ${value}`);
