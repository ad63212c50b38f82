import { ClsError, suggest, type ClsErrorCode } from '@nextplay/cls-core';
import type { ConfigFile, ConfigRepository } from './configRepository.js';
import { MISSING, type ConfigMap } from './configTree.js';
import { parseDefaultsEntry, type DefaultsEntry } from './defaultsEntry.js';
import type { Override } from './parseOverride.js';

/** One config's own keys, merged at `package` (dotted, '' = root), in composition order. */
export interface MergeStep {
  readonly configPath: string;
  readonly package: string;
  readonly content: ConfigMap;
}

export interface DefaultsResult {
  readonly steps: readonly MergeStep[];
  /** Group (or `group@package`) → chosen option, null when none; what Hydra calls `hydra.runtime.choices`. */
  readonly choices: Record<string, string | null>;
}

type GroupEntry = Extract<DefaultsEntry, { kind: 'group' }>;

/** Where a choice came from, for messages: a command-line override or a config file's defaults list. */
type ChoiceSource =
  | { readonly external: true; readonly input: string }
  | { readonly external: false; readonly label: string; readonly text: string };

interface ChoiceOverride {
  readonly option: string | null;
  readonly source: ChoiceSource;
  /** The command-line override it came from, if any. */
  readonly origin?: Override;
  used: boolean;
}

interface Deletion {
  readonly option: string | undefined;
  readonly input: string;
  used: boolean;
}

type TreeChild =
  | { readonly kind: 'self'; readonly step: MergeStep }
  | { readonly kind: 'config'; readonly node: TreeNode; readonly choice?: { key: string; option: string } }
  | { readonly kind: 'none'; readonly choice: { key: string; option: string | null } };

interface TreeNode {
  readonly children: readonly TreeChild[];
}

interface NodeInfo {
  readonly file: ConfigFile;
  /** The group the config belongs to ('' for the primary config), base of its relative defaults. */
  readonly groupPath: string;
  readonly package: string;
  readonly primary: boolean;
}

/**
 * Builds Hydra's defaults tree from the primary config and the command-line group overrides, and flattens it
 * into merge steps. Siblings are visited last to first, as Hydra does, so `override /data: mnist` in an
 * experiment listed after `data` is known before `data` is chosen; the command line always wins.
 */
export function buildDefaults(
  repository: ConfigRepository,
  primary: ConfigFile,
  groupOverrides: readonly Override[],
): DefaultsResult {
  let forceAppended: readonly Override[] = [];
  for (;;) {
    const builder = new DefaultsTreeBuilder(repository, groupOverrides, forceAppended);
    const root = builder.build({ file: primary, groupPath: '', package: '', primary: true });
    const unusedForceAdds = builder.unusedForceAdds();
    if (unusedForceAdds.length === 0) {
      builder.checkAllUsed();
      return flatten(root);
    }
    // `++group=option` on a group that is not in the defaults list adds it, as `+group=option` would.
    forceAppended = unusedForceAdds;
  }
}

class DefaultsTreeBuilder {
  readonly #repository: ConfigRepository;
  readonly #overrides = new Map<string, ChoiceOverride>();
  readonly #deletions = new Map<string, Deletion>();
  readonly #appended: { entry: GroupEntry; input: string }[] = [];
  readonly #seenKeys = new Set<string>();
  readonly #stack: string[] = [];

