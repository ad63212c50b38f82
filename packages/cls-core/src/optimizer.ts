import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from './configSchema.js';
import type { ModuleState } from './state.js';

export interface TrainableParameter {
  readonly variable: Variable;
  /** False for biases and batch-norm parameters, which get no weight decay. */
  readonly decay: boolean;
}

/**
 * An optimizer owned by the engine: the learning rate is passed on every step, so schedulers can change it.
 * Implementations must not leak tensors: everything they allocate per step is disposed.
 */
export interface Optimizer {
  readonly name: string;
  step(parameters: readonly TrainableParameter[], gradients: readonly Tensor[], lr: number): void;
  /**
   * Step count and per-parameter buffers (momentum, moments), the tensors named `<parameter index>/<buffer>`
   * by the parameter's position in `parameters`, so a rebuilt model can take them back.
   */
  stateDict(parameters: readonly TrainableParameter[]): ModuleState;
  /** Restores `stateDict`'s output for the same parameter list; throws a ClsError when it does not fit. */
  loadStateDict(parameters: readonly TrainableParameter[], state: ModuleState): void;
  dispose(): void;
}

export type OptimizerOptions = OptimizerConfig;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- optimizers need no context yet
export interface OptimizerContext {}
