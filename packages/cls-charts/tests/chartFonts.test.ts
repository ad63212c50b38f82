import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChartFonts } from '../src/index.js';

const run = promisify(execFile);
const distIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cls-charts-fonts-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('checkChartFonts', () => {
  it('says text renders exactly when fontconfig lists fonts, and names the families', async () => {
    const check = await checkChartFonts();
    expect(check.textRenders).toBe(check.families.length > 0);
    expect(check.problem === undefined).toBe(check.textRenders);
    expect(await checkChartFonts()).toBe(check);
  });

  it('reports what is missing on a machine where fontconfig finds no fonts', async () => {
    // A fontconfig configuration without a single font directory: librsvg draws empty boxes for every glyph.
    const config = join(scratch, 'fonts.conf');
    await writeFile(
      config,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><cachedir>${scratch}/cache</cachedir></fontconfig>`,
    );
    const script = `import { checkChartFonts } from ${JSON.stringify(distIndex)}; console.log(JSON.stringify(await checkChartFonts()));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, FONTCONFIG_FILE: config },
    });
    const check = JSON.parse(stdout) as { textRenders: boolean; families: string[]; problem: string };
    expect(check.textRenders).toBe(false);
    expect(check.families).toEqual([]);
    expect(check.problem).toMatch(
      /^chart PNGs will have no titles or labels: fontconfig (finds no fonts \(fc-list lists none\)|is not installed \(no fc-list\)); install a font package/,
    );
  });
});