  constructor(
    repository: ConfigRepository,
    groupOverrides: readonly Override[],
    forceAppended: readonly Override[],
  ) {
    this.#repository = repository;
    for (const override of groupOverrides) {
      const key = overrideKey(override);
      if (override.type === 'delete') {
        this.#deletions.set(key, {
          option: override.hasValue ? (groupOption(override) ?? undefined) : undefined,
          input: override.input,
          used: false,
        });
      } else if (override.type === 'add' || forceAppended.includes(override)) {
        this.#appended.push({ entry: appendedEntry(override), input: override.input });
      } else {
        this.#overrides.set(key, {
          option: groupOption(override),
          source: { external: true, input: override.input },
          origin: override,
          used: false,
        });
      }
    }
  }

  build(node: NodeInfo): TreeNode {
    const label = `${node.file.path}.yaml`;
    if (this.#stack.includes(node.file.path)) {
      const cycle = [...this.#stack, node.file.path].map((path) => `${path}.yaml`).join(' -> ');
      throw new ClsError('CONFIG_INVALID', `defaults cycle: ${cycle}`);
    }
    this.#stack.push(node.file.path);
    const entries = node.file.defaults.map((raw) => parseDefaultsEntry(raw, label));
    if (node.primary) entries.push(...this.#appended.map(({ entry }) => entry));
    if (entries.filter((entry) => entry.kind === 'self').length > 1) {
      throw new ClsError('CONFIG_INVALID', `${label}: _self_ is listed more than once in the defaults list`);
    }
    if (!entries.some((entry) => entry.kind === 'self')) entries.push({ kind: 'self' });
    this.#registerFileOverrides(entries, node, label);

    const children: TreeChild[] = [];
    for (const entry of [...entries].reverse()) {
      if (entry.kind === 'self') {
        children.push({
          kind: 'self',
          step: { configPath: node.file.path, package: node.package, content: node.file.content },
        });
      } else if (entry.kind === 'config') {
        children.push(this.#configChild(entry, node, label));
      } else if (!entry.override) {
        const child = this.#groupChild(entry, node, label);
        if (child !== undefined) children.push(child);
      }
    }
    this.#stack.pop();
    return { children: children.reverse() };
  }

  unusedForceAdds(): Override[] {
    return [...this.#overrides.values()].flatMap(({ used, origin }) =>
      !used && origin?.type === 'force_add' ? [origin] : [],
    );
  }

  checkAllUsed(): void {
    for (const [key, override] of this.#overrides) {
      if (override.used) continue;
      const { source } = override;
      if (source.external) {
        const group = key.split('@')[0] ?? key;
        if (!this.#repository.groupExists(group)) {
          const [close] = suggest(group, Object.keys(this.#repository.groups()));
          throw new ClsError(
            'OVERRIDE_INVALID',
            `${source.input}: no such config group ${group}${close === undefined ? '' : ` (did you mean ${close}?)`}`,
          );
        }
        // `+group=option` is advice for the command line only; a project file's entry is its own defaults line.
        const advice = override.origin?.file === undefined ? `; use +${source.input} to add it` : '';
        throw new ClsError(
          'OVERRIDE_INVALID',
          `${source.input}: group ${key} is not in the defaults list${advice}`,
        );
      }
      throw new ClsError(
        'CONFIG_INVALID',
        `${source.label}: ${source.text} matches no group in the defaults list (${key})`,
      );
    }
    for (const [key, deletion] of this.#deletions) {
      if (!deletion.used) {
        throw new ClsError('OVERRIDE_INVALID', `${deletion.input}: group ${key} is not in the defaults list`);
      }
    }
  }

  /** `override` entries must follow the others; the first one registered for a key wins (command line first). */
  #registerFileOverrides(entries: readonly DefaultsEntry[], node: NodeInfo, label: string): void {
    let lastOverride: GroupEntry | undefined;
    for (const entry of entries) {
      if (entry.kind === 'self') continue;
      if (entry.kind === 'group' && entry.override) {
        lastOverride = entry;
        const key = entryKey(entry, node.groupPath);
        if (!this.#overrides.has(key)) {
          this.#overrides.set(key, {
            option: entry.option,
            source: { external: false, label, text: entry.text },
            used: false,
          });
        }
      } else if (lastOverride !== undefined && !this.#appended.some((appended) => appended.entry === entry)) {
        throw new ClsError(
          'CONFIG_INVALID',
          `${label}: "${lastOverride.text}" must come after "${entry.text}" (overrides go at the end of the defaults list)`,
        );
      }
    }
  }

  #groupChild(entry: GroupEntry, node: NodeInfo, label: string): TreeChild | undefined {
    const group = absoluteName(entry.group, node.groupPath);
    const key = entryKey(entry, node.groupPath);
    const appendedBy = this.#appended.find((appended) => appended.entry === entry)?.input;
    if (this.#seenKeys.has(key)) {
      const earlierAppend = this.#appended.find((appended) => entryKey(appended.entry, '') === key);
      if (earlierAppend !== undefined) {
        throw new ClsError(
          'OVERRIDE_INVALID',
          `${earlierAppend.input}: group ${key} is already in the defaults list; use ${earlierAppend.input.replace(/^\++/, '')} to change it`,
        );
      }
      throw new ClsError(
        'CONFIG_INVALID',
        `${label}: group ${key} is listed more than once in the defaults list`,
      );
    }
    this.#seenKeys.add(key);

    let option = entry.option;
    let source: ChoiceSource =
      appendedBy === undefined
        ? { external: false, label, text: entry.text }
        : { external: true, input: appendedBy };
    const override = this.#overrides.get(key);
    if (override !== undefined) {
      override.used = true;
      option = override.option;
      source = override.source;
    }
    const deletion = this.#deletions.get(key);
    if (deletion !== undefined) {
      if (deletion.option !== undefined && deletion.option !== option) {
        throw new ClsError(
          'OVERRIDE_INVALID',
          `${deletion.input}: group ${key} is set to ${option ?? 'null'}, not ${deletion.option}; nothing deleted`,
        );
      }
      deletion.used = true;
      return undefined;
    }
    if (option === null) return { kind: 'none', choice: { key, option } };
    if (option === MISSING) {
      throw new ClsError(
        'CONFIG_MISSING_VALUE',
        `${key}: missing mandatory choice (???); choose one with ${key}=<option> (available: ${this.#available(group)})`,
      );
    }
    if (!/^[\w$-][\w$.-]*$/.test(option)) {
      const label = source.external ? source.input : `${source.label}: ${source.text}`;
      throw new ClsError(
        source.external ? 'OVERRIDE_INVALID' : 'CONFIG_INVALID',
        `${label}: "${option}" is not an option name`,
      );
    }
    const file = this.#repository.load(`${group}/${option}`);
    if (file === undefined) {
      if (entry.optional) return { kind: 'none', choice: { key, option } };
      throw this.#unknownOption(group, option, source);
    }
    const defaultPackage = entry.group.startsWith('/') ? `_global_.${dotted(group)}` : dotted(entry.group);
    const packageSpec = (entry.package ?? file.packageHeader ?? defaultPackage)
      .replaceAll('_group_', defaultPackage)
      .replaceAll('_name_', option);
    const child = this.build({
      file,
      groupPath: group,
      package: finalPackage(node.package, packageSpec),
      primary: false,
    });
    return { kind: 'config', node: child, choice: { key, option } };
  }

  #configChild(entry: Extract<DefaultsEntry, { kind: 'config' }>, node: NodeInfo, label: string): TreeChild {
    const path = absoluteName(entry.path, node.groupPath);
    const file = this.#repository.load(path);
    if (file === undefined) {
      throw new ClsError(
        'CONFIG_NOT_FOUND',
        `${label}: defaults entry ${entry.text}: no config ${path}.yaml`,
      );
    }
    const group = parentOf(path);
    const written = parentOf(entry.path.replace(/^\//, ''));
    const defaultPackage = entry.path.startsWith('/') ? `_global_.${dotted(group)}` : dotted(written);
    const packageSpec = (entry.package ?? file.packageHeader ?? defaultPackage).replaceAll(
      '_group_',
      defaultPackage,
    );
    const child = this.build({
      file,
      groupPath: group,
      package: finalPackage(node.package, packageSpec),
      primary: false,
    });
    return { kind: 'config', node: child };
  }

  #available(group: string): string {
    const options = this.#repository.options(group);
    return options.length > 0 ? options.join(', ') : '(none)';
  }

  #unknownOption(group: string, option: string, source: ChoiceSource): ClsError {
    const [code, label]: [ClsErrorCode, string] = source.external
      ? ['OVERRIDE_INVALID', source.input]
      : ['CONFIG_NOT_FOUND', `${source.label}: ${source.text}`];
    if (!this.#repository.groupExists(group)) {
      const [close] = suggest(group, Object.keys(this.#repository.groups()));
      const hint = close === undefined ? '' : ` (did you mean ${close}?)`;
      return new ClsError(code, `${label}: no config group ${group}${hint}`);
    }
    const options = this.#repository.options(group);
    const [close] = suggest(option, options);
    const hint = close === undefined ? '' : ` (did you mean ${close}?)`;
    return new ClsError(
      code,
      `${label}: no such option in group ${group}; available: ${options.join(', ')}${hint}`,
    );
  }
}

function flatten(root: TreeNode): DefaultsResult {
  const steps: MergeStep[] = [];
  const choices: Record<string, string | null> = {};
  const visit = (node: TreeNode): void => {
    for (const child of node.children) {
      if (child.kind === 'self') {
        steps.push(child.step);
      } else {
        if (child.choice !== undefined) choices[child.choice.key] = child.choice.option;
        if (child.kind === 'config') visit(child.node);
      }
    }
  };
  visit(root);
  return { steps, choices };
}

/** A command-line group value: an option name, or null for none. */
function groupOption(override: Override): string | null {
  const { value } = override;
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) {
    throw new ClsError(
      'OVERRIDE_INVALID',
      `${override.input}: selecting several options of group ${override.key} is not supported yet`,
    );
  }
  throw new ClsError(
    'OVERRIDE_INVALID',
    `${override.input}: ${override.key} is a config group; choose one of its options by name`,
  );
}

