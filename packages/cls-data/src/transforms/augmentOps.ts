import type { RawImage } from '@nextplay/cls-core';
import {
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  adjustSharpness,
  autocontrast,
  equalize,
  invert,
  posterize,
  solarize,
} from './colorOps.js';
import type { Fill } from './fill.js';
import { affine, rotate, type Interpolation } from './warp.js';

/** The ops of torchvision's AutoAugment family, by torchvision's names. */
export type AugmentOp =
  | 'Identity'
  | 'ShearX'
  | 'ShearY'
  | 'TranslateX'
  | 'TranslateY'
  | 'Rotate'
  | 'Brightness'
  | 'Color'
  | 'Contrast'
  | 'Sharpness'
  | 'Posterize'
  | 'Solarize'
  | 'AutoContrast'
  | 'Equalize'
  | 'Invert';

/** An op's magnitude bins (empty: the op takes none) and whether a magnitude is negated half the time. */
export interface OpMagnitudes {
  readonly magnitudes: readonly number[];
  readonly signed: boolean;
}

export type AugmentationSpace = Readonly<Partial<Record<AugmentOp, OpMagnitudes>>>;

/** `torch.linspace(start, end, steps)` in float32, as torchvision's magnitude tables. */
export function linspace(start: number, end: number, steps: number): number[] {
  const step = steps === 1 ? 0 : (end - start) / (steps - 1);
  return Array.from({ length: steps }, (_, i) => Math.fround(start + i * step));
}

/** `8 - (arange(bins) / ((bins - 1) / levels)).round()`: posterize bits from 8 down to 8 - levels. */
export function posterizeBits(bins: number, levels: number): number[] {
  return Array.from({ length: bins }, (_, i) => 8 - roundHalfEvenFloat(i / ((bins - 1) / levels)));
}

function roundHalfEvenFloat(value: number): number {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

const unsigned = (magnitudes: readonly number[]): OpMagnitudes => ({ magnitudes, signed: false });
const signed = (magnitudes: readonly number[]): OpMagnitudes => ({ magnitudes, signed: true });

/** RandAugment's and AutoAugment's space (`_augmentation_space(bins, (height, width))`). */
export function randAugmentSpace(bins: number, height: number, width: number): AugmentationSpace {
  return {
    Identity: unsigned([]),
    ShearX: signed(linspace(0, 0.3, bins)),
    ShearY: signed(linspace(0, 0.3, bins)),
    TranslateX: signed(linspace(0, (150 / 331) * width, bins)),
    TranslateY: signed(linspace(0, (150 / 331) * height, bins)),
    Rotate: signed(linspace(0, 30, bins)),
    Brightness: signed(linspace(0, 0.9, bins)),
    Color: signed(linspace(0, 0.9, bins)),
    Contrast: signed(linspace(0, 0.9, bins)),
    Sharpness: signed(linspace(0, 0.9, bins)),
    Posterize: unsigned(posterizeBits(bins, 4)),
    Solarize: unsigned(linspace(255, 0, bins)),
    AutoContrast: unsigned([]),
    Equalize: unsigned([]),
  };
}

/** TrivialAugmentWide's wider space. */
export function trivialAugmentSpace(bins: number): AugmentationSpace {
  return {
    Identity: unsigned([]),
    ShearX: signed(linspace(0, 0.99, bins)),
    ShearY: signed(linspace(0, 0.99, bins)),
    TranslateX: signed(linspace(0, 32, bins)),
    TranslateY: signed(linspace(0, 32, bins)),
    Rotate: signed(linspace(0, 135, bins)),
    Brightness: signed(linspace(0, 0.99, bins)),
    Color: signed(linspace(0, 0.99, bins)),
    Contrast: signed(linspace(0, 0.99, bins)),
    Sharpness: signed(linspace(0, 0.99, bins)),
    Posterize: unsigned(posterizeBits(bins, 6)),
    Solarize: unsigned(linspace(255, 0, bins)),
    AutoContrast: unsigned([]),
    Equalize: unsigned([]),
  };
}

/** AutoAugment's space: RandAugment's with 10 bins, Invert instead of Identity. */
export function autoAugmentSpace(height: number, width: number): AugmentationSpace {
  const { Identity: _identity, ...rest } = randAugmentSpace(10, height, width);
  return { ...rest, Invert: unsigned([]) };
}

/** torchvision's `_apply_op`: one op at a (signed) magnitude. */
export function applyAugmentOp(
  image: RawImage,
  op: AugmentOp,
  magnitude: number,
  interpolation: Interpolation,
  fill: Fill,
): RawImage {
  const degrees = (m: number) => (Math.atan(m) * 180) / Math.PI;
  const still = { angle: 0, scale: 1 } as const;
  switch (op) {
    case 'ShearX':
      return affine(
        image,
        { ...still, translate: [0, 0], shear: [degrees(magnitude), 0], center: [0, 0] },
        interpolation,
        fill,
      );
    case 'ShearY':
      return affine(
        image,
        { ...still, translate: [0, 0], shear: [0, degrees(magnitude)], center: [0, 0] },
        interpolation,
        fill,
      );
    case 'TranslateX':
      return affine(
        image,
        { ...still, translate: [Math.trunc(magnitude), 0], shear: [0, 0] },
        interpolation,
        fill,
      );
    case 'TranslateY':
      return affine(
        image,
        { ...still, translate: [0, Math.trunc(magnitude)], shear: [0, 0] },
        interpolation,
        fill,
      );
    case 'Rotate':
      return rotate(image, magnitude, interpolation, fill);
    case 'Brightness':
      return adjustBrightness(image, 1 + magnitude);
    case 'Color':
      return adjustSaturation(image, 1 + magnitude);
    case 'Contrast':
      return adjustContrast(image, 1 + magnitude);
    case 'Sharpness':
      return adjustSharpness(image, 1 + magnitude);
    case 'Posterize':
      return posterize(image, Math.trunc(magnitude));
    case 'Solarize':
      return solarize(image, magnitude);
    case 'AutoContrast':
      return autocontrast(image);
    case 'Equalize':
      return equalize(image);
    case 'Invert':
      return invert(image);
    case 'Identity':
      return image;
  }
}
