import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

const bench = (root: string) => [
  'data',
  'bench',
  'data=jersey_synth',
  `data.root=${root}`,
  'data.image_size=16',
  'data.batch_size=4',
  "data.synth.numbers='00,7,23'",
  'data.synth.per_number=5',
  '--epochs=1',
  '--json',
];

describe('data=jersey_synth', () => {
  it('generates the crops at data.root on first use, then reads them as an ImageFolder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cls-jersey-synth-'));
    const root = join(cwd, 'data', 'jersey_synth');
    const run = await runCliInProcess(bench(root), cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ images: 9, image_size: 16 });
    expect(readdirSync(join(root, 'train')).sort()).toEqual(['00', '23', '7']);
    expect(readdirSync(join(root, 'test', '00'))).toEqual(['00_00000.jpg']);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('reads a data.root that already holds an ImageFolder as it is', async () => {
    const root = await makeImageFolder({ classes: ['7', '23'], perClass: { train: 3, valid: 1 } });
    const run = await runCliInProcess(bench(root));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ images: 6 });
    expect(existsSync(join(root, 'synth.json'))).toBe(false);
    rmSync(root, { recursive: true, force: true });
  });
});
