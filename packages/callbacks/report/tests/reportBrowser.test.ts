import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launchChromium,
  openOffline,
  pageContent,
  SKIP_BROWSER_TESTS,
  type Browser,
} from '@nextplay/cls-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReport } from '../src/index.js';
import { writeSyntheticRun } from './syntheticRun.js';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');

describe.skipIf(SKIP_BROWSER_TESTS)('report.html in headless Chromium', () => {
  let browser: Browser | undefined;
  let runDir: string | undefined;
  const opened = () => {
    if (browser === undefined || runDir === undefined) throw new Error('the browser did not start');
    return { browser, runDir };
  };

  beforeAll(async () => {
    browser = await launchChromium();
    runDir = await writeSyntheticRun();
  });

  afterAll(async () => {
    await browser?.close();
    if (runDir !== undefined) await rm(runDir, { recursive: true, force: true });
  });

  it('shows every chart, raises no console error and requests nothing', async () => {
    const { browser, runDir } = opened();
    const { page, watch } = await openOffline(browser, await writeRunReport(runDir));
    const { images, svgAreas, scripts } = await pageContent(page);
    expect(images.map((image) => image.alt)).toEqual([
      'Loss, accuracy and learning rate per epoch.',
      'plots/gradcam.svg',
      'plots/confusion_matrix.svg',
      expect.stringContaining('Validation samples'),
      'plots/dataset_stats.svg',
      'plots/extra/custom.svg',
    ]);
    expect(images.filter((image) => !image.loaded)).toEqual([]);
    expect(svgAreas.filter((area) => area === 0)).toEqual([]);
    // The synthetic charts carry a script and an onload handler: embedded as images, neither runs.
    expect(scripts).toBe(0);
    expect(watch).toEqual({ blocked: [], errors: [] });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.close();
  });

  it('would notice a request to the network (the check above can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cls-report-online-'));
    try {
      const file = join(dir, 'online.html');
      await writeFile(file, '<!doctype html><img src="http://example.invalid/chart.png">');
      const { page, watch } = await openOffline(opened().browser, file);
      expect(watch.blocked).toEqual(['http://example.invalid/chart.png']);
      await page.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
