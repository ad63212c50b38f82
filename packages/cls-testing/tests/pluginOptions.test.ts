import { definePlugin, type Callback } from '@nextplay/cls-core';
import { assert, describe, expect, it } from 'vitest';
import { createCallbackFromPlugin, pluginOptionDefaults, validatePluginOptions } from '../src/index.js';

interface CounterOptions {
  readonly every?: number;
  readonly label?: string;
}

class Counter implements Callback {
  readonly name = 'counter';
  constructor(readonly options: CounterOptions) {}
}

const counterPlugin = definePlugin<'callback', CounterOptions>({
  kind: 'callback',
  name: 'counter',
  package: '@nextplay/cls-testing',
  description: 'Counts epochs.',
  optionsSchema: {
    type: 'object',
    properties: {
      every: { type: 'integer', minimum: 1, default: 1 },
      label: { type: 'string', default: 'epochs' },
    },
    additionalProperties: false,
  },
  create: (options) => new Counter(options),
});

const schemaPlugin = (name: string, properties: Record<string, unknown>) => ({
  name,
  optionsSchema: { type: 'object', properties, additionalProperties: false },
});

describe('validatePluginOptions', () => {
  it('fills defaults into a copy and reports every problem', () => {
    const node = { every: 3 };
    expect(validatePluginOptions(counterPlugin, node)).toEqual({
      valid: true,
      errors: [],
      options: { every: 3, label: 'epochs' },
    });
    expect(node).toEqual({ every: 3 });

    const rejected = validatePluginOptions(counterPlugin, { every: 0, lable: 'x' });
    expect(rejected.valid).toBe(false);
    expect(rejected.errors).toEqual(['(options) must NOT have additional properties', '/every must be >= 1']);
  });

  it('throws on a schema ajv strict mode rejects', () => {
    expect(() =>
      validatePluginOptions(schemaPlugin('typo', { every: { type: 'integer', minimun: 1 } })),
    ).toThrow('typo: optionsSchema does not compile in ajv strict mode');
    expect(() => validatePluginOptions(schemaPlugin('bad', { every: { type: 'count' } }))).toThrow(
      'bad: optionsSchema is not a valid JSON Schema',
    );
  });
});

describe('pluginOptionDefaults', () => {
  it('is what an empty node becomes', () => {
    expect(pluginOptionDefaults(counterPlugin)).toEqual({ every: 1, label: 'epochs' });
  });

  it('names options without a default, and schemas that reject an empty node', () => {
    expect(() => pluginOptionDefaults(schemaPlugin('partial', { every: { type: 'integer' } }))).toThrow(
      'partial: options without a default: every',
    );
    const required = {
      name: 'needy',
      optionsSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    };
    expect(() => pluginOptionDefaults(required)).toThrow(
      "needy: optionsSchema rejects an empty node: (options) must have required property 'path'",
    );
  });
});

describe('createCallbackFromPlugin', () => {
  it('creates the callback through a registry from a validated node with defaults filled', async () => {
    const callback = await createCallbackFromPlugin(counterPlugin, { label: 'runs' });
    assert(callback instanceof Counter);
    expect(callback.options).toEqual({ every: 1, label: 'runs' });
  });

  it('rejects a node the schema rejects', async () => {
    await expect(createCallbackFromPlugin(counterPlugin, { every: 'often' })).rejects.toThrow(
      'counter: options do not pass optionsSchema: /every must be integer',
    );
  });
});
