import type { RawImage } from '@nextplay/cls-core';
import { fillPerChannel, type Fill } from './fill.js';
import { roundHalfEven } from './transformOptions.js';

export type Interpolation = 'nearest' | 'bilinear';

/**
 * torchvision's `_get_inverse_affine_matrix`: the 2×3 matrix taking output coordinates (origin at the image centre)
 * to input coordinates, for a rotation of `angle` degrees about `center`, a translation, a scale and shears (x, y)
 * in degrees.
 */
export function inverseAffineMatrix(
  center: readonly [number, number],
  angle: number,
  translate: readonly [number, number],
  scale: number,
  shear: readonly [number, number],
): number[] {
  const rot = (angle * Math.PI) / 180;
  const sx = (shear[0] * Math.PI) / 180;
  const sy = (shear[1] * Math.PI) / 180;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale) as [number, number, number, number, number, number];
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx;
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy;
  return m;
}

export interface AffineParams {
  readonly angle: number;
  readonly translate: readonly [number, number];
  readonly scale: number;
  readonly shear: readonly [number, number];
  /** Pixel coordinates of the centre of rotation; undefined: the image centre. */
  readonly center?: readonly [number, number] | undefined;
}

/** torchvision's `F.affine` on a tensor: same size, `fill` outside the source. */
export function affine(
  image: RawImage,
  params: AffineParams,
  interpolation: Interpolation,
  fill: Fill,
): RawImage {
  const { width, height } = image;
  const m = inverseAffineMatrix(
    centreOffset(params.center, width, height),
    params.angle,
    params.translate,
    params.scale,
    params.shear,
  );
  return warp(image, inPixelIndices(m, width, height, width, height), interpolation, fill);
}

export interface RotateOptions {
  /** Enlarge the output to hold the whole turned image (torchvision's `expand=True`); false: same size. */
  readonly expand?: boolean;
  /** Pixel coordinates of the centre of rotation; undefined: the image centre. */
  readonly center?: readonly [number, number] | undefined;
}

/** torchvision's `F.rotate` on a tensor: `angle` degrees counter-clockwise about the centre (or `center`). */
export function rotate(
  image: RawImage,
  angle: number,
  interpolation: Interpolation,
  fill: Fill,
  { expand = false, center }: RotateOptions = {},
): RawImage {
  const { width, height } = image;
  const m = inverseAffineMatrix(centreOffset(center, width, height), -angle, [0, 0], 1, [0, 0]);
  const [outWidth, outHeight] = expand ? affineOutputSize(m, width, height) : [width, height];
  return warp(
    image,
    inPixelIndices(m, width, height, outWidth, outHeight),
    interpolation,
    fill,
    outWidth,
    outHeight,
  );
}

/** `center` in pixels as torchvision passes it to `_get_inverse_affine_matrix`: relative to the image centre. */
function centreOffset(
  center: readonly [number, number] | undefined,
  width: number,
  height: number,
): [number, number] {
  return center === undefined ? [0, 0] : [center[0] - width * 0.5, center[1] - height * 0.5];
}

/**
 * The inverse affine matrix `m` (centred coordinates) as a projective map in pixel indices from an `outWidth`×
 * `outHeight` output to a `width`×`height` source: source = M·(output − output centre) + source centre, as
 * torchvision's `_gen_affine_grid` and grid_sample (align_corners=False) compute it.
 */
function inPixelIndices(
  m: readonly number[],
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): number[] {
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = m;
  const hx = (width - 1) / 2;
  const hy = (height - 1) / 2;
  const ox = (outWidth - 1) / 2;
  const oy = (outHeight - 1) / 2;
  return [m0, m1, m2 + hx - m0 * ox - m1 * oy, m3, m4, m5 + hy - m3 * ox - m4 * oy, 0, 0, 1];
}

/**
 * torchvision's `_compute_affine_output_size` (after PIL's `rotate(expand=True)`): the box holding the source's
 * corners mapped through `m`, `[width, height]`. It computes in float32 and cuts to 1e-4 before rounding up, so
 * that a side of 20.000001 stays 20; so does this.
 */
export function affineOutputSize(m: readonly number[], width: number, height: number): [number, number] {
  const f = Math.fround;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = m.map(f);
  const corners: [number, number][] = [
    [-0.5 * width, -0.5 * height],
    [-0.5 * width, 0.5 * height],
    [0.5 * width, 0.5 * height],
    [0.5 * width, -0.5 * height],
  ];
  const xs = corners.map(([x, y]) => f(f(f(f(x * m0) + f(y * m1))) + m2));
  const ys = corners.map(([x, y]) => f(f(f(f(x * m3) + f(y * m4))) + m5));
  const tol = f(1e-4);
  const cut = (v: number) => f(Math.trunc(f(v / tol)) * tol);
  const size = (values: number[], half: number) =>
    Math.ceil(cut(f(Math.max(...values) + half))) - Math.floor(cut(f(Math.min(...values) + half)));
  return [size(xs, f(width * 0.5)), size(ys, f(height * 0.5))];
}

/** torchvision's `_get_perspective_coeffs`: the 8 coefficients mapping `endpoints` back onto `startpoints`. */
export function perspectiveCoefficients(
  startpoints: readonly (readonly [number, number])[],
  endpoints: readonly (readonly [number, number])[],
): number[] {
  const rows: number[][] = [];
  endpoints.forEach(([x, y], i) => {
    const [u, v] = startpoints[i] ?? [0, 0];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  });
  return solve(rows);
}

