import { isClsError } from '@nextplay/cls-core';
import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '@nextplay/cls-testing';
import { assert, describe, expect, it } from 'vitest';
import defaultExport, {
  EMA_DEFAULTS,
  emaPlugin,
  emaPlugins,
  ModelEma,
  type EmaOptions,
} from '../src/index.js';

describe('emaPlugin', () => {
  it('is the default export and registers as callbacks.ema, ordered before the other callbacks', async () => {
    expect(defaultExport).toBe(emaPlugin);
    expect(emaPlugins).toEqual([emaPlugin]);
    const callback = await createCallbackFromPlugin(emaPlugin, { decay: 0.999, warmup: true });
    assert(callback instanceof ModelEma);
    expect(callback.name).toBe('ema');
    expect(callback.order).toBe('pre');
    expect(callback.options).toEqual({ ...EMA_DEFAULTS, decay: 0.999, warmup: true });
  });

  it("has a strict JSON schema whose defaults fill an empty node: timm's with its warm-up, and train.py's decay", () => {
    const defaults = pluginOptionDefaults(emaPlugin);
    expect(defaults).toEqual(EMA_DEFAULTS);
    expect(defaults).toEqual({
      decay: 0.9998,
      warmup: true,
      warmup_gamma: 1,
      warmup_power: 2 / 3,
      min_decay: 0,
      update_after_step: 0,
      validate: true,
      checkpoint: 'better',
    });
    expect(new ModelEma(defaults).options).toEqual(EMA_DEFAULTS);
    expect(new ModelEma().options).toEqual(EMA_DEFAULTS);
  });

  it.each([
    { decay: 1 },
    { decay: -0.1 },
    { min_decay: 1 },
    { warmup_gamma: 0 },
    { warmup_power: -1 },
    { update_after_step: 1.5 },
    { update_after_step: -1 },
    { warmup: 'yes' },
    { checkpoint: 'live' },
    { beta: 0.9 },
  ])('schema rejects %j', (node) => {
    expect(validatePluginOptions(emaPlugin, node).valid).toBe(false);
  });
});

describe('ModelEma options', () => {
  it.each<[EmaOptions, string]>([
    [{ decay: 1.5 }, 'callbacks.ema: decay must be in [0, 1), got 1.5'],
    [{ decay: Number.NaN }, 'callbacks.ema: decay must be in [0, 1), got NaN'],
    [{ min_decay: -0.5 }, 'callbacks.ema: min_decay must be in [0, 1), got -0.5'],
    [{ decay: 0.9, min_decay: 0.95 }, 'callbacks.ema: min_decay must not exceed decay (0.9), got 0.95'],
    [{ warmup_gamma: 0 }, 'callbacks.ema: warmup_gamma must be a positive number, got 0'],
    [{ warmup_power: Infinity }, 'callbacks.ema: warmup_power must be a positive number, got Infinity'],
    [{ update_after_step: 2.5 }, 'callbacks.ema: update_after_step must be a non-negative integer, got 2.5'],
    [{ update_after_step: -1 }, 'callbacks.ema: update_after_step must be a non-negative integer, got -1'],
    [
      { checkpoint: 'ema', validate: false },
      'callbacks.ema: checkpoint=ema needs validate=true: the checkpoint monitor (val_ckpt/*) must score the EMA weights it stores',
    ],
  ])('rejects %j', (options, message) => {
    let thrown: unknown;
    try {
      new ModelEma(options);
    } catch (error) {
      thrown = error;
    }
    assert(isClsError(thrown));
    expect(thrown.code).toBe('CONFIG_INVALID');
    expect(thrown.message).toBe(message);
  });
});
