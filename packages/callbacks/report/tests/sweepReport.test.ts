import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isClsError } from '@nextplay/cls-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSweepRuns, isSweepDir, writeRunReport, writeSweepReport } from '../src/index.js';
import { writeSyntheticRun } from './syntheticRun.js';

let sweepDir: string;

beforeEach(async () => {
  sweepDir = await mkdtemp(join(tmpdir(), 'cls-report-sweep-'));
  await writeFile(
    join(sweepDir, 'multirun.yaml'),
    'hydra:\n  overrides:\n    task:\n      - experiment=mnist\n      - optimizer.lr=0.1,0.01\n',
  );
  await writeSyntheticRun(join(sweepDir, '0'), {
    overrides: ['experiment=mnist', 'optimizer.lr=0.1'],
    testAcc: 0.5,
  });
  await writeSyntheticRun(join(sweepDir, '1'), {
    overrides: ['experiment=mnist', 'optimizer.lr=0.01'],
    testAcc: 0.8125,
  });
  await writeFile(join(sweepDir, '1/.hydra/hydra.yaml'), 'hydra:\n  job:\n    num: 1\n');
  // A job that failed before training wrote anything but its config.
  await mkdir(join(sweepDir, '2/.hydra'), { recursive: true });
  await writeFile(join(sweepDir, '2/.hydra/config.yaml'), 'task_name: train\n');
  await writeFile(join(sweepDir, '2/.hydra/overrides.yaml'), '- experiment=mnist\n- optimizer.lr=<b>\n');
});

afterEach(async () => {
  await rm(sweepDir, { recursive: true, force: true });
});

describe('writeSweepReport', () => {
  it('tells a sweep directory from a run directory', async () => {
    expect(await isSweepDir(sweepDir)).toBe(true);
    expect(await isSweepDir(join(sweepDir, '0'))).toBe(false);
    expect(await findSweepRuns(sweepDir)).toEqual(['0', '1', '2'].map((name) => join(sweepDir, name)));
  });

  it('compares the runs, each linked to its own report, which it writes too', async () => {
    const path = await writeSweepReport(sweepDir);
    expect(path).toBe(join(sweepDir, 'report.html'));
    const page = await readFile(path, 'utf8');
    const rows = [
      ...page.matchAll(/<tr(?: class="best")?><td><a href="[^"]+">[^<]+<\/a><\/td>.*<\/tr>/g),
    ].map((match) => match[0]);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toBe(
      '<tr><td><a href="0/report.html">0</a></td><td class="num" title="0">0</td><td>optimizer.lr=0.1</td><td>finished</td><td class="num" title="0.75">0.75</td><td class="num" title="0.5">0.5</td><td class="num" title="2">2</td><td>1m 31s</td></tr>',
    );
    expect(rows[1]).toMatch(
      /^<tr class="best"><td><a href="1\/report.html">1<\/a>.*<td class="num" title="0.8125">/,
    );
    expect(rows[2]).toContain('<td>optimizer.lr=&lt;b&gt;</td><td>incomplete: no results.json');
    expect(page).toContain('experiment=mnist optimizer.lr=0.1,0.01');
    for (const run of ['0', '1', '2'])
      expect((await stat(join(sweepDir, run, 'report.html'))).isFile()).toBe(true);
    expect(page).not.toMatch(/\s(?:src|href)="(?:https?:)?\/\//);
  });

  it('rejects a directory without multirun.yaml, and a run directory is no sweep', async () => {
    const error: unknown = await writeSweepReport(join(sweepDir, '0')).catch((caught: unknown) => caught);
    expect(isClsError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${join(sweepDir, '0')} is not a multirun sweep directory (it has no multirun.yaml)`,
    );
    await expect(writeRunReport(join(sweepDir, '0'))).resolves.toBe(join(sweepDir, '0', 'report.html'));
  });
});
