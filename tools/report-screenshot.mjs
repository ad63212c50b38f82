#!/usr/bin/env node
// Makes the README's picture of a run report: opens RUN_DIR/report.html in the machine's headless Chromium, offline,
// and saves part of the page as a PNG: from the top, or from a section (`--from=history`, a section's id).
// Usage: node tools/report-screenshot.mjs RUN_DIR [OUT.png] [--height=2400] [--from=ID]   (default OUT: docs/report.png)
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { launchChromium, openOffline } from '@nextplay/cls-testing';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const heightArg = process.argv.find((arg) => arg.startsWith('--height='));
const fromArg = process.argv.find((arg) => arg.startsWith('--from='));
const [runDir, out = 'docs/report.png'] = positional;
if (runDir === undefined) {
  console.error('usage: node tools/report-screenshot.mjs RUN_DIR [OUT.png] [--height=2400]');
  process.exit(2);
}
const height = heightArg === undefined ? 2400 : Number(heightArg.slice('--height='.length));

const browser = await launchChromium();
try {
  const { page, watch } = await openOffline(browser, join(resolve(runDir), 'report.html'));
  if (watch.blocked.length > 0 || watch.errors.length > 0) {
    throw new Error(`the report requested ${watch.blocked.join(', ')} or logged ${watch.errors.join('; ')}`);
  }
  const pageHeight = Number(await page.evaluate('document.documentElement.scrollHeight'));
  const id = fromArg?.slice('--from='.length);
  const top =
    id === undefined
      ? 0
      : Number(await page.evaluate(`document.getElementById(${JSON.stringify(id)})?.offsetTop ?? NaN`));
  if (!Number.isFinite(top)) throw new Error(`the report has no section with id "${id}"`);
  const clipHeight = Math.min(height, pageHeight - top);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  await page.screenshot({
    path: out,
    clip: { x: 0, y: top, width: 1280, height: clipHeight },
    captureBeyondViewport: true,
  });
  console.log(`${out}: ${clipHeight} px from ${top} of ${pageHeight}`);
} finally {
  await browser.close();
}
