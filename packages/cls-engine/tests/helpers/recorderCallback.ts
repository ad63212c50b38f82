import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  definePlugin,
  type Callback,
  type CallbackHookName,
  type ModuleState,
  type TrainBatchInfo,
  type TrainerContext,
} from '@nextplay/cls-core';

export interface RecorderOptions {
  readonly stop_after_epoch?: number;
  readonly fail_in?: CallbackHookName;
  readonly on_batch_end?: () => void;
  /** Record `onTrainBatchEnd` calls as `onTrainBatchEnd:<epoch>:<index>:<loss>` too. */
  readonly record_batches?: boolean;
}

/** Records every hook it sees, logs a metric, checkpoints the best val/acc, and can stop or fail on request. */
export class Recorder implements Callback {
  readonly name = 'recorder';
  readonly hooks: string[] = [];
  readonly tensorsAtEpochEnd: number[] = [];
  readonly batches: string[] = [];
  readonly #options: RecorderOptions;
  #best = -Infinity;
  #bestPath: string | undefined;

  constructor(options: RecorderOptions) {
    this.#options = options;
  }

  #record(hook: CallbackHookName): void {
    this.hooks.push(hook);
    if (this.#options.fail_in === hook) throw new Error('recorder failed on purpose');
  }

  onFitStart(): void {
    this.#record('onFitStart');
  }
  onTrainEpochStart(): void {
    this.#record('onTrainEpochStart');
  }
  onTrainBatchEnd(context: TrainerContext, batch: TrainBatchInfo): void {
    this.#record('onTrainBatchEnd');
    if (this.#options.record_batches === true) {
      this.batches.push(`${context.epoch}:${batch.index}:${batch.loss}:${context.lr}`);
    }
    this.#options.on_batch_end?.();
  }
  onTrainEpochEnd(context: TrainerContext): void {
    this.#record('onTrainEpochEnd');
    context.log('recorder/lr', context.lr);
    this.tensorsAtEpochEnd.push(tf.memory().numTensors);
  }
  onValidationStart(): void {
    this.#record('onValidationStart');
  }
  onValidationBatchEnd(): void {
    this.#record('onValidationBatchEnd');
  }
  async onValidationEnd(context: TrainerContext): Promise<void> {
    this.#record('onValidationEnd');
    const score = context.metrics['val/acc'] ?? -Infinity;
    if (score > this.#best) {
      this.#best = score;
      this.#bestPath = join(context.runDir, 'checkpoints', 'best');
      await context.saveCheckpoint(this.#bestPath);
    }
    if (this.#options.stop_after_epoch === context.epoch) context.requestStop('recorder asked to stop');
  }
  onFitEnd(): void {
    this.#record('onFitEnd');
  }
  onTestStart(): void {
    this.#record('onTestStart');
  }
  onTestBatchEnd(): void {
    this.#record('onTestBatchEnd');
  }
  onTestEnd(): void {
    this.#record('onTestEnd');
  }
  onRunEnd(): void {
    this.#record('onRunEnd');
  }
  onException(): void {
    this.hooks.push('onException');
  }
  bestModelPath(): string | undefined {
    return this.#bestPath;
  }
  stateDict(): ModuleState {
    return {
      json: { best: this.#best === -Infinity ? null : this.#best, best_path: this.#bestPath ?? null },
    };
  }
  loadStateDict(state: ModuleState): void {
    const json = state.json as { best: number | null; best_path: string | null };
    this.#best = json.best ?? -Infinity;
    this.#bestPath = json.best_path ?? undefined;
  }
  summary() {
    return { best_model_score: this.#best, recorder_hooks: this.hooks.length };
  }
}

/** The plugin hands out the instance in `recorders` so tests can inspect it. */
export function recorderPlugin(recorders: Recorder[]) {
  return definePlugin<'callback', RecorderOptions>({
    kind: 'callback',
    name: 'recorder',
    package: 'engine-tests',
    description: 'Records hooks for tests.',
    optionsSchema: { type: 'object', properties: {}, additionalProperties: true },
    create: (options) => {
      const recorder = new Recorder(options);
      recorders.push(recorder);
      return recorder;
    },
  });
}
