import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ClsError,
  SKIPPED_IMAGES_CSV,
  formatImageSize,
  skippedImagesCsv,
  type Callback,
  type ClassifierModel,
  type ClsConfig,
  type Logger,
  type ModelHead,
  type Optimizer,
  type PluginRegistry,
} from '@nextplay/cls-core';
import { selectBackend, type SelectedBackend } from '../backends/selectBackend.js';
import { assertTrainingStepFits } from './trainingStepMemory.js';
import { batchCount, limitBatches } from './batchLimit.js';
import { CallbackList } from './callbackList.js';
import { writeClassesJson } from './classesJson.js';
import { resolveClassWeights } from './classWeights.js';
import { GradScaler } from './gradScaler.js';
import { resolveCkptPath, restoreFromCheckpoint, type ResumePoint } from './resumeRun.js';
import { trainableParameters } from './steps.js';
import { Trainer, type RunResults } from './trainer.js';
import { applyTrainingPrecision, type TrainingPrecision } from './trainingPrecision.js';

export type { RunResults } from './trainer.js';

export interface FitOptions {
  readonly config: ClsConfig;
  readonly registry: PluginRegistry;
  /** Where metrics.csv, results.json and (by default) checkpoints go; created if missing. */
  readonly runDir: string;
  readonly logger: Logger;
  /**
   * Aborting (Ctrl-C) finishes the current optimizer step, writes `<runDir>/checkpoints/last` (from which
   * `ckpt_path=last` resumes exactly there), then ends the run without validating or testing: `onFitEnd`
   * fires, metrics.csv gets the partial epoch, and `fit` resolves with `interrupted: true`.
   */
  readonly signal?: AbortSignal;
}

/**
 * Trains, validates and tests a classifier as `config` describes; the engine's counterpart of Lightning's
 * `Trainer.fit` + `test`. With `ckpt_path` (last | best | a checkpoint directory) the run resumes from that
 * checkpoint: weights, optimizer moments, scheduler, callbacks, epoch and position in the epoch.
 * `trainer.precision=16-mixed` trains with float16 convolutions and matrix products and dynamic loss scaling on a
 * backend that has float16 kernels, in float32 elsewhere; `trainer.benchmark` lets a GPU backend time its
 * candidate kernels per shape and keep the fastest.
 */
export async function fit(options: FitOptions): Promise<RunResults> {
  const { config, registry, logger } = options;
  const backend = await selectBackend(config.trainer.accelerator, registry, logger, {
    threads: config.trainer.num_threads,
    benchmark: config.trainer.benchmark,
  });
  const precision = applyTrainingPrecision(config.trainer.precision, backend, logger);
  try {
    return await fitOn(backend, precision, options);
  } finally {
    // The kernels' precision and choice are global to the process: a later run starts from the defaults.
    backend.setMixedPrecision(false);
    backend.setKernelBenchmark(false);
  }
}

