import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
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
    const callback = await createCallbackFromPlugin(progressBarPlugin, { refresh_rate: 0, leave: false });
    assert(callback instanceof ProgressBar);
    expect(callback.name).toBe('progress_bar');
    expect(callback.options).toEqual({ refresh_rate: 0, leave: false });
    expect(callback.enabled).toBe(false);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    const defaults = pluginOptionDefaults(progressBarPlugin);
    expect(defaults).toEqual(PROGRESS_BAR_DEFAULTS);
    expect(new ProgressBar(defaults).options).toEqual(PROGRESS_BAR_DEFAULTS);
  });

  it.each([{ refresh_rate: -1 }, { refresh_rate: 1.5 }, { leave: 'yes' }, { stream: 'stderr' }])(
    'schema rejects %j',
    (node) => {
      expect(validatePluginOptions(progressBarPlugin, node).valid).toBe(false);
    },
  );
});
