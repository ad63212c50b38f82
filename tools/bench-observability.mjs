#!/usr/bin/env node
// What the observability callbacks cost: `cls train experiment=mnist` with the default callbacks, side by side with
// the same run without the callbacks that only write files for people to look at (plots, stats, model info, ONNX
// export, predictions grid, report). The target is at most 5% of the run's wall time. Runs alternate (with, without,
// without, with, …) so a noisy machine slows both alike; the medians are compared.
// Usage: node tools/bench-observability.mjs [--repeat=2] [extra overrides...]   (build first: npm ci does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OBSERVABILITY_CALLBACKS = [
  'confusion_matrix',
  'history',
  'dataset_stats',
  'model_info',
  'onnx_export',
  'predictions',
  'report',
];
const BUDGET = 0.05;

const repo = fileURLToPath(new URL('..', import.meta.url));
let repeat = 2;
const overrides = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--repeat=')) {
    repeat = Number(arg.slice('--repeat='.length));
    if (!Number.isInteger(repeat) || repeat < 1)
      throw new Error(`--repeat must be a positive integer, got ${arg}`);
  } else overrides.push(arg);
}

const scratch = mkdtempSync(join(tmpdir(), 'cls-bench-observability-'));
const variants = {
  with: [],
  without: OBSERVABILITY_CALLBACKS.map((name) => `~callbacks.${name}`),
};
const times = { with: [], without: [] };
let lastRunDir;

// Prepare MNIST once, outside the timed runs.
run('warm-up', [
  'trainer.max_epochs=1',
  'trainer.limit_train_batches=1',
  'trainer.limit_val_batches=1',
  'trainer.limit_test_batches=1',
  ...variants.without,
]);
for (let i = 0; i < repeat; i++) {
  const order = i % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
  for (const variant of order) times[variant].push(run(`${variant}-${i}`, variants[variant]));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const withSeconds = median(times.with);
const withoutSeconds = median(times.without);
const cost = (withSeconds - withoutSeconds) / withoutSeconds;
const written = [
  'report.html',
  'model_info.json',
  'dataset_stats.json',
  'onnx/best.onnx',
  'plots/predictions.png',
]
  .map((file) => `${file} ${existsSync(join(lastRunDir, file)) ? 'yes' : 'MISSING'}`)
  .join(', ');
const rows = [
  ['command', `cls train experiment=mnist ${overrides.join(' ')}`.trim()],
  ['machine', `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`],
  ['runs per variant', String(repeat)],
  [
    'with observability (s)',
    times.with.map((s) => s.toFixed(1)).join(', ') + `  median ${withSeconds.toFixed(1)}`,
  ],
  [
    'without (s)',
    times.without.map((s) => s.toFixed(1)).join(', ') + `  median ${withoutSeconds.toFixed(1)}`,
  ],
  ['cost', `${(cost * 100).toFixed(1)}% (budget ${BUDGET * 100}%): ${cost <= BUDGET ? 'within' : 'OVER'}`],
  ['files (last run with)', written],
];
for (const [name, value] of rows) console.log(`${name.padEnd(24)} ${value}`);
rmSync(scratch, { recursive: true, force: true });

function run(label, extra) {
  const runDir = join(scratch, label);
  const args = [
    'packages/cls-cli/bin/cls.js',
    'train',
    'experiment=mnist',
    `hydra.run.dir=${runDir}`,
    ...extra,
    ...overrides,
  ];
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CI: 'true' },
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    console.error(`cls ${args.slice(1).join(' ')} exited with ${result.status}`);
    process.exit(result.status ?? 1);
  }
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  console.error(`${label}: ${seconds.toFixed(1)} s, test/acc ${Number(results['test/acc']).toFixed(4)}`);
  if (label.startsWith('with-')) lastRunDir = runDir;
  return seconds;
}
