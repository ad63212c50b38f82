import { execFile } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';
import sharp from 'sharp';
import { CHART_FONT_FAMILY, SHIPPED_FONT_NAME, useShippedChartFont } from './shippedChartFont.js';

/** Whether text in rasterized charts renders on this machine, and if not, what is missing. */
export interface ChartFontCheck {
  readonly textRenders: boolean;
  /**
   * Font families fontconfig lists (`fc-list : family`, the shipped font included); empty when fc-list is absent.
   */
  readonly families: readonly string[];
  /** One line saying what is missing and how to fix it; undefined when text renders. */
  readonly problem: string | undefined;
}

/** An SVG of `text` in the font charts ask for. */
function probeSvg(text: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="32">' +
    '<rect width="160" height="32" fill="#ffffff"/>' +
    `<text x="4" y="24" font-family="${CHART_FONT_FAMILY}" font-size="20" fill="#000000">${text}</text></svg>`
  );
}

let cached: Promise<ChartFontCheck> | undefined;

/**
 * Renders `iiii` and `WWWW` with sharp (librsvg, which draws text through fontconfig) and compares how wide the
 * ink is: with a font, `WWWW` is far wider; without one librsvg draws the same empty box for every character (or
 * nothing), and every chart's PNG would lose its titles and labels without an error. The shipped font draws text
 * on any machine, unless fontconfig started in this process before it was added (text drawn earlier) or charts
 * render on a worker thread. Once per process.
 */
export function checkChartFonts(): Promise<ChartFontCheck> {
  cached ??= probeFonts();
  return cached;
}

async function probeFonts(): Promise<ChartFontCheck> {
  useShippedChartFont();
  const [families, inked] = await Promise.all([listFontFamilies(), probeTextInk()]);
  if (inked) return { textRenders: true, families: families ?? [], problem: undefined };
  const why = isMainThread
    ? `fontconfig started in this process before the shipped ${SHIPPED_FONT_NAME} font was added (text was ` +
      'drawn before the first chart) and finds no system font'
    : `on a worker thread the shipped ${SHIPPED_FONT_NAME} font cannot be added (native code never sees its ` +
      'process.env) and fontconfig finds no system font';
  return {
    textRenders: false,
    families: families ?? [],
    problem:
      `chart PNGs will have no titles or labels: ${why}; install a font package ` +
      '(Debian/Ubuntu: apt-get install fonts-dejavu-core fontconfig); the SVGs keep their text',
  };
}

async function probeTextInk(): Promise<boolean> {
  try {
    const [narrow, wide] = await Promise.all([inkWidth('iiii'), inkWidth('WWWW')]);
    return narrow > 0 && wide > narrow * 1.8;
  } catch {
    return false;
  }
}

/** Columns between the leftmost and rightmost dark pixel of `text` rendered, 0 when nothing is drawn. */
async function inkWidth(text: string): Promise<number> {
  const { data, info } = await sharp(Buffer.from(probeSvg(text)))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let left = info.width;
  let right = -1;
  for (let i = 0; i < data.length; i++) {
    if ((data[i] ?? 255) >= 128) continue;
    const x = i % info.width;
    left = Math.min(left, x);
    right = Math.max(right, x);
  }
  return right < left ? 0 : right - left + 1;
}

function listFontFamilies(): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('fc-list', [':', 'family'], { timeout: 10_000 }, (error, stdout) => {
      if (error !== null) {
        resolve(undefined);
        return;
      }
      const families = new Set(
        stdout
          .split('\n')
          .map((line) => line.split(',')[0]?.trim() ?? '')
          .filter((name) => name !== ''),
      );
      resolve([...families].sort());
    });
  });
}
