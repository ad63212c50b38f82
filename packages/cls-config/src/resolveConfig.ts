import { ClsError, isClsError, suggest } from '@nextplay/cls-core';
import { compositionOf } from './compositionInfo.js';
import {
  childKeys,
  childOf,
  cloneTree,
  isConfigMap,
  isContainer,
  lookup,
  MISSING,
  type ConfigMap,
} from './configTree.js';
import { formatValue } from './formatValue.js';
import { parseOverrideValue } from './parseOverride.js';
import { strftime } from './strftime.js';
import { hasInterpolation, parseResolverCall, parseTemplate, unquote } from './template.js';

export interface ResolveOptions {
  /** The run's output directory, `${hydra:runtime.output_dir}` (normally the resolved `hydra.run.dir`). */
  readonly outputDir: string;
  /** `${hydra:runtime.cwd}`. */
  readonly cwd: string;
  /** Time for `${now:...}`; defaults to the composition's timestamp. */
  readonly now?: Date;
  /** `${hydra:runtime.choices.<group>}`; defaults to the composition's choices. */
  readonly choices?: Readonly<Record<string, string | null>>;
  /** `${hydra:job.name}`; defaults to the composition's config name. */
  readonly configName?: string;
  /** Variables for `${oc.env:...}`; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type RunDirOptions = Partial<Omit<ResolveOptions, 'outputDir'>>;

/**
 * Resolves only `hydra.run.dir` (and what it refers to), the first step of a run: the run directory is what
 * `${hydra:runtime.output_dir}` means everywhere else.
 */
export function resolveRunDir(config: Readonly<ConfigMap>, options: RunDirOptions = {}): string {
  if (!lookup(config, ['hydra', 'run', 'dir']).found) {
    throw new ClsError(
      'CONFIG_INVALID',
      'hydra.run.dir: missing; it names the run directory (e.g. hydra: default)',
    );
  }
  const resolver = new Resolver(config, contextOf(config, { ...options, cwd: options.cwd ?? process.cwd() }));
  const runDir = resolver.resolvePath(['hydra', 'run', 'dir'], 'hydra.run.dir');
  if (typeof runDir !== 'string' || runDir === '') {
    throw new ClsError(
      'CONFIG_INVALID',
      `hydra.run.dir: must be a non-empty string (got ${formatValue(runDir)})`,
    );
  }
  return runDir;
}

/**
 * Resolves one key (dotted, e.g. `hydra.sweep.dir`) and what it refers to, as `resolveRunDir` does for
 * `hydra.run.dir`. `${hydra:runtime.output_dir}` is only known when `options.outputDir` is given.
 */
export function resolveKey(
  config: Readonly<ConfigMap>,
  key: string,
  options: RunDirOptions & { readonly outputDir?: string } = {},
): unknown {
  const resolver = new Resolver(config, contextOf(config, { ...options, cwd: options.cwd ?? process.cwd() }));
  return resolver.resolvePath(key.split('.'), key);
}

/**
 * Returns a copy of `config` with every interpolation resolved: `${a.b}` (relative: `${.b}`), `${oc.env:VAR,default}`,
 * `${oc.select:a.b,default}` (the default where `a.b` is absent),
 * `${oc.decode:...}` (types a string as an override value), `${now:%Y-%m-%d}`, `${hydra:runtime.output_dir}`. A value that is exactly one interpolation keeps the referenced
 * value's type. Any `???` left is an error listing every missing key. Nothing is ever evaluated as code.
 */
export function resolveConfig(config: Readonly<ConfigMap>, options: ResolveOptions): ConfigMap {
  return new Resolver(config, contextOf(config, options)).resolveAll();
}

interface ResolveContext {
  readonly now: Date;
  readonly outputDir: string | undefined;
  readonly cwd: string;
  readonly choices: Readonly<Record<string, string | null>>;
  readonly configName: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function contextOf(config: object, options: Partial<ResolveOptions> & { cwd: string }): ResolveContext {
  const composition = compositionOf(config);
  return {
    now: options.now ?? composition?.now ?? new Date(),
    outputDir: options.outputDir,
    cwd: options.cwd,
    choices: options.choices ?? composition?.choices ?? {},
    configName: options.configName ?? composition?.configName,
    env: options.env ?? process.env,
  };
}

/** The longest string interpolation may build: far above any real path or name. */
const MAX_INTERPOLATED_LENGTH = 1 << 20;

class Resolver {
  readonly #root: Readonly<ConfigMap>;
  readonly #context: ResolveContext;
  /** Resolved strings by key path. */
  readonly #cache = new Map<string, unknown>();
  /** Key paths being resolved, to name a cycle. */
  readonly #stack: string[] = [];

