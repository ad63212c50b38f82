import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * Writes a small, learnable ImageFolder: each class is a bright square in its own corner on a noisy
 * background. Mixes PNG and JPEG, RGB and grayscale, and odd image sizes, as real exports do.
 */
export async function makeImageFolder(options: {
  classes?: readonly string[];
  perClass?: Partial<Record<'train' | 'valid' | 'test', number>>;
}): Promise<string> {
  const classes = options.classes ?? ['7', '23', '00'];
  const perClass = { train: 12, valid: 4, test: 4, ...options.perClass };
  const root = mkdtempSync(join(tmpdir(), 'cls-imagefolder-'));
  let n = 0;
  for (const [split, count] of Object.entries(perClass)) {
    for (const [classIndex, name] of classes.entries()) {
      const dir = join(root, split, name);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        n++;
        const size = 30 + (n % 7);
        const grey = n % 3 === 0;
        const channels = grey ? 1 : 3;
        const pixels = Buffer.alloc(size * size * channels);
        for (let p = 0; p < pixels.length; p++) pixels[p] = (p * 7919 + n * 104729) % 60;
        const half = Math.floor(size / 2);
        const [x0, y0] = [classIndex % 2 === 0 ? 0 : half, classIndex < 2 ? 0 : half];
        for (let y = y0; y < y0 + half; y++) {
          for (let x = x0; x < x0 + half; x++) {
            for (let c = 0; c < channels; c++) pixels[(y * size + x) * channels + c] = 230;
          }
        }
        const image = sharp(pixels, { raw: { width: size, height: size, channels } });
        const file = join(dir, `img${i}.${i % 2 === 0 ? 'png' : 'jpg'}`);
        await (i % 2 === 0 ? image.png() : image.jpeg({ quality: 90 })).toFile(file);
      }
    }
  }
  return root;
}
