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
  affineOutputSize,
  autocontrast,
  centerCrop,
  crop,
  equalize,
  erase,
  gaussianBlur,
  grayscale,
  horizontalFlip,
  inverseAffineMatrix,
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
  type ResizeInterpolation,
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

describe('torchvision v2 options against torchvision', () => {
  type Fill3 = [number, number, number];
  const whole = (image: RawImage) => ({ x: 0, y: 0, width: image.width, height: image.height });

  it('rotate with expand: the output holds the whole turned image, about the centre or a given point', () => {
    const { input, cases } = fixture<Warp & { angle: number; center: Pair | null; fill: Fill3 }>(
      'rotate_expand',
    );
    for (const { params: p, expected } of cases) {
      const center = p.center ?? undefined;
      const actual = rotate(input, p.angle, p.interpolation, p.fill, { expand: true, center });
      if (p.interpolation === 'bilinear') {
        expectClose(actual, expected, 1, 6);
        continue;
      }
      // Nearest is exact but where the source point falls on a half pixel (a whole diagonal at 45°): torch's
      // float32 grid rounds those either way.
      const { width: w, height: h } = input;
      const offset: Pair = center === undefined ? [0, 0] : [center[0] - w / 2, center[1] - h / 2];
      const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = inverseAffineMatrix(
        offset,
        -p.angle,
        [0, 0],
        1,
        [0, 0],
      );
      const tie = (v: number) => Math.abs(v - Math.floor(v) - 0.5) < 1e-4;
      let untied = 0;
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      for (let k = 0; k < expected.data.length; k++) {
        if (actual.data[k] === expected.data[k]) continue;
        const x = Math.floor(k / 3) % expected.width;
        const y = Math.floor(k / 3 / expected.width);
        const dx = x - (expected.width - 1) / 2;
        const dy = y - (expected.height - 1) / 2;
        const sx = m0 * dx + m1 * dy + m2 + (w - 1) / 2;
        const sy = m3 * dx + m4 * dy + m5 + (h - 1) / 2;
        if (!tie(sx) && !tie(sy)) untied++;
      }
      expect(untied, `${p.angle}°: values that differ away from a half-pixel tie`).toBe(0);
    }
  });

  it("expand's output size cuts float noise before rounding up, as torchvision does", () => {
    // An exact quarter turn of 24×20 is 20×24, though cos(90°) is 6e-17, not 0.
    const quarter = [Math.cos(Math.PI / 2), -1, 0, 1, Math.cos(Math.PI / 2), 0];
    expect(affineOutputSize(quarter, 24, 20)).toEqual([20, 24]);
  });

  it('fill as one level per channel: rotate, affine, perspective, pad and erase', () => {
    const { input, cases } = fixture<{ op: string; interpolation: Interpolation; fill: Fill3 }>(
      'fill_channels',
    );
    const ops: Record<string, (p: { interpolation: Interpolation; fill: Fill3 }) => RawImage> = {
      rotate: (p) => rotate(input, 23, p.interpolation, p.fill),
      affine: (p) =>
        affine(input, { angle: 8, translate: [3, -2], scale: 0.8, shear: [6, -3] }, p.interpolation, p.fill),
      perspective: (p) =>
        perspective(
          input,
          [
            [0, 0],
            [23, 0],
            [23, 19],
            [0, 19],
          ],
          [
            [4, 0],
            [23, 2],
            [19, 19],
            [0, 15],
          ],
          p.interpolation,
          p.fill,
        ),
      pad: (p) => pad(input, [2, 3, 1, 4], p.fill, 'constant'),
      erase: (p) => erase(input, 3, 4, 5, 9, p.fill),
    };
    expect(cases.map((c) => c.params.op).sort()).toEqual(Object.keys(ops).sort());
    for (const { params: p, expected } of cases) expectClose(ops[p.op]!(p), expected, 1, 6);
  });

  it('resize: nearest, antialiased bicubic, and max_size capping the longer side', () => {
    const { input, cases } = fixture<{
      size: number[];
      interpolation: ResizeInterpolation;
      max_size: number | null;
    }>('resize_modes');
    for (const { params: p, expected } of cases) {
      const size = p.size.length === 1 ? (p.size[0] ?? 0) : (p.size as Pair);
      const [h, w] = resizedSize(input.width, input.height, size, p.max_size ?? undefined);
      const exact = p.interpolation === 'nearest' ? 0 : 1;
      expectClose(resampleBox(input, whole(input), w, h, p.interpolation), expected, exact);
    }
  });

  it('resized_crop: nearest and antialiased bicubic', () => {
    const { input, cases } = fixture<Box & { size: Pair; interpolation: ResizeInterpolation }>(
      'resized_crop_modes',
    );
    for (const { params: p, expected } of cases) {
      const box = { x: p.left, y: p.top, width: p.width, height: p.height };
      const exact = p.interpolation === 'nearest' ? 0 : 1;
      expectClose(resampleBox(input, box, p.size[1], p.size[0], p.interpolation), expected, exact);
    }
  });

  it('resized_crop without antialias: plain bilinear and bicubic (a = -0.75), border pixels repeated', () => {
    const { input, cases } = fixture<Box & { size: Pair; interpolation: ResizeInterpolation }>(
      'resize_no_antialias',
    );
    for (const { params: p, expected } of cases) {
      const box = { x: p.left, y: p.top, width: p.width, height: p.height };
      expectClose(resampleBox(input, box, p.size[1], p.size[0], p.interpolation, false), expected, 1);
    }
  });

  it("bicubic is within 1 of PIL's but where PIL clips an overshoot to 8 bits between its passes", () => {
    const { input, cases } = fixture<Box & { size: Pair }>('pil_bicubic');
    let beyondOne = 0;
    for (const { params: p, expected } of cases) {
      const box = { x: p.left, y: p.top, width: p.width, height: p.height };
      const actual = resampleBox(input, box, p.size[1], p.size[0], 'bicubic');
      expectClose(actual, expected, 3);
      beyondOne += expected.data.filter((v, k) => Math.abs((actual.data[k] ?? 0) - v) > 1).length;
    }
    expect(beyondOne).toBeLessThanOrEqual(2);
  });
});
