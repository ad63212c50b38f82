import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_FILE_MAX_BYTES } from '../src/readRunFile.js';
import { runCliInProcess } from './runCliInProcess.js';

/** A run folder from someone else whose `.hydra/` files are not what they claim (issue #17). */
let cwd: string;
let hydraDir: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'cls-hostile-run-'));
  hydraDir = join(cwd, 'run', '.hydra');
  mkdirSync(hydraDir, { recursive: true });
  mkdirSync(join(cwd, 'run', 'checkpoints', 'best'), { recursive: true });
  writeFileSync(join(cwd, 'img.png'), '');
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const predict = () => runCliInProcess(['predict', 'ckpt_path=run/checkpoints/best', 'input=img.png'], cwd);

describe('a run folder whose recorded config is not a regular file of a sane size', () => {
  it('refuses config.yaml linked to /dev/zero, naming the file', async () => {
    symlinkSync('/dev/zero', join(hydraDir, 'config.yaml'));
    const run = await predict();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `cls: refusing to read ${join(hydraDir, 'config.yaml')}: not a regular file (a FIFO, a device or a directory)\n`,
    );
  });

  it('refuses hydra.yaml that is a FIFO without waiting for a writer', async () => {
    writeFileSync(join(hydraDir, 'config.yaml'), 'seed: 1\n');
    execFileSync('mkfifo', [join(hydraDir, 'hydra.yaml')]);
    const run = await predict();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cls: refusing to read .*\/\.hydra\/hydra\.yaml: not a regular file/);
  }, 10_000);

  it('refuses a config.yaml larger than the limit before reading it', async () => {
    const file = join(hydraDir, 'config.yaml');
    writeFileSync(file, '');
    truncateSync(file, RUN_FILE_MAX_BYTES + 1);
    const run = await predict();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`cls: refusing to read ${file}: it is larger than ${RUN_FILE_MAX_BYTES} bytes\n`);
  });
});
