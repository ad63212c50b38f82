import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

describe('a word without "=" after the command', () => {
  it('is refused, with the next word joined as its value, instead of being dropped', async () => {
    const run = await runCliInProcess(['train', '--cfg', 'job', 'trainer.max_epochs', '3']);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'cls: override "trainer.max_epochs" has no "=": write key=value, e.g. trainer.max_epochs=3\n',
    });
  });

  it('is refused on its own, for every command that takes only overrides', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-stray-'));
    for (const argv of [
      ['train', 'foo'],
      ['test', 'foo', 'ckpt_path=best'],
      ['predict', 'input=x', 'foo'],
      ['export', 'foo'],
      ['data', 'bench', 'foo'],
      ['data', 'synth', 'out=x', 'foo'],
      ['data', 'prepare', 'mnist', 'foo'],
    ]) {
      const run = await runCliInProcess(argv, cwd);
      expect(run, argv.join(' ')).toMatchObject({
        code: 2,
        stderr: 'cls: override "foo" has no "=": write key=value, e.g. foo=<value>\n',
      });
    }
  });

  it('names the right word when a command word repeats', async () => {
    const run = await runCliInProcess(['train', 'seed=1', 'train']);
    expect(run.stderr).toBe('cls: override "train" has no "=": write key=value, e.g. train=<value>\n');
  });

  it('is still the directory of cls report', async () => {
    const run = await runCliInProcess(['report', '/no/such/run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^cls: \/no\/such\/run is not a directory/);
  });
});
