import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderJerseyCrop, splitCounts, writeJerseySynth } from '../src/index.js';

const SIZE = { height: 32, width: 32 };
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

function listing(root: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const split of readdirSync(root).filter((name) => name !== 'synth.json')) {
    for (const number of readdirSync(join(root, split))) {
      for (const file of readdirSync(join(root, split, number))) {
        files[`${split}/${number}/${file}`] = readFileSync(join(root, split, number, file));
      }
    }
  }
  return files;
}

async function luminance(jpeg: Buffer): Promise<Uint8Array> {
  return new Uint8Array(await sharp(jpeg).greyscale().raw().toBuffer());
}

describe('writeJerseySynth', () => {
  it('writes train/valid/test with one folder per number and an 80/10/10 split', async () => {
    const out = mkdtempSync(join(tmpdir(), 'synth-layout-'));
    const manifest = await writeJerseySynth({
      out,
      numbers: ['00', '7', '23'],
      perNumber: 10,
      imageSize: SIZE,
      seed: 1,
    });
    expect(readdirSync(out).sort()).toEqual(['synth.json', 'test', 'train', 'valid']);
    for (const split of ['train', 'valid', 'test'])
      expect(readdirSync(join(out, split)).sort()).toEqual(['00', '23', '7']);
    expect(readdirSync(join(out, 'train', '00'))).toHaveLength(8);
    expect(readdirSync(join(out, 'valid', '7'))).toEqual(['7_00000.jpg']);
    expect(manifest.counts).toEqual({ train: 24, valid: 3, test: 3 });
    expect(JSON.parse(readFileSync(join(out, 'synth.json'), 'utf8'))).toMatchObject({
      seed: 1,
      per_number: 10,
    });
    const meta = await sharp(readFileSync(join(out, 'test', '23', '23_00000.jpg'))).metadata();
    expect([meta.format, meta.height, meta.width]).toEqual(['jpeg', 32, 32]);
    expect(splitCounts(2)).toEqual({ train: 2, valid: 0, test: 0 });
    expect(splitCounts(100)).toEqual({ train: 80, valid: 10, test: 10 });
  });

  it('writes the same bytes for the same seed and other bytes for another seed', async () => {
    const write = async (seed: number) => {
      const out = mkdtempSync(join(tmpdir(), 'synth-seed-'));
      await writeJerseySynth({
        out,
        numbers: ['4', '56'],
        perNumber: 3,
        imageSize: { height: 40, width: 24 },
        seed,
      });
      return listing(out);
    };
    const [a, b, c] = await Promise.all([write(5), write(5), write(6)]);
    expect(Object.keys(a)).toHaveLength(6);
    expect(b).toEqual(a);
    for (const name of Object.keys(a)) expect(c[name]?.equals(a[name]!)).toBe(false);
  });

  it('draws legible digits: the ink differs strongly from the jersey', async () => {
    // Same seed, other number: every random draw (colours, warp, blur, noise) is the same, so the images differ
    // only where the digits' ink is.
    const contrasts: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const [eight, one] = await Promise.all([
        renderJerseyCrop('8', SIZE, seed).then(luminance),
        renderJerseyCrop('1', SIZE, seed).then(luminance),
      ]);
      const diffs = eight.map((value, i) => Math.abs(value - (one[i] ?? 0))).sort((x, y) => x - y);
      contrasts.push(diffs[Math.floor(diffs.length * 0.95)] ?? 0);
    }
    contrasts.sort((x, y) => x - y);
    expect(contrasts[6]).toBeGreaterThan(60);
  });

  it('renders the same bytes when fontconfig sees no system fonts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-nofonts-'));
    const emptyConf = join(dir, 'empty.conf');
    writeFileSync(emptyConf, '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
    const script =
      "import { renderJerseyCrop } from '@nextplay/cls-synth';" +
      "const jpeg = await renderJerseyCrop('38', { height: 32, width: 32 }, 3);" +
      "process.stdout.write(jpeg.toString('base64'));";
    const run = (env: NodeJS.ProcessEnv) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: packageDir,
        env,
        encoding: 'utf8',
      });
    const bare = run({ PATH: process.env.PATH ?? '', FONTCONFIG_FILE: emptyConf });
    const usual = run({ ...process.env });
    expect(bare.length).toBeGreaterThan(100);
    expect(bare).toBe(usual);
  });
});
