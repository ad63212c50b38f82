import { stringify } from 'yaml';

/** YAML of a config, keys in the order they were composed, no anchors, no line folding. */
export function toYaml(value: unknown): string {
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0, indent: 2 });
}
