import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, type Browser, type Page } from 'puppeteer-core';

export type { Browser, Page } from 'puppeteer-core';

/** Set to `1` to skip the tests that need a browser. */
export const SKIP_BROWSER_TESTS = process.env.CLS_SKIP_BROWSER_TESTS === '1';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, else `chromium` or `chromium-browser` on the PATH. */
export function findChromium(): string | undefined {
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

/** Headless Chromium from the machine (nothing is downloaded); throws saying how to install it when missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    throw new Error(
      "Chromium not found: install Debian's chromium (apt-get install chromium; CI installs it) or set " +
        'CHROMIUM_PATH to a Chromium binary; CLS_SKIP_BROWSER_TESTS=1 skips this test',
    );
  }
  return launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/** What a page did while it loaded: requests other than its own file and data: URLs, and console errors. */
export interface PageWatch {
  readonly blocked: string[];
  readonly errors: string[];
}

/** What a page shows: each `<img>` (alt text, loaded with a size), each inline `<svg>`'s area, `<script>`s. */
export interface PageContent {
  readonly images: readonly { readonly alt: string; readonly loaded: boolean }[];
  readonly svgAreas: readonly number[];
  readonly scripts: number;
}

/**
 * Opens the local HTML `file` with every other request refused and recorded (only the file itself and `data:` URLs
 * load), and console errors recorded.
 */
export async function openOffline(browser: Browser, file: string): Promise<{ page: Page; watch: PageWatch }> {
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

/**
 * Reads what the page shows. The script is a string, evaluated in the page: this package is typed without the DOM
 * library (which would leak DOM types into every package that tests with it).
 */
export async function pageContent(page: Page): Promise<PageContent> {
  return (await page.evaluate(`({
    images: [...document.querySelectorAll('img')].map((image) => ({
      alt: image.alt,
      loaded: image.complete && image.naturalWidth > 0,
    })),
    svgAreas: [...document.querySelectorAll('svg')]
      .map((svg) => svg.getBoundingClientRect())
      .map((box) => box.width * box.height),
    scripts: document.querySelectorAll('script').length,
  })`)) as PageContent;
}
