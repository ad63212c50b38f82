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

/** The class index of a number read, or `classes.length` (the confusion matrix's `other`) when no class is it. */
export function classOfReading(reading: string, classes: JerseyClasses, count: number): number {
  return classes.index.get(reading) ?? count;
}
