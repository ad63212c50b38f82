import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  CONFUSION_MATRIX_DEFAULTS,
  ConfusionMatrixCallback,
  confusionMatrixPlugin,
  confusionMatrixPlugins,
} from '../src/index.js';

describe('confusionMatrixPlugin', () => {
  it('is the default export and registers as callbacks.confusion_matrix', async () => {
    expect(defaultExport).toBe(confusionMatrixPlugin);
    expect(confusionMatrixPlugins).toEqual([confusionMatrixPlugin]);
    const callback = await createCallbackFromPlugin(confusionMatrixPlugin, { monitor: 'val_ckpt/acc' });
    assert(callback instanceof ConfusionMatrixCallback);
    expect(callback.name).toBe('confusion_matrix');
    expect(callback.options).toEqual({ ...CONFUSION_MATRIX_DEFAULTS, monitor: 'val_ckpt/acc' });
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const defaults = pluginOptionDefaults(confusionMatrixPlugin);
    expect(defaults).toEqual(CONFUSION_MATRIX_DEFAULTS);
    expect(new ConfusionMatrixCallback(defaults).options).toEqual(CONFUSION_MATRIX_DEFAULTS);
  });

  it.each([{ mode: 'best' }, { top_pairs: -1 }, { monitor: '' }, { normalize: true }])(
    'schema rejects %j',
    (node) => {
      expect(validatePluginOptions(confusionMatrixPlugin, node).valid).toBe(false);
    },
  );

  it('rejects an unknown mode when created directly', () => {
    expect(() => new ConfusionMatrixCallback({ mode: 'best' as 'max' })).toThrow(
      'callbacks.confusion_matrix.mode must be "max" or "min", got "best"',
    );
  });
});