  constructor(root: Readonly<ConfigMap>, context: ResolveContext) {
    this.#root = root;
    this.#context = context;
  }

  resolveAll(): ConfigMap {
    const missing: string[] = [];
    const resolved = this.#resolveNode(this.#root, [], missing) as ConfigMap;
    if (missing.length > 0) throw new ClsError('CONFIG_MISSING_VALUE', [...new Set(missing)].join('; '));
    return resolved;
  }

  /** The resolved value at `path`; `expression` names it in messages. */
  resolvePath(path: readonly string[], expression: string, from = expression): unknown {
    let current: unknown = this.#root;
    let resolvedAlready = false;
    for (const [depth, segment] of path.entries()) {
      const child = childOf(current, segment);
      if (!child.found) {
        const [close] = suggest(segment, childKeys(current));
        const hint =
          close === undefined ? '' : ` (did you mean ${[...path.slice(0, depth), close].join('.')}?)`;
        const target = path.join('.');
        throw new ClsError(
          'CONFIG_INVALID',
          from === target
            ? `${target}: missing${hint}`
            : `${from}: \${${expression}} refers to ${target}, which does not exist${hint}`,
        );
      }
      current = child.value;
      if (!resolvedAlready && typeof current === 'string' && depth < path.length - 1) {
        current = this.#resolveString(current, path.slice(0, depth + 1));
        resolvedAlready = true;
      }
    }
    return resolvedAlready ? current : this.#resolveNode(current, path);
  }

  #resolveNode(value: unknown, path: readonly string[], missing?: string[]): unknown {
    if (typeof value === 'string') {
      if (missing === undefined) return this.#resolveString(value, path);
      try {
        return this.#resolveString(value, path);
      } catch (error) {
        if (isClsError(error) && error.code === 'CONFIG_MISSING_VALUE') {
          missing.push(error.message);
          return undefined;
        }
        throw error;
      }
    }
    if (Array.isArray(value))
      return value.map((item: unknown, index) => this.#resolveNode(item, [...path, String(index)], missing));
    if (isConfigMap(value)) {
      const resolved: ConfigMap = {};
      for (const [key, item] of Object.entries(value))
        resolved[key] = this.#resolveNode(item, [...path, key], missing);
      return resolved;
    }
    return value;
  }

  #resolveString(value: string, path: readonly string[]): unknown {
    const key = path.join('.');
    if (value === MISSING) {
      throw new ClsError('CONFIG_MISSING_VALUE', `${key}: missing mandatory value (${MISSING})`);
    }
    if (!hasInterpolation(value)) return value;
    if (this.#cache.has(key)) return this.#cache.get(key);
    const cycleStart = this.#stack.indexOf(key);
    if (cycleStart !== -1) {
      const cycle = [...this.#stack.slice(cycleStart), key].join(' -> ');
      throw new ClsError('CONFIG_INVALID', `${key}: interpolation cycle ${cycle}`);
    }
    this.#stack.push(key);
    try {
      const resolved = this.#evaluateTemplate(value, path);
      this.#cache.set(key, resolved);
      return resolved;
    } finally {
      this.#stack.pop();
    }
  }

  /** A lone `${...}` keeps its value's type; text around interpolations makes a string. */
  #evaluateTemplate(text: string, path: readonly string[]): unknown {
    const where = path.join('.');
    const parts = parseTemplate(text);
    if (parts === undefined) {
      throw new ClsError('CONFIG_INVALID', `${where}: unterminated \${...} in ${formatValue(text)}`);
    }
    const [only] = parts;
    if (parts.length === 1 && only?.kind === 'interpolation')
      return cloneTree(this.#evaluate(only.body, path));
    let length = 0;
    return parts
      .map((part) => {
        const text = part.kind === 'text' ? part.text : this.#interpolatedText(part.body, path);
        length += text.length;
        // Interpolations that repeat each other grow exponentially ("billion laughs"): stop at a sane size.
        if (length > MAX_INTERPOLATED_LENGTH) {
          throw new ClsError(
            'CONFIG_INVALID',
            `${where}: its interpolations make a string of more than ${MAX_INTERPOLATED_LENGTH.toLocaleString('en-US')} characters`,
          );
        }
        return text;
      })
      .join('');
  }

  #interpolatedText(body: string, path: readonly string[]): string {
    const value = this.#evaluate(body, path);
    if (isContainer(value)) {
      throw new ClsError(
        'CONFIG_INVALID',
        `${path.join('.')}: \${${body}} is a ${Array.isArray(value) ? 'list' : 'map'} and cannot be part of a string`,
      );
    }
    return String(value);
  }

