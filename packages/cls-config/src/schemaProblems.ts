import { suggest } from '@nextplay/cls-core';
import type { ErrorObject } from 'ajv';
import { isConfigMap } from './configTree.js';
import { formatValue } from './formatValue.js';

/** One thing wrong with a config: `path` is dotted (`trainer.max_epochs`), '' for the whole config. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

const SHAPE_KEYWORDS = new Set(['type', 'const', 'enum']);

/**
 * Turns ajv errors (run with `allErrors` and `verbose`) into one readable problem per fault. The branches of an
 * `anyOf` (`integer | null`, a union of literals) become a single "must be A or B" unless one branch matched
 * the value's type, whose own complaint (`must be >= 2`) is then the useful one.
 */
export function problemsFromAjv(
  errors: readonly ErrorObject[],
  basePath: readonly string[],
): ConfigProblem[] {
  const unions = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  const inUnion = (error: ErrorObject): boolean =>
    unions.some((union) => union !== error && error.schemaPath.startsWith(`${union.schemaPath}/`));
  const problems: ConfigProblem[] = [];
  for (const error of errors) {
    if (inUnion(error)) continue;
    if (unions.includes(error)) problems.push(...unionProblems(error, errors, basePath));
    else problems.push(singleProblem(error, basePath));
  }
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unionProblems(
  union: ErrorObject,
  errors: readonly ErrorObject[],
  basePath: readonly string[],
): ConfigProblem[] {
  const prefix = `${union.schemaPath}/`;
  const branches = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (!error.schemaPath.startsWith(prefix)) continue;
    const branch = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  const isShapeMismatch = (error: ErrorObject): boolean =>
    SHAPE_KEYWORDS.has(error.keyword) && error.instancePath === union.instancePath;
  const nearMiss = [...branches.values()].find((branch) => !branch.every(isShapeMismatch));
  if (nearMiss !== undefined) return problemsFromAjv(nearMiss, basePath);

  const expected: string[] = [];
  let allConstants = branches.size > 0;
  for (const branch of branches.values()) {
    for (const error of branch) {
      if (error.keyword === 'type') {
        allConstants = false;
        expected.push(...String((error.params as { type: unknown }).type).split(','));
      } else if (error.keyword === 'const') {
        expected.push(formatValue((error.params as { allowedValue: unknown }).allowedValue));
      } else if (error.keyword === 'enum') {
        expected.push(
          ...(error.params as { allowedValues: unknown[] }).allowedValues.map((value) => formatValue(value)),
        );
      }
    }
  }
  const path = joinPath(basePath, pointerSegments(union.instancePath));
  const unique = [...new Set(expected)];
  const got = ` (got ${formatValue(union.data)})`;
  if (unique.length === 0) return [{ path, message: `${union.message ?? 'is invalid'}${got}` }];
  const message = allConstants ? `must be one of ${unique.join(', ')}` : `must be ${unique.join(' or ')}`;
  return [{ path, message: `${message}${got}` }];
}

function singleProblem(error: ErrorObject, basePath: readonly string[]): ConfigProblem {
  const segments = pointerSegments(error.instancePath);
  const got = ` (got ${formatValue(error.data)})`;
  switch (error.keyword) {
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      return { path: joinPath(basePath, [...segments, key]), message: 'missing required key' };
    }
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = knownKeys(error.parentSchema);
      const given: unknown = isConfigMap(error.data) ? error.data[key] : undefined;
      return { path: joinPath(basePath, [...segments, key]), message: unknownKeyMessage(key, known, given) };
    }
    case 'type': {
      const type = String((error.params as { type: unknown }).type)
        .split(',')
        .join(' or ');
      return { path: joinPath(basePath, segments), message: `must be ${type}${got}` };
    }
    case 'const':
      return {
        path: joinPath(basePath, segments),
        message: `must be ${formatValue((error.params as { allowedValue: unknown }).allowedValue)}${got}`,
      };
    case 'enum': {
      const values = (error.params as { allowedValues: unknown[] }).allowedValues.map((value) =>
        formatValue(value),
      );
      return { path: joinPath(basePath, segments), message: `must be one of ${values.join(', ')}${got}` };
    }
    default:
      return { path: joinPath(basePath, segments), message: `${error.message ?? 'is invalid'}${got}` };
  }
}

/** `unknown key, set to 3 (did you mean max_epochs?)`, or the known keys when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[], given: unknown): string {
  const [close] = suggest(key, known);
  const got = `unknown key, set to ${formatValue(given)}`;
  if (close !== undefined) return `${got} (did you mean ${close}?)`;
  return known.length > 0 ? `${got} (expected one of ${known.join(', ')})` : `${got} (expected no keys)`;
}

export function joinPath(basePath: readonly string[], segments: readonly string[]): string {
  return [...basePath, ...segments].join('.');
}

function knownKeys(schema: unknown): string[] {
  return isConfigMap(schema) && isConfigMap(schema.properties) ? Object.keys(schema.properties) : [];
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
