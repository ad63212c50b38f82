import { createRandom } from '@nextplay/cls-core';
import sharp from 'sharp';
import { glyphMask, type GlyphMask } from './glyphMask.js';
import { JERSEY_FONTS } from './jerseyFonts.js';
import { COURT_COLOURS, OCCLUDER_COLOURS, TEAM_COLOURS, luminance, type Rgb } from './jerseyPalette.js';

export interface CropSize {
  readonly height: number;
  readonly width: number;
}

/**
 * One synthetic jersey crop of `text` as JPEG bytes, a pure function of (`text`, `size`, `seed`). The number is
 * drawn in a shipped sports font with an optional outline on a jersey of a team colour, then, in one inverse
 * mapping per output pixel, seen through a small perspective and a fabric warp (sums of sines) with wrinkle
 * shading, framed by a court-coloured background, lit by a gradient, sometimes crossed by an arm; then blurred
 * (defocus or motion), given sensor noise, and JPEG-compressed at a random quality.
 */
export async function renderJerseyCrop(text: string, size: CropSize, seed: number): Promise<Buffer> {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => choose(items, random);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const { width: W, height: H } = size;

  const font = pick(JERSEY_FONTS);
  const mask = await glyphMask(font, text);
  const jersey = jitter(pick(TEAM_COLOURS), random, 18);
  const digit = jitter(contrasting(jersey, random), random, 12);
  const outlineRadius = random() < 0.65 ? Math.round(between(3, 9)) : 0;
  const outline = jitter(contrasting(digit, random), random, 12);
  const court = jitter(pick(COURT_COLOURS), random, 20);

  // Where the number sits on the jersey plane (output pixels before perspective and warp).
  const inkHeight = mask.inkBottom - mask.inkTop + 1;
  const inkWidth = mask.inkRight - mask.inkLeft + 1;
  const targetHeight = between(0.5, 0.75) * H;
  let scale = targetHeight / inkHeight; // output px per mask px
  const squeeze = between(0.8, 1.2);
  if (inkWidth * scale * squeeze > 0.92 * W) scale = (0.92 * W) / (inkWidth * squeeze);
  const centreX = W / 2 + between(-0.08, 0.08) * W;
  const centreY = H / 2 + between(-0.1, 0.1) * H;
  const maskCentreX = (mask.inkLeft + mask.inkRight) / 2;
  const maskCentreY = (mask.inkTop + mask.inkBottom) / 2;

  // The jersey covers the crop but for background strips at the sides and top (the player's outline).
  const jerseyLeft = between(-0.3, 0.12) * W;
  const jerseyRight = between(0.88, 1.3) * W;
  const jerseyTop = between(-0.3, 0.1) * H;

  const persp = perspective(random, W, H);
  const warps = Array.from({ length: 3 }, () => ({
    amplitude: between(0, 0.03) * H,
    frequency: (between(0.5, 2.5) * 2 * Math.PI) / H,
    phase: between(0, 2 * Math.PI),
    horizontal: random() < 0.5,
  }));
  const wrinkleAngle = between(0, Math.PI);
  const wrinkleFrequency = (between(1, 4) * 2 * Math.PI) / H;
  const wrinklePhase = between(0, 2 * Math.PI);
  const wrinkleDepth = between(0, 0.22);
  const lightAngle = between(0, 2 * Math.PI);
  const lightStrength = between(0, 0.5);
  const brightness = between(0.7, 1.15);
  const occluder = random() < 0.2 ? armBand(random, W, H) : undefined;
  const noiseSigma = between(0, 5);

  const fill = mask.fill;
  const ring = outlineRadius > 0 ? mask.dilated(outlineRadius) : undefined;
  const pixels = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let [u, v] = persp(x + 0.5, y + 0.5);
      for (const warp of warps) {
        const offset = warp.amplitude * Math.sin(warp.frequency * (warp.horizontal ? v : u) + warp.phase);
        if (warp.horizontal) u += offset;
        else v += offset;
      }
      let colour: Rgb;
      if (u < jerseyLeft || u > jerseyRight || v < jerseyTop) {
        colour = court;
      } else {
        const mx = (u - centreX) / (scale * squeeze) + maskCentreX;
        const my = (v - centreY) / scale + maskCentreY;
        const ink = sample(fill, mask, mx, my) / 255;
        const edge = ring === undefined ? 0 : sample(ring, mask, mx, my) / 255;
        const base = mix(jersey, outline, edge);
        const shade =
          1 +
          wrinkleDepth *
            Math.sin(
              wrinkleFrequency * (u * Math.cos(wrinkleAngle) + v * Math.sin(wrinkleAngle)) + wrinklePhase,
            );
        colour = scaleRgb(mix(base, digit, ink), shade);
      }
      if (occluder !== undefined) {
        const cover = occluder.coverage(x + 0.5, y + 0.5);
        if (cover > 0) colour = mix(colour, occluder.colour, cover);
      }
      const light =
        brightness *
        (1 + lightStrength * ((x / W - 0.5) * Math.cos(lightAngle) + (y / H - 0.5) * Math.sin(lightAngle)));
      const at = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        const noise = noiseSigma === 0 ? 0 : noiseSigma * (random() + random() + random() - 1.5) * 2;
        pixels[at + c] = clamp((colour[c] ?? 0) * light + noise);
      }
    }
  }

  let image = sharp(pixels, { raw: { width: W, height: H, channels: 3 } });
  const blur = random();
  if (blur < 0.3) image = image.blur(between(0.4, 1.1));
  else if (blur < 0.55) image = image.convolve(motionKernel(Math.round(between(2, 4)), between(0, Math.PI)));
  return image.jpeg({ quality: Math.round(between(40, 95)), chromaSubsampling: '4:2:0' }).toBuffer();
}

