import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawImage } from '@nextplay/cls-core';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  adjustSharpness,
  affine,
  autocontrast,
  centerCrop,
  crop,
  equalize,
  erase,
  gaussianBlur,
  grayscale,
  horizontalFlip,
  invert,
  pad,
  paddingSides,
  perspective,
  posterize,
  resampleBox,
  resizedSize,
  rotate,
  solarize,
  type Interpolation,
  type PaddingMode,
} from '@nextplay/cls-data';

// Fixtures: torchvision 0.14's functional ops on uint8 tensors, written by tools/make-transform-fixtures.py.
interface Encoded {
  readonly width: number;
  readonly height: number;
  readonly data: string;
}
type Pair = [number, number];
interface Box {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}
interface Warp {
  readonly interpolation: Interpolation;
  readonly fill: number;
}

interface Fixture {
  readonly input: Encoded;
  readonly cases: readonly { readonly params: Record<string, unknown>; readonly output: Encoded }[];
}

const decode = (e: Encoded): RawImage => ({
  width: e.width,
  height: e.height,
  channels: 3,
  data: new Uint8Array(Buffer.from(e.data, 'base64')),
});

/** A fixture file; `P` names the shape of its cases' parameters, as the script writes them. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the JSON's parameter shape, per fixture
function fixture<P>(name: string): { input: RawImage; cases: { params: P; expected: RawImage }[] } {
  const doc = JSON.parse(
    readFileSync(new URL(`fixtures/transforms/${name}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
  return {
    input: decode(doc.input),
    cases: doc.cases.map((c) => ({ params: c.params as P, expected: decode(c.output) })),
  };
}

/** Same size; every value within `tolerance`, and at most `outliers` of them (interpolation ties) beyond it. */
function expectClose(actual: RawImage, expected: RawImage, tolerance: number, outliers = 0): void {
  expect([actual.width, actual.height, actual.channels]).toEqual([expected.width, expected.height, 3]);
  let beyond = 0;
  let worst = 0;
  for (let k = 0; k < expected.data.length; k++) {
    const diff = Math.abs((actual.data[k] ?? 0) - (expected.data[k] ?? 0));
    worst = Math.max(worst, diff);
    if (diff > tolerance) beyond++;
  }
  expect(beyond, `max difference ${worst}`).toBeLessThanOrEqual(outliers);
}

describe('geometry against torchvision', () => {
  it('resized_crop (antialias)', () => {
    const { input, cases } = fixture<Box & { size: Pair }>('resized_crop');
    for (const { params: p, expected } of cases) {
      const box = { x: p.left, y: p.top, width: p.width, height: p.height };
      expectClose(resampleBox(input, box, p.size[1], p.size[0]), expected, 1);
    }
  });

  it('resize (antialias)', () => {
    const { input, cases } = fixture<{ size: number[] }>('resize');
    for (const { params: p, expected } of cases) {
      const [h, w] = resizedSize(
        input.width,
        input.height,
        p.size.length === 1 ? (p.size[0] ?? 0) : (p.size as Pair),
      );
      expectClose(
        resampleBox(input, { x: 0, y: 0, width: input.width, height: input.height }, w, h),
        expected,
        1,
      );
    }
  });

  it('center_crop, with zero padding past the image', () => {
    const { input, cases } = fixture<{ size: Pair }>('center_crop');
    for (const { params: p, expected } of cases)
      expectClose(centerCrop(input, p.size[0], p.size[1]), expected, 0);
  });

  it('pad (constant, edge, reflect, symmetric) then crop', () => {
    const { input, cases } = fixture<Box & { padding: number[]; fill: number; padding_mode: PaddingMode }>(
      'pad_crop',
    );
    for (const { params: p, expected } of cases) {
      const padded = pad(input, paddingSides(p.padding), p.fill, p.padding_mode);
      expectClose(crop(padded, p.top, p.left, p.height, p.width), expected, 0);
    }
  });

  it('rotate', () => {
    const { input, cases } = fixture<Warp & { angle: number }>('rotate');
    for (const { params: p, expected } of cases) {
      expectClose(rotate(input, p.angle, p.interpolation, p.fill), expected, 1, 6);
    }
  });

  it('affine, about the centre or a given point', () => {
    const { input, cases } = fixture<
      Warp & { angle: number; translate: Pair; scale: number; shear: Pair; center: Pair | null }
    >('affine');
    for (const { params: p, expected } of cases) {
      const params = {
        angle: p.angle,
        translate: p.translate,
        scale: p.scale,
        shear: p.shear,
        center: p.center ?? undefined,
      };
      expectClose(affine(input, params, p.interpolation, p.fill), expected, 1, 6);
    }
  });

  it('perspective', () => {
    const { input, cases } = fixture<Warp & { startpoints: Pair[]; endpoints: Pair[] }>('perspective');
    for (const { params: p, expected } of cases) {
      expectClose(perspective(input, p.startpoints, p.endpoints, p.interpolation, p.fill), expected, 1, 6);
    }
  });

  it('horizontal flip and erase', () => {
    const flip = fixture<object>('horizontal_flip');
    expectClose(horizontalFlip(flip.input), flip.cases[0]!.expected, 0);
    const { input, cases } = fixture<Box & { value: number }>('erase');
    for (const { params: p, expected } of cases) {
      expectClose(erase(input, p.top, p.left, p.height, p.width, p.value), expected, 0);
    }
  });

  it('gaussian blur', () => {
    const { input, cases } = fixture<{ kernel_size: Pair; sigma: Pair }>('gaussian_blur');
    for (const { params: p, expected } of cases)
      expectClose(gaussianBlur(input, p.kernel_size, p.sigma), expected, 1);
  });
});

describe('colour ops against torchvision', () => {
  const ops: Record<string, (image: RawImage, factor: number) => RawImage> = {
    brightness: adjustBrightness,
    contrast: adjustContrast,
    saturation: adjustSaturation,
    hue: adjustHue,
    grayscale: (image) => grayscale(image),
    sharpness: adjustSharpness,
    posterize,
    solarize,
    autocontrast: (image) => autocontrast(image),
    equalize: (image) => equalize(image),
    invert: (image) => invert(image),
  };
  const { input, cases } = fixture<{ op: string; factor: number }>('color');
  it.each(cases.map((c) => [`${c.params.op} ${c.params.factor}`, c] as const))(
    '%s',
    (_, { params, expected }) => {
      expectClose(ops[params.op]!(input, params.factor), expected, 1);
    },
  );
});