/** `fit` once the backend is active and computes in `precision`. */
async function fitOn(
  backend: SelectedBackend,
  precision: TrainingPrecision,
  options: FitOptions,
): Promise<RunResults> {
  const { config, registry, runDir, logger } = options;
  await mkdir(runDir, { recursive: true });

  const seed = config.seed;
  const headName = config.model.head ?? 'linear';
  const head = await registry.create('head', headName, {}, { logger });
  // Before the data loads, so that a callback's bad options are reported at once.
  const callbackInstances: Callback[] = [];
  for (const [name, callbackOptions] of Object.entries(config.callbacks)) {
    if (callbackOptions === null) continue;
    callbackInstances.push(await registry.create('callback', name, callbackOptions, { logger }));
  }
  const callbacks = new CallbackList(callbackInstances, logger);
  const data = await registry.create('dataset', config.data.name, config.data, {
    logger,
    seed,
    // Val and test may hold classes train lacks: a digit head reads them, a linear head has untrained outputs for
    // them and scores 0 on them (test/acc_unseen), which is worth measuring rather than refusing.
    unseenClasses: true,
    ...(head.mirrorChangesClass ? { noMirroring: true } : {}),
    ...(config.transforms === undefined ? {} : { transforms: config.transforms }),
    createTransform: (name, transformOptions, context) =>
      registry.create('transform', name, transformOptions, context),
  });
  if (data.skippedImages !== undefined) {
    await writeFile(join(runDir, SKIPPED_IMAGES_CSV), skippedImagesCsv(data.skippedImages));
  }
  head.checkClasses(data.classes);
  const untrained = data.classes.filter((_, c) => (data.train.classCounts[c] ?? 0) === 0);
  if (untrained.length > 0 && !head.readsUnseenClasses) {
    logger.warn(
      `model.head=${head.name} cannot learn the ${untrained.length} class${untrained.length === 1 ? '' : 'es'} without training images: ` +
        'its accuracy on them (test/acc_unseen) is 0; model.head=digits or sequence reads jersey numbers digit by digit',
    );
  }
  await writeClassesJson(runDir, data.classes);
  const numClasses = config.model.num_classes ?? data.classes.length;
  if (numClasses < data.classes.length) {
    throw new ClsError(
      'CONFIG_INVALID',
      `model.num_classes=${numClasses} is smaller than the ${data.classes.length} classes of dataset ${config.data.name}`,
    );
  }
  const classWeights = resolveClassWeights(config.model.class_weights, data.train.classCounts, numClasses);
  if (classWeights !== undefined) {
    logger.info(
      `class weights (${config.model.class_weights === 'auto' ? 'auto' : 'model.class_weights'}): ` +
        classWeights.map((weight, c) => `${data.classes[c] ?? c}=${weight.toPrecision(3)}`).join(', '),
    );
  }
  const model = await registry.create('model', config.model.arch, config.model, {
    numClasses,
    imageSize: data.imageSize,
    channels: data.channels,
    logger,
    head,
  });
  checkModelOutputs(model, head, config.model.arch);
  logger.info(
    `model: ${config.model.arch} with a ${head.name} head (${head.outputNames.join(', ')}), ` +
      `${trainableParameterCount(model).toLocaleString('en-US')} trainable parameters, ` +
      `${numClasses} classes, input ${formatImageSize(data.imageSize)}x${data.channels}`,
  );
  let optimizer: Optimizer | undefined;
  try {
    assertTrainingStepFits({
      model,
      batchSize: config.data.batch_size,
      imageSize: data.imageSize,
      backend: backend.name,
      limitBytes: backend.memoryLimitBytes,
    });
    optimizer = await registry.create('optimizer', config.optimizer.name, config.optimizer, {});
    const accumulate = accumulateGradBatches(config);
    const trainBatches = batchCount(data.train.size, config.data.batch_size);
    const batchesPerEpoch = limitBatches(
      config.trainer.limit_train_batches,
      trainBatches,
      'limit_train_batches',
    );
    // Optimizer steps: one per accumulation group, the last (partial) group of an epoch included.
    const stepsPerEpoch = Math.ceil(batchesPerEpoch / accumulate);
    const scheduler = await registry.create('scheduler', config.scheduler.name, config.scheduler, {
      baseLr: config.optimizer.lr,
      stepsPerEpoch,
      maxEpochs: config.trainer.max_epochs,
      totalSteps: stepsPerEpoch * config.trainer.max_epochs,
    });
    const parameters = trainableParameters(model);
    const gradScaler = precision === '16-mixed' ? new GradScaler() : undefined;
    let resume: ResumePoint | undefined;
    if (config.ckpt_path !== null) {
      const checkpoint = await resolveCkptPath(config.ckpt_path, runDir, {
        missingHint:
          "resume in the interrupted run's directory: the same hydra.run.dir=<run dir> as that run",
      });
      resume = await restoreFromCheckpoint(checkpoint, {
        config,
        data,
        model,
        parameters,
        optimizer,
        scheduler,
        callbacks,
        gradScaler,
      });
    }
    const trainer = new Trainer({
      config,
      runDir,
      logger,
      model,
      parameters,
      data,
      numClasses,
      head,
      classWeights,
      optimizer,
      scheduler,
      callbacks,
      batchesPerEpoch,
      stepsPerEpoch,
      accumulate,
      gradScaler,
      signal: options.signal,
      resume,
    });
    const results: RunResults = {
      backend: backend.name,
      threads: backend.threads ?? null,
      adapter:
        backend.adapter === undefined
          ? null
          : {
              vendor: backend.adapter.vendor,
              device: backend.adapter.device,
              driver: backend.adapter.driver,
            },
      precision,
      requested_precision: config.trainer.precision,
      ...(await trainer.run()),
    };
    await writeFile(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    await callbacks.call('onRunEnd', trainer);
    return results;
  } finally {
    optimizer?.dispose();
    model.dispose();
  }
}

/** Lightning's `accumulate_grad_batches`: batches per optimizer step. */
function accumulateGradBatches(config: ClsConfig): number {
  const k = config.trainer.accumulate_grad_batches;
  if (!Number.isInteger(k) || k < 1) {
    throw new ClsError('CONFIG_INVALID', `trainer.accumulate_grad_batches must be an integer ≥ 1; got ${k}`);
  }
  return k;
}

/** A model plugin that ignores `ModelContext.head` gives outputs the head cannot read: say so before training. */
export function checkModelOutputs(model: ClassifierModel, head: ModelHead, arch: string): void {
  if (model.outputs.length !== head.outputNames.length) {
    model.dispose();
    throw new ClsError(
      'CONFIG_INVALID',
      `model.head=${head.name} needs ${head.outputNames.length} output${head.outputNames.length === 1 ? '' : 's'} (${head.outputNames.join(', ')}) but model ${arch} has ${model.outputs.length}: its plugin does not build the head`,
    );
  }
}

function trainableParameterCount(model: ClassifierModel): number {
  return model.trainableWeights.reduce(
    (sum, weight) => sum + weight.shape.reduce<number>((n, d) => n * (d ?? 1), 1),
    0,
  );
}
