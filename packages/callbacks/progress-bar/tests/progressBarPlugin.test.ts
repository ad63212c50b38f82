import { Ajv } from 'ajv';
import { createLogger, PluginRegistry } from '@nextplay/cls-core';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  PROGRESS_BAR_DEFAULTS,
  ProgressBar,
  progressBarPlugin,
  progressBarPlugins,
} from '../src/index.js';

describe('progressBarPlugin', () => {
  it('is the default export and registers as callbacks.progress_bar', async () => {
    expect(defaultExport).toBe(progressBarPlugin);
    expect(progressBarPlugins).toEqual([progressBarPlugin]);
    const registry = new PluginRegistry().register(progressBarPlugin);
    const callback = await registry.create(
      'callback',
      'progress_bar',
      { refresh_rate: 0, leave: false },
      { logger: createLogger({ console: false }) },
    );
    assert(callback instanceof ProgressBar);
    expect(callback.name).toBe('progress_bar');
    expect(callback.options).toEqual({ refresh_rate: 0, leave: false });
    expect(callback.enabled).toBe(false);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const ajv = new Ajv({ useDefaults: true, strict: true, allErrors: true });
    expect(ajv.validateSchema(progressBarPlugin.optionsSchema)).toBe(true);
    const validate = ajv.compile(progressBarPlugin.optionsSchema);
    const node: Record<string, unknown> = {};
    expect(validate(node)).toBe(true);
    expect(node).toEqual(PROGRESS_BAR_DEFAULTS);
    expect(new ProgressBar(node).options).toEqual(PROGRESS_BAR_DEFAULTS);
  });

  it.each([{ refresh_rate: -1 }, { refresh_rate: 1.5 }, { leave: 'yes' }, { stream: 'stderr' }])(
    'schema rejects %j',
    (node) => {
      const validate = new Ajv({ useDefaults: true, strict: true }).compile(progressBarPlugin.optionsSchema);
      expect(validate({ ...node })).toBe(false);
    },
  );
});
