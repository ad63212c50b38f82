import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  ClsError,
  type ClassifierModel,
  type ClsConfig,
  type DataModule,
  type LrScheduler,
  type ModuleState,
  type Optimizer,
  type TrainableParameter,
} from '@nextplay/cls-core';
import { resolveCheckpointDir } from '../checkpoint/checkpointSiblings.js';
import { loadCheckpointWeights, loadResumeState } from '../checkpoint/loadCheckpoint.js';
import { RESUME_TENSOR_PREFIX, tensorsUnder, type ResumeState } from '../checkpoint/resumeState.js';
import type { CallbackList } from './callbackList.js';
import type { GradScaler } from './gradScaler.js';

/** Where the model-checkpoint callback writes by default, and where `ckpt_path=last|best` look. */
export function defaultCheckpointDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

export interface CkptPathOptions {
  /** What relative checkpoint directories are relative to; default the process's working directory. */
  readonly cwd?: string;
  /** Said when `last`/`best` do not exist: how to point at the right run directory. */
  readonly missingHint: string;
}

/**
 * `ckpt_path`: `last` and `best` name the run directory's checkpoints, and must exist (a CHECKPOINT_NOT_FOUND error
 * with `missingHint` otherwise); anything else is a checkpoint directory, checked when it is read.
 */
export async function resolveCkptPath(
  ckptPath: string,
  runDir: string,
  options: CkptPathOptions,
): Promise<string> {
  if (ckptPath !== 'last' && ckptPath !== 'best') {
    return isAbsolute(ckptPath) ? ckptPath : resolve(options.cwd ?? process.cwd(), ckptPath);
  }
  const path = join(defaultCheckpointDir(runDir), ckptPath);
  if (!existsSync(await resolveCheckpointDir(path))) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `ckpt_path=${ckptPath}: ${path} does not exist`, {
      hint: options.missingHint,
    });
  }
  return path;
}

/** Where training continues from, and what the trainer needs to pick up there. */
export interface ResumePoint {
  readonly path: string;
  readonly state: ResumeState;
  readonly globalStep: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface RestoreTargets {
  readonly config: ClsConfig;
  readonly data: DataModule;
  readonly model: ClassifierModel;
  readonly parameters: readonly TrainableParameter[];
  readonly optimizer: Optimizer;
  readonly scheduler: LrScheduler;
  readonly callbacks: CallbackList;
  /** The run's loss scaling under `16-mixed`; a checkpoint of a float32 run leaves it at its initial scale. */
  readonly gradScaler?: GradScaler | undefined;
}

/**
 * Restores everything a checkpoint written by `fit` holds: model weights (the live ones when the checkpoint's
 * model weights are averaged), optimizer moments, scheduler, grad scaler and callback states. The position
 * (epoch, batch) and metrics come back in the returned `ResumePoint` for the trainer.
 */
export async function restoreFromCheckpoint(path: string, targets: RestoreTargets): Promise<ResumePoint> {
  const { config, data, model } = targets;
  const loaded = await loadResumeState(path);
  const { trainerState, resume, tensors } = loaded;
  try {
    if (resume.seed !== config.seed) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `checkpoint ${path} was trained with seed=${resume.seed}, this run has seed=${config.seed}; resume with seed=${resume.seed}`,
      );
    }
    if (trainerState.classes.join('\n') !== data.classes.join('\n')) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `checkpoint ${path} was trained on classes [${trainerState.classes.join(', ')}], dataset ${config.data.name} has [${data.classes.join(', ')}]`,
      );
    }
    await loadCheckpointWeights(model, path);
    const live = tensorsUnder(tensors, RESUME_TENSOR_PREFIX.liveWeights);
    if (Object.keys(live).length > 0) {
      const values = model.weights.map((_, i) => live[String(i)]);
      if (values.some((t) => t === undefined)) {
        throw new ClsError('CHECKPOINT_INVALID', `checkpoint ${path}: the live model weights are incomplete`);
      }
      model.setWeights(values as tf.Tensor[]);
    }
    targets.optimizer.loadStateDict(targets.parameters, {
      json: resume.optimizer,
      tensors: tensorsUnder(tensors, RESUME_TENSOR_PREFIX.optimizer),
    });
    targets.scheduler.loadStateDict?.(resume.scheduler);
    if (resume.grad_scaler !== undefined) targets.gradScaler?.loadStateDict(resume.grad_scaler);
    const callbackStates = new Map<string, ModuleState>();
    for (const [name, json] of Object.entries(resume.callbacks)) {
      callbackStates.set(name, { json, tensors: tensorsUnder(tensors, RESUME_TENSOR_PREFIX.callback(name)) });
    }
    targets.callbacks.loadStateDicts(callbackStates);
    return { path, state: resume, globalStep: trainerState.global_step, metrics: trainerState.metrics };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
