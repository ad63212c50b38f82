import * as tf from '@tensorflow/tfjs-core';
import {
  SGD_STEP,
  definePlugin,
  type ModuleState,
  type Optimizer,
  type OptimizerOptions,
  type SgdStepAttrs,
  type TrainableParameter,
} from '@nextplay/cls-core';
import { ENGINE_PACKAGE } from '../enginePackage.js';
import {
  ParameterBuffers,
  assertParameterCount,
  assertSameLength,
  optionalNumber,
  readStateCounts,
} from './optimizerState.js';
import { activeBackendHasKernel } from '../backends/activeBackendHasKernel.js';

export interface SgdOptions {
  readonly lr: number;
  readonly weight_decay: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
}

/**
 * torch.optim.SGD: g = grad + wd·p (decayed parameters only); buf = momentum·buf + (1 − dampening)·g (buf = g on
 * the first step); g = nesterov ? g + momentum·buf : buf; p −= lr·g. Where the backend has cls-core's `SGD_STEP`
 * kernel (WebGPU), one kernel call updates every parameter, each in one pass.
 */
export class Sgd implements Optimizer {
  readonly name = 'sgd';
  readonly #options: SgdOptions;
  /** One momentum buffer per stepped parameter; none without momentum. */
  readonly #momentum: ParameterBuffers;

  constructor(options: SgdOptions) {
    if (options.nesterov && (options.momentum <= 0 || options.dampening !== 0)) {
      throw new Error('nesterov momentum requires momentum > 0 and dampening = 0');
    }
    this.#options = options;
    this.#momentum = new ParameterBuffers(options.momentum === 0 ? 0 : 1);
  }

  step(parameters: readonly TrainableParameter[], gradients: readonly tf.Tensor[], lr: number): void {
    assertSameLength(parameters, gradients);
    const { weight_decay: weightDecay, momentum, dampening, nesterov } = this.#options;
    const fused = activeBackendHasKernel(SGD_STEP);
    const stepped = parameters.flatMap(({ variable, decay }, i) => {
      const gradient = gradients[i];
      if (gradient === undefined) return [];
      const state = momentum === 0 ? undefined : this.#momentum.of(variable);
      return [{ variable, gradient, decay, state }];
    });
    if (fused) {
      if (stepped.length === 0) return;
      // One kernel call for every parameter: the backend may update several per pass.
      const attrs: SgdStepAttrs = {
        lr,
        momentum,
        dampening,
        nesterov,
        weightDecay: stepped.map(({ decay }) => (decay ? weightDecay : 0)),
        firstStep: stepped.map(({ state }) => state?.created ?? false),
      };
      const buffers = stepped.map(({ state }) => state?.buffers[0]);
      const inputs = stepped.flatMap(({ variable, gradient }, i) => {
        const buffer = buffers[i];
        return buffer === undefined ? [variable, gradient] : [variable, gradient, buffer];
      });
      const outputs = tf
        .engine()
        .runKernel<tf.Tensor[]>(SGD_STEP, inputs as unknown as tf.NamedTensorMap, attrs);
      const targets = stepped.flatMap(({ variable }, i) => {
        const buffer = buffers[i];
        return buffer === undefined ? [variable] : [variable, buffer];
      });
      targets.forEach((target, k) => {
        const value = outputs[k];
        if (value === undefined) throw new Error(`${SGD_STEP} returned too few tensors`);
        target.assign(value);
        value.dispose();
      });
      return;
    }
    for (const { variable, gradient, decay, state } of stepped) {
      tf.tidy(() => {
        let g: tf.Tensor =
          decay && weightDecay !== 0 ? tf.add(gradient, tf.mul(variable, weightDecay)) : gradient;
        if (state !== undefined) {
          const [buffer] = state.buffers as [tf.Variable];
          const next = state.created ? g : tf.add(tf.mul(buffer, momentum), tf.mul(g, 1 - dampening));
          buffer.assign(next);
          g = nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
        }
        variable.assign(tf.sub(variable, tf.mul(g, lr)));
      });
    }
  }

  /** The momentum buffers; a parameter without one takes its next step as its first (buf = g). */
  stateDict(parameters: readonly TrainableParameter[]): ModuleState {
    return { json: { parameters: parameters.length }, tensors: this.#momentum.tensors(parameters) };
  }

  loadStateDict(parameters: readonly TrainableParameter[], state: ModuleState): void {
    const { parameters: count } = readStateCounts(state.json, ['parameters'], this.name);
    assertParameterCount(count, parameters, this.name);
    this.#momentum.load(parameters, state.tensors ?? {}, this.name);
  }

  dispose(): void {
    this.#momentum.dispose();
  }
}

export const sgdPlugin = definePlugin<'optimizer', OptimizerOptions & Record<string, unknown>>({
  kind: 'optimizer',
  name: 'sgd',
  package: ENGINE_PACKAGE,
  description: 'Stochastic gradient descent with momentum and Nesterov, L2 weight decay (torch.optim.SGD).',
  optionsSchema: {
    type: 'object',
    properties: {
      momentum: { type: 'number', minimum: 0, default: 0.9 },
      dampening: { type: 'number', minimum: 0, default: 0 },
      nesterov: { type: 'boolean', default: false },
    },
    additionalProperties: false,
  },
  create: (options) =>
    new Sgd({
      lr: options.lr,
      weight_decay: options.weight_decay,
      momentum: optionalNumber(options, 'momentum', 0.9),
      dampening: optionalNumber(options, 'dampening', 0),
      nesterov: options.nesterov === true,
    }),
});
