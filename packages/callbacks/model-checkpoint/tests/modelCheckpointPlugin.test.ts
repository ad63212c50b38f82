import { Ajv } from 'ajv';
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  MODEL_CHECKPOINT_DEFAULTS,
  ModelCheckpoint,
  modelCheckpointPlugin,
  modelCheckpointPlugins,
} from '../src/index.js';

describe('modelCheckpointPlugin', () => {
  it('is the default export and registers as callbacks.model_checkpoint', async () => {
    expect(defaultExport).toBe(modelCheckpointPlugin);
    expect(modelCheckpointPlugins).toEqual([modelCheckpointPlugin]);
    const registry = new PluginRegistry().register(modelCheckpointPlugin);
    const callback = await registry.create(
      'callback',
      'model_checkpoint',
      { monitor: 'val/loss', mode: 'min' },
      { logger: createLogger({ console: false }) },
    );
    assert(callback instanceof ModelCheckpoint);
    expect(callback.name).toBe('model_checkpoint');
    expect(callback.options).toEqual({
      ...MODEL_CHECKPOINT_DEFAULTS,
      monitor: 'val/loss',
      mode: 'min',
    });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const ajv = new Ajv({ useDefaults: true, strict: true, allErrors: true });
    expect(ajv.validateSchema(modelCheckpointPlugin.optionsSchema)).toBe(true);
    const validate = ajv.compile(modelCheckpointPlugin.optionsSchema);
    const node: Record<string, unknown> = {};
    expect(validate(node)).toBe(true);
    expect(node).toEqual(MODEL_CHECKPOINT_DEFAULTS);
    expect(new ModelCheckpoint(node).options).toEqual(MODEL_CHECKPOINT_DEFAULTS);
  });

  it.each([
    { mode: 'median' },
    { save_top_k: -2 },
    { every_n_epochs: 0 },
    { dirpath: '' },
    { monitr: 'val/acc' },
  ])('schema rejects %j', (node) => {
    const validate = new Ajv({ useDefaults: true, strict: true }).compile(
      modelCheckpointPlugin.optionsSchema,
    );
    expect(validate({ ...node })).toBe(false);
  });
});
