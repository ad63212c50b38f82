import { ClsError } from '@nextplay/cls-core';

/** A jersey number read digit by digit: `tens` is null for a single-digit number ("7"). */
export interface JerseyDigits {
  readonly tens: number | null;
  readonly units: number;
}

const JERSEY_NUMBER = /^[0-9]{1,2}$/;

/** Reads a class folder name as a jersey number: "7" → (none, 7), "07" → (0, 7), "00" → (0, 0), "23" → (2, 3). */
export function parseJerseyNumber(folder: string): JerseyDigits {
  if (!JERSEY_NUMBER.test(folder)) {
    throw new ClsError(
      'DATA_LABELS_INVALID',
      `class folder "${folder}" is not a jersey number of one or two digits (0-9, 00-99), which a digit-aware model.head needs`,
    );
  }
  const value = Number(folder);
  return folder.length === 1
    ? { tens: null, units: value }
    : { tens: Math.floor(value / 10), units: value % 10 };
}

/** The digit sequence a CTC head is trained to emit: "7" → [7], "07" → [0, 7]. */
export function jerseyDigitSequence(number: JerseyDigits): number[] {
  return number.tens === null ? [number.units] : [number.tens, number.units];
}

/** The number string back from its digits: (none, 7) → "7", (0, 7) → "07". */
export function formatJerseyNumber(number: JerseyDigits): string {
  return `${number.tens === null ? '' : String(number.tens)}${number.units}`;
}
