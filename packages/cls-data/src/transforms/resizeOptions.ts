import type { ResizeInterpolation } from './resample.js';
import { invalid } from './transformOptions.js';

/** JSON Schema of a resizing step's `interpolation` (torchvision's InterpolationMode, those implemented). */
export const resizeInterpolationSchema: Record<string, unknown> = {
  enum: ['nearest', 'bilinear', 'bicubic'],
  default: 'bilinear',
  description:
    'nearest, bilinear or bicubic (torchvision InterpolationMode); bilinear and bicubic antialias unless antialias is false.',
};

/** JSON Schema of `antialias` (torchvision v2's, default true). */
export const antialiasSchema: Record<string, unknown> = {
  type: 'boolean',
  default: true,
  description:
    "Antialias when shrinking (torchvision v2's default, true); false interpolates plainly, as torch does; nearest ignores it.",
};

/** How a resizing step samples: its interpolation, and whether bilinear and bicubic antialias. */
export interface ResizeSampling {
  readonly interpolation: ResizeInterpolation;
  readonly antialias: boolean;
}

/** Reads `interpolation` and `antialias` of the resizing step `name` (torchvision v2 ignores `antialias` for nearest). */
export function readResizeSampling(name: string, interpolation: unknown, antialias: unknown): ResizeSampling {
  const mode = interpolation ?? 'bilinear';
  if (mode !== 'nearest' && mode !== 'bilinear' && mode !== 'bicubic') {
    throw invalid(`${name}.interpolation`, mode, 'nearest, bilinear or bicubic');
  }
  if (antialias !== undefined && typeof antialias !== 'boolean') {
    throw invalid(`${name}.antialias`, antialias, 'true or false');
  }
  return { interpolation: mode, antialias: antialias ?? true };
}
