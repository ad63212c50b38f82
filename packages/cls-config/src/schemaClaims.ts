import { ClsConfigSchema } from '@nextplay/cls-core';

/** Top-level nodes whose schema takes any key, so a key added under them is checked by nothing but them. */
const OPEN_NODES: readonly string[] = ['paths', 'hydra'];

/**
 * Whether cls-core's schema (or a plugin schema under it) decides what may live at a dotted key: every top-level
 * key it defines except the open `paths` and `hydra`. A key no schema claims (`+foo=1`, `+notes.owner=me`) is the
 * user's own: Hydra's `+` adds it, and it is kept in the run config with a warning.
 */
export function isClaimedKey(key: string): boolean {
  const [top = ''] = key.split('.');
  return top in ClsConfigSchema.properties && !isOpenNode(top);
}

/** Whether top-level node `top` takes any key (`paths`, `hydra`). */
export function isOpenNode(top: string): boolean {
  return OPEN_NODES.includes(top);
}

/** Whether the schema defines top-level `key` without requiring it (`tags`): a config may leave it out. */
export function isOptionalTopLevelKey(key: string): boolean {
  const required: readonly string[] = ClsConfigSchema.required;
  return key in ClsConfigSchema.properties && !required.includes(key);
}
