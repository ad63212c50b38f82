import type { JsonSchema } from '@nextplay/cls-core';
import { isConfigMap } from './configTree.js';

const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else'] as const;

/**
 * A copy of a plugin's options schema in which every nested object schema that lists `properties` and says
 * nothing of other keys (`additionalProperties`, `patternProperties`) refuses them, as the top level does: a typo
 * in `{nested: {b: 1}}` is named rather than kept. Plugins open a node by saying `additionalProperties: true`.
 */
export function closedNested(schema: JsonSchema): JsonSchema {
  return close(schema, true) as JsonSchema;
}

function close(node: unknown, root: boolean): unknown {
  if (!isConfigMap(node)) return node;
  const copy: Record<string, unknown> = { ...node };
  if (isConfigMap(copy.properties)) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, value]) => [key, close(value, false)]),
    );
    // The top level's own unknown keys are reported by the caller, with the keys the config may add.
    if (!root && copy.additionalProperties === undefined && copy.patternProperties === undefined) {
      copy.additionalProperties = false;
    }
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map((item: unknown) => close(item, false));
  }
  for (const key of SUBSCHEMAS) {
    if (isConfigMap(copy[key])) copy[key] = close(copy[key], false);
  }
  return copy;
}
