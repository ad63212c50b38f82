import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ClsError,
  isBetter,
  isMonitorMode,
  type Callback,
  type JsonValue,
  type TrainerContext,
} from '@nextplay/cls-core';
import { parseCheckpointFilename, type CheckpointFilename } from './checkpointFilename.js';
import {
  resolveModelCheckpointOptions,
  type ModelCheckpointOptions,
  type ResolvedModelCheckpointOptions,
} from './modelCheckpointOptions.js';

/** One of the top-k checkpoints on disk. */
export interface RankedCheckpoint {
  readonly path: string;
  readonly score: number;
  /** 0-based epoch it was saved after. */
  readonly epoch: number;
  readonly step: number;
}

const BEST = 'best';
const LAST = 'last';

/**
 * Lightning's ModelCheckpoint. After each validation of `fit` it ranks the monitored metric, keeps the top-k
 * checkpoints under their formatted names (deleting those that drop out) and mirrors the best one at
 * `<dirpath>/best`. With `save_last` it writes `<dirpath>/last` once per training epoch, at whichever of
 * `onValidationEnd` / `onTrainEpochEnd` comes first: the weights are the same at both, and an epoch without
 * validation still gets its last checkpoint.
 */
export class ModelCheckpoint implements Callback {
  readonly name = 'model_checkpoint';
  /** Like Lightning, run after the other callbacks so their epoch-end work precedes the save. */
  readonly order = 'post';
  readonly options: ResolvedModelCheckpointOptions;
  readonly #filename: CheckpointFilename;
  #ranked: RankedCheckpoint[] = [];
  #best: RankedCheckpoint | undefined;
  #bestPath: string | undefined;
  #lastPath: string | undefined;
  #lastSavedEpoch: number | undefined;
  readonly #warned = new Set<string>();

  constructor(options: Readonly<ModelCheckpointOptions> = {}) {
    this.options = resolveModelCheckpointOptions(options);
    assertOptions(this.options);
    this.#filename = parseCheckpointFilename(this.options.filename);
  }

  /** The checkpoint directory of a run. */
  dirpath(context: Pick<TrainerContext, 'runDir'>): string {
    return this.options.dirpath === null
      ? join(context.runDir, 'checkpoints')
      : resolve(this.options.dirpath);
  }

  onFitStart(): void {
    this.#ranked = [];
    this.#best = undefined;
    this.#bestPath = undefined;
    this.#lastPath = undefined;
    this.#lastSavedEpoch = undefined;
  }

  async onValidationEnd(context: TrainerContext): Promise<void> {
    if (context.stage !== 'fit') return;
    if ((context.epoch + 1) % this.options.every_n_epochs === 0) await this.#rank(context);
    await this.#saveLast(context);
  }

  async onTrainEpochEnd(context: TrainerContext): Promise<void> {
    if (context.stage !== 'fit') return;
    await this.#saveLast(context);
  }

  /** `<dirpath>/best` once a monitored checkpoint was saved; the checkpoint to test with. */
  bestModelPath(): string | undefined {
    return this.#bestPath;
  }

  bestModelScore(): number | undefined {
    return this.#best?.score;
  }

  lastModelPath(): string | undefined {
    return this.#lastPath;
  }

  /** The kept top-k checkpoints, best first (ties: earlier first). */
  rankedCheckpoints(): readonly RankedCheckpoint[] {
    return this.#ranked;
  }

  summary(): Readonly<Record<string, JsonValue>> {
    return {
      best_model_path: this.#bestPath ?? null,
      best_model_score: this.bestModelScore() ?? null,
      last_model_path: this.#lastPath ?? null,
    };
  }

  async #rank(context: TrainerContext): Promise<void> {
    const { monitor, mode, save_top_k: topK } = this.options;
    if (monitor === null || topK === 0) return;
    const score = context.metrics[monitor];
    if (score === undefined) {
      const available = Object.keys(context.metrics).sort().join(', ') || '(none)';
      this.#warnOnce(
        context,
        `missing:${monitor}`,
        `model_checkpoint: monitored metric "${monitor}" was not logged (available: ${available}); only the last checkpoint is saved`,
      );
      return;
    }
    if (!Number.isFinite(score)) {
      context.logger.warn(`model_checkpoint: ${monitor} = ${score} at epoch ${context.epoch} is not ranked`);
      return;
    }
    const worst = this.#ranked.at(-1);
    const full = topK !== -1 && this.#ranked.length >= topK;
    if (full && worst !== undefined && !isBetter(score, worst.score, mode)) return;

    const dirpath = this.dirpath(context);
    const values = { ...context.metrics, epoch: context.epoch, step: context.globalStep };
    this.#warnAboutMissingPlaceholders(context, values);
    const candidate: RankedCheckpoint = {
      path: join(dirpath, this.#uniqueName(this.#filename.format(values))),
      score,
      epoch: context.epoch,
      step: context.globalStep,
    };
    await context.saveCheckpoint(candidate.path);
    const position = this.#ranked.findIndex((kept) => isBetter(score, kept.score, mode));
    this.#ranked.splice(position === -1 ? this.#ranked.length : position, 0, candidate);
    if (topK !== -1) {
      for (const dropped of this.#ranked.splice(topK)) {
        await rm(dropped.path, { recursive: true, force: true });
      }
    }
    if (this.#best === undefined || isBetter(score, this.#best.score, mode)) {
      const bestPath = join(dirpath, BEST);
      await context.saveCheckpoint(bestPath);
      this.#best = candidate;
      this.#bestPath = bestPath;
      context.logger.info(`model_checkpoint: new best ${monitor} = ${score} at epoch ${context.epoch}`);
    }
  }

  async #saveLast(context: TrainerContext): Promise<void> {
    if (!this.options.save_last || this.#lastSavedEpoch === context.epoch) return;
    const path = join(this.dirpath(context), LAST);
    await context.saveCheckpoint(path);
    this.#lastPath = path;
    this.#lastSavedEpoch = context.epoch;
  }

  /** Lightning appends `-v1`, `-v2`… when a formatted name is taken; `best` and `last` are reserved. */
  #uniqueName(name: string): string {
    const taken = new Set([BEST, LAST, ...this.#ranked.map((kept) => kept.path.split(/[/\\]/).at(-1))]);
    let unique = name;
    for (let version = 1; taken.has(unique); version++) unique = `${name}-v${version}`;
    return unique;
  }

  #warnAboutMissingPlaceholders(context: TrainerContext, values: Readonly<Record<string, number>>): void {
    for (const name of this.#filename.placeholders) {
      if (values[name] === undefined) {
        this.#warnOnce(
          context,
          `placeholder:${name}`,
          `model_checkpoint: filename placeholder {${name}} names no logged metric; it is written as NaN`,
        );
      }
    }
  }

  #warnOnce(context: TrainerContext, key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    context.logger.warn(message);
  }
}

function assertOptions(options: ResolvedModelCheckpointOptions): void {
  const problems: string[] = [];
  if (!isMonitorMode(options.mode))
    problems.push(`mode must be "max" or "min", got "${String(options.mode)}"`);
  if (!Number.isInteger(options.save_top_k) || options.save_top_k < -1) {
    problems.push(`save_top_k must be an integer >= -1, got ${options.save_top_k}`);
  }
  if (!Number.isInteger(options.every_n_epochs) || options.every_n_epochs < 1) {
    problems.push(`every_n_epochs must be an integer >= 1, got ${options.every_n_epochs}`);
  }
  if (problems.length > 0) {
    throw new ClsError('CONFIG_INVALID', `callbacks.model_checkpoint: ${problems.join('; ')}`);
  }
}
