import { resolve } from 'node:path';
import { ClsError } from '@nextplay/cls-core';
import { parseNumbers, writeJerseySynth, type CropSize } from '@nextplay/cls-synth';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';

const KEYS = ['out', 'numbers', 'per_number', 'image_size', 'seed'] as const;
type SynthKey = (typeof KEYS)[number];

/** What `cls data synth` generates when a key is not given. */
export const SYNTH_DEFAULTS = { numbers: '0-99', per_number: 100, image_size: 64, seed: 0 } as const;

/** Options of `cls data synth`, as `cls train experiment=jersey_synth` also passes them. */
export interface DataSynthOptions {
  readonly out: string;
  readonly numbers: readonly string[];
  readonly perNumber: number;
  readonly imageSize: CropSize;
  readonly seed: number;
}

/**
 * `cls data synth out=<dir> [numbers=0-99] [per_number=100] [image_size=64|[h,w]] [seed=0]`: writes an ImageFolder
 * of synthetic jersey-number crops (train/valid/test, one folder per number) and `<dir>/synth.json`. `out` must be
 * new, empty or an earlier output, whose number folders are replaced (no crops of other numbers stay behind).
 */
export async function dataSynthCommand(args: CliArgs, io: CliIo): Promise<number> {
  const options = parseDataSynthOptions(args.overrides, io.cwd);
  const start = performance.now();
  const manifest = await writeJerseySynth(options);
  const seconds = (performance.now() - start) / 1000;
  const total = manifest.counts.train + manifest.counts.valid + manifest.counts.test;
  io.stdout(
    `synthetic jersey crops at ${options.out}: ${JSON.stringify(manifest.counts)} ` +
      `(${options.numbers.length} numbers, ${total} crops in ${seconds.toFixed(1)} s)\n`,
  );
  return 0;
}

/** Reads `key=value` options; an unknown key or a bad value is a one-line USAGE error naming it. */
export function parseDataSynthOptions(overrides: readonly string[], cwd: string): DataSynthOptions {
  const given = new Map<SynthKey, string>();
  for (const override of overrides) {
    const at = override.indexOf('=');
    const key = override.slice(0, at);
    const value = override.slice(at + 1);
    if (at < 0 || !(KEYS as readonly string[]).includes(key)) {
      throw new ClsError('USAGE', `unknown option ${override.split('=')[0] ?? override} of cls data synth`, {
        hint: `options: ${KEYS.join(', ')}`,
      });
    }
    given.set(key as SynthKey, value);
  }
  const out = given.get('out');
  if (out === undefined || out === '') {
    throw new ClsError('USAGE', 'out=<dir> is required for cls data synth');
  }
  return {
    out: resolve(cwd, out),
    numbers: parseNumbers(given.get('numbers') ?? SYNTH_DEFAULTS.numbers),
    perNumber: positiveInteger('per_number', given.get('per_number') ?? String(SYNTH_DEFAULTS.per_number)),
    imageSize: parseImageSize(given.get('image_size') ?? String(SYNTH_DEFAULTS.image_size)),
    seed: nonNegativeInteger('seed', given.get('seed') ?? String(SYNTH_DEFAULTS.seed)),
  };
}

/** `64` (square) or `[96,64]` (height, width), 8 to 1024 pixels a side. */
export function parseImageSize(value: string | number | readonly number[], key = 'image_size'): CropSize {
  const text = Array.isArray(value) ? `[${value.join(',')}]` : String(value).trim();
  const match = /^(?:(\d+)|\[\s*(\d+)\s*,\s*(\d+)\s*\])$/.exec(text);
  const height = Number(match?.[1] ?? match?.[2]);
  const width = Number(match?.[1] ?? match?.[3]);
  const ok = (side: number) => Number.isInteger(side) && side >= 8 && side <= 1024;
  if (!ok(height) || !ok(width)) {
    throw new ClsError('USAGE', `${key}=${text} must be pixels (8-1024) or [height,width]`);
  }
  return { height, width };
}

function positiveInteger(key: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1_000_000) {
    throw new ClsError('USAGE', `${key}=${value} must be a whole number from 1 to 1000000`);
  }
  return n;
}

function nonNegativeInteger(key: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff) {
    throw new ClsError('USAGE', `${key}=${value} must be a whole number from 0 to 4294967295`);
  }
  return Number(value);
}
