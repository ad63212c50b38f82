import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

describe('cls data prepare', () => {
  it('writes the embedded MNIST as an ImageFolder at out=', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cls-prepare-')), 'mnist');
    const run = await runCliInProcess(['data', 'prepare', 'mnist', `out=${out}`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      readdirSync(out)
        .filter((name) => !name.startsWith('.'))
        .sort(),
    ).toEqual(['test', 'train', 'valid']);
    expect(readdirSync(join(out, 'train')).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    const count = (split: string) =>
      readdirSync(join(out, split)).reduce(
        (sum, digit) => sum + readdirSync(join(out, split, digit)).length,
        0,
      );
    expect([count('train'), count('valid'), count('test')]).toEqual([55_000, 5_000, 10_000]);
  });

  it('names the datasets it knows for an unknown one', async () => {
    const run = await runCliInProcess(['data', 'prepare', 'cifar10']);
    expect(run).toMatchObject({
      code: 2,
      stderr: 'cls: unknown dataset cifar10 for cls data prepare; available: mnist\n',
    });
  });

  it('refuses an option it does not take rather than ignoring it', async () => {
    const run = await runCliInProcess(['data', 'prepare', 'mnist', 'output=/tmp/x']);
    expect(run).toMatchObject({
      code: 2,
      stderr: 'cls: unknown option output=/tmp/x of cls data prepare (options: out=<dir>)\n',
    });
  });
});
