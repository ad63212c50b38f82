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
const packageDir = fileURLToPath(new URL('..', import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cls-charts-fonts-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** `checkChartFonts()` in a child process whose fontconfig finds no system font, after running `before`. */
async function checkWithoutSystemFonts(before: string): Promise<{
  textRenders: boolean;
  families: string[];
  problem: string | undefined;
}> {
  // A fontconfig configuration without a single font directory: librsvg draws empty boxes for every glyph.
  const config = join(scratch, 'fonts.conf');
  await writeFile(
    config,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><cachedir>${scratch}/cache</cachedir></fontconfig>`,
  );
  const script =
    `import sharp from 'sharp'; import { checkChartFonts } from ${JSON.stringify(distIndex)};\n` +
    `${before}\nconsole.log(JSON.stringify(await checkChartFonts()));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir, // where `sharp` resolves
    env: { ...process.env, FONTCONFIG_FILE: config },
  });
  return JSON.parse(stdout) as { textRenders: boolean; families: string[]; problem: string | undefined };
}

describe('checkChartFonts', () => {
  it('says text renders, with the shipped font among the families fontconfig lists', async () => {
    const check = await checkChartFonts();
    expect(check.textRenders).toBe(true);
    expect(check.problem).toBeUndefined();
    if (check.families.length > 0) expect(check.families).toContain('Inter'); // none listed without fc-list
    expect(await checkChartFonts()).toBe(check);
  });

  it('says text renders on a machine where fontconfig finds no system font', async () => {
    const check = await checkWithoutSystemFonts('');
    expect(check.textRenders).toBe(true);
    expect(check.problem).toBeUndefined();
    expect(check.families.filter((family) => family !== 'Inter')).toEqual([]);
  });

  it('reports what is missing when text was drawn before the shipped font could be added', async () => {
    // fontconfig starts with the first text drawn, and reads its configuration then, once.
    const textFirst =
      'await sharp(Buffer.from(\'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">' +
      '<text y="8">x</text></svg>\')).png().toBuffer();';
    const check = await checkWithoutSystemFonts(textFirst);
    expect(check.textRenders).toBe(false);
    expect(check.problem).toMatch(
      /^chart PNGs will have no titles or labels: fontconfig started in this process before the shipped Inter font was added \(text was drawn before the first chart\) and finds no system font; install a font package/,
    );
  });
});
