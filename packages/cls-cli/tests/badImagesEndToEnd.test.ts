import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { inflateBombPng } from '../../cls-data/tests/helpers/hostileImages.js';
import { makeImageFolder } from './makeImageFolder.js';
import { runCliInProcess } from './runCliInProcess.js';

const bin = fileURLToPath(new URL('../bin/cls.js', import.meta.url));

/** A Roboflow-style export with the usual debris: the damaged files, relative to the root, by split. */
async function exportWithDebris(): Promise<{ root: string; damaged: string[] }> {
  const root = await makeImageFolder({ classes: ['7', '23', 'número_7'], perClass: { train: 40 } });
  const jpeg = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#c83214' } })
    .jpeg()
    .toBuffer();
  const png = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#0a1464' } })
    .png()
    .toBuffer();
  const damaged: Record<string, Uint8Array | string> = {
    'train/7/empty.png': new Uint8Array(0),
    'train/23/truncated.jpg': jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    'train/número_7/truncated.png': png.subarray(0, png.length - 40),
    'valid/7/notes.jpg': 'not an image\n',
    'test/23/bomb.png': inflateBombPng(20000, 20000, 1),
  };
  for (const [path, bytes] of Object.entries(damaged)) writeFileSync(join(root, path), bytes);
  writeFileSync(join(root, 'train', '7', '.DS_Store'), 'Bud1');
  writeFileSync(join(root, 'train', '23', 'Thumbs.db'), 'thumbs');
  writeFileSync(join(root, 'valid', '23', 'labels.txt'), '23');
  return { root, damaged: Object.keys(damaged) };
}

function trainArgs(root: string, runDir: string, ...more: string[]): string[] {
  return [
    'train',
    'data=imagefolder',
    `data.root=${root}`,
    'model=resnet18',
    'data.image_size=16',
    'trainer.max_epochs=1',
    `hydra.run.dir=${runDir}`,
    // 3 of 120 training images are damaged: 2.5%, over the default of 1%.
    'data.max_bad_fraction=0.25',
    ...more,
  ];
}

describe('cls train on an export with unreadable images', () => {
  let root: string;
  let damaged: string[];
  let runDir: string;
  let stdout: string;
  let stderr: string;

  beforeAll(async () => {
    ({ root, damaged } = await exportWithDebris());
    runDir = join(mkdtempSync(join(tmpdir(), 'cls-debris-')), 'run');
    const result = await promisify(execFile)(process.execPath, [bin, ...trainArgs(root, runDir)], {
      env: { ...process.env, CI: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    ({ stdout, stderr } = result);
  }, 300_000);

  it('trains to the end and tests', () => {
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Record<string, unknown>;
    expect(results['test/acc']).toBeTypeOf('number');
    const [, ...rows] = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1);
  });

  it('lists exactly the damaged files in skipped_images.csv, paths relative to data.root', () => {
    const [header, ...rows] = readFileSync(join(runDir, 'skipped_images.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe('split,path,reason');
    const listed = rows.map((row) => row.split(',').slice(0, 2).join(','));
    const split = (path: string) =>
      ({ train: 'train', valid: 'val', test: 'test' })[path.split('/')[0] ?? ''];
    expect(listed.sort()).toEqual(damaged.map((path) => `${split(path)},${path}`).sort());
    for (const row of rows) expect(row.split(',')[2]).not.toBe('');
  });

  it('names each skipped file in a warning and counts them in the split summary', () => {
    const log = `${stdout}\n${stderr}\n${readFileSync(join(runDir, 'train.log'), 'utf8')}`;
    for (const path of damaged) expect(log).toContain(`skipped unreadable image ${path}: `);
    expect(log).toMatch(/train: 120 images in 3 classes from .*, 3 unreadable skipped/);
    expect(log).toMatch(/val: 12 images in 3 classes from .*, 1 unreadable skipped/);
    expect(log).toMatch(/test: 12 images in 3 classes from .*, 1 unreadable skipped/);
    expect(log).not.toMatch(/DS_Store|Thumbs\.db|labels\.txt/);
  });

  it('stops with one line before training when data.on_bad_image=fail', async () => {
    const failDir = join(mkdtempSync(join(tmpdir(), 'cls-debris-fail-')), 'run');
    const run = await runCliInProcess(trainArgs(root, failDir, 'data.on_bad_image=fail'));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    // The first damaged file in the split's order: classes sorted as torchvision does ('23' < '7').
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cls: cannot read image .*train\/23\/truncated\.jpg: .*premature end.* \(data\.on_bad_image=skip/i,
    );
    expect(run.stdout).not.toMatch(/epoch/i);
  }, 120_000);

  it('stops with one line before training when a split has more than data.max_bad_fraction unreadable', async () => {
    const failDir = join(mkdtempSync(join(tmpdir(), 'cls-debris-fraction-')), 'run');
    const run = await runCliInProcess(trainArgs(root, failDir, 'data.max_bad_fraction=0.01'));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cls: 3 of the 123 images of train \(2\.4%\) cannot be read, more than data\.max_bad_fraction=0\.01; the first: train\/23\/truncated\.jpg: /,
    );
    expect(run.stdout).not.toMatch(/epoch/i);
  }, 120_000);
});
