import type { ResizeInterpolation } from './resample.js';
import { invalid } from './transformOptions.js';

/** JSON Schema of a resizing step's `interpolation` (torchvision's InterpolationMode, those implemented). */
export const resizeInterpolationSchema: Record<string, unknown> = {
  enum: ['nearest', 'bilinear', 'bicubic'],
  default: 'bilinear',
  description:
    'nearest, bilinear or bicubic (torchvision InterpolationMode); bilinear and bicubic antialias.',
};

/** JSON Schema of `antialias`: true, torchvision v2's default, is what is implemented. */
export const antialiasSchema: Record<string, unknown> = {
  type: 'boolean',
  default: true,
  description:
    'Antialias when shrinking (torchvision v2 default true); nearest ignores it, false is not supported.',
};

/**
 * Reads `interpolation` and `antialias` of the resizing step `name`. torchvision v2 ignores `antialias` for nearest;
 * for bilinear and bicubic only the antialiased resize (its default) is implemented, so `false` is refused.
 */
export function readResizeSampling(
  name: string,
  interpolation: unknown,
  antialias: unknown,
): ResizeInterpolation {
  const mode = interpolation ?? 'bilinear';
  if (mode !== 'nearest' && mode !== 'bilinear' && mode !== 'bicubic') {
    throw invalid(`${name}.interpolation`, mode, 'nearest, bilinear or bicubic');
  }
  if (antialias !== undefined && typeof antialias !== 'boolean') {
    throw invalid(`${name}.antialias`, antialias, 'true or false');
  }
  if (antialias === false && mode !== 'nearest') {
    throw invalid(
      `${name}.antialias`,
      antialias,
      `true with interpolation ${mode} (only the antialiased resize, torchvision v2's default, is implemented)`,
    );
  }
  return mode;
}
