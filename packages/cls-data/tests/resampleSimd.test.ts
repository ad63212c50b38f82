import { describe, expect, it } from 'vitest';
import { createRandom, type RawImage } from '@nextplay/cls-core';
import { resampleBox, type CropBox, type ResizeInterpolation } from '@nextplay/cls-data';

// RGB images take the WebAssembly SIMD passes; one-channel images the JavaScript ones. So each channel of an RGB
// resample, taken alone as a grey image, must come out the same (within a rounding of float32 against float64).

function noise(width: number, height: number, channels: number, seed: number): RawImage {
  const random = createRandom(seed);
  const data = Uint8Array.from({ length: width * height * channels }, () => Math.floor(random() * 256));
  return { data, width, height, channels };
}

function channel(image: RawImage, c: number): RawImage {
  const data = new Uint8Array(image.width * image.height);
  for (let p = 0; p < data.length; p++) data[p] = image.data[p * 3 + c] ?? 0;
  return { data, width: image.width, height: image.height, channels: 1 };
}

const cases: readonly [string, CropBox, number, number][] = [
  ['a jersey crop to 64×64', { x: 9, y: 14, width: 113, height: 151 }, 64, 64],
  ['an odd width (rows not a multiple of 4 bytes)', { x: 3, y: 0, width: 125, height: 180 }, 37, 23],
  ['upscaling', { x: 40, y: 60, width: 20, height: 15 }, 71, 90],
  ['a one-pixel row and column', { x: 0, y: 0, width: 128, height: 180 }, 1, 1],
  ['the last column and row of the image', { x: 100, y: 150, width: 28, height: 30 }, 9, 11],
];

describe('resampleBox on RGB (WebAssembly SIMD) against each channel alone (JavaScript)', () => {
  const image = noise(128, 180, 3, 7);
  for (const interpolation of ['bilinear', 'bicubic'] as const satisfies readonly ResizeInterpolation[]) {
    for (const [what, box, width, height] of cases) {
      it(`${interpolation}: ${what}`, () => {
        const rgb = resampleBox(image, box, width, height, interpolation);
        expect([rgb.width, rgb.height, rgb.channels, rgb.data.length]).toEqual([
          width,
          height,
          3,
          width * height * 3,
        ]);
        let offByOne = 0;
        for (let c = 0; c < 3; c++) {
          const grey = resampleBox(channel(image, c), box, width, height, interpolation);
          for (let p = 0; p < width * height; p++) {
            const difference = Math.abs((rgb.data[p * 3 + c] ?? 0) - (grey.data[p] ?? 0));
            expect(difference, `channel ${c} of pixel ${p}`).toBeLessThanOrEqual(1);
            if (difference === 1) offByOne++;
          }
        }
        // Ties of rounding only, not a systematic shift.
        expect(offByOne).toBeLessThanOrEqual(Math.max(2, (width * height * 3) / 100));
      });
    }
  }

  it('reads only the box of a large image (its rows past 1 MiB), with the same pixels', () => {
    const large = noise(1200, 900, 3, 9);
    const box = { x: 611, y: 230, width: 401, height: 333 };
    const rgb = resampleBox(large, box, 48, 40);
    for (let c = 0; c < 3; c++) {
      const grey = resampleBox(channel(large, c), box, 48, 40);
      for (let p = 0; p < 48 * 40; p++) {
        expect(Math.abs((rgb.data[p * 3 + c] ?? 0) - (grey.data[p] ?? 0))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives the same pixels twice (nothing left over from the previous call)', () => {
    const box = { x: 9, y: 14, width: 113, height: 151 };
    const first = resampleBox(image, box, 64, 64);
    resampleBox(noise(300, 400, 3, 8), { x: 0, y: 0, width: 300, height: 400 }, 200, 150);
    expect(resampleBox(image, box, 64, 64).data).toEqual(first.data);
  });
});
