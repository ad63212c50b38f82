#!/usr/bin/env node
// What the observability callbacks cost: `cls train experiment=mnist` with the default callbacks, side by side with
// the same run without the callbacks that only write files for people to look at (plots, stats, model info, ONNX
// export, predictions grid, report). The target is at most 5% of the run's wall time. Runs alternate (with, without,
// without, with, …) so a noisy machine slows both alike, and each run is compared with its pair partner (run just
// before or after it). Three figures are shown side by side:
//   - wall, paired: the median over pairs of (with - without) / without: the issue's own measure, but on a shared
//     machine one pair can move by more than the budget;
//   - CPU, paired: the median over pairs of (CPU with - CPU without) / wall without, CPU being user + sys of the whole
//     process tree. The observability work is computation (charts, conversion, ONNX Runtime, PNG encoding) done on
//     threads the run also needs, so on a fully busy machine it can add at most its CPU seconds to the wall time:
//     an upper bound that other processes' load barely moves;
//   - hooks: the observability callbacks' own hook time in the run (results.json `callback_seconds`), during which
//     training waits: a lower bound (background chart rendering is not in it).
// The verdict uses the wall figure when every pair agrees on the side of the budget, else (noise larger than the
// effect) the CPU bound; it says which.
// A run that outlasts --run-timeout (seconds, default 900) is stopped and made again, once: on an overloaded machine
// a training run has been seen to hang, with or without these callbacks.
// Usage: node tools/bench-observability.mjs [--repeat=2] [--run-timeout=900] [extra overrides...]   (build first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
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
let runTimeout = 900;
const overrides = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--repeat=')) {
    repeat = Number(arg.slice('--repeat='.length));
    if (!Number.isInteger(repeat) || repeat < 1)
      throw new Error(`--repeat must be a positive integer, got ${arg}`);
  } else if (arg.startsWith('--run-timeout=')) {
    runTimeout = Number(arg.slice('--run-timeout='.length));
    if (!(runTimeout > 0)) throw new Error(`--run-timeout must be a positive number of seconds, got ${arg}`);
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
const loads = [];
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
const list = (values, digits = 1) => values.map((v) => v.toFixed(digits)).join(', ');
const pairs = times.with.map((_, i) => i);
const wallCosts = pairs.map((i) => (times.with[i] - times.without[i]) / times.without[i]);
const cpuCosts = pairs.map((i) => (cpuTimes.with[i] - cpuTimes.without[i]) / times.without[i]);
const hookCosts = pairs.map((i) => hookSeconds[i] / times.without[i]);
const [wallCost, cpuCost, hookCost] = [wallCosts, cpuCosts, hookCosts].map(median);
const within = (fraction) => (fraction <= BUDGET ? 'within' : 'OVER');
const wallAgrees = wallCosts.every((c) => c <= BUDGET) || wallCosts.every((c) => c > BUDGET);
const verdict = wallAgrees
  ? `${within(wallCost)} the ${BUDGET * 100}% budget by wall time (every pair agrees)`
  : `${within(cpuCost)} the ${BUDGET * 100}% budget by the CPU bound (wall pairs range ${percent(Math.min(...wallCosts))} to ${percent(Math.max(...wallCosts))}: noise larger than the effect)`;
const written = [
  'report.html',
  'model_info.json',
  'dataset_stats.json',
  'onnx/best.onnx',
  'plots/predictions.png',
  'plots/history.png',
  'plots/confusion_matrix.png',
  'plots/dataset_stats.png',
]
  .map((file) => `${file} ${existsSync(join(lastRunDir, file)) ? 'yes' : 'MISSING'}`)
  .join(', ');
const rows = [
  ['command', `cls train experiment=mnist ${overrides.join(' ')}`.trim()],
  ['machine', `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`],
  ['load average (1 min)', `${list(loads, 2)} (at each run's end)`],
  ['pairs', String(repeat)],
  ['wall with (s)', `${list(times.with)}  median ${median(times.with).toFixed(1)}`],
  ['wall without (s)', `${list(times.without)}  median ${median(times.without).toFixed(1)}`],
  ['CPU with (s)', `${list(cpuTimes.with)}  median ${median(cpuTimes.with).toFixed(1)}`],
  ['CPU without (s)', `${list(cpuTimes.without)}  median ${median(cpuTimes.without).toFixed(1)}`],
  ['hooks (s)', `${list(hookSeconds, 2)} (${OBSERVABILITY_CALLBACKS.join(', ')})`],
  ['cost: wall, paired', `${percent(wallCost)}  pairs: ${wallCosts.map(percent).join(', ')}`],
  [
    'cost: CPU bound, paired',
    `${percent(cpuCost)}  pairs: ${cpuCosts.map(percent).join(', ')}  (Δ CPU s / wall without)`,
  ],
  ['cost: hooks (lower)', `${percent(hookCost)}  pairs: ${hookCosts.map(percent).join(', ')}`],
  ['verdict', verdict],
  ['files (last run with)', written],
];
for (const [name, value] of rows) console.log(`${name.padEnd(25)} ${value}`);
rmSync(scratch, { recursive: true, force: true });

function run(label, extra, attempt = 1) {
  const runDir = join(scratch, label);
  const args = [
    'packages/cls-cli/bin/cls.js',
    'train',
    'experiment=mnist',
    `hydra.run.dir=${runDir}${attempt > 1 ? `-${attempt}` : ''}`,
    ...extra,
    ...overrides,
  ];
  const started = performance.now();
  // bash's `times` prints the CPU time of the shell's finished children (the whole cls process tree) to fd 3.
  // `timeout` sends SIGTERM (the cls supervisor then stops its run) and SIGKILL 30 s later.
  const result = spawnSync(
    'bash',
    [
      '-c',
      'timeout -k 30 "$@"; status=$?; times >&3; exit $status',
      'bash',
      String(runTimeout),
      process.execPath,
      ...args,
    ],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
      env: { ...process.env, CI: 'true' },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = childCpuSeconds(String(result.output[3]));
  if (result.status !== 0 && seconds >= runTimeout && attempt === 1) {
    console.error(`${label}: no result after ${runTimeout} s (hung): stopped, running it again`);
    return run(label, extra, attempt + 1);
  }
  if (result.status !== 0) {
    console.error(`cls ${args.slice(1).join(' ')} exited with ${result.status}`);
    process.exit(result.status ?? 1);
  }
  const results = JSON.parse(
    readFileSync(join(args[3].slice('hydra.run.dir='.length), 'results.json'), 'utf8'),
  );
  const load = loadavg()[0] ?? 0;
  if (label !== 'warm-up') loads.push(load);
  console.error(
    `${label}: ${seconds.toFixed(1)} s (CPU ${cpu.toFixed(1)} s), test/acc ${Number(results['test/acc']).toFixed(4)}, load ${load.toFixed(2)}`,
  );
  if (label.startsWith('with-')) {
    lastRunDir = args[3].slice('hydra.run.dir='.length);
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
