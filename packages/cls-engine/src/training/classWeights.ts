import { ClsError } from '@nextplay/cls-core';

/** `model.class_weights`: `auto` (inverse class frequency), one weight per class, or null (unweighted). */
export type ClassWeightsSetting = 'auto' | readonly number[] | null;

/**
 * The loss weight of each class. `auto` is sklearn's `compute_class_weight('balanced')` on the training
 * labels, n_samples / (n_classes · count_c), over the classes that have training images; a class without
 * any gets 0 (it is never a training label). A list is checked against the number of classes.
 */
export function resolveClassWeights(
  setting: ClassWeightsSetting | undefined,
  classCounts: readonly number[],
  numClasses: number,
): number[] | undefined {
  if (setting === undefined || setting === null) return undefined;
  if (setting === 'auto') {
    const present = classCounts.filter((count) => count > 0);
    const samples = present.reduce((sum, count) => sum + count, 0);
    return Array.from({ length: numClasses }, (_, c) => {
      const count = classCounts[c] ?? 0;
      return count > 0 ? samples / (present.length * count) : 0;
    });
  }
  const list: unknown = setting;
  if (!Array.isArray(list)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `model.class_weights must be auto, null or a list of ${numClasses} numbers, got ${JSON.stringify(setting)}`,
    );
  }
  const weights = list.map((weight: unknown) => (typeof weight === 'number' ? weight : NaN));
  if (weights.length !== numClasses) {
    throw new ClsError(
      'CONFIG_INVALID',
      `model.class_weights has ${weights.length} weight${weights.length === 1 ? '' : 's'}, but the model has ${numClasses} classes: give one weight per class, in the order of classes.json`,
    );
  }
  const bad = weights.findIndex((weight) => !Number.isFinite(weight) || weight < 0);
  if (bad >= 0) {
    throw new ClsError(
      'CONFIG_INVALID',
      `model.class_weights[${bad}] must be a finite number ≥ 0, got ${JSON.stringify(list[bad])}`,
    );
  }
  if (!weights.some((weight) => weight > 0)) {
    throw new ClsError('CONFIG_INVALID', 'model.class_weights are all 0: at least one class must weigh more');
  }
  return weights;
}
