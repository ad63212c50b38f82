import type { Callback, TrainBatchInfo, TrainerContext } from '@nextplay/cls-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingTrainerContext, runEpochs, type RecordingTrainerContext } from '../src/index.js';

/** Writes down each hook with what the context showed at that moment; stops at `stopAtEpoch`. */
class HookTrace implements Callback {
  readonly name = 'hook_trace';
  readonly events: string[] = [];
  readonly batches: TrainBatchInfo[] = [];
  readonly #stopAtEpoch: number | undefined;

  constructor(stopAtEpoch?: number) {
    this.#stopAtEpoch = stopAtEpoch;
  }

  #note(hook: string, context: TrainerContext): void {
    const metrics = Object.keys(context.metrics).sort().join(',');
    this.events.push(
      `${hook} e${context.epoch} s${context.globalStep} n${context.batchesInLoop} [${metrics}]`,
    );
  }

  onTrainEpochStart(context: TrainerContext): void {
    this.#note('trainStart', context);
  }
  onTrainBatchEnd(context: TrainerContext, batch: TrainBatchInfo): void {
    this.batches.push(batch);
    this.#note(`batch lr=${context.lr}`, context);
  }
  onValidationStart(context: TrainerContext): void {
    this.#note('valStart', context);
  }
  onValidationBatchEnd(context: TrainerContext, index: number): void {
    this.#note(`valBatch ${index}`, context);
  }
  onValidationEnd(context: TrainerContext): void {
    this.#note('valEnd', context);
  }
  onTrainEpochEnd(context: TrainerContext): void {
    this.#note('trainEnd', context);
    if (context.epoch === this.#stopAtEpoch) context.requestStop('trace asked to stop');
  }
}

let context: RecordingTrainerContext;

beforeEach(async () => {
  context = await createRecordingTrainerContext({ stepsPerEpoch: 2 });
});

afterEach(() => context.dispose());

describe('runEpochs', () => {
  it('fires the hooks in the engine order, logging train metrics before validation and val metrics after', async () => {
    const trace = new HookTrace();
    const stopped = await runEpochs(trace, context, [{ 'train/loss': 0.5, 'val/acc': 0.7 }, {}], {
      validationBatches: 2,
      lrAt: (step) => 1 / (step + 1),
    });

    expect(stopped).toBeUndefined();
    expect(trace.events).toEqual([
      'trainStart e0 s0 n2 []',
      'batch lr=1 e0 s1 n2 []',
      'batch lr=0.5 e0 s2 n2 []',
      'valStart e0 s2 n2 [train/loss]',
      'valBatch 0 e0 s2 n2 [train/loss]',
      'valBatch 1 e0 s2 n2 [train/loss]',
      'valEnd e0 s2 n2 [train/loss,val/acc]',
      'trainEnd e0 s2 n2 [train/loss,val/acc]',
      'trainStart e1 s2 n2 [train/loss,val/acc]',
      'batch lr=0.3333333333333333 e1 s3 n2 [train/loss,val/acc]',
      'batch lr=0.25 e1 s4 n2 [train/loss,val/acc]',
      'trainEnd e1 s4 n2 [train/loss,val/acc]',
    ]);
    expect(trace.batches.map((b) => [b.index, b.loss, b.size])).toEqual([
      [0, 0.5, 32],
      [1, 0.5, 32],
      [0, 0, 32],
      [1, 0, 32],
    ]);
    expect(context.logged).toEqual([]);
  });

  it('stops after the epoch in which a stop was requested, and can start at a later epoch', async () => {
    const trace = new HookTrace(6);
    const epochs = [{ 'val/acc': 0.1 }, { 'val/acc': 0.2 }, { 'val/acc': 0.3 }];
    expect(await runEpochs(trace, context, epochs, { firstEpoch: 5, batches: 0 })).toBe(6);
    expect(trace.events.filter((e) => e.startsWith('trainEnd'))).toEqual([
      'trainEnd e5 s0 n1 [val/acc]',
      'trainEnd e6 s0 n1 [val/acc]',
    ]);
    expect(context.metrics).toEqual({ 'val/acc': 0.2 });
    expect(context.stage).toBe('fit');
  });

  it('sets validationPredictions from predictionsAt before onValidationEnd of an epoch that validates', async () => {
    const seen: (number | undefined)[] = [];
    const predictionsAt = (epoch: number) => ({
      split: 'val' as const,
      epoch,
      predicted: Int32Array.of(epoch, 1),
      targets: Int32Array.of(0, 1),
      confidence: Float32Array.of(0.5, 0.9),
    });
    await runEpochs(
      {
        onValidationEnd: (c: TrainerContext) => {
          seen.push(c.validationPredictions?.epoch);
        },
      },
      context,
      [{ 'val/acc': 1 }, {}, { 'val/acc': 0.5 }],
      { batches: 0, predictionsAt },
    );
    expect(seen).toEqual([0, 2]);
    expect([...(context.validationPredictions?.predicted ?? [])]).toEqual([2, 1]);
  });
});