function appendedEntry(override: Override): GroupEntry {
  const option = groupOption(override);
  return {
    kind: 'group',
    group: `/${override.key}`,
    package: override.package,
    option,
    optional: false,
    override: false,
    text: override.input,
  };
}

function overrideKey(override: Override): string {
  return override.package === undefined ? override.key : `${override.key}@${override.package}`;
}

function entryKey(entry: GroupEntry, groupPath: string): string {
  const group = absoluteName(entry.group, groupPath);
  return entry.package === undefined ? group : `${group}@${entry.package}`;
}

/** `/data` is absolute; `backbone` inside `model/resnet18.yaml` is `model/backbone`. */
function absoluteName(name: string, groupPath: string): string {
  if (name.startsWith('/')) return name.slice(1);
  return groupPath === '' ? name : `${groupPath}/${name}`;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function dotted(group: string): string {
  return group.replaceAll('/', '.');
}

/** Hydra's rule: a package is relative to the parent's package unless it contains `_global_`. */
function finalPackage(parentPackage: string, packageSpec: string): string {
  const joined =
    parentPackage === ''
      ? packageSpec
      : packageSpec === ''
        ? parentPackage
        : `${parentPackage}.${packageSpec}`;
  const global = joined.lastIndexOf('_global_');
  return global === -1 ? joined : joined.slice(global + '_global_'.length).replace(/^\./, '');
}