  #evaluate(body: string, path: readonly string[]): unknown {
    const where = path.join('.');
    const call = parseResolverCall(body);
    if (call === undefined) {
      const expression = String(this.#evaluateTemplate(body.trim(), path));
      if (expression === '') throw new ClsError('CONFIG_INVALID', `${where}: empty interpolation \${}`);
      return this.resolvePath(keyPath(expression, path), expression, where);
    }
    const text = (index: number): string => {
      const argument = call.args[index] ?? '';
      return unquote(argument) ?? String(this.#evaluateTemplate(argument, path));
    };
    switch (call.name) {
      case 'oc.env': {
        const name = text(0);
        const value = this.#context.env[name];
        if (value !== undefined) return value;
        const fallback = call.args[1];
        if (fallback === undefined) {
          throw new ClsError(
            'CONFIG_MISSING_VALUE',
            `${where}: environment variable ${name} is not set (give a default: \${oc.env:${name},default})`,
          );
        }
        if (fallback === 'null') return null;
        return text(1);
      }
      case 'oc.decode': {
        const encoded = call.args[0] === undefined ? null : this.#evaluateTemplate(call.args[0], path);
        if (typeof encoded !== 'string') return encoded;
        try {
          return parseOverrideValue(unquote(encoded) ?? encoded, where);
        } catch (error) {
          throw new ClsError('CONFIG_INVALID', isClsError(error) ? error.message : String(error));
        }
      }
      case 'oc.select': {
        // OmegaConf's select with a default: the key's value, or the default where it or a parent is absent.
        const expression = text(0);
        const target = keyPath(expression, path);
        const found = lookup(this.#root, target);
        if (found.found && found.value !== MISSING) return this.resolvePath(target, expression, where);
        const fallback = call.args[1];
        if (fallback === undefined || fallback === 'null') return null;
        return text(1);
      }
      case 'now':
        return strftime(this.#context.now, call.args.map((_, index) => text(index)).join(','), where);
      case 'hydra':
        return this.#hydra(text(0), where);
      default:
        throw new ClsError(
          'CONFIG_INVALID',
          `${where}: unknown resolver "${call.name}" in \${${body}} (supported: oc.env, oc.select, oc.decode, now, hydra)`,
        );
    }
  }

  /** `${hydra:...}`: runtime facts first, then the config's own `hydra` node. */
  #hydra(key: string, where: string): unknown {
    const { outputDir, cwd, choices, configName } = this.#context;
    if (key === 'runtime.output_dir' && outputDir === undefined) {
      throw new ClsError(
        'CONFIG_INVALID',
        `${where}: \${hydra:runtime.output_dir} is the run directory, which is not known while hydra.run.dir is resolved`,
      );
    }
    const runtime = {
      runtime: { output_dir: outputDir, cwd, choices, config_name: configName },
      job: { name: configName, config_name: configName },
    };
    const path = key.split('.');
    const found = lookup(runtime, path);
    if (found.found && found.value !== undefined) return cloneTree(found.value);
    return this.resolvePath(['hydra', ...path], `hydra:${key}`, where);
  }
}

/** `a.b[0]` → `['a', 'b', '0']`; `.b` and `..b` are relative to the node holding the interpolation. */
function keyPath(expression: string, from: readonly string[]): string[] {
  const dots = /^\.*/.exec(expression)?.[0].length ?? 0;
  const rest = expression
    .slice(dots)
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((segment) => segment !== '');
  return dots === 0 ? rest : [...from.slice(0, Math.max(0, from.length - dots)), ...rest];
}
