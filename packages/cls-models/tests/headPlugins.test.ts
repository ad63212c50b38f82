import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClsError } from '@nextplay/cls-core';
import { digitsHead, digitsLoss, headPlugins, readColumns, sequenceHead, tensClass } from '../src/index.js';

const classes = ['07', '23', '5', '99'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function row(matrix: tf.Tensor2D, i: number): tf.Tensor2D {
  return tf.slice(matrix, [i, 0], [1, -1]);
}

function value(scalar: tf.Tensor): number {
  const result = scalar.dataSync()[0] ?? NaN;
  scalar.dispose();
  return result;
}

describe('head plugins', () => {
  it('registers digits and sequence, taking no options', () => {
    expect(headPlugins.map((plugin) => [plugin.kind, plugin.name])).toEqual([
      ['head', 'digits'],
      ['head', 'sequence'],
    ]);
  });

  it('refuse class folders that are not jersey numbers, naming the folder', () => {
    for (const head of [digitsHead, sequenceHead]) {
      expect(() => {
        head.checkClasses(['7', 'seven']);
      }).toThrow(ClsError);
      expect(() => {
        head.checkClasses(['7', 'seven']);
      }).toThrow(/"seven"/);
      expect(() => {
        head.checkClasses(['7', '123']);
      }).toThrow(/"123"/);
      expect(() => {
        head.checkClasses(['0', '00', '07', '99']);
      }).not.toThrow();
    }
  });
});

describe('digitsHead', () => {
  const tens = tf.tensor2d([
    [0.1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0.2],
    [0, 0, 0, 2.5, 0, 0, 0, 0, 0, 0, 0],
    [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
  ]);
  const units = tf.tensor2d([
    [0, 0, 0, 0, 0, 0, 0, 2, 0, 0],
    [0, 0, 0, 3, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5],
  ]);
  const labels = Int32Array.from([0, 1, 2, 3]);

  it('loss is the sum of both cross-entropies, with label smoothing on each', () => {
    const tensTargets = ['07', '23', '5', '99'].map((n) => tensClass(n.length === 1 ? null : Number(n[0])));
    const unitsTargets = [7, 3, 5, 9];
    for (const smoothing of [0, 0.1]) {
      const expected = value(digitsLoss(tens, units, tensTargets, unitsTargets, smoothing));
      const got = value(
        digitsHead.loss([tens, units], labels, undefined, { classes, labelSmoothing: smoothing }),
      );
      expect(got).toBeCloseTo(expected, 5);
    }
  });

  it('turns soft class targets into soft digit targets', () => {
    // Half "07", half "23" for sample 0: its tens target is half 0 (class 1), half 2 (class 3).
    const soft = tf.tensor2d([[0.5, 0.5, 0, 0]]);
    const got = value(
      digitsHead.loss([row(tens, 0), row(units, 0)], Int32Array.from([0]), soft, {
        classes,
        labelSmoothing: 0,
      }),
    );
    const ce = (logits: tf.Tensor2D, target: number[]) =>
      value(tf.neg(tf.sum(tf.mul(tf.tensor2d([target]), tf.logSoftmax(logits)))));
    const tensTarget = Array.from({ length: 11 }, (_, c) => (c === 1 || c === 3 ? 0.5 : 0));
    const unitsTarget = Array.from({ length: 10 }, (_, c) => (c === 7 || c === 3 ? 0.5 : 0));
    expect(got).toBeCloseTo(ce(row(tens, 0), tensTarget) + ce(row(units, 0), unitsTarget), 5);
  });

  it('weights each sample by its class weight', () => {
    const weights = [1, 3, 0, 0];
    const perSample = [0, 1].map((i) =>
      value(
        digitsHead.loss([row(tens, i), row(units, i)], Int32Array.from([i]), undefined, {
          classes,
          labelSmoothing: 0,
        }),
      ),
    );
    const got = value(
      digitsHead.loss([tens, units], labels, undefined, {
        classes,
        labelSmoothing: 0,
        classWeights: weights,
      }),
    );
    expect(got).toBeCloseTo((perSample[0]! + 3 * perSample[1]!) / 4, 5);
  });

  it('reads numbers, counts whole numbers right and sends unknown readings to the other column', async () => {
    // Readings: "07", "23", "5", "49" (tens 4, units 9): the last is no class.
    const readings = await digitsHead.read([tens, units], classes);
    expect(readings.labels).toEqual(['07', '23', '5', '49']);
    expect(Array.from(readings.predicted)).toEqual([0, 1, 2, 4]);
    expect(value(digitsHead.countCorrect([tens, units], labels, classes))).toBe(3);
    const softmax = (row: number[], i: number) =>
      Math.exp(row[i]!) / row.reduce((s, v) => s + Math.exp(v), 0);
    const tensRow = tens.arraySync()[1]!;
    const unitsRow = units.arraySync()[1]!;
    expect(readings.confidence[1]).toBeCloseTo(softmax(tensRow, 3) * softmax(unitsRow, 3), 6);
  });

  it('reports per-digit and unseen accuracy', () => {
    const metrics = digitsHead.metrics?.(['07', '24', '5', '99'], [0, 1, 2, 3], classes, [5, 5, 5, 0]);
    expect(metrics).toEqual({ acc_tens: 1, acc_units: 0.75, acc_unseen: 1 });
    expect(digitsHead.metrics?.(['07'], [0], classes, [5, 5, 5, 5])).toMatchObject({ acc_unseen: null });
  });
});

describe('sequenceHead', () => {
  it('counts right on the device exactly as greedy decoding on the host reads', async () => {
    const numbers = ['0', '7', '07', '23', '5', '99', '00', '10'];
    // Greedy paths of blanks (half the columns) and digits, with repeats, plus noise that never flips an argmax.
    let state = 7;
    const draw = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const paths = Array.from({ length: 64 }, () =>
      Array.from({ length: 5 }, () => (draw() < 0.5 ? 0 : 1 + Math.floor(draw() * 10))),
    );
    const columns = tf.tensor3d(
      paths.map((path) =>
        path.map((best) => Array.from({ length: 11 }, (_, c) => (c === best ? 4 : draw()))),
      ),
    );
    const host = columns.arraySync().map((sample) => readColumns(sample).label);
    const labels = Int32Array.from(host, (read, i) => {
      const own = numbers.indexOf(read);
      return own >= 0 ? own : i % numbers.length;
    });
    const expected = host.filter((read, i) => read === numbers[labels[i]!]).length;
    expect(expected).toBeGreaterThan(0);
    expect(value(sequenceHead.countCorrect([columns], labels, numbers))).toBe(expected);
    const readings = await sequenceHead.read([columns], numbers);
    expect(readings.labels).toEqual(host);
  });

  it('refuses soft targets (mixup, cutmix) with a clear error', () => {
    const columns = tf.zeros<tf.Rank.R3>([1, 4, 11]);
    expect(() =>
      sequenceHead.loss([columns], Int32Array.from([0]), tf.tensor2d([[1, 0]]), {
        classes: ['1', '2'],
        labelSmoothing: 0,
      }),
    ).toThrow(/model.head=sequence .*mixup/);
  });
});
