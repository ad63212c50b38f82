import {
  ClsError,
  isMonitorMode,
  type Callback,
  type JsonValue,
  type ModuleState,
  type TrainerContext,
} from '@nextplay/cls-core';
import { earlyStoppingStateFromJson, earlyStoppingStateToJson } from './earlyStoppingState.js';
import {
  resolveEarlyStoppingOptions,
  type EarlyStoppingOptions,
  type ResolvedEarlyStoppingOptions,
} from './earlyStoppingOptions.js';
import { evaluateStopping, initialStoppingState, type StoppingState } from './stoppingCriteria.js';

/**
 * Lightning's EarlyStopping: after each validation of `fit`, checks the monitored metric and asks the trainer to
 * stop when it has not improved by more than `min_delta` for `patience` checks, is not finite, or crosses a
 * threshold.
 */
export class EarlyStopping implements Callback {
  readonly name = 'early_stopping';
  readonly options: ResolvedEarlyStoppingOptions;
  #state: StoppingState;
  #stoppedEpoch: number | undefined;
  /** Set by `loadStateDict` so that the next `onFitStart` keeps the loaded state. */
  #resumed = false;
  #warnedMissing = false;

  constructor(options: Readonly<EarlyStoppingOptions> = {}) {
    this.options = resolveEarlyStoppingOptions(options);
    assertOptions(this.options);
    this.#state = initialStoppingState(this.options.mode);
  }

  /** Best monitored value so far, or undefined before the first improvement. */
  get bestScore(): number | undefined {
    return Number.isFinite(this.#state.bestScore) ? this.#state.bestScore : undefined;
  }

  /** Validation checks since the last improvement. */
  get wait(): number {
    return this.#state.wait;
  }

  /** 0-based epoch in which this callback stopped training, if it did. */
  get stoppedEpoch(): number | undefined {
    return this.#stoppedEpoch;
  }

  /** A fresh fit starts over; a resumed one (`loadStateDict` before) goes on from the loaded state. */
  onFitStart(): void {
    if (this.#resumed) {
      this.#resumed = false;
      return;
    }
    this.#state = initialStoppingState(this.options.mode);
    this.#stoppedEpoch = undefined;
  }

  onValidationEnd(context: TrainerContext): void {
    if (context.stage !== 'fit') return;
    const { monitor } = this.options;
    const current = context.metrics[monitor];
    if (current === undefined) {
      this.#missingMonitor(context);
      return;
    }
    const decision = evaluateStopping(this.#state, current, this.options);
    this.#state = { bestScore: decision.bestScore, wait: decision.wait };
    if (decision.stopReason === undefined) return;
    this.#stoppedEpoch = context.epoch;
    context.logger.info(`early_stopping: ${decision.stopReason}; stopping after epoch ${context.epoch}`);
    context.requestStop(decision.stopReason);
  }

  /** Best score, checks since it and the stopped epoch (Lightning's state_dict). */
  stateDict(): ModuleState {
    return {
      json: earlyStoppingStateToJson({ ...this.#state, stoppedEpoch: this.#stoppedEpoch }, this.options.mode),
    };
  }

  /** Takes `stateDict`'s state back, before `onFitStart`; throws CHECKPOINT_INVALID when it is malformed. */
  loadStateDict(state: ModuleState): void {
    const { bestScore, wait, stoppedEpoch } = earlyStoppingStateFromJson(state.json, this.options.mode);
    this.#state = { bestScore, wait };
    this.#stoppedEpoch = stoppedEpoch;
    this.#resumed = true;
  }

  summary(): Readonly<Record<string, JsonValue>> {
    return { stopped_epoch: this.#stoppedEpoch ?? null, early_stopping_best_score: this.bestScore ?? null };
  }

  #missingMonitor(context: TrainerContext): void {
    const available = Object.keys(context.metrics).sort().join(', ') || '(none)';
    const message = `early_stopping monitors "${this.options.monitor}", which was not logged; available metrics: ${available}`;
    if (this.options.strict) {
      throw new ClsError('CONFIG_INVALID', message, {
        hint: 'set callbacks.early_stopping.monitor to one of them, or strict=false to only warn',
      });
    }
    if (this.#warnedMissing) return;
    this.#warnedMissing = true;
    context.logger.warn(`${message}; early stopping is inactive until it is`);
  }
}

function assertOptions(options: ResolvedEarlyStoppingOptions): void {
  const problems: string[] = [];
  if (!isMonitorMode(options.mode))
    problems.push(`mode must be "max" or "min", got "${String(options.mode)}"`);
  if (!Number.isInteger(options.patience) || options.patience < 0) {
    problems.push(`patience must be an integer >= 0, got ${options.patience}`);
  }
  if (!(options.min_delta >= 0)) problems.push(`min_delta must be >= 0, got ${options.min_delta}`);
  if (problems.length > 0) {
    throw new ClsError('CONFIG_INVALID', `callbacks.early_stopping: ${problems.join('; ')}`);
  }
}
