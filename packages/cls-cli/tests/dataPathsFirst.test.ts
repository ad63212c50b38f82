import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
