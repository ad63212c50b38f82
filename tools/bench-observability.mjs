#!/usr/bin/env node
// What the observability callbacks cost: `cls train experiment=mnist` with the default callbacks, side by side with
// the same run without the callbacks that only write files for people to look at (plots, stats, model info, ONNX
// export, predictions grid, report). The target is at most 5% of the run's wall time. Runs alternate (with, without,
// without, with, …) so a noisy machine slows both alike, and each run is compared with its pair partner (run just
// before or after it). Four figures are shown side by side:
//   - wall, paired: the median over pairs of (with - without) / without: the issue's own measure, but on a shared
//     machine one pair can move by more than the budget;
//   - after data, paired: the same with each run's data phase (reading the splits, before any callback exists) left
//     out of the difference but kept in the base: the part of the noise no callback can cause, removed;
//   - CPU, paired: the median over pairs of (CPU with - CPU without) / wall without, CPU being user + sys of the whole
//     process tree. The observability work is computation (charts, conversion, ONNX Runtime, PNG encoding) done on
//     threads the run also needs, so on a fully busy machine it can add at most its CPU seconds to the wall time:
//     an upper bound that other processes' load barely moves;
//   - hooks: the observability callbacks' own hook time in the run (results.json `callback_seconds`), during which
//     training waits: a lower bound (background chart rendering is not in it).
// Each run's phases (reading data, fit, the fit-end hooks, test; from train.log) are printed too, with their median
// paired differences: where a difference arises.
// The verdict uses the wall figure when every pair agrees on the side of the budget, else (noise larger than the
// effect) the after-data median, with how many pairs are within; it says which.
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
/** Seconds per phase of each run, from its train.log: where a difference arises. */
const phases = { with: [], without: [] };
const PHASES = ['data', 'fit', 'fit end', 'test'];
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
    phases[variant].push(measured.phases);
    cpuTimes[variant].push(measured.cpu);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
const list = (values, digits = 1) => values.map((v) => v.toFixed(digits)).join(', ');
const pairs = times.with.map((_, i) => i);
const wallCosts = pairs.map((i) => (times.with[i] - times.without[i]) / times.without[i]);
// The data phase ends before any callback exists (they are made after the data module and the model), so its
// difference is the machine's noise alone: left out of the difference, kept in the base.
const afterDataCosts = pairs.map(
  (i) => (times.with[i] - phases.with[i][0] - (times.without[i] - phases.without[i][0])) / times.without[i],
);
const cpuCosts = pairs.map((i) => (cpuTimes.with[i] - cpuTimes.without[i]) / times.without[i]);
const hookCosts = pairs.map((i) => hookSeconds[i] / times.without[i]);
const [wallCost, afterDataCost, cpuCost, hookCost] = [wallCosts, afterDataCosts, cpuCosts, hookCosts].map(
  median,
);
const within = (fraction) => (fraction <= BUDGET ? 'within' : 'OVER');
const agrees = (costs) => costs.every((c) => c <= BUDGET) || costs.every((c) => c > BUDGET);
const range = (costs) => `${percent(Math.min(...costs))} to ${percent(Math.max(...costs))}`;
const verdict = agrees(wallCosts)
  ? `${within(wallCost)} the ${BUDGET * 100}% budget by wall time (every pair agrees)`
  : `${within(afterDataCost)} the ${BUDGET * 100}% budget by wall time after the data phase: median ${percent(afterDataCost)}, ` +
    `${afterDataCosts.filter((c) => c <= BUDGET).length} of ${afterDataCosts.length} pairs within ` +
    `(wall pairs range ${range(wallCosts)}: noise larger than the effect)`;
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
    'cost: after data, paired',
    `${percent(afterDataCost)}  pairs: ${afterDataCosts.map(percent).join(', ')}  (data phase left out of Δ)`,
  ],
  [
    'cost: CPU bound, paired',
    `${percent(cpuCost)}  pairs: ${cpuCosts.map(percent).join(', ')}  (Δ CPU s / wall without)`,
  ],
  ['cost: hooks (lower)', `${percent(hookCost)}  pairs: ${hookCosts.map(percent).join(', ')}`],
  [
    'phases with - without (s)',
    PHASES.map(
      (phase, k) => `${phase} ${signed(median(pairs.map((i) => phases.with[i][k] - phases.without[i][k])))}`,
    ).join(', ') + '  (medians over pairs; from train.log)',
  ],
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
  const usedRunDir = args[3].slice('hydra.run.dir='.length);
  const results = JSON.parse(readFileSync(join(usedRunDir, 'results.json'), 'utf8'));
  const phaseSeconds = phasesOf(readFileSync(join(usedRunDir, 'train.log'), 'utf8'));
  const load = loadavg()[0] ?? 0;
  if (label !== 'warm-up') loads.push(load);
  console.error(
    `${label}: ${seconds.toFixed(1)} s (CPU ${cpu.toFixed(1)} s; ${PHASES.map((p, k) => `${p} ${phaseSeconds[k].toFixed(1)}`).join(', ')}), test/acc ${Number(results['test/acc']).toFixed(4)}, load ${load.toFixed(2)}`,
  );
  if (label.startsWith('with-')) {
    lastRunDir = usedRunDir;
    const spent = results.callback_seconds ?? {};
    hookSeconds.push(OBSERVABILITY_CALLBACKS.reduce((sum, name) => sum + (spent[name] ?? 0), 0));
  }
  return { wall: seconds, cpu, phases: phaseSeconds };
}

/**
 * Seconds of each phase from train.log's timestamps: data (start to the model line: reading the splits), fit (to
 * the last epoch line), fit end (to `testing with`: the fit-end hooks), test (to the test result line).
 */
function phasesOf(log) {
  const lines = log.split('\n');
  const at = (pattern, last = false) => {
    const matching = lines.filter((line) => pattern.test(line));
    const line = last ? matching.at(-1) : matching[0];
    if (line === undefined) throw new Error(`train.log has no line matching ${pattern}`);
    return Date.parse(line.slice(0, line.indexOf(' ')));
  };
  const marks = [
    at(/\[info\] run directory: /),
    at(/\[info\] model: /),
    at(/\[info\] epoch \d+\/\d+: /, true),
    at(/\[info\] testing with /),
    at(/\[info\] test: loss /),
  ];
  return PHASES.map((_, k) => (marks[k + 1] - marks[k]) / 1000);
}

/** User + sys seconds of the children from bash's `times` output (its second line: `1m37.2s 0m14.8s`). */
function childCpuSeconds(times) {
  const line = times.trim().split('\n')[1] ?? '';
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2)
    throw new Error(`cannot read CPU times from bash's times: ${JSON.stringify(times)}`);
  return parts.reduce((sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds), 0);
}
