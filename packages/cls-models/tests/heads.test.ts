import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import {
  ctcGreedyDecode,
  ctcLoss,
  digitsLoss,
  formatJerseyNumber,
  jerseyDigitSequence,
  parseJerseyNumber,
  readColumns,
  tensClass,
} from '../src/index.js';

interface CtcFixture {
  logits: number[][][];
  labels: number[][];
  loss: number;
  grad: number[][][];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/ctcLoss.json', import.meta.url), 'utf8'),
) as CtcFixture;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('parseJerseyNumber', () => {
  it('reads one and two digit folder names', () => {
    expect(parseJerseyNumber('7')).toEqual({ tens: null, units: 7 });
    expect(parseJerseyNumber('07')).toEqual({ tens: 0, units: 7 });
    expect(parseJerseyNumber('00')).toEqual({ tens: 0, units: 0 });
    expect(parseJerseyNumber('23')).toEqual({ tens: 2, units: 3 });
    expect(jerseyDigitSequence(parseJerseyNumber('07'))).toEqual([0, 7]);
    expect(formatJerseyNumber(parseJerseyNumber('07'))).toBe('07');
    expect(formatJerseyNumber(parseJerseyNumber('7'))).toBe('7');
  });

  it.each(['unknown', '100', '', '7a', ' 7', '-1'])('rejects %j with an error naming the folder', (name) => {
    expect(() => parseJerseyNumber(name)).toThrow(ClsError);
    expect(() => parseJerseyNumber(name)).toThrow(`class folder "${name}"`);
  });
});

describe('ctcLoss', () => {
  it('matches torch.nn.functional.ctc_loss and its gradient', () => {
    const logits = tf.variable<tf.Rank.R3>(tf.tensor3d(fixture.logits), true, 'ctcLogits');
    const { value, grads } = tf.variableGrads(() => ctcLoss(logits, fixture.labels), [logits]);
    expect(value.dataSync()[0]).toBeCloseTo(fixture.loss, 3);
    const gradient = grads.ctcLogits!.arraySync() as number[][][];
    const flat = gradient.flat(2);
    fixture.grad.flat(2).forEach((expected, index) => {
      expect(flat[index]).toBeCloseTo(expected, 4);
    });
  });
});

describe('ctcGreedyDecode', () => {
  it('collapses repeats, drops blanks and multiplies the path probabilities', () => {
    const column = (symbol: number): number[] =>
      Array.from({ length: 11 }, (_, c) => (c === symbol ? 10 : 0));
    const reading = ctcGreedyDecode([column(3), column(3), column(0), column(3), column(5), column(0)]);
    expect(reading.symbols).toEqual([3, 3, 5]);
    const top = Math.exp(10) / (Math.exp(10) + 10);
    expect(reading.confidence).toBeCloseTo(top ** 6, 10);
    expect(readColumns([column(1), column(0), column(1), column(8)]).label).toBe('007');
    expect(readColumns([column(0), column(0)]).label).toBe('');
  });
});

describe('digitsLoss', () => {
  it('is the sum of both smoothed cross-entropies', () => {
    const tens = tf.tensor2d([
      Array.from({ length: 11 }, (_, c) => c / 10),
      Array.from({ length: 11 }, () => 0),
    ]);
    const units = tf.tensor2d([
      Array.from({ length: 10 }, (_, c) => -c / 5),
      Array.from({ length: 10 }, (_, c) => c),
    ]);
    const tensTargets = [tensClass(2), tensClass(null)];
    const unitsTargets = [3, 9];
    const smoothing = 0.1;
    const reference = (rows: number[][], targets: number[]): number =>
      rows
        .map((row, n) => {
          const logSum = Math.log(row.reduce((sum, value) => sum + Math.exp(value), 0));
          return -row.reduce(
            (sum, value, c) =>
              sum + ((c === targets[n] ? 1 - smoothing : 0) + smoothing / row.length) * (value - logSum),
            0,
          );
        })
        .reduce((sum, value) => sum + value, 0) / rows.length;
    const expected = reference(tens.arraySync(), tensTargets) + reference(units.arraySync(), unitsTargets);
    expect(digitsLoss(tens, units, tensTargets, unitsTargets, smoothing).dataSync()[0]).toBeCloseTo(
      expected,
      5,
    );
  });
});
