import { describe, expect, it } from 'vitest';
import { composeConfig } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';

function compose(...overrides: string[]) {
  return composeConfig({
    configDirs: [CONFIGS],
    configName: 'train',
    overrides: ['data.root=/d', ...overrides],
  });
}

describe('an override of a retired key', () => {
  it('says in one line what replaced data.augment', () => {
    for (const override of ['data.augment.x=1', 'data.augment=[]', 'data.augment.hflip=false']) {
      const { message } = errorOf(() => compose(override));
      const key = override.slice(0, override.indexOf('='));
      expect(message).toBe(
        `${key}: data.augment was replaced by the transforms group: pick one with transforms=<name> (default, jersey, randaugment, trivialaugment, none) or set transforms.train=[...]`,
      );
      expect(message).not.toContain('\n');
    }
  });

  it('leaves other missing keys to the usual hint', () => {
    expect(errorOf(() => compose('data.augmnt=1')).message).not.toContain('transforms group');
  });
});
