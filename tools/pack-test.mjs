#!/usr/bin/env node
// Consumer pack test: what `npm publish` would ship, installed where our monorepo cannot help.
// Packs every publishable workspace package with `npm pack`, installs the tarballs into a fresh project in the
// system temp directory, then runs `npx cls --help` and a few-batch `cls train experiment=mnist` there and checks
// results.json. Third-party dependencies come from the npm registry (or npm's cache); no @nextplay package may.
// Usage: node tools/pack-test.mjs [--skip-build] [--keep]   (exit 0 = every check passed)
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { cleanNpmEnv, publishableWorkspaces, repoRoot } from './lib/workspaces.mjs';

const skipBuild = process.argv.includes('--skip-build');
const keep = process.argv.includes('--keep');
const started = performance.now();
const checks = [];

function step(title) {
  console.log(`\n▶ ${title}`);
}

function pass(what) {
  checks.push(what);
  console.log(`  ✓ ${what}`);
}

function fail(what, detail = '') {
  console.error(`  ✗ ${what}${detail === '' ? '' : `\n${detail}`}`);
  console.error(
    `\npack test FAILED after ${elapsed()} s; the consumer project is kept at ${consumer ?? '(none)'}`,
  );
  process.exit(1);
}

function elapsed() {
  return ((performance.now() - started) / 1000).toFixed(0);
}

/** Runs a command; output streams through unless `capture`, then it is returned. */
function run(command, args, { cwd, capture = false, timeoutSeconds = 600 }) {
  const result = spawnSync(command, args, {
    cwd,
    env: cleanNpmEnv({ CI: 'true' }),
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    timeout: timeoutSeconds * 1000,
  });
  if (result.error !== undefined) fail(`${command} ${args.join(' ')}`, String(result.error));
  return result;
}

let consumer;

step('build the workspace');
if (skipBuild) {
  console.log('  (skipped: --skip-build)');
} else {
  const build = run('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], { cwd: repoRoot });
  if (build.status !== 0) fail('nx run-many -t build', `exit ${build.status}`);
  pass('workspace built');
}

const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'cls-pack-test-')));
const fromRepo = relative(repoRoot, workDir);
if (!fromRepo.startsWith('..') && !isAbsolute(fromRepo))
  fail(`temp dir ${workDir} lies inside the repository`);
const tarballDir = join(workDir, 'tarballs');
consumer = join(workDir, 'consumer');
mkdirSync(tarballDir);
mkdirSync(consumer);

step('npm pack every publishable workspace package');
const workspaces = publishableWorkspaces();
if (workspaces.length === 0) fail('no publishable workspace package found');
const tarballs = new Map();
for (const workspace of workspaces) {
  const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballDir], {
    cwd: workspace.dir,
    capture: true,
  });
  if (packed.status !== 0) fail(`npm pack ${workspace.name}`, packed.stderr);
  const [info] = JSON.parse(packed.stdout);
  const files = new Set(info.files.map((file) => file.path));
  const entry = workspace.manifest.exports?.['.']?.default ?? workspace.manifest.main;
  const missing = [entry, ...Object.values(workspace.manifest.bin ?? {})]
    .filter((path) => typeof path === 'string')
    .map((path) => path.replace(/^\.\//, ''))
    .filter((path) => !files.has(path));
  if (missing.length > 0) fail(`${workspace.name} tarball lacks ${missing.join(', ')} (built? in "files"?)`);
  tarballs.set(workspace.name, join(tarballDir, info.filename));
  pass(`${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB`);
}

step(`install the ${tarballs.size} tarballs into a fresh project: ${consumer}`);
writeFileSync(
  join(consumer, 'package.json'),
  `${JSON.stringify(
    {
      name: 'cls-consumer',
      private: true,
      type: 'module',
      dependencies: Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`])),
      // As the README tells users: onnxruntime-node's install script would download CUDA binaries from NuGet.
      allowScripts: { 'onnxruntime-node': false, protobufjs: true, sharp: true, webgpu: true },
    },
    null,
    2,
  )}\n`,
);
const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: consumer });
if (install.status !== 0) fail('npm install of the tarballs', `exit ${install.status}`);
const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8'));
const ours = Object.entries(lock.packages).filter(([path]) => /(^|\/)node_modules\/@nextplay\//.test(path));
const fromElsewhere = ours.filter(([, entry]) => !String(entry.resolved ?? '').startsWith('file:'));
if (fromElsewhere.length > 0) {
  fail(
    'every @nextplay package must come from the local tarballs',
    fromElsewhere.map(([path, entry]) => `    ${path} <- ${entry.resolved ?? '?'}`).join('\n'),
  );
}
pass(`installed; ${ours.length} @nextplay packages, all from the tarballs`);

step('npx cls --help');
const help = run('npx', ['--no-install', 'cls', '--help'], {
  cwd: consumer,
  capture: true,
  timeoutSeconds: 120,
});
if (help.status !== 0) fail(`npx cls --help exited ${help.status}`, `${help.stdout}${help.stderr}`);
if (!/\btrain\b/.test(help.stdout)) fail('npx cls --help does not mention the train command', help.stdout);
console.log(
  help.stdout
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n'),
);
pass('cls --help exits 0 and lists train');

const runDir = join(workDir, 'run');
const trainArgs = [
  'train',
  'experiment=mnist',
  'trainer.max_epochs=1',
  'trainer.limit_train_batches=3',
  'trainer.limit_val_batches=2',
  'trainer.limit_test_batches=2',
  `hydra.run.dir=${runDir}`,
];
step(`npx cls ${trainArgs.join(' ')}`);
const train = run('npx', ['--no-install', 'cls', ...trainArgs], { cwd: consumer, timeoutSeconds: 900 });
if (train.status !== 0) fail(`cls train exited ${train.status}`);
const resultsFile = join(runDir, 'results.json');
if (!existsSync(resultsFile)) fail(`cls train wrote no ${resultsFile}`);
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const accuracy = results['test/acc'];
if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) {
  fail('results.json has no test/acc in [0, 1]', JSON.stringify(results, null, 2));
}
for (const file of ['.hydra/config.yaml', 'metrics.csv']) {
  if (!existsSync(join(runDir, file))) fail(`cls train wrote no ${file}`);
}
pass(`results.json: test/acc ${accuracy.toFixed(4)} on backend ${String(results.backend)}`);

console.log(`\npack test passed: ${checks.length} checks in ${elapsed()} s`);
if (keep) console.log(`kept ${workDir}`);
else rmSync(workDir, { recursive: true, force: true });
