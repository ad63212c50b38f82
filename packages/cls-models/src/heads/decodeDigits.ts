import { formatJerseyNumber } from './jerseyNumber.js';

/** A number read by a digit-aware head, with its confidence. */
export interface NumberReading {
  /** The number string ("7", "07", "23"); empty when a sequence head emitted no digit. */
  readonly label: string;
  readonly confidence: number;
}

function softmaxArgmax(logits: ArrayLike<number>): { index: number; probability: number } {
  const values = Array.from(logits);
  const top = Math.max(...values);
  const total = values.reduce((sum, value) => sum + Math.exp(value - top), 0);
  const index = values.indexOf(top);
  return { index, probability: 1 / total };
}

/**
 * Reads one sample of the digits head: the most likely tens class (0 = none, d + 1 = digit d) and units digit;
 * the confidence is the product of the two probabilities.
 */
export function decodeDigits(tensLogits: ArrayLike<number>, unitsLogits: ArrayLike<number>): NumberReading {
  const tens = softmaxArgmax(tensLogits);
  const units = softmaxArgmax(unitsLogits);
  return {
    label: formatJerseyNumber({ tens: tens.index === 0 ? null : tens.index - 1, units: units.index }),
    confidence: tens.probability * units.probability,
  };
}
