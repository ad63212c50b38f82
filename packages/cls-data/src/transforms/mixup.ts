import { definePlugin, type Batch, type BatchTransform } from '@nextplay/cls-core';
import { invalid, randomInt } from './transformOptions.js';

export interface MixupOptions {
  readonly mixup_alpha?: number;
  readonly cutmix_alpha?: number;
  /** Probability of mixing a batch at all. */
  readonly prob?: number;
  /** With both alphas set, the probability of cutmix rather than mixup. */
  readonly switch_prob?: number;
  readonly label_smoothing?: number;
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang; boosted below shape 1). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta(alpha, alpha) draw. */
export function sampleBeta(alpha: number, random: () => number): number {
  const a = gamma(alpha, random);
  const b = gamma(alpha, random);
  return a / (a + b);
}

/** timm's `rand_bbox`: a box of area about (1 − lam) around a random centre, clipped to the image. */
export function cutmixBox(
  height: number,
  width: number,
  lam: number,
  random: () => number,
): { top: number; bottom: number; left: number; right: number } {
  const ratio = Math.sqrt(1 - lam);
  const cutH = Math.trunc(height * ratio);
  const cutW = Math.trunc(width * ratio);
  const cy = randomInt(random, 0, height);
  const cx = randomInt(random, 0, width);
  const clip = (v: number, n: number) => Math.min(n, Math.max(0, v));
  return {
    top: clip(cy - (cutH >> 1), height),
    bottom: clip(cy + (cutH >> 1), height),
    left: clip(cx - (cutW >> 1), width),
    right: clip(cx + (cutW >> 1), width),
  };
}

/**
 * timm's `Mixup` on a normalized batch: with probability `prob`, mixup (a blend with the batch reversed, weight lam
 * ~ Beta(mixup_alpha)) or cutmix (a box pasted from the reversed batch, lam = the area kept); the targets become
 * lam·y + (1 − lam)·y_reversed of label-smoothed one-hot labels.
 */
export function createMixup(options: Readonly<MixupOptions>, name = 'mixup'): BatchTransform {
  const mixupAlpha = options.mixup_alpha ?? 1;
  const cutmixAlpha = options.cutmix_alpha ?? 0;
  const prob = options.prob ?? 1;
  const switchProb = options.switch_prob ?? 0.5;
  const smoothing = options.label_smoothing ?? 0.1;
  if (!(mixupAlpha > 0 || cutmixAlpha > 0)) {
    throw invalid(`${name}.mixup_alpha`, mixupAlpha, 'above 0, or cutmix_alpha above 0');
  }
  return {
    name,
    applyBatch(batch: Batch, numClasses: number, random: () => number): Batch {
      let lam = 1;
      let cutmix = false;
      if (random() < prob) {
        if (mixupAlpha > 0 && cutmixAlpha > 0) {
          cutmix = random() < switchProb;
          lam = sampleBeta(cutmix ? cutmixAlpha : mixupAlpha, random);
        } else if (mixupAlpha > 0) {
          lam = sampleBeta(mixupAlpha, random);
        } else {
          cutmix = true;
          lam = sampleBeta(cutmixAlpha, random);
        }
      }
      const [n, height, width, channels] = batch.shape;
      const imageLength = height * width * channels;
      const images = new Float32Array(batch.images.length);
      if (lam === 1) {
        images.set(batch.images);
      } else if (cutmix) {
        const box = cutmixBox(height, width, lam, random);
        lam = 1 - ((box.bottom - box.top) * (box.right - box.left)) / (height * width);
        images.set(batch.images);
        for (let i = 0; i < n; i++) {
          const from = (n - 1 - i) * imageLength;
          for (let y = box.top; y < box.bottom; y++) {
            const row = (y * width + box.left) * channels;
            const end = (y * width + box.right) * channels;
            images.set(batch.images.subarray(from + row, from + end), i * imageLength + row);
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const from = (n - 1 - i) * imageLength;
          for (let k = 0; k < imageLength; k++) {
            images[i * imageLength + k] =
              lam * (batch.images[i * imageLength + k] ?? 0) + (1 - lam) * (batch.images[from + k] ?? 0);
          }
        }
      }
      const off = smoothing / numClasses;
      const on = 1 - smoothing + off;
      const targets = new Float32Array(n * numClasses).fill(off);
      for (let i = 0; i < n; i++) {
        const own = batch.labels[i] ?? 0;
        const other = batch.labels[n - 1 - i] ?? 0;
        targets[i * numClasses + own] = (targets[i * numClasses + own] ?? 0) + lam * (on - off);
        targets[i * numClasses + other] = (targets[i * numClasses + other] ?? 0) + (1 - lam) * (on - off);
      }
      return { ...batch, images, targets };
    },
  };
}

const mixupProperties = (mixupAlpha: number, cutmixAlpha: number) => ({
  mixup_alpha: {
    type: 'number',
    minimum: 0,
    default: mixupAlpha,
    description: 'Beta(α, α) of mixup; 0 = off.',
  },
  cutmix_alpha: {
    type: 'number',
    minimum: 0,
    default: cutmixAlpha,
    description: 'Beta(α, α) of cutmix; 0 = off.',
  },
  prob: { type: 'number', minimum: 0, maximum: 1, default: 1, description: 'Probability of mixing a batch.' },
  switch_prob: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description: 'With both alphas above 0, the probability of cutmix instead of mixup.',
  },
  label_smoothing: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.1,
    description: 'Label smoothing of the mixed one-hot targets (timm).',
  },
});

export const mixupTransform = definePlugin<'transform', MixupOptions>({
  kind: 'transform',
  name: 'mixup',
  package: '@nextplay/cls-data',
  description: "Batch-level mixup / cutmix with soft targets (timm's Mixup); goes in transforms.batch.",
  optionsSchema: { type: 'object', properties: mixupProperties(1, 0), additionalProperties: false },
  create: (options) => createMixup(options, 'mixup'),
});

export const cutmixTransform = definePlugin<'transform', MixupOptions>({
  kind: 'transform',
  name: 'cutmix',
  package: '@nextplay/cls-data',
  description:
    "Batch-level cutmix with soft targets (timm's Mixup with cutmix_alpha); goes in transforms.batch.",
  optionsSchema: { type: 'object', properties: mixupProperties(0, 1), additionalProperties: false },
  create: (options) => createMixup(options, 'cutmix'),
});
