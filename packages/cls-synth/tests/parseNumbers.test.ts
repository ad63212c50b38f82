import { describe, expect, it } from 'vitest';
import { parseNumbers } from '../src/index.js';

describe('parseNumbers', () => {
  it('expands ranges without leading zeros and keeps listed spellings, 00 as its own class', () => {
    expect(parseNumbers('0-99')).toHaveLength(100);
    expect(parseNumbers('0-3')).toEqual(['0', '1', '2', '3']);
    expect(parseNumbers('00,7,23')).toEqual(['00', '7', '23']);
    expect(parseNumbers('0-2, 00,07,1')).toEqual(['0', '1', '2', '00', '07']);
    expect(parseNumbers(42)).toEqual(['42']);
  });

  it.each([
    ['100', "'100' is not a number of one or two digits"],
    ['7,,8', 'an empty item'],
    ['9-3', 'range 9-3 runs backwards'],
    ['a-b', "'a-b' is not"],
    ['-1', "'-1' is not"],
  ])('rejects %s naming the bad item', (spec, message) => {
    expect(() => parseNumbers(spec)).toThrow(message);
    expect(() => parseNumbers(spec)).toThrow(`numbers=${spec}`);
  });
});
