import { ClsError } from '@nextplay/cls-core';

const NUMBER = /^\d{1,2}$/;

/**
 * Jersey numbers from `0-99`, `00,7,23` or a mix (`0-9,00,23`): a range `a-b` yields the numbers without leading
 * zeros; a listed number keeps its spelling, so `00` and `07` are classes of their own beside `0` and `7`.
 * Order of first appearance, duplicates dropped.
 */
export function parseNumbers(spec: string | number): string[] {
  const text = String(spec).trim();
  const numbers = new Set<string>();
  for (const part of text.split(',').map((item) => item.trim())) {
    const range = /^(\d{1,2})-(\d{1,2})$/.exec(part);
    if (range !== null) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from > to) throw invalid(text, `range ${part} runs backwards`);
      for (let n = from; n <= to; n++) numbers.add(String(n));
    } else if (NUMBER.test(part)) {
      numbers.add(part);
    } else {
      throw invalid(
        text,
        part === '' ? 'an empty item' : `'${part}' is not a number of one or two digits or a range a-b`,
      );
    }
  }
  return [...numbers];
}

function invalid(spec: string, why: string): ClsError {
  return new ClsError('USAGE', `numbers=${spec}: ${why}`, { hint: 'e.g. numbers=0-99 or numbers=00,7,23' });
}
