import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './runCliInProcess.js';

describe('cls data synth', () => {
  it('writes an ImageFolder of synthetic jersey crops', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-synth-'));
    const run = await runCliInProcess(
      ['data', 'synth', 'out=crops', 'numbers=00,7,20-21', 'per_number=5', 'image_size=[40,24]', 'seed=3'],
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('{"train":12,"valid":4,"test":4}');
    expect(readdirSync(join(cwd, 'crops', 'train')).sort()).toEqual(['00', '20', '21', '7']);
    expect(readdirSync(join(cwd, 'crops', 'test', '00'))).toEqual(['00_00000.jpg']);
    expect(JSON.parse(readFileSync(join(cwd, 'crops', 'synth.json'), 'utf8'))).toMatchObject({
      image_size: [40, 24],
      seed: 3,
      numbers: ['00', '7', '20', '21'],
    });
  });

  it.each([
    [
      ['out=x', 'numbers=5-100'],
      "cls: numbers=5-100: '5-100' is not a number of one or two digits or a range a-b",
    ],
    [
      ['out=x', 'per_number=0'],
      'cls: cls data synth: per_number=0 must be a whole number from 1 to 1000000\n',
    ],
    [
      ['out=x', 'image_size=big'],
      'cls: cls data synth: image_size=big must be pixels (8-1024) or [height,width]\n',
    ],
    [['out=x', 'seed=-1'], 'cls: cls data synth: seed=-1 must be a whole number from 0 to 4294967295\n'],
    [['out=x', 'colour=red'], 'cls: cls data synth: unknown option colour'],
    [['numbers=1'], 'cls: cls data synth: out=<dir> is required\n'],
  ])('rejects %j with one line naming it', async (options, message) => {
    const run = await runCliInProcess(['data', 'synth', ...options]);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
