import sharp from 'sharp';
import { jerseyFontFile, useShippedFontsOnly, type JerseyFont } from './jerseyFonts.js';

/** Coverage (0–255) of a number's ink, padded so outlines fit, with the fill and each outline's dilation. */
export interface GlyphMask {
  readonly width: number;
  readonly height: number;
  /** Ink box in mask pixels (without padding). */
  readonly inkTop: number;
  readonly inkBottom: number;
  readonly inkLeft: number;
  readonly inkRight: number;
  readonly fill: Uint8Array;
  /** `dilated(r)`: the fill grown by r mask pixels (square structuring element), cached per radius. */
  dilated(radius: number): Uint8Array;
}

/** Font size (Pango points) the masks are drawn at: digits about 80 px tall, ample for crops up to ~128 px. */
const FONT_POINTS = 80;
export const MASK_PADDING = 16;

const masks = new Map<string, Promise<GlyphMask>>();

/** The number's mask in `font`, drawn once per process through sharp's text input (Pango + the shipped file). */
export function glyphMask(font: JerseyFont, text: string): Promise<GlyphMask> {
  const key = `${font.family}\u0000${font.pangoName}\u0000${text}`;
  let mask = masks.get(key);
  if (mask === undefined) {
    mask = drawMask(font, text);
    masks.set(key, mask);
  }
  return mask;
}

async function drawMask(font: JerseyFont, text: string): Promise<GlyphMask> {
  useShippedFontsOnly();
  const { data, info } = await sharp({
    text: { text, font: `${font.pangoName} ${FONT_POINTS}`, fontfile: jerseyFontFile(font) },
  })
    .extend({
      top: MASK_PADDING,
      bottom: MASK_PADDING,
      left: MASK_PADDING,
      right: MASK_PADDING,
      background: '#000',
    })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const fill = new Uint8Array(data.buffer, data.byteOffset, data.length);
  let inkTop = height;
  let inkBottom = -1;
  let inkLeft = width;
  let inkRight = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((fill[y * width + x] ?? 0) < 64) continue;
      inkTop = Math.min(inkTop, y);
      inkBottom = Math.max(inkBottom, y);
      inkLeft = Math.min(inkLeft, x);
      inkRight = Math.max(inkRight, x);
    }
  }
  if (inkBottom < 0) throw new Error(`font ${font.family} drew no ink for '${text}'`);
  const dilations = new Map<number, Uint8Array>();
  return {
    width,
    height,
    inkTop,
    inkBottom,
    inkLeft,
    inkRight,
    fill,
    dilated(radius) {
      let grown = dilations.get(radius);
      if (grown === undefined) {
        grown = maxFilter(maxFilter(fill, width, height, radius, 1), width, height, radius, width);
        dilations.set(radius, grown);
      }
      return grown;
    },
  };
}

/** Running max over 2r+1 samples along rows (`stride` 1) or columns (`stride` width). */
function maxFilter(
  src: Uint8Array,
  width: number,
  height: number,
  radius: number,
  stride: number,
): Uint8Array {
  const out = new Uint8Array(src.length);
  const lines = stride === 1 ? height : width;
  const length = stride === 1 ? width : height;
  const step = stride === 1 ? width : 1;
  for (let line = 0; line < lines; line++) {
    const base = line * step;
    for (let i = 0; i < length; i++) {
      let best = 0;
      const from = Math.max(0, i - radius);
      const to = Math.min(length - 1, i + radius);
      for (let j = from; j <= to; j++) {
        const v = src[base + j * stride] ?? 0;
        if (v > best) best = v;
      }
      out[base + i * stride] = best;
    }
  }
  return out;
}
