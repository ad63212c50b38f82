import { describe, expect, it } from 'vitest';
import { composeConfig, resolveConfig, validateConfig } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';
import { createTestRegistry } from './testRegistry.js';

const registry = createTestRegistry();

function transformsOf(...overrides: string[]): unknown {
  const { config, choices } = composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides });
  return { choice: choices.transforms, transforms: config.transforms };
}

function validated(...overrides: string[]) {
  const { config } = composeConfig({ configDirs: [CONFIGS], configName: 'train', overrides });
  const resolved = resolveConfig(config, { outputDir: '/abs/run', cwd: '/work', now: new Date(0) });
  return validateConfig(resolved, registry);
}

describe('the transforms config group', () => {
  it('is chosen with transforms=<name>, and a data config picks the one its data needs', () => {
    expect(transformsOf()).toMatchObject({ choice: 'default' });
    expect(transformsOf('transforms=jersey')).toMatchObject({ choice: 'jersey' });
    expect(transformsOf('data=mnist')).toEqual({
      choice: 'none',
      transforms: { train: [], eval: [], batch: [] },
    });
    expect(transformsOf('experiment=mnist')).toMatchObject({ choice: 'none' });
    expect(transformsOf('data=basketball_jersey_numbers')).toMatchObject({ choice: 'jersey' });
    // The command line wins over the data config's choice.
    expect(transformsOf('data=mnist', 'transforms=default')).toMatchObject({ choice: 'default' });
  });

  it('changes one option of one step by its list index', () => {
    const config = validated('transforms=jersey', 'transforms.train.1.random_rotation.degrees=5');
    expect(config.transforms?.train?.[1]).toEqual({
      random_rotation: { degrees: 5, interpolation: 'bilinear' },
    });
    expect(config.transforms?.train?.[0]).toEqual({
      random_resized_crop: { size: null, scale: [0.8, 1.0], ratio: [0.8, 1.25] },
    });
  });

  it('takes a whole list, as transforms=none transforms.train=[...] and +transforms.train=[...]', () => {
    const list =
      '[{random_resized_crop: {scale: [0.8, 1.0], ratio: [0.8, 1.25]}}, {random_rotation: {degrees: 8}}, {color_jitter: {brightness: 0.3, contrast: 0.3, saturation: 0.3}}]';
    const expected = [
      { random_resized_crop: { size: null, scale: [0.8, 1.0], ratio: [0.8, 1.25] } },
      { random_rotation: { degrees: 8, interpolation: 'nearest' } },
      { color_jitter: { brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0 } },
    ];
    expect(validated('transforms=none', `transforms.train=${list}`).transforms?.train).toEqual(expected);
    expect(validated('transforms=none', `+transforms.train=${list}`).transforms?.train).toEqual(expected);
    expect(validated('transforms=jersey', `transforms.train=${list}`).transforms?.train).toEqual(expected);
  });

  it('fills the defaults of a step given without options', () => {
    const config = validated('transforms=none', 'transforms.train=[{horizontal_flip: null}]');
    expect(config.transforms?.train).toEqual([{ horizontal_flip: { p: 0.5 } }]);
  });

  it('names a typo in a step, and a step of two transforms', () => {
    expect(errorOf(() => validated('+transforms.train.1.horizontal_flip.q=0.2')).message).toBe(
      'transforms.train.1.horizontal_flip.q: unknown key, set to 0.2 (did you mean p?)',
    );
    expect(
      errorOf(() =>
        validated('transforms=none', 'transforms.train=[{horizontal_flip: {}, random_rotation: {}}]'),
      ).message,
    ).toContain('transforms.train.0: must NOT have more than 1 properties');
  });

  it('refuses a leftover data.augment, pointing to the transforms group', () => {
    const { code, message } = errorOf(() => validated('+data.augment={horizontal_flip: {p: 0.5}}'));
    expect(code).toBe('CONFIG_INVALID');
    expect(message).toMatch(
      /^data\.augment: augmentations moved to the transforms group: pick one with transforms=default\|jersey/,
    );
  });
});