/** Gaussian elimination with partial pivoting on an augmented n×(n+1) system. */
function solve(rows: number[][]): number[] {
  const n = rows.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(rows[r]?.[col] ?? 0) > Math.abs(rows[pivot]?.[col] ?? 0)) pivot = r;
    }
    [rows[col], rows[pivot]] = [rows[pivot] ?? [], rows[col] ?? []];
    const top = rows[col] ?? [];
    for (let r = 0; r < n; r++) {
      const row = rows[r] ?? [];
      if (r === col) continue;
      const factor = (row[col] ?? 0) / (top[col] ?? 1);
      for (let k = col; k <= n; k++) row[k] = (row[k] ?? 0) - factor * (top[k] ?? 0);
    }
  }
  return rows.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

/** torchvision's `F.perspective` on a tensor: the quadrilateral `startpoints` moves onto `endpoints`. */
export function perspective(
  image: RawImage,
  startpoints: readonly (readonly [number, number])[],
  endpoints: readonly (readonly [number, number])[],
  interpolation: Interpolation,
  fill: Fill,
): RawImage {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = perspectiveCoefficients(
    startpoints,
    endpoints,
  );
  // torchvision samples at pixel centres (x + 0.5) and reads back at − 0.5; folded into one projective matrix.
  const w0 = 0.5 * g + 0.5 * h + 1;
  const projective = [
    a - 0.5 * g,
    b - 0.5 * h,
    c + 0.5 * a + 0.5 * b - 0.5 * w0,
    d - 0.5 * g,
    e - 0.5 * h,
    f + 0.5 * d + 0.5 * e - 0.5 * w0,
    g,
    h,
    w0,
  ];
  return warp(image, projective, interpolation, fill);
}

/**
 * Resamples `image` through the projective map source = (M₀x + M₁y + M₂, M₃x + M₄y + M₅) / (M₆x + M₇y + M₈), in
 * pixel indices, into an `outWidth`×`outHeight` image, as torchvision's `_apply_grid_transform` does (grid_sample,
 * zeros outside, align_corners=False): bilinear blends the in-image taps and fills the rest of the weight with
 * `fill`; nearest rounds half to even and takes `fill` outside.
 */
export function warp(
  image: RawImage,
  m: readonly number[],
  interpolation: Interpolation,
  fill: Fill,
  outWidth = image.width,
  outHeight = image.height,
): RawImage {
  const { data, width, height, channels } = image;
  const levels = fillPerChannel(fill, channels);
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0, m8 = 1] = m;
  const nearest = interpolation === 'nearest';
  if (nearest && m6 === 0 && m7 === 0 && m8 === 1) {
    return warpAffineNearest(image, m, levels, outWidth, outHeight);
  }
  const out = new Uint8Array(outWidth * outHeight * channels);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const w = m6 * x + m7 * y + m8;
      const sx = (m0 * x + m1 * y + m2) / w;
      const sy = (m3 * x + m4 * y + m5) / w;
      const target = (y * outWidth + x) * channels;
      if (nearest) {
        const ix = roundHalfEven(sx);
        const iy = roundHalfEven(sy);
        if (ix < 0 || iy < 0 || ix >= width || iy >= height) {
          out.set(levels, target);
        } else {
          const source = (iy * width + ix) * channels;
          for (let c = 0; c < channels; c++) out[target + c] = data[source + c] ?? 0;
        }
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const inX0 = x0 >= 0 && x0 < width;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < width;
      const inY0 = y0 >= 0 && y0 < height;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < height;
      const w00 = inX0 && inY0 ? (1 - fx) * (1 - fy) : 0;
      const w10 = inX1 && inY0 ? fx * (1 - fy) : 0;
      const w01 = inX0 && inY1 ? (1 - fx) * fy : 0;
      const w11 = inX1 && inY1 ? fx * fy : 0;
      const mask = w00 + w10 + w01 + w11;
      const p00 = (y0 * width + x0) * channels;
      const p01 = p00 + width * channels;
      for (let c = 0; c < channels; c++) {
        let v = 0;
        if (w00 !== 0) v += w00 * (data[p00 + c] ?? 0);
        if (w10 !== 0) v += w10 * (data[p00 + channels + c] ?? 0);
        if (w01 !== 0) v += w01 * (data[p01 + c] ?? 0);
        if (w11 !== 0) v += w11 * (data[p01 + channels + c] ?? 0);
        v = v * mask + (1 - mask) * (levels[c] ?? 0);
        out[target + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/** `warp` of an affine map with nearest sampling (a rotation's usual case), without the projective divide. */
function warpAffineNearest(
  image: RawImage,
  m: readonly number[],
  levels: readonly number[],
  outWidth: number,
  outHeight: number,
): RawImage {
  const { data, width, height, channels } = image;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = m;
  const out = new Uint8Array(outWidth * outHeight * channels);
  for (let y = 0, target = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++, target += channels) {
      const sx = m0 * x + m1 * y + m2;
      const sy = m3 * x + m4 * y + m5;
      // Round half to even, as torch's nearest grid_sample does.
      let ix = Math.round(sx);
      if (ix - sx === 0.5 && (ix & 1) !== 0) ix -= 1;
      let iy = Math.round(sy);
      if (iy - sy === 0.5 && (iy & 1) !== 0) iy -= 1;
      if (ix < 0 || iy < 0 || ix >= width || iy >= height) {
        for (let c = 0; c < channels; c++) out[target + c] = levels[c] ?? 0;
      } else {
        const source = (iy * width + ix) * channels;
        for (let c = 0; c < channels; c++) out[target + c] = data[source + c] ?? 0;
      }
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}
