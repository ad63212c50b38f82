import { describe, expect, it } from 'vitest';
import { composeConfig, resolveConfig, validateConfig } from '../src/index.js';
import { CONFIGS, errorOf } from './helpers.js';
import { createTestRegistry } from './testRegistry.js';

const registry = createTestRegistry();

function compose(...overrides: string[]) {
  return composeConfig({
    configDirs: [CONFIGS],
    configName: 'train',
    overrides: ['data.root=/d', ...overrides],
  });
}

/** Validates as a run does; returns the config and the warnings it gave. */
function validate(...overrides: string[]) {
  const composed = compose(...overrides);
  const warnings: string[] = [];
  const config = validateConfig(
    resolveConfig(composed.config, { outputDir: '/run', cwd: '/work' }),
    registry,
    {
      addedKeys: composed.addedKeys,
      warn: (message) => warnings.push(message),
    },
  );
  return { config: config as unknown as Record<string, unknown>, warnings, composed };
}

describe('keys added with + under the open hydra and paths nodes', () => {
  it('stay in their node, which takes any key', () => {
    const { config, warnings } = validate('+hydra.job.chdir=true', '++hydra.extra=1', '+paths.cache=/c');
    expect(config.hydra).toMatchObject({ job: { chdir: true }, extra: 1 });
    expect(config.paths).toMatchObject({ cache: '/c' });
    expect(warnings).toEqual([]);
  });
});

describe('keys added with + that no schema claims', () => {
  it('are kept in the validated config, with a warning naming each', () => {
    const { config, warnings, composed } = validate('+foo=1', '++notes.owner=me', '+notes.ticket=42');
    expect(composed.addedKeys).toEqual(['foo', 'notes.owner', 'notes.ticket']);
    expect(config.foo).toBe(1);
    expect(config.notes).toEqual({ owner: 'me', ticket: 42 });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^foo: added with \+, used by no schema: kept/);
    expect(warnings[1]).toMatch(/^notes\.owner: /);
    expect(Object.isFrozen(config.notes)).toBe(true);
  });

  it('do not let a typo into a node a schema claims', () => {
    const { message } = errorOf(() => validate('+trainer.max_epoch=2'));
    expect(message).toBe('trainer.max_epoch: unknown key, set to 2 (did you mean max_epochs?)');
  });

  it('need the +: a typo in a top-level key written in a config file is still an error', () => {
    const composed = compose();
    const withTypo = { ...resolveConfig(composed.config, { outputDir: '/run', cwd: '/work' }), trainr: {} };
    expect(errorOf(() => validateConfig(withTypo, registry, { addedKeys: [] })).message).toMatch(
      /^trainr: unknown key/,
    );
  });
});

describe('hints for a key that does not exist suggest only what works', () => {
  it('suggests the closest valid key, never + on a key a schema refuses', () => {
    const { message } = errorOf(() => compose('trainer.max_epoch=2'));
    expect(message).toBe('trainer.max_epoch: no such key (did you mean trainer.max_epochs?)');
    expect(message).not.toContain('+');
    expect(validate('trainer.max_epochs=2').config.trainer).toMatchObject({ max_epochs: 2 });
  });

  it('lists the keys of a claimed node when none is close', () => {
    const { message } = errorOf(() => compose('trainer.zzzzzzzzzz=1'));
    expect(message).toMatch(/^trainer\.zzzzzzzzzz: no such key; trainer has max_epochs, accelerator, /);
    expect(message).not.toContain('+');
  });

  it('suggests + for a key no schema claims, and that command is accepted', () => {
    const { message } = errorOf(() => compose('zzzzzzzz=1'));
    expect(message).toBe('zzzzzzzz: no such key; use +zzzzzzzz=1 to add it');
    expect(validate('+zzzzzzzz=1').config.zzzzzzzz).toBe(1);
  });
});
