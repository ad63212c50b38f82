import { describe, expect, it } from 'vitest';
import { batchNormActivation, batchNormTrainingGradInputs } from '../src/index.js';

describe('batchNormTrainingGradInputs', () => {
  const inputs = { dy: 1, x: 2, mean: 3, variance: 4, gamma: 5 };

  it('takes y with relu only, and linear when no activation is given', () => {
    expect(batchNormTrainingGradInputs(inputs, {})).toEqual({
      ...inputs,
      activation: 'linear',
      y: undefined,
    });
    expect(batchNormTrainingGradInputs({ ...inputs, y: 6 }, { activation: 'linear' }).y).toBeUndefined();
    expect(batchNormTrainingGradInputs({ ...inputs, y: 6 }, { activation: 'relu' })).toEqual({
      ...inputs,
      y: 6,
      activation: 'relu',
    });
  });

  it('names what is missing or unknown', () => {
    expect(() => batchNormTrainingGradInputs(inputs, { activation: 'relu' })).toThrow(
      'ClsBatchNormTrainingGrad needs inputs dy, x, mean, variance, gamma and y',
    );
    expect(() => batchNormActivation('ClsBatchNormTraining', { activation: 'gelu' })).toThrow(
      'ClsBatchNormTraining: unknown activation "gelu" (expected "linear" or "relu")',
    );
  });
});
