#!/usr/bin/env node
// What the observability callbacks cost: `cls train experiment=mnist` with the default callbacks, side by side with
// the same run without the callbacks that only write files for people to look at (plots, stats, model info, ONNX
// export, predictions grid, report). The target is at most 5% of the run's wall time. Runs alternate (with, without,
// without, with, …) so a noisy machine slows both alike; the medians are compared, and so are the runs of each pair
// (run one after the other). CPU seconds (user + sys of the whole process tree) are shown beside the wall times: on
// a machine shared with other work they move less than wall time does. The observability hooks' own time in each
// run (results.json `callback_seconds`) is shown too; what is left of the cost is background chart rendering.
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
const cpuTimes = { with: [], without: [] };
const hookSeconds = [];
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
  for (const variant of order) {
    const measured = run(`${variant}-${i}`, variants[variant]);
    times[variant].push(measured.wall);
    cpuTimes[variant].push(measured.cpu);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const withSeconds = median(times.with);
const withoutSeconds = median(times.without);
const cost = (withSeconds - withoutSeconds) / withoutSeconds;
const pairedCost = median(times.with.map((seconds, i) => (seconds - times.without[i]) / times.without[i]));
const cpuCost = (median(cpuTimes.with) - median(cpuTimes.without)) / median(cpuTimes.without);
const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
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
  [
    'cost (wall, medians)',
    `${percent(cost)} (budget ${BUDGET * 100}%): ${cost <= BUDGET ? 'within' : 'OVER'}`,
  ],
  ['cost (wall, paired)', `${percent(pairedCost)} (median over pairs of (with - without) / without)`],
  [
    'CPU seconds with',
    cpuTimes.with.map((s) => s.toFixed(1)).join(', ') + `  median ${median(cpuTimes.with).toFixed(1)}`,
  ],
  [
    'CPU seconds without',
    cpuTimes.without.map((s) => s.toFixed(1)).join(', ') + `  median ${median(cpuTimes.without).toFixed(1)}`,
  ],
  ['cost (CPU, medians)', percent(cpuCost)],
  [
    'hooks (s, in-run)',
    hookSeconds.map((s) => s.toFixed(2)).join(', ') +
      `  (the observability callbacks' hook time: ${OBSERVABILITY_CALLBACKS.join(', ')})`,
  ],
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
  // bash's `times` prints the CPU time of the shell's finished children (the whole cls process tree) to fd 3.
  const result = spawnSync(
    'bash',
    ['-c', '"$@"; status=$?; times >&3; exit $status', 'bash', process.execPath, ...args],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
      env: { ...process.env, CI: 'true' },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = childCpuSeconds(String(result.output[3]));
  if (result.status !== 0) {
    console.error(`cls ${args.slice(1).join(' ')} exited with ${result.status}`);
    process.exit(result.status ?? 1);
  }
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  console.error(
    `${label}: ${seconds.toFixed(1)} s (CPU ${cpu.toFixed(1)} s), test/acc ${Number(results['test/acc']).toFixed(4)}`,
  );
  if (label.startsWith('with-')) {
    lastRunDir = runDir;
    const spent = results.callback_seconds ?? {};
    hookSeconds.push(OBSERVABILITY_CALLBACKS.reduce((sum, name) => sum + (spent[name] ?? 0), 0));
  }
  return { wall: seconds, cpu };
}

/** User + sys seconds of the children from bash's `times` output (its second line: `1m37.2s 0m14.8s`). */
function childCpuSeconds(times) {
  const line = times.trim().split('\n')[1] ?? '';
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2)
    throw new Error(`cannot read CPU times from bash's times: ${JSON.stringify(times)}`);
  return parts.reduce((sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds), 0);
}
