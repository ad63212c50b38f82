import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('replaces an earlier output in the same folder, leaving no class folders of other numbers', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-synth-again-'));
    const synth = (numbers: string, perNumber: number) =>
      runCliInProcess(
        ['data', 'synth', 'out=crops', `numbers=${numbers}`, `per_number=${perNumber}`, 'image_size=16'],
        cwd,
      );
    expect((await synth('1,2,3,5', 10)).code).toBe(0);
    writeFileSync(join(cwd, 'crops', 'NOTES.md'), 'mine');
    expect((await synth('3', 3)).code).toBe(0);
    for (const split of ['train', 'valid', 'test']) {
      expect(readdirSync(join(cwd, 'crops', split)), split).toEqual(['3']);
      expect(readdirSync(join(cwd, 'crops', split, '3')), split).toEqual(['3_00000.jpg']);
    }
    expect(JSON.parse(readFileSync(join(cwd, 'crops', 'synth.json'), 'utf8'))).toMatchObject({
      numbers: ['3'],
    });
    expect(readFileSync(join(cwd, 'crops', 'NOTES.md'), 'utf8')).toBe('mine');
  });

  it('refuses a folder with files that is not an earlier output', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-synth-foreign-'));
    mkdirSync(join(cwd, 'photos', 'train', '7'), { recursive: true });
    writeFileSync(join(cwd, 'photos', 'train', '7', 'real.jpg'), 'x');
    const run = await runCliInProcess(['data', 'synth', 'out=photos', 'numbers=7', 'per_number=3'], cwd);
    expect(run).toMatchObject({
      code: 2,
      stderr: `cls: out=${join(cwd, 'photos')} holds files and no synth.json of an earlier cls data synth (pick a new or empty folder: only an earlier synthetic output is replaced)\n`,
    });
    expect(readdirSync(join(cwd, 'photos', 'train', '7'))).toEqual(['real.jpg']);
  });

  it.each([
    [
      ['out=x', 'numbers=5-100'],
      "cls: numbers=5-100: '5-100' is not a number of one or two digits or a range a-b",
    ],
    [['out=x', 'per_number=0'], 'cls: per_number=0 must be a whole number from 1 to 1000000\n'],
    [['out=x', 'image_size=big'], 'cls: image_size=big must be pixels (8-1024) or [height,width]\n'],
    [['out=x', 'seed=-1'], 'cls: seed=-1 must be a whole number from 0 to 4294967295\n'],
    [['out=x', 'colour=red'], 'cls: unknown option colour of cls data synth'],
    [['numbers=1'], 'cls: out=<dir> is required for cls data synth\n'],
  ])('rejects %j with one line naming it', async (options, message) => {
    const run = await runCliInProcess(['data', 'synth', ...options]);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
