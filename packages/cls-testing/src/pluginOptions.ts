import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '@nextplay/cls-core';

/** The part of a plugin definition these helpers read. */
export interface PluginWithOptionsSchema {
  readonly name: string;
  readonly optionsSchema: JsonSchema;
}

export interface PluginOptionsValidation {
  readonly valid: boolean;
  /** One line per problem, `<instance path> <message>`; empty when valid. */
  readonly errors: readonly string[];
  /** A copy of the node with schema defaults filled in. */
  readonly options: Record<string, unknown>;
}

// Strict mode, unlike the config package, so a schema typo (an unknown keyword, a default that does not match
// its type) fails the plugin's own tests.
const ajv = new Ajv({ useDefaults: true, strict: true, allErrors: true });
const validators = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(plugin: PluginWithOptionsSchema): ValidateFunction {
  const cached = validators.get(plugin.optionsSchema);
  if (cached !== undefined) return cached;
  if (!ajv.validateSchema(plugin.optionsSchema)) {
    throw new Error(
      `${plugin.name}: optionsSchema is not a valid JSON Schema: ${ajv.errorsText(ajv.errors)}`,
    );
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(plugin.optionsSchema);
  } catch (error) {
    throw new Error(`${plugin.name}: optionsSchema does not compile in ajv strict mode: ${String(error)}`);
  }
  validators.set(plugin.optionsSchema, validate);
  return validate;
}

/**
 * Validates an options node against a plugin's `optionsSchema` with ajv `useDefaults`, as config validation
 * does, without changing `node`. Throws when the schema itself is invalid.
 */
export function validatePluginOptions(
  plugin: PluginWithOptionsSchema,
  node: Readonly<Record<string, unknown>> = {},
): PluginOptionsValidation {
  const validate = validatorFor(plugin);
  const options = structuredClone(node) as Record<string, unknown>;
  const valid = validate(options);
  const errors = (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(options)'} ${e.message ?? 'is invalid'}`,
  );
  return { valid, errors, options };
}

/**
 * The options a plugin gets from an empty config node: its schema's defaults. Throws when the schema is
 * invalid, rejects the empty node, or declares an option without a `default`.
 */
export function pluginOptionDefaults(plugin: PluginWithOptionsSchema): Record<string, unknown> {
  const { valid, errors, options } = validatePluginOptions(plugin);
  if (!valid) throw new Error(`${plugin.name}: optionsSchema rejects an empty node: ${errors.join('; ')}`);
  const properties = Object.keys(plugin.optionsSchema.properties ?? {});
  const withoutDefault = properties.filter((key) => !(key in options));
  if (withoutDefault.length > 0) {
    throw new Error(`${plugin.name}: options without a default: ${withoutDefault.join(', ')}`);
  }
  return options;
}
