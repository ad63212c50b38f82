/// <reference lib="dom" />
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReport } from '../src/index.js';
import { writeSyntheticRun } from './syntheticRun.js';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
const SKIP = process.env.CLS_SKIP_BROWSER_TESTS === '1';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, else `chromium` or `chromium-browser` on the PATH. */
function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return isExecutable(fromEnv) ? fromEnv : undefined;
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** What a page did while it loaded: requests other than its own file and data: URLs, and console errors. */
interface PageWatch {
  readonly blocked: string[];
  readonly errors: string[];
}

async function openOffline(browser: Browser, file: string): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage();
  const documentUrl = pathToFileURL(file).href;
  const watch: PageWatch = { blocked: [], errors: [] };
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url === documentUrl || url.startsWith('data:')) void request.continue();
    else {
      watch.blocked.push(url);
      void request.abort();
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(String(error)));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(documentUrl, { waitUntil: 'load' });
  return { page, watch };
}

describe.skipIf(SKIP)('report.html in headless Chromium', () => {
  let browser: Browser | undefined;
  let runDir: string | undefined;
  const opened = () => {
    if (browser === undefined || runDir === undefined) throw new Error('the browser did not start');
    return { browser, runDir };
  };

  beforeAll(async () => {
    const executablePath = findChromium();
    if (executablePath === undefined) {
      throw new Error(
        "Chromium not found: install Debian's chromium (apt-get install chromium; CI installs it) or set " +
          'CHROMIUM_PATH to a Chromium binary; CLS_SKIP_BROWSER_TESTS=1 skips this test',
      );
    }
    browser = await launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    runDir = await writeSyntheticRun();
  });

  afterAll(async () => {
    await browser?.close();
    if (runDir !== undefined) await rm(runDir, { recursive: true, force: true });
  });

  it('shows every chart, raises no console error and requests nothing', async () => {
    const { browser, runDir } = opened();
    const { page, watch } = await openOffline(browser, await writeRunReport(runDir));
    const images = await page.$$eval('img', (elements) =>
      elements.map((image) => ({ alt: image.alt, loaded: image.complete && image.naturalWidth > 0 })),
    );
    expect(images.map((image) => image.alt)).toEqual([
      'Loss, accuracy and learning rate per epoch.',
      'plots/gradcam.svg',
      'plots/confusion_matrix.svg',
      expect.stringContaining('Validation samples'),
      'plots/dataset_stats.svg',
      'plots/extra/custom.svg',
    ]);
    expect(images.filter((image) => !image.loaded)).toEqual([]);
    const svgBoxes = await page.$$eval('svg', (elements) =>
      elements.map((svg) => svg.getBoundingClientRect()).map((box) => box.width * box.height),
    );
    expect(svgBoxes.filter((area) => area === 0)).toEqual([]);
    // The synthetic charts carry a script and an onload handler: embedded as images, neither runs.
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
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
