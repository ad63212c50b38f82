import { describe, expect, it } from 'vitest';
import { requiredInputs } from '../src/index.js';

describe('requiredInputs', () => {
  it('returns the inputs when every named one is there', () => {
    const inputs = { x: 1, gamma: 2, beta: 3 };
    expect(requiredInputs('Kernel', inputs, ['x', 'gamma', 'beta'])).toBe(inputs);
  });

  it('names every input the kernel needs when one is missing', () => {
    expect(() => requiredInputs('Kernel', { x: 1, beta: 3 }, ['x', 'gamma', 'beta'])).toThrow(
      'Kernel needs inputs x, gamma and beta',
    );
    expect(() => requiredInputs('Kernel', {}, ['x'])).toThrow('Kernel needs inputs x');
  });
});
