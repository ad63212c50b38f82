import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ClsError,
  isBetter,
  isMonitorMode,
  type Callback,
  type JsonValue,
  type ModuleState,
  type TrainerContext,
} from '@nextplay/cls-core';
import { parseCheckpointFilename, type CheckpointFilename } from './checkpointFilename.js';
import {
  modelCheckpointStateFromJson,
  modelCheckpointStateToJson,
  type ModelCheckpointState,
  type RankedCheckpoint,
} from './modelCheckpointState.js';
import {
  resolveModelCheckpointOptions,
  type ModelCheckpointOptions,
  type ResolvedModelCheckpointOptions,
} from './modelCheckpointOptions.js';

const BEST = 'best';
const LAST = 'last';

/**
 * Lightning's ModelCheckpoint. After each validation of `fit` it ranks the monitored metric, keeps the top-k
 * checkpoints under their formatted names (deleting those that drop out) and mirrors the best one at
 * `<dirpath>/best`. With `save_last` it writes `<dirpath>/last` after every validation and at the end of every
 * training epoch, once per optimizer step: validation at an epoch's end and `onTrainEpochEnd` share one save
 * (the weights are the same), and an epoch without validation still gets its last checkpoint.
 *
 * Every checkpoint it writes carries its state (ranking, best, last) as of that checkpoint, so a run resumed from
 * one keeps ranking the checkpoints kept before the interruption.
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
  #lastSavedStep: number | undefined;
  /** Where the checkpoints above are: set by `loadStateDict`, `onFitStart` and every save. */
  #dirpathInUse: string | undefined;
  /** Set by `loadStateDict`, checked and cleared by the next `onFitStart`. */
  #resumedFrom: ModelCheckpointState | undefined;
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

  /**
   * A fresh fit starts with no checkpoints; a resumed one (`loadStateDict` before) keeps the loaded ranking, unless
   * it writes to another directory: then it starts over rather than delete another run's checkpoints later.
   */
  onFitStart(context: TrainerContext): void {
    const resumed = this.#resumedFrom;
    this.#resumedFrom = undefined;
    const dirpath = this.dirpath(context);
    if (resumed !== undefined) {
      if (resumed.dirpath === undefined || resumed.dirpath === dirpath) return;
      context.logger.warn(
        `model_checkpoint: the checkpoint comes from a run saving to ${resumed.dirpath}, this one saves to ${dirpath}; the ranking starts over`,
      );
    }
    this.#dirpathInUse = dirpath;
    this.#ranked = [];
    this.#best = undefined;
    this.#bestPath = undefined;
    this.#lastPath = undefined;
    this.#lastSavedStep = undefined;
  }

  async onValidationEnd(context: TrainerContext): Promise<void> {
    if (context.stage !== 'fit') return;
    // State first, as in Lightning: every checkpoint written now carries a state that includes all of them.
    const last = this.#markLastIfDue(context);
    const ranked =
      (context.epoch + 1) % this.options.every_n_epochs === 0 ? await this.#rank(context) : undefined;
    if (last === undefined) return;
    if (ranked === undefined) await context.saveCheckpoint(last);
    else await context.linkCheckpoint(ranked, last);
  }

  async onTrainEpochEnd(context: TrainerContext): Promise<void> {
    if (context.stage !== 'fit') return;
    const last = this.#markLastIfDue(context);
    if (last !== undefined) await context.saveCheckpoint(last);
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

  /**
   * The ranking, best and last checkpoints and their directory (Lightning's state_dict). Checkpoints written by
   * this callback carry it as it is once they are written: they are in the ranking, best and last they report.
   */
  stateDict(): ModuleState {
    return {
      json: modelCheckpointStateToJson({
        dirpath: this.#dirpathInUse,
        ranked: this.#ranked,
        best: this.#best,
        bestPath: this.#bestPath,
        lastPath: this.#lastPath,
        lastSavedStep: this.#lastSavedStep,
      }),
    };
  }

  /** Takes `stateDict`'s state back, before `onFitStart`; throws CHECKPOINT_INVALID when it is malformed. */
  loadStateDict(state: ModuleState): void {
    const loaded = modelCheckpointStateFromJson(state.json);
    this.#dirpathInUse = loaded.dirpath;
    this.#ranked = [...loaded.ranked];
    this.#best = loaded.best;
    this.#bestPath = loaded.bestPath;
    this.#lastPath = loaded.lastPath;
    this.#lastSavedStep = loaded.lastSavedStep;
    this.#resumedFrom = loaded;
  }

  summary(): Readonly<Record<string, JsonValue>> {
    return {
      best_model_path: this.#bestPath ?? null,
      best_model_score: this.bestModelScore() ?? null,
      last_model_path: this.#lastPath ?? null,
    };
  }

  /** Ranks this validation; the path of the checkpoint it saved, if the score made the top k. */
  async #rank(context: TrainerContext): Promise<string | undefined> {
    const { monitor, mode, save_top_k: topK } = this.options;
    if (monitor === null || topK === 0) return undefined;
    const score = context.metrics[monitor];
    if (score === undefined) {
      const available = Object.keys(context.metrics).sort().join(', ') || '(none)';
      this.#warnOnce(
        context,
        `missing:${monitor}`,
        `model_checkpoint: monitored metric "${monitor}" was not logged (available: ${available}); only the last checkpoint is saved`,
      );
      return undefined;
    }
    if (!Number.isFinite(score)) {
      context.logger.warn(`model_checkpoint: ${monitor} = ${score} at epoch ${context.epoch} is not ranked`);
      return undefined;
    }
    const worst = this.#ranked.at(-1);
    const full = topK !== -1 && this.#ranked.length >= topK;
    if (full && worst !== undefined && !isBetter(score, worst.score, mode)) return undefined;

    const dirpath = this.dirpath(context);
    const values = { ...context.metrics, epoch: context.epoch, step: context.globalStep };
    this.#warnAboutMissingPlaceholders(context, values);
    const candidate: RankedCheckpoint = {
      path: join(dirpath, this.#uniqueName(this.#filename.format(values))),
      score,
      epoch: context.epoch,
      step: context.globalStep,
    };
    // State first, as in Lightning: the checkpoints written below carry a state that includes them.
    this.#dirpathInUse = dirpath;
    const position = this.#ranked.findIndex((kept) => isBetter(score, kept.score, mode));
    this.#ranked.splice(position === -1 ? this.#ranked.length : position, 0, candidate);
    const dropped = topK === -1 ? [] : this.#ranked.splice(topK);
    const newBest = this.#best === undefined || isBetter(score, this.#best.score, mode);
    if (newBest) {
      this.#best = candidate;
      this.#bestPath = join(dirpath, BEST);
    }
    await context.saveCheckpoint(candidate.path);
    if (newBest) {
      await context.linkCheckpoint(candidate.path, join(dirpath, BEST));
      context.logger.info(`model_checkpoint: new best ${monitor} = ${score} at epoch ${context.epoch}`);
    }
    for (const checkpoint of dropped) await rm(checkpoint.path, { recursive: true, force: true });
    return candidate.path;
  }

  /**
   * Records that `last` is written at this step and returns its path, when due: once per optimizer step, so
   * validation at an epoch's end and `onTrainEpochEnd` share one save, and a mid-epoch validation
   * (val_check_interval) gets its own.
   */
  #markLastIfDue(context: TrainerContext): string | undefined {
    if (!this.options.save_last || this.#lastSavedStep === context.globalStep) return undefined;
    this.#dirpathInUse = this.dirpath(context);
    this.#lastPath = join(this.#dirpathInUse, LAST);
    this.#lastSavedStep = context.globalStep;
    return this.#lastPath;
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
