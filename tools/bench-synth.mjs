#!/usr/bin/env node
// Times `writeJerseySynth` (what `cls data synth` runs): 100 numbers x 100 crops = 10,000 crops at 64 px by default.
// Usage: node tools/bench-synth.mjs [per_number=100] [image_size=64] [out=<dir>]   (build packages/cls-synth first)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNumbers, writeJerseySynth } from '@nextplay/cls-synth';

const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.split('=')));
const perNumber = Number(options.per_number ?? 100);
const size = Number(options.image_size ?? 64);
const keep = options.out !== undefined;
const out = options.out ?? mkdtempSync(join(tmpdir(), 'bench-synth-'));
const numbers = parseNumbers('0-99');
const start = performance.now();
const manifest = await writeJerseySynth({
  out,
  numbers,
  perNumber,
  imageSize: { height: size, width: size },
  seed: 0,
});
const seconds = (performance.now() - start) / 1000;
const crops = manifest.counts.train + manifest.counts.valid + manifest.counts.test;
console.log(
  `${crops} crops at ${size} px in ${seconds.toFixed(1)} s: ${(crops / seconds).toFixed(0)} crops/s`,
);
if (!keep) rmSync(out, { recursive: true, force: true });
