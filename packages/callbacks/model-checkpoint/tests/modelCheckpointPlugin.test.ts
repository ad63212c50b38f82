import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
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
    const callback = await createCallbackFromPlugin(modelCheckpointPlugin, {
      monitor: 'val/loss',
      mode: 'min',
    });
    assert(callback instanceof ModelCheckpoint);
    expect(callback.name).toBe('model_checkpoint');
    expect(callback.options).toEqual({ ...MODEL_CHECKPOINT_DEFAULTS, monitor: 'val/loss', mode: 'min' });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const defaults = pluginOptionDefaults(modelCheckpointPlugin);
    expect(defaults).toEqual(MODEL_CHECKPOINT_DEFAULTS);
    expect(new ModelCheckpoint(defaults).options).toEqual(MODEL_CHECKPOINT_DEFAULTS);
  });

  it.each([
    { mode: 'median' },
    { save_top_k: -2 },
    { every_n_epochs: 0 },
    { dirpath: '' },
    { monitr: 'val/acc' },
  ])('schema rejects %j', (node) => {
    expect(validatePluginOptions(modelCheckpointPlugin, node).valid).toBe(false);
  });
});
