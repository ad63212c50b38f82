import { ClsError } from '@nextplay/cls-core';
import { isConfigMap } from './configTree.js';

/** One item of a config's `defaults` list. */
export type DefaultsEntry =
  | { readonly kind: 'self' }
  | {
      readonly kind: 'group';
      /** As written: relative to the containing config's group, or absolute with a leading `/`. */
      readonly group: string;
      readonly package: string | undefined;
      /** The option name, `null` for none, or `???` when the command line must choose. */
      readonly option: string | null;
      readonly optional: boolean;
      readonly override: boolean;
      /** The entry as written, for messages: `override /data: mnist`. */
      readonly text: string;
    }
  | {
      readonly kind: 'config';
      /** Another config file, relative to the containing config's group or absolute with a leading `/`. */
      readonly path: string;
      readonly package: string | undefined;
      readonly text: string;
    };

const NAME = /^\/?[\w$-]+(?:\/[\w$-]+)*$/;
const PACKAGE = /^[\w$-]+(?:\.[\w$-]+)*$/;

/** Parses `- group: option`, `- override /group: option`, `- optional group@pkg: option`, `- _self_`, `- file`. */
export function parseDefaultsEntry(raw: unknown, configLabel: string): DefaultsEntry {
  const fail = (problem: string): ClsError =>
    new ClsError('CONFIG_INVALID', `${configLabel}: defaults entry ${describe(raw)} ${problem}`);
  if (typeof raw === 'string') {
    if (raw === '_self_') return { kind: 'self' };
    const { name, packageName } = splitPackage(raw.trim());
    if (!NAME.test(name) || (packageName !== undefined && !PACKAGE.test(packageName))) {
      throw fail('is not a config name');
    }
    return { kind: 'config', path: name, package: packageName, text: raw };
  }
  if (!isConfigMap(raw)) throw fail('must be "group: option", "_self_" or a config name');
  const entries = Object.entries(raw);
  const [first] = entries;
  if (first === undefined || entries.length !== 1) throw fail('must have exactly one "group: option" pair');
  const [key, value] = first;
  const words = key.trim().split(/\s+/);
  const target = words.pop() ?? '';
  const override = words.includes('override');
  const optional = words.includes('optional');
  if (words.some((word) => word !== 'override' && word !== 'optional')) {
    throw fail('has an unknown keyword (expected "override" or "optional" before the group)');
  }
  const { name, packageName } = splitPackage(target);
  if (!NAME.test(name) || (packageName !== undefined && !PACKAGE.test(packageName))) {
    throw fail(`names no config group ("${target}")`);
  }
  if (Array.isArray(value)) throw fail('selects several options; that is not supported yet');
  if (
    value !== null &&
    typeof value !== 'string' &&
    typeof value !== 'number' &&
    typeof value !== 'boolean'
  ) {
    throw fail('must name an option, null or ???');
  }
  const option = value === null ? null : String(value);
  if (option?.includes('${')) throw fail('uses an interpolation; that is not supported yet');
  return {
    kind: 'group',
    group: name,
    package: packageName,
    option,
    optional,
    override,
    text: `${key.trim()}: ${option ?? 'null'}`,
  };
}

function splitPackage(target: string): { name: string; packageName: string | undefined } {
  const at = target.indexOf('@');
  return at === -1
    ? { name: target, packageName: undefined }
    : { name: target.slice(0, at), packageName: target.slice(at + 1) };
}

function describe(raw: unknown): string {
  const text = JSON.stringify(raw) as string | undefined;
  return text === undefined ? String(raw) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
