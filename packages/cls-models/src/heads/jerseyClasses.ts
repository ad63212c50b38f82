import type { HeadReadings } from '@nextplay/cls-core';
import type { NumberReading } from './decodeDigits.js';
import { jerseyDigitSequence, parseJerseyNumber } from './jerseyNumber.js';
import { tensClass } from './digitsLoss.js';

/** The run's classes read as jersey numbers: each class's digit targets, and each number's class index. */
export interface JerseyClasses {
  /** Tens class (0 = none, d + 1 = digit d) of each class index. */
  readonly tens: readonly number[];
  readonly units: readonly number[];
  /** The digit sequence a CTC head emits for each class, as CTC symbols (digit d = d + 1). */
  readonly symbols: readonly (readonly number[])[];
  /** Class index by number string. */
  readonly index: ReadonlyMap<string, number>;
}

const cache = new WeakMap<readonly string[], JerseyClasses>();

/** Reads every class name as a jersey number ("7", "07", "23"); a name that is not one is a `ClsError`. */
export function jerseyClasses(classes: readonly string[]): JerseyClasses {
  const cached = cache.get(classes);
  if (cached !== undefined) return cached;
  const numbers = classes.map((name) => parseJerseyNumber(name));
  const result: JerseyClasses = {
    tens: numbers.map((number) => tensClass(number.tens)),
    units: numbers.map((number) => number.units),
    symbols: numbers.map((number) => jerseyDigitSequence(number).map((digit) => digit + 1)),
    index: new Map(classes.map((name, i) => [name, i])),
  };
  cache.set(classes, result);
  return result;
}

/**
 * Numbers read by a digit head as `HeadReadings`: each one's class index, or `classes.length` (the confusion
 * matrix's `other`) when no class is that number.
 */
export function jerseyReadings(readings: readonly NumberReading[], classes: readonly string[]): HeadReadings {
  const { index } = jerseyClasses(classes);
  return {
    predicted: Int32Array.from(readings, (r) => index.get(r.label) ?? classes.length),
    confidence: Float32Array.from(readings, (r) => r.confidence),
    labels: readings.map((r) => r.label),
  };
}
