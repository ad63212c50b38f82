import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChartSvg, type ChartSpec } from '../src/index.js';

const run = promisify(execFile);
const distIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let scratch: string;
let emptyFontconfig: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cls-charts-shipped-font-'));
  // A fontconfig configuration without a single font: a slim image with no font package installed.
  emptyFontconfig = join(scratch, 'empty-fonts.conf');
  await writeFile(emptyFontconfig, `<fontconfig><cachedir>${scratch}/cache</cachedir></fontconfig>`);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function titledChart(title: string): ChartSpec {
  return {
    title,
    width: 200,
    height: 60,
    data: { values: [{ x: 1, y: 1 }] },
    mark: 'point',
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  };
}

/** Writes each chart's PNG in a child process whose fontconfig finds no system font. */
async function writeWithoutSystemFonts(charts: Record<string, ChartSpec>): Promise<void> {
  const script =
    `import { writeChartFiles } from ${JSON.stringify(distIndex)};\n` +
    `for (const [name, spec] of Object.entries(${JSON.stringify(charts)}))\n` +
    `  await writeChartFiles(spec, ${JSON.stringify(scratch)} + '/' + name);\n`;
  await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, FONTCONFIG_FILE: emptyFontconfig },
  });
}

async function greyPixels(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Columns between the leftmost and rightmost dark pixel in `rows`, 0 when none is dark. */
function inkWidth(image: { data: Buffer; width: number }, rows: readonly number[]): number {
  let left = image.width;
  let right = -1;
  for (const y of rows) {
    for (let x = 0; x < image.width; x++) {
      if ((image.data[y * image.width + x] ?? 255) >= 128) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  return right < left ? 0 : right - left + 1;
}

describe('the shipped chart font', () => {
  it('is the font chart text asks for first', async () => {
    const svg = await renderChartSvg(titledChart('Loss'));
    expect(svg).toMatch(/font-family="Inter, sans-serif"[^>]*>Loss<\/text>/);
  });

  it('draws readable chart titles on a machine without system fonts', async () => {
    await writeWithoutSystemFonts({ wide: titledChart('WWWWWWWW'), narrow: titledChart('iiiiiiii') });
    const wide = await greyPixels(join(scratch, 'wide.png'));
    const narrow = await greyPixels(join(scratch, 'narrow.png'));
    expect([wide.width, wide.height]).toEqual([narrow.width, narrow.height]);
    // The rows where the two titles differ: none when every glyph is drawn as the same box, or not at all.
    const titleRows: number[] = [];
    for (let y = 0; y < wide.height; y++) {
      const row = y * wide.width;
      if (!wide.data.subarray(row, row + wide.width).equals(narrow.data.subarray(row, row + wide.width))) {
        titleRows.push(y);
      }
    }
    expect(titleRows.length).toBeGreaterThan(10); // a 13 px title at twice the size
    expect(Math.max(...titleRows)).toBeLessThan(wide.height / 3); // above the plot
    // Real glyphs: eight W are far wider than eight i.
    expect(inkWidth(wide, titleRows)).toBeGreaterThan(2.5 * inkWidth(narrow, titleRows));
  });
});
