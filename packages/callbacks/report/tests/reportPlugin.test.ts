import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, { REPORT_DEFAULTS, ReportCallback, reportPlugin, reportPlugins } from '../src/index.js';

describe('reportPlugin', () => {
  it('is the default export and registers as callbacks.report, after the others and warning on failure', async () => {
    expect(defaultExport).toBe(reportPlugin);
    expect(reportPlugins).toEqual([reportPlugin]);
    const callback = await createCallbackFromPlugin(reportPlugin, { every_n_epochs: 5 });
    assert(callback instanceof ReportCallback);
    expect([callback.name, callback.order, callback.failure, callback.options]).toEqual([
      'report',
      'post',
      'warn',
      { every_n_epochs: 5, max_inline_image_mb: 20 },
    ]);
  });

  it('has a strict JSON schema whose defaults fill an empty node', () => {
    expect(pluginOptionDefaults(reportPlugin)).toEqual(REPORT_DEFAULTS);
    expect(validatePluginOptions(reportPlugin, { every_n_epochs: 2, max_inline_image_mb: 0.5 }).valid).toBe(
      true,
    );
  });

  it.each([{ every_n_epochs: 0 }, { every_n_epochs: 1.5 }, { max_inline_image_mb: 0 }, { file: 'x.html' }])(
    'schema rejects %j',
    (node) => {
      expect(validatePluginOptions(reportPlugin, node).valid).toBe(false);
    },
  );

  it('rejects bad options when created directly', () => {
    expect(() => new ReportCallback({ every_n_epochs: 0 })).toThrow(
      'callbacks.report.every_n_epochs must be an integer ≥ 1, got 0',
    );
    expect(() => new ReportCallback({ max_inline_image_mb: -1 })).toThrow(
      'callbacks.report.max_inline_image_mb must be > 0, got -1',
    );
  });
});
