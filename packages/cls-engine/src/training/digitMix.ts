import {
  ClsError,
  createRandom,
  deriveSeed,
  type Batch,
  type MixedNumbers,
  type ModelHead,
} from '@nextplay/cls-core';

/** The share a digit head mixes when `model.digit_mix` is null. */
export const DEFAULT_DIGIT_MIX = 0.5;
/** Keeps the digit-mix stream apart from the data order's and the augmentations'. */
const DIGIT_MIX_SEED_TAG = 0x64676d78;

/**
 * `model.digit_mix` for `head`: null means 0.5 for a head that mixes digits and 0 for any other; a share above 0
 * for a head that cannot mix (its classes are not numbers) is an error.
 */
export function digitMixShare(configured: number | null | undefined, head: ModelHead): number {
  if (configured === null || configured === undefined)
    return head.mixDigits === undefined ? 0 : DEFAULT_DIGIT_MIX;
  if (configured > 0 && head.mixDigits === undefined) {
    throw new ClsError(
      'CONFIG_INVALID',
      `model.digit_mix=${String(configured)} needs a head that reads digits (model.head=digits or sequence), not ${head.name}`,
    );
  }
  return configured;
}

/**
 * A training batch after digit mixing, seeded by (seed, epoch, batch number) so that a resumed epoch mixes as the
 * uninterrupted one would have.
 */
export function mixTrainingBatch(
  head: ModelHead,
  batch: Batch,
  classes: readonly string[],
  share: number,
  at: { readonly seed: number; readonly epoch: number; readonly batch: number },
): MixedNumbers {
  if (share === 0 || head.mixDigits === undefined) return { batch, classes };
  const random = createRandom(deriveSeed(at.seed, at.epoch, DIGIT_MIX_SEED_TAG, at.batch));
  return head.mixDigits(batch, classes, share, random);
}

/**
 * Class weights for the classes of a mixed batch: numbers that no class names weigh as the rarest class does (its
 * largest weight), since no training crop holds them.
 */
export function mixedClassWeights(
  classWeights: readonly number[] | undefined,
  classes: readonly string[],
): readonly number[] | undefined {
  if (classWeights === undefined || classWeights.length >= classes.length) return classWeights;
  const largest = Math.max(...classWeights);
  return [...classWeights, ...Array.from({ length: classes.length - classWeights.length }, () => largest)];
}