function sample(data: Uint8Array, mask: GlyphMask, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < 0 || y0 < 0 || x0 + 1 >= mask.width || y0 + 1 >= mask.height) return 0;
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * mask.width + x0;
  const top = (data[i] ?? 0) * (1 - fx) + (data[i + 1] ?? 0) * fx;
  const bottom = (data[i + mask.width] ?? 0) * (1 - fx) + (data[i + mask.width + 1] ?? 0) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** A random homography close to identity, as the map from output pixels to jersey-plane pixels. */
function perspective(random: () => number, W: number, H: number): (x: number, y: number) => [number, number] {
  const s = 0.08;
  const j = () => (random() * 2 - 1) * s;
  const g = j() / W;
  const h = j() / H;
  const a = 1 + j();
  const b = j() * 0.8;
  const d = j() * 0.8;
  const e = 1 + j();
  const cx = W / 2;
  const cy = H / 2;
  return (x, y) => {
    const px = x - cx;
    const py = y - cy;
    const w = 1 + g * px + h * py;
    return [(a * px + b * py) / w + cx, (d * px + e * py) / w + cy];
  };
}

/** An arm or another player's sleeve: a soft-edged band entering from one side of the crop. */
function armBand(
  random: () => number,
  W: number,
  H: number,
): { colour: Rgb; coverage: (x: number, y: number) => number } {
  const colour = random() < 0.75 ? choose(OCCLUDER_COLOURS, random) : choose(TEAM_COLOURS, random);
  const angle = random() * Math.PI;
  const nx = -Math.sin(angle);
  const ny = Math.cos(angle);
  // The band's centre line passes near a border so it hides at most part of the number.
  const side = Math.floor(random() * 4);
  const along = random();
  const inset = (0.05 + 0.15 * random()) * Math.min(W, H);
  const [px, py] =
    side === 0
      ? [along * W, inset]
      : side === 1
        ? [W - inset, along * H]
        : side === 2
          ? [along * W, H - inset]
          : [inset, along * H];
  const halfWidth = (0.05 + 0.08 * random()) * Math.min(W, H);
  return {
    colour,
    coverage: (x, y) => {
      const distance = Math.abs((x - px) * nx + (y - py) * ny);
      return Math.max(0, Math.min(1, halfWidth - distance + 0.5));
    },
  };
}

/** A normalized line kernel (motion blur) of the given half-length and angle. */
function motionKernel(
  halfLength: number,
  angle: number,
): { width: number; height: number; kernel: number[] } {
  const size = 2 * halfLength + 1;
  const kernel = new Array<number>(size * size).fill(0);
  for (let t = -halfLength * 4; t <= halfLength * 4; t++) {
    const x = Math.round(halfLength + (t / 4) * Math.cos(angle));
    const y = Math.round(halfLength + (t / 4) * Math.sin(angle));
    kernel[y * size + x] = 1;
  }
  return { width: size, height: size, kernel };
}

function contrasting(against: Rgb, random: () => number): Rgb {
  const options = TEAM_COLOURS.filter((colour) => Math.abs(luminance(colour) - luminance(against)) > 0.3);
  return choose(options, random);
}

function choose<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('choose from an empty list');
  return item;
}

function jitter(colour: Rgb, random: () => number, amount: number): Rgb {
  return [0, 1, 2].map((c) => clamp((colour[c] ?? 0) + (random() * 2 - 1) * amount)) as unknown as Rgb;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function scaleRgb(colour: Rgb, factor: number): Rgb {
  return [colour[0] * factor, colour[1] * factor, colour[2] * factor];
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}
