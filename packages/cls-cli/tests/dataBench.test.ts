import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBenchResult } from '../src/commands/dataBench.js';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

let root: string;
let cwd: string;

beforeAll(async () => {
  root = await makeImageFolder({ classes: ['7', '23', '00'], perClass: { train: 6, valid: 1 } });
  cwd = mkdtempSync(join(tmpdir(), 'cls-data-bench-'));
});

afterAll(() => {
  for (const dir of [root, cwd]) rmSync(dir, { recursive: true, force: true });
});

const recipe =
  'transforms.train=[{random_resized_crop: {scale: [0.8, 1.0], ratio: [0.8, 1.25]}}, {random_rotation: {degrees: 8}}, ' +
  '{color_jitter: {brightness: 0.3, contrast: 0.3, saturation: 0.3}}]';

describe('cls data bench', () => {
  it('prints one JSON object: first-epoch and steady images/s over the training epochs, and peak RSS', async () => {
    const run = await runCliInProcess(
      [
        'data',
        'bench',
        `data.root=${root}`,
        'data.image_size=16',
        'data.batch_size=4',
        'transforms=none',
        recipe,
        '--epochs=3',
        '--json',
      ],
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(run.stdout) as DataBenchResult;
    expect(result.images).toBe(18);
    expect(result.epochs).toBe(3);
    expect(result.epoch_s).toHaveLength(3);
    expect(result.img_per_s.first_epoch).toBeGreaterThan(0);
    expect(result.img_per_s.steady).toBeGreaterThan(0);
    expect(result.peak_rss_mb).toBeGreaterThan(10);
    expect(result.transforms).toEqual(['random_resized_crop', 'random_rotation', 'color_jitter']);
    expect(result).toMatchObject({ batch_size: 4, image_size: 16 });
    // data.num_workers (4 in the shipped data config) transform worker threads, at most one per core.
    expect(result.transform_threads).toBeGreaterThan(0);
    // It measures; it writes no run directory.
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('prints a summary without --json and refuses a number of epochs below 1', async () => {
    const run = await runCliInProcess(
      ['data', 'bench', `data.root=${root}`, 'data.image_size=16', '--epochs=1'],
      cwd,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/first epoch: [\d.]+ img\/s/);
    expect(run.stdout).toContain('steady:      n/a (one epoch; use --epochs 2 or more)');
    expect(run.stdout).toMatch(/peak RSS: +[\d.]+ MB/);
    const bad = await runCliInProcess(['data', 'bench', `data.root=${root}`, '--epochs=0'], cwd);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'cls: --epochs 0: expected a whole number of epochs ≥ 1\n',
    });
  });
});
