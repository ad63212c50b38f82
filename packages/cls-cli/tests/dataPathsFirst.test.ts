import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

/** A missing or wrong data.root stops `cls train` before a run directory is created or a backend chosen. */
describe('data paths are checked before anything is written', () => {
  const base = mkdtempSync(join(tmpdir(), 'cls-data-first-'));
  const notADir = join(base, 'file.txt');
  writeFileSync(notADir, 'x');
  const noTrain = join(base, 'no-train');
  mkdirSync(join(noTrain, 'valid', 'a'), { recursive: true });

  it.each([
    ['no data.root', [], /data\.root is required/],
    ['a root that does not exist', ['data.root=/no/such/dataset'], /\/no\/such\/dataset/],
    ['a file as root', [`data.root=${notADir}`], /file\.txt/],
    ['a root without a train split', [`data.root=${noTrain}`], /train/],
  ])('%s', async (_name, overrides, pattern) => {
    const runDir = join(base, `run-${Math.random().toString(36).slice(2)}`);
    const run = await runCliInProcess(['train', ...overrides, `hydra.run.dir=${runDir}`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
    expect(existsSync(runDir)).toBe(false);
  });

  const notMnist = join(base, 'not-mnist');
  mkdirSync(join(notMnist, 'photos'), { recursive: true });

  it.each([
    [
      'data=mnist with a folder of other files',
      ['data=mnist', `data.root=${notMnist}`],
      new RegExp(`^cls: data\\.root ${notMnist} is not a prepared MNIST folder .* and is not empty`),
    ],
  ])('%s', async (_name, overrides, pattern) => {
    const runDir = join(base, `run-${Math.random().toString(36).slice(2)}`);
    const run = await runCliInProcess(['train', ...overrides, `hydra.run.dir=${runDir}`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(pattern);
    expect(existsSync(runDir)).toBe(false);
  });

  it('names data.synthetic.root when it is the one missing', async () => {
    const good = await makeImageFolder({ classes: ['1', '2'], perClass: { train: 1 } });
    const run = await runCliInProcess([
      'train',
      `data.root=${good}`,
      'data.synthetic.root=/no/such/synth',
      'data.synthetic.fraction=0.3',
      `hydra.run.dir=${join(base, 'synthetic-run')}`,
    ]);
    expect(run.stderr).toBe('cls: data.synthetic.root /no/such/synth does not exist\n');
    expect(existsSync(join(base, 'synthetic-run'))).toBe(false);
  });

  it("checks each multirun job's data before its directory is created", async () => {
    const sweep = join(base, 'sweep');
    const run = await runCliInProcess([
      'train',
      '-m',
      `data.root=${noTrain},/no/such/dataset`,
      `hydra.sweep.dir=${sweep}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/job 0 .* failed: no train\/ folder/);
    expect(run.stderr).toMatch(/job 1 .* failed: data\.root \/no\/such\/dataset does not exist/);
    expect(readdirSync(sweep)).toEqual(['multirun.yaml']);
  });

  it('chooses no backend first', () => {
    const run = spawnSync(process.execPath, [bin, 'train', 'data.root=/no/such/dataset'], {
      cwd: base,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).not.toMatch(/backend|run directory/);
    expect(existsSync(join(base, 'outputs'))).toBe(false);
  });
});
