import type { BackendContext, ComputeBackend } from './backend.js';
import type { Callback, CallbackContext } from './callback.js';
import type { DataModule, DatasetContext, Transform, TransformContext } from './data.js';
import type { HeadContext, ModelHead } from './head.js';
import type { Launcher, LauncherContext } from './launcher.js';
import type { ClassifierModel, ModelContext } from './model.js';
import type { Optimizer, OptimizerContext } from './optimizer.js';
import type { LrScheduler, SchedulerContext } from './scheduler.js';

/** A JSON Schema (draft 2020-12 / ajv) object describing a plugin's options. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * What each kind of plugin produces and what it is given. Augment this interface to add a kind:
 * `declare module '@nextplay/cls-core' { interface PluginKinds { metric: { context: …; product: … } } }`.
 */
export interface PluginKinds {
  model: { context: ModelContext; product: ClassifierModel };
  head: { context: HeadContext; product: ModelHead };
  callback: { context: CallbackContext; product: Callback };
  transform: { context: TransformContext; product: Transform };
  optimizer: { context: OptimizerContext; product: Optimizer };
  scheduler: { context: SchedulerContext; product: LrScheduler };
  dataset: { context: DatasetContext; product: DataModule };
  backend: { context: BackendContext; product: ComputeBackend };
  launcher: { context: LauncherContext; product: Launcher };
}

export type PluginKind = keyof PluginKinds;

export const PLUGIN_KINDS = [
  'model',
  'head',
  'callback',
  'transform',
  'optimizer',
  'scheduler',
  'dataset',
  'backend',
  'launcher',
] as const satisfies readonly PluginKind[];

export type PluginProduct<K extends PluginKind> = PluginKinds[K]['product'];
export type PluginContext<K extends PluginKind> = PluginKinds[K]['context'];

export interface PluginDefinition<K extends PluginKind = PluginKind, Options = Record<string, unknown>> {
  readonly kind: K;
  /** The name config refers to, e.g. `resnet18` for `model.arch`, `early_stopping` for `callbacks.early_stopping`. */
  readonly name: string;
  /** The npm package that provides it; with the name it forms the registry key `package>name`. */
  readonly package: string;
  readonly description: string;
  /**
   * JSON Schema of the plugin's options: the config node it is created from (e.g. the whole `model` node for a
   * model plugin). The config package validates the node against it before anything runs.
   */
  readonly optionsSchema: JsonSchema;
  readonly create: (
    options: Readonly<Options>,
    context: PluginContext<K>,
  ) => PluginProduct<K> | Promise<PluginProduct<K>>;
}

/** Any plugin, whatever its kind and options (the registry stores these). */
export type AnyPluginDefinition = {
  [K in PluginKind]: PluginDefinition<K, never>;
}[PluginKind];

/** Defines a plugin, keeping its kind and option types. Built-ins use this exactly as third parties do. */
export function definePlugin<K extends PluginKind, Options>(
  definition: PluginDefinition<K, Options>,
): PluginDefinition<K, Options> {
  return Object.freeze({ ...definition });
}

/** What a plugin module exports: one definition, a list, or `{ plugins: [...] }`, as default or named export. */
export type PluginModule =
  AnyPluginDefinition | readonly AnyPluginDefinition[] | { readonly plugins: readonly AnyPluginDefinition[] };
