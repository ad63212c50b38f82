import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isClsError } from '@nextplay/cls-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REPORT_HTML,
  buildRunReport,
  isRunDir,
  runReportSections,
  writeReportSection,
  writeRunReport,
} from '../src/index.js';
import { EVIL_CLASS, writeSyntheticRun } from './syntheticRun.js';

let runDir: string;

beforeEach(async () => {
  runDir = await writeSyntheticRun();
});

afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

/** The `id="…"` of every section, in page order. */
function sectionIds(page: string): string[] {
  return [...page.matchAll(/<section id="([^"]+)">/g)].map((match) => match[1] ?? '');
}

/** Every `src` and `href` attribute value. */
function urls(page: string): string[] {
  return [...page.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
}

describe('writeRunReport', () => {
  it('writes report.html with a section for every kind of run file, in order', async () => {
    const path = await writeRunReport(runDir);
    expect(path).toBe(join(runDir, REPORT_HTML));
    const page = await readFile(path, 'utf8');
    expect(sectionIds(page)).toEqual([
      'summary',
      'metrics',
      'config',
      'history',
      'report-gradcam',
      'confusion-matrix',
      'predictions',
      'dataset',
      'model',
      'exports',
      'skipped-images',
      'metrics-csv',
      'other-plots',
      'notes',
    ]);
    expect(page).toContain('<h2>Final metrics</h2>');
    expect(page).toContain('From results.json.');
    expect(page).toContain('<td class="num" title="0.6875">0.6875</td>');
    expect(page).toContain('1m 31s'); // from the log's first and last line
    expect(page).toContain('11181642'); // params_total
    expect(page).toContain('batch_1: 120.5, batch_64: 880.25');
    expect(page).toContain('2 image(s) skipped.');
    expect(page).toContain('<a href="confusion_matrix/epoch_001.csv">confusion_matrix/epoch_001.csv</a>');
    expect(page).toContain('<a href="checkpoints/epoch%3D1-step%3D10">checkpoints/epoch=1-step=10</a>');
    expect(page).toContain('<td class="num" title="0.0000023">2.30e-6</td>');
    expect(page).toContain('best (tested)');
  });

  it('embeds every image as a data: URI and references nothing on the network', async () => {
    const page = await readFile(await writeRunReport(runDir), 'utf8');
    const images = [...page.matchAll(/<img src="([^"]*)"/g)].map((match) => match[1] ?? '');
    // history, gradcam, confusion matrix, predictions, dataset, and the one other plot (custom.svg, not its PNG)
    expect(images).toHaveLength(6);
    expect(images.filter((src) => src.startsWith('data:image/svg+xml;base64,'))).toHaveLength(5);
    expect(images.filter((src) => src.startsWith('data:image/png;base64,'))).toHaveLength(1);
    for (const url of urls(page)) {
      expect(url).not.toMatch(/^(?:https?:)?\/\//i);
      expect(url).toMatch(/^(?:data:image\/|#|[A-Za-z0-9_.%-]+(?:\/[A-Za-z0-9_.%-]+)*$)/);
    }
    expect(page).not.toMatch(/<script|<svg|<link|@import|url\(/i);
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:;`,
    );
  });

  it('escapes every text read from the run files', async () => {
    const page = await readFile(await writeRunReport(runDir), 'utf8');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('onerror=alert(1)>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;cat&quot;');
    expect(page).toContain('&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(page).toContain('unreadable &lt;b&gt;bold&lt;/b&gt;');
    expect(page).toContain('<h2>Grad-CAM &lt;heatmaps&gt;</h2>');
    expect(EVIL_CLASS).toContain('<');
  });

  it('renders third-party manifests and turns bad ones into one-line notes', async () => {
    const sections = await runReportSections(runDir);
    const gradcam = sections.find((section) => section.id === 'report-gradcam');
    expect(gradcam?.blocks.map((block) => block.kind)).toEqual(['image', 'table', 'files']);
    const notes = sections.find((section) => section.id === 'notes')?.blocks;
    const texts = notes?.map((block) => (block.kind === 'text' ? block.text : block.kind));
    expect(texts).toHaveLength(2);
    expect(texts?.[0]).toBe(
      'report/bad.json: "images": "../../etc/passwd.png" is not a path inside the run directory; section left out',
    );
    expect(texts?.[1]).toMatch(/^report\/broken\.json is not valid JSON \(.+\); section left out$/);
    const others = sections.find((section) => section.id === 'other-plots');
    expect(others?.blocks).toEqual([{ kind: 'image', path: 'plots/extra/custom.svg' }]);
  });

  it('links an image over the size limit instead of embedding it', async () => {
    const page = await buildRunReport(runDir, { maxInlineBytes: 1000 });
    expect(page).toContain(
      '<a href="plots/predictions.png">plots/predictions.png</a> (2.1 KiB, too large to embed)',
    );
    expect(page).not.toContain('data:image/png;base64,');
    expect(page).toContain('data:image/svg+xml;base64,'); // the small charts are still embedded
  });

  it('writeReportSection writes a checked manifest the next rebuild shows, and refuses a bad one', async () => {
    const path = await writeReportSection(runDir, 'calibration', {
      title: 'Calibration',
      order: 25,
      table: { columns: ['bin', 'accuracy'], rows: [['0.9-1.0', 0.97]] },
    });
    expect(path).toBe(join(runDir, 'report', 'calibration.json'));
    const sections = await runReportSections(runDir);
    expect(sections.map((section) => section.id).slice(0, 3)).toEqual([
      'summary',
      'metrics',
      'report-calibration',
    ]);
    await expect(writeReportSection(runDir, '../escape', { title: 'x' })).rejects.toThrow(
      'report section name "../escape" must be letters, digits, "_", "." or "-"',
    );
    await expect(writeReportSection(runDir, 'empty', { title: ' ' })).rejects.toThrow(
      'report section "empty": "title" must be a non-empty string',
    );
  });

  it('rebuilds to the same bytes', async () => {
    const first = await readFile(await writeRunReport(runDir), 'utf8');
    const second = await readFile(await writeRunReport(runDir), 'utf8');
    expect(second).toBe(first);
  });

  it('falls back to the last row of metrics.csv without results.json, and ignores a stale results.json', async () => {
    await rm(join(runDir, 'results.json'));
    let page = await readFile(await writeRunReport(runDir), 'utf8');
    expect(page).toContain('<h2>Last epoch metrics</h2>');
    expect(page).toContain('<td>val/acc</td><td class="num" title="0.75">0.75</td>');
    expect(page).toContain('incomplete: no results.json');

    // Left from an interrupted attempt: older than metrics.csv, which the resumed run rewrites every epoch.
    await writeFile(join(runDir, 'results.json'), JSON.stringify({ 'test/acc': 0.1, interrupted: true }));
    const old = new Date(Date.now() - 60_000);
    await utimes(join(runDir, 'results.json'), old, old);
    page = await readFile(await writeRunReport(runDir), 'utf8');
    expect(page).toContain('<h2>Last epoch metrics</h2>');
    expect(page).not.toContain('title="0.1"');
  });

  it('shows only the sections whose files exist', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'cls-report-bare-'));
    try {
      await writeFile(join(bare, 'metrics.csv'), 'epoch,step,train/loss\n0,3,2.5\n');
      expect(await isRunDir(bare)).toBe(true);
      const page = await readFile(await writeRunReport(bare), 'utf8');
      expect(sectionIds(page)).toEqual(['summary', 'metrics', 'metrics-csv']);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('rejects a directory that holds no run, in one line', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cls-report-empty-'));
    try {
      await mkdir(join(empty, 'plots'));
      const error: unknown = await writeRunReport(empty).catch((caught: unknown) => caught);
      expect(isClsError(error)).toBe(true);
      expect((error as Error).message).toBe(
        `${empty} is not a run directory (it has no .hydra/config.yaml, metrics.csv, results.json) nor a multirun sweep directory (no multirun.yaml)`,
      );
      await expect(writeRunReport(join(empty, 'missing'))).rejects.toThrow(
        `${join(empty, 'missing')} is not a directory`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
