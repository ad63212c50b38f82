import type { Logger } from '@nextplay/cls-core';
import type { SelectedBackend } from '../backends/selectBackend.js';

/** The precision a run trains in (results.json's `precision`). */
export type TrainingPrecision = '16-mixed' | '32-true';

/** Lightning's short forms of `trainer.precision`, by their full names. */
const FULL_NAMES: Readonly<Record<string, string>> = {
  '32': '32-true',
  '16': '16-mixed',
  bf16: 'bf16-mixed',
  '64': '64-true',
};

/**
 * Sets the backend up for `trainer.precision` and says what the run trains in: `16-mixed` where the backend
 * has float16 kernels, otherwise `32-true`, with one warning for a precision asked for but not given. Under
 * any other precision the backend is set back to float32: its kernels' mode outlives a run.
 */
export function applyTrainingPrecision(
  given: string | number,
  backend: SelectedBackend,
  logger: Logger,
): TrainingPrecision {
  const requested = FULL_NAMES[String(given)] ?? String(given);
  if (requested === '16-mixed') {
    const support = backend.setMixedPrecision(true);
    if (support.enabled) {
      logger.info(
        'precision: 16-mixed (float16 convolutions and matrix products, float32 weights, ' +
          'dynamic loss scaling)',
      );
      return '16-mixed';
    }
    logger.warn(`precision 16-mixed is not available: ${support.reason}; training in 32-true`);
    return '32-true';
  }
  backend.setMixedPrecision(false);
  if (requested !== '32-true') {
    logger.warn(`precision ${requested} is not supported by TensorFlow.js; training in 32-true`);
  }
  return '32-true';
}
