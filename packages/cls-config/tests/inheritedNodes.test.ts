import { describe, expect, it } from 'vitest';
import { composeConfig } from '../src/composeConfig.js';
import { CONFIGS } from './helpers.js';

/** `inheritedNodes` (a training run's recorded data/model for `cls test`) replace composed nodes whole. */
describe('composeConfig inheritedNodes', () => {
  const recordedData = {
    name: 'mnist',
    root: '/runs/data/mnist',
    batch_size: 16,
    image_size: 28,
  };

  it('replaces the composed node whole, so no key of the default option is left behind', () => {
    const { config } = composeConfig({
      configDirs: [CONFIGS],
      configName: 'train',
      inheritedNodes: { data: recordedData },
    });
    expect(config.data).toEqual(recordedData);
  });

  it('sits under the command-line value overrides', () => {
    const { config } = composeConfig({
      configDirs: [CONFIGS],
      configName: 'train',
      overrides: ['data.batch_size=4', 'seed=7'],
      inheritedNodes: { data: recordedData, seed: 3 },
    });
    expect(config.data).toEqual({ ...recordedData, batch_size: 4 });
    expect(config.seed).toBe(7);
  });
});
