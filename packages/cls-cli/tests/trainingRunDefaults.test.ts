import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

/**
 * A training run made with a relative data.root; `cls test|predict|export` then start from its recorded config
 * (Lightning's `trainer.test(ckpt_path="best")`), from another working directory, without repeating data.root.
 */
let trainCwd: string;
let otherCwd: string;
let root: string;
let runDir: string;

beforeAll(async () => {
  root = await makeImageFolder({ classes: ['7', '23', '00'], perClass: { train: 4, valid: 2, test: 3 } });
  trainCwd = mkdtempSync(join(tmpdir(), 'cls-run-defaults-'));
  otherCwd = mkdtempSync(join(tmpdir(), 'cls-run-defaults-other-'));
  runDir = join(trainCwd, 'run');
  // A child process: a relative data.root is relative to the process's working directory.
  await promisify(execFile)(
    process.execPath,
    [
      bin,
      'train',
      `data.root=${relative(trainCwd, root)}`,
      'data.image_size=16',
      'data.batch_size=6',
      'trainer.max_epochs=1',
      '~callbacks.progress_bar',
      'hydra.run.dir=run',
    ],
    { cwd: trainCwd, env: { ...process.env, CI: 'true' } },
  );
  expect(existsSync(join(runDir, 'checkpoints', 'best'))).toBe(true);
}, 120_000);

afterAll(() => {
  for (const dir of [trainCwd, otherCwd, root]) rmSync(dir, { recursive: true, force: true });
});

describe("checkpoint commands default to the training run's config", () => {
  it('cls test ckpt_path=best hydra.run.dir=<run> needs no data.root and writes beside the run', async () => {
    const run = await runCliInProcess(['test', 'ckpt_path=best', `hydra.run.dir=${runDir}`], otherCwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/on 9 images/);
    expect(existsSync(join(runDir, 'test_results.json'))).toBe(true);
    expect(readdirSync(otherCwd)).toEqual([]);
  });

  it('cls test ckpt_path=<run>/checkpoints/last writes test_results.json to that run, not to a new outputs/', async () => {
    rmSync(join(runDir, 'test_results.json'), { force: true });
    const run = await runCliInProcess(['test', `ckpt_path=${join(runDir, 'checkpoints', 'last')}`], otherCwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(runDir, 'test_results.json'))).toBe(true);
    expect(readdirSync(otherCwd)).toEqual([]);
  });

  it('a command-line override still wins over the run', async () => {
    const run = await runCliInProcess(
      ['test', 'ckpt_path=best', `hydra.run.dir=${runDir}`, 'data.root=/no/such/dataset'],
      otherCwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: .*\/no\/such\/dataset/);
  });

  it('a checkpoint outside any run is tested in a new run directory that records what was tested', async () => {
    const lone = join(otherCwd, 'lone-checkpoint');
    cpSync(join(runDir, 'checkpoints', 'best'), lone, { recursive: true });
    const testDir = join(otherCwd, 'test-run');
    const run = await runCliInProcess(
      ['test', 'ckpt_path=lone-checkpoint', `data.root=${root}`, 'hydra.run.dir=test-run'],
      otherCwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(join(testDir, '.hydra', 'config.yaml'), 'utf8')).toContain(
      'ckpt_path: lone-checkpoint',
    );
    expect(existsSync(join(testDir, 'test_results.json'))).toBe(true);
    rmSync(lone, { recursive: true });
    rmSync(testDir, { recursive: true });
  });

  it('says how many images limit_test_batches leaves, in the log line and the result alike', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        bin,
        'test',
        'ckpt_path=best',
        `hydra.run.dir=${runDir}`,
        'trainer.limit_test_batches=1',
        'data.batch_size=2',
      ],
      { cwd: otherCwd, env: { ...process.env, CI: 'true' } },
    );
    const output = stdout + stderr;
    expect(output).toMatch(/testing checkpoint \S+ on 2 images of 9 \(trainer\.limit_test_batches=1\)/);
    expect(output).toMatch(/Tested \S+ on 2 images/);
  });

  it('cls predict ckpt_path=best hydra.run.dir=<run> works without data settings', async () => {
    const run = await runCliInProcess(
      ['predict', 'ckpt_path=best', `hydra.run.dir=${runDir}`, `input=${join(root, 'test')}`],
      otherCwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(runDir, 'predictions.csv'))).toBe(true);
  });
});

describe('cls export with best/last', () => {
  it('cls export ckpt_path=best hydra.run.dir=<run> exports the best checkpoint', async () => {
    const run = await runCliInProcess(
      ['export', 'ckpt_path=best', `hydra.run.dir=${runDir}`, 'export.format=tfjs', 'export.output=exported'],
      otherCwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`checkpoint ${join(runDir, 'checkpoints', 'best')}`);
    expect(existsSync(join(otherCwd, 'exported', 'model.json'))).toBe(true);
  });

  it('a checkpoint path that does not exist says so', async () => {
    const run = await runCliInProcess(
      ['export', 'ckpt_path=/no/such/checkpoint', 'export.output=x.onnx'],
      otherCwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cls: ckpt_path=\/no\/such\/checkpoint: \/no\/such\/checkpoint does not exist/,
    );
    expect(run.stderr).not.toMatch(/trainer_state/);
  });

  it('ckpt_path=last without a run directory says how to point at the run', async () => {
    const run = await runCliInProcess(['export', 'ckpt_path=last', 'export.output=x.onnx'], otherCwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: ckpt_path=last: .* does not exist \(pass hydra\.run\.dir=/);
  });
});
