import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deriveSeed, writeFileAtomic } from '@nextplay/cls-core';
import { clearEarlierSynth } from './clearEarlierSynth.js';
import { JERSEY_FONTS, useShippedFontsOnly } from './jerseyFonts.js';
import { renderJerseyCrop, type CropSize } from './renderJerseyCrop.js';

export const SYNTH_SPLITS = ['train', 'valid', 'test'] as const;
export type SynthSplit = (typeof SYNTH_SPLITS)[number];

/** Share of each number's crops in valid and in test; train gets the rest. */
export const SYNTH_HELD_OUT_FRACTION = 0.1;

export interface JerseySynthOptions {
  readonly out: string;
  /** Class folder names, e.g. from `parseNumbers('0-99')`. */
  readonly numbers: readonly string[];
  /** Crops per number over all three splits. */
  readonly perNumber: number;
  readonly imageSize: CropSize;
  readonly seed: number;
  /** Crops rendered at once (sharp runs their blur and JPEG on libuv's threads). */
  readonly concurrency?: number;
}

/** What `synth.json` at the dataset root records, and what a later run compares to reuse the crops. */
export interface JerseySynthManifest {
  readonly generator: '@nextplay/cls-synth';
  readonly numbers: readonly string[];
  readonly per_number: number;
  readonly image_size: readonly [number, number];
  readonly seed: number;
  readonly fonts: readonly string[];
  readonly counts: Readonly<Record<SynthSplit, number>>;
}

/** Crops of one number in each split: 10% valid, 10% test (at least one each from 3 crops on), the rest train. */
export function splitCounts(perNumber: number): Record<SynthSplit, number> {
  if (perNumber < 3) return { train: perNumber, valid: 0, test: 0 };
  const held = Math.max(1, Math.round(perNumber * SYNTH_HELD_OUT_FRACTION));
  return { train: perNumber - 2 * held, valid: held, test: held };
}

/**
 * Writes `<out>/{train,valid,test}/<number>/<number>_<i>.jpg` and `<out>/synth.json`. Each crop's seed is derived
 * from (seed, number, split, index) alone, so the bytes do not depend on concurrency or on which numbers are
 * asked for alongside. `out` must be absent, empty or an earlier output, whose number folders are replaced (see
 * `clearEarlierSynth`).
 */
export async function writeJerseySynth(options: JerseySynthOptions): Promise<JerseySynthManifest> {
  await clearEarlierSynth(options.out);
  useShippedFontsOnly();
  const counts = splitCounts(options.perNumber);
  const jobs: { path: string; text: string; seed: number }[] = [];
  for (const [splitIndex, split] of SYNTH_SPLITS.entries()) {
    for (const text of options.numbers) {
      if (counts[split] === 0) continue;
      const dir = join(options.out, split, text);
      await mkdir(dir, { recursive: true });
      const textKey = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).reduce(
        (hash, code) => hash * 31 + code,
        text.length,
      );
      for (let i = 0; i < counts[split]; i++) {
        const name = `${text}_${String(i).padStart(5, '0')}.jpg`;
        jobs.push({ path: join(dir, name), text, seed: deriveSeed(options.seed, textKey, splitIndex, i) });
      }
    }
  }
  const concurrency = options.concurrency ?? Math.max(2, availableParallelism() * 2);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job === undefined) break;
      await writeFile(job.path, await renderJerseyCrop(job.text, options.imageSize, job.seed));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const manifest: JerseySynthManifest = {
    generator: '@nextplay/cls-synth',
    numbers: options.numbers,
    per_number: options.perNumber,
    image_size: [options.imageSize.height, options.imageSize.width],
    seed: options.seed,
    fonts: JERSEY_FONTS.map((font) => font.family),
    counts: {
      train: counts.train * options.numbers.length,
      valid: counts.valid * options.numbers.length,
      test: counts.test * options.numbers.length,
    },
  };
  await writeFileAtomic(join(options.out, 'synth.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
