import * as tf from '@tensorflow/tfjs-core';
import {
  ADAM_STEP,
  definePlugin,
  type AdamStepAttrs,
  type ModuleState,
  type Optimizer,
  type OptimizerOptions,
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

export interface AdamOptions {
  readonly weight_decay: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  /** true: AdamW's decoupled decay p −= lr·wd·p; false: Adam's L2 term added to the gradient. */
  readonly decoupled: boolean;
}

/**
 * torch.optim.Adam / AdamW with bias correction:
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; p −= lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + eps).
 * Weight decay applies to decayed parameters only (not biases or batch-norm parameters). Where the backend has
 * cls-core's `ADAM_STEP` kernel (wasm, WebGPU), one kernel call updates every parameter, each in one pass.
 */
export class Adam implements Optimizer {
  readonly name: string;
  readonly #options: AdamOptions;
  readonly #moments = new ParameterBuffers(2);
  #step = 0;

  constructor(options: AdamOptions) {
    this.#options = options;
    this.name = options.decoupled ? 'adamw' : 'adam';
  }

  step(parameters: readonly TrainableParameter[], gradients: readonly tf.Tensor[], lr: number): void {
    assertSameLength(parameters, gradients);
    const { weight_decay: weightDecay, betas, eps, decoupled } = this.#options;
    const [beta1, beta2] = betas;
    this.#step += 1;
    const correction1 = 1 - beta1 ** this.#step;
    const correction2 = 1 - beta2 ** this.#step;
    const fused = activeBackendHasKernel(ADAM_STEP);
    const stepped = parameters.flatMap(({ variable, decay }, i) => {
      const gradient = gradients[i];
      if (gradient === undefined) return [];
      const [m, v] = this.#moments.of(variable).buffers as [tf.Variable, tf.Variable];
      return [{ variable, gradient, m, v, applyDecay: decay && weightDecay !== 0 }];
    });
    if (fused) {
      if (stepped.length === 0) return;
      // One kernel call for every parameter: the backend may update several per pass.
      const attrs: AdamStepAttrs = {
        beta1,
        beta2,
        eps,
        lr,
        decoupledDecay: stepped.map(({ applyDecay }) => (applyDecay && decoupled ? weightDecay : 0)),
        l2Decay: stepped.map(({ applyDecay }) => (applyDecay && !decoupled ? weightDecay : 0)),
        correction1,
        correction2,
      };
      const inputs = stepped.flatMap(({ variable, gradient, m, v }) => [variable, gradient, m, v]);
      const outputs = tf
        .engine()
        .runKernel<tf.Tensor[]>(ADAM_STEP, inputs as unknown as tf.NamedTensorMap, attrs);
      assignAndDispose(
        stepped.flatMap(({ variable, m, v }) => [variable, m, v]),
        outputs,
      );
      return;
    }
    for (const { variable, gradient, m, v, applyDecay } of stepped) {
      tf.tidy(() => {
        const g = applyDecay && !decoupled ? tf.add(gradient, tf.mul(variable, weightDecay)) : gradient;
        const nextM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const nextV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(nextM);
        v.assign(nextV);
        const p = applyDecay && decoupled ? tf.mul(variable, 1 - lr * weightDecay) : variable;
        const denominator = tf.add(tf.sqrt(tf.div(nextV, correction2)), eps);
        variable.assign(tf.sub(p, tf.mul(tf.div(nextM, denominator), lr / correction1)));
      });
    }
  }

  /** The step count (for bias correction) and the first and second moments, buffers 0 and 1. */
  stateDict(parameters: readonly TrainableParameter[]): ModuleState {
    return {
      json: { parameters: parameters.length, step: this.#step },
      tensors: this.#moments.tensors(parameters),
    };
  }

  loadStateDict(parameters: readonly TrainableParameter[], state: ModuleState): void {
    const { parameters: count, step } = readStateCounts(state.json, ['parameters', 'step'], this.name);
    assertParameterCount(count, parameters, this.name);
    this.#moments.load(parameters, state.tensors ?? {}, this.name);
    this.#step = step;
  }

  dispose(): void {
    this.#moments.dispose();
  }
}

const adamSchema = {
  type: 'object',
  properties: {
    betas: {
      type: 'array',
      items: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      minItems: 2,
      maxItems: 2,
      default: [0.9, 0.999],
    },
    eps: { type: 'number', exclusiveMinimum: 0, default: 1e-8 },
  },
  additionalProperties: false,
} as const;

function adamOptions(
  options: Readonly<OptimizerOptions & Record<string, unknown>>,
  decoupled: boolean,
): AdamOptions {
  const betas = Array.isArray(options.betas) ? (options.betas as unknown[]) : [];
  const beta1 = typeof betas[0] === 'number' ? betas[0] : 0.9;
  const beta2 = typeof betas[1] === 'number' ? betas[1] : 0.999;
  return {
    weight_decay: options.weight_decay,
    betas: [beta1, beta2],
    eps: optionalNumber(options, 'eps', 1e-8),
    decoupled,
  };
}

export const adamPlugin = definePlugin<'optimizer', OptimizerOptions & Record<string, unknown>>({
  kind: 'optimizer',
  name: 'adam',
  package: ENGINE_PACKAGE,
  description:
    'Adam with bias correction; weight_decay is an L2 term added to the gradient (torch.optim.Adam).',
  optionsSchema: adamSchema,
  create: (options) => new Adam(adamOptions(options, false)),
});

export const adamwPlugin = definePlugin<'optimizer', OptimizerOptions & Record<string, unknown>>({
  kind: 'optimizer',
  name: 'adamw',
  package: ENGINE_PACKAGE,
  description:
    'AdamW: Adam with decoupled weight decay p -= lr*wd*p on weights, not biases/norms (torch.optim.AdamW).',
  optionsSchema: adamSchema,
  create: (options) => new Adam(adamOptions(options, true)),
});

function assignAndDispose(
  variables: readonly tf.Variable[],
  values: readonly (tf.Tensor | undefined)[],
): void {
  variables.forEach((variable, i) => {
    const value = values[i];
    if (value === undefined) throw new Error(`${ADAM_STEP} returned too few tensors`);
    variable.assign(value);
    value.dispose();
  });
}
