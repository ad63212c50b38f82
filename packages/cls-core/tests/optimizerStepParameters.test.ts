import { describe, expect, it } from 'vitest';
import { adamStepParameters, sgdStepParameters } from '../src/index.js';

const tensor = (...shape: number[]) => ({ shape });

describe('the optimizer-step kernels’ inputs', () => {
  it('pair each parameter with its gradient and state, size for size', () => {
    const parameters = adamStepParameters(
      [tensor(2, 3), tensor(3, 2), tensor(6), tensor(2, 3), tensor(4), tensor(4), tensor(4), tensor(4)],
      { decoupledDecay: [0.1, 0], l2Decay: [0, 0] },
    );
    expect(parameters.map(({ parameter, decoupledDecay }) => [parameter.shape, decoupledDecay])).toEqual([
      [[2, 3], 0.1],
      [[4], 0],
    ]);
    const sgd = sgdStepParameters([tensor(5), tensor(5), tensor(1, 5)], {
      momentum: 0.9,
      weightDecay: [0],
      firstStep: [true],
    });
    expect(sgd[0]?.buffer?.shape).toEqual([1, 5]);
  });

  it('say which tensor of which parameter has the wrong number of values', () => {
    expect(() =>
      adamStepParameters(
        [tensor(4), tensor(4), tensor(4), tensor(4), tensor(3, 3), tensor(3, 3), tensor(3, 3), tensor(8)],
        { decoupledDecay: [0, 0], l2Decay: [0, 0] },
      ),
    ).toThrow("ClsAdamStep needs parameter 1's v to have its 9 values, not 8");
    expect(() =>
      sgdStepParameters([tensor(5), tensor(6)], { momentum: 0, weightDecay: [0], firstStep: [false] }),
    ).toThrow("ClsSgdStep needs parameter 0's gradient to have its 5 values, not 6");
    expect(() =>
      sgdStepParameters([tensor(5), tensor(5), tensor(4)], {
        momentum: 0.9,
        weightDecay: [0],
        firstStep: [false],
      }),
    ).toThrow("ClsSgdStep needs parameter 0's buffer to have its 5 values, not 4");
  });
});
