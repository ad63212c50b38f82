import type { NamedAttrMap } from '@tensorflow/tfjs-core';

/**
 * Kernels a backend plugin may add for the models' training steps, as tfjs-core names its kernels. A model runs
 * one where the active backend registers it (`getKernel(name, backendName)`) and the equivalent tfjs ops elsewhere,
 * so results agree across backends to rounding.
 */

/**
 * Batch normalization in training mode over every axis but the last (channels), with the layer's moving averages
 * updated in the same kernel: inputs `{ x, gamma, beta, movingMean, movingVariance }`, attrs
 * `{ epsilon, momentum, activation? }` → `[y, mean, variance, movingMean′, movingVariance′]`, with the biased batch
 * variance, y = γ·(x − mean)/√(variance + ε) + β, and moving′ = moving − (moving − batch)·(1 − momentum) in float32,
 * as tfjs-layers updates them op by op. With `activation: 'relu'` y is rectified too (max(y, 0), NaN kept), as a
 * ReLU layer after the batch norm would make it, in the same pass.
 */
export const BATCH_NORM_TRAINING = 'ClsBatchNormTraining';
export const BATCH_NORM_TRAINING_INPUTS = ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'] as const;

/**
 * The gradient of `BATCH_NORM_TRAINING`: inputs `{ dy, x, mean, variance, gamma }`, attrs `{ epsilon, activation? }`
 * → `[dx, dGamma, dBeta]` with x̂ = (x − mean)/σ, dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ·(dy − dβ/m − x̂·dγ/m) over the m
 * values of each channel. With `activation: 'relu'` it also takes the forward's rectified output `y`, and dy is
 * first taken through relu's gradient as `RELU_GRAD` does (dy where y > 0, 0 elsewhere, NaN where y is NaN).
 */
export const BATCH_NORM_TRAINING_GRAD = 'ClsBatchNormTrainingGrad';
export const BATCH_NORM_TRAINING_GRAD_INPUTS = ['dy', 'x', 'mean', 'variance', 'gamma'] as const;
/** The inputs of `BATCH_NORM_TRAINING_GRAD` with `activation: 'relu'`. */
export const BATCH_NORM_TRAINING_GRAD_RELU_INPUTS = [...BATCH_NORM_TRAINING_GRAD_INPUTS, 'y'] as const;

/**
 * ReLU's gradient from its output: inputs `{ dy, y }` (y = relu(x)) → dx = dy where y > 0, else 0, and NaN where y
 * is NaN, as tfjs's own gradient (dy·step(x)) gives. One kernel where tfjs runs three.
 */
export const RELU_GRAD = 'ClsReluGrad';
export const RELU_GRAD_INPUTS = ['dy', 'y'] as const;

/**
 * relu(a + b) of two float32 tensors of one shape, NaN kept: inputs `{ a, b }` → y. A residual connection's sum and
 * the ReLU after it in one pass (its gradient is `RELU_GRAD` of y, for both inputs).
 */
export const ADD_RELU = 'ClsAddRelu';
export const ADD_RELU_INPUTS = ['a', 'b'] as const;

/** The inputs of `ADD_RELU`, checked: float32 and of one shape, or a one-line error that shows both shapes. */
export function addReluInputs<Input extends { readonly dtype: string; readonly shape: readonly number[] }>(
  inputs: KernelInputs<typeof ADD_RELU_INPUTS, Input>,
): { readonly a: Input; readonly b: Input } {
  const { a, b } = requiredInputs(ADD_RELU, inputs, ADD_RELU_INPUTS);
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length !== b.shape.length ||
    a.shape.some((extent, axis) => extent !== b.shape[axis])
  ) {
    throw new Error(
      `${ADD_RELU} needs float32 a and b of one shape (got [${a.shape.join(', ')}] and [${b.shape.join(', ')}])`,
    );
  }
  return { a, b };
}

/** A kernel's inputs by name (`names`, one of the `…_INPUTS` lists), as tfjs hands them over: any may be missing. */
export type KernelInputs<Names extends readonly string[], Input> = Partial<Record<Names[number], Input>>;

/**
 * A kernel's named inputs once each of `names` is checked to be present; a missing one throws
 * "<kernel> needs inputs a, b and c", naming them all.
 */
export function requiredInputs<Name extends string, Input>(
  kernelName: string,
  inputs: Partial<Record<Name, Input>>,
  names: readonly Name[],
): Record<Name, Input> {
  if (names.some((name) => inputs[name] === undefined)) {
    const listed =
      names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}` : names.join('');
    throw new Error(`${kernelName} needs inputs ${listed}`);
  }
  return inputs as Record<Name, Input>;
}

/** What the batch-norm kernels apply after normalizing: nothing, or relu. */
export type BatchNormActivation = 'linear' | 'relu';

export interface BatchNormTrainingGradAttrs {
  readonly epsilon: number;
  /** 'linear' when absent. */
  readonly activation?: BatchNormActivation;
}

/** The `activation` attr of a batch-norm kernel; anything but 'linear', 'relu' or nothing throws, naming it. */
export function batchNormActivation(
  kernelName: string,
  attrs: { readonly activation?: unknown },
): BatchNormActivation {
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') {
    throw new Error(
      `${kernelName}: unknown activation ${JSON.stringify(activation)} (expected "linear" or "relu")`,
    );
  }
  return activation;
}

/**
 * The inputs of `BATCH_NORM_TRAINING_GRAD` and its activation, checked: `y` is there (and required) with relu only.
 */
export function batchNormTrainingGradInputs<Input>(
  inputs: KernelInputs<typeof BATCH_NORM_TRAINING_GRAD_RELU_INPUTS, Input>,
  attrs: { readonly activation?: unknown },
): Record<(typeof BATCH_NORM_TRAINING_GRAD_INPUTS)[number], Input> & {
  readonly activation: BatchNormActivation;
  readonly y: Input | undefined;
} {
  const activation = batchNormActivation(BATCH_NORM_TRAINING_GRAD, attrs);
  if (activation === 'relu') {
    const required = requiredInputs(BATCH_NORM_TRAINING_GRAD, inputs, BATCH_NORM_TRAINING_GRAD_RELU_INPUTS);
    return { ...required, activation };
  }
  const required = requiredInputs(BATCH_NORM_TRAINING_GRAD, inputs, BATCH_NORM_TRAINING_GRAD_INPUTS);
  return { ...required, activation, y: undefined };
}

export interface BatchNormTrainingAttrs extends BatchNormTrainingGradAttrs {
  /** The moving averages' momentum, as tfjs-layers and Keras define it (the weight of the old value). */
  readonly momentum: number;
}

/**
 * Adam/AdamW updates of n ≥ 1 parameters in one kernel call: inputs an array of 4n tensors, `ADAM_STEP_INPUTS` for
 * each parameter in turn → 3n outputs, [parameter, m, v] for each in turn. One call for all the parameters lets a
 * backend update several per pass (on a GPU, per dispatch) and costs one kernel call, not one per parameter.
 */
export const ADAM_STEP = 'ClsAdamStep';
export const ADAM_STEP_INPUTS = ['parameter', 'gradient', 'm', 'v'] as const;

/** Attributes of `ADAM_STEP`; the bias corrections are 1 − βᵗ of the step being taken. */
export interface AdamStepAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  eps: number;
  lr: number;
  /** AdamW's decoupled decay, per parameter: p is scaled by 1 − lr·decoupledDecay[i]. */
  decoupledDecay: number[];
  /** Adam's L2 decay, per parameter: l2Decay[i]·p is added to the gradient. */
  l2Decay: number[];
  correction1: number;
  correction2: number;
}

/** One parameter's share of an `ADAM_STEP` call: its four input tensors and its decays. */
export interface AdamStepParameter<Input> extends Record<(typeof ADAM_STEP_INPUTS)[number], Input> {
  readonly decoupledDecay: number;
  readonly l2Decay: number;
}

/** A tensor as an optimizer-step kernel sees it: only its shape is checked. */
interface Shaped {
  readonly shape: readonly number[];
}

/**
 * Throws "<kernel> needs …" unless each of `others` has as many values as parameter `index`: the kernels pair
 * them value by value, and WebGPU would read a shorter one's missing values as whatever its bounds clamp to.
 */
function assertSameSizes(
  kernel: string,
  index: number,
  parameter: Shaped,
  others: Readonly<Record<string, Shaped | undefined>>,
): void {
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  const expected = size(parameter.shape);
  for (const [name, tensor] of Object.entries(others)) {
    if (tensor !== undefined && size(tensor.shape) !== expected) {
      throw new Error(
        `${kernel} needs parameter ${index}'s ${name} to have its ${expected} values, not ${size(tensor.shape)}`,
      );
    }
  }
}

/**
 * The parameters of an `ADAM_STEP` call, in order; throws "ClsAdamStep needs …" when the inputs are not four per
 * parameter, the gradient, m or v has not the parameter's number of values, or the decays are not one per
 * parameter.
 */
export function adamStepParameters<Input extends Shaped>(
  inputs: readonly Input[] | Readonly<Record<string, Input>>,
  attrs: Pick<AdamStepAttrs, 'decoupledDecay' | 'l2Decay'>,
): AdamStepParameter<Input>[] {
  const tensors = Array.isArray(inputs) ? (inputs as readonly Input[]) : [];
  const count = tensors.length / ADAM_STEP_INPUTS.length;
  if (count < 1 || !Number.isInteger(count)) {
    throw new Error(`${ADAM_STEP} needs an array of [parameter, gradient, m, v] per parameter`);
  }
  const { decoupledDecay, l2Decay } = attrs;
  if (decoupledDecay.length !== count || l2Decay.length !== count) {
    throw new Error(`${ADAM_STEP} needs decoupledDecay and l2Decay for each of its ${count} parameters`);
  }
  return Array.from({ length: count }, (_, i) => {
    const [parameter, gradient, m, v] = tensors.slice(4 * i, 4 * i + 4) as [Input, Input, Input, Input];
    assertSameSizes(ADAM_STEP, i, parameter, { gradient, m, v });
    return { parameter, gradient, m, v, decoupledDecay: decoupledDecay[i] ?? 0, l2Decay: l2Decay[i] ?? 0 };
  });
}

/**
 * The unscale step of mixed-precision training, as torch's `_amp_foreach_non_finite_check_and_unscale_`: inputs an
 * array of n ≥ 1 float32 tensors (a step's gradients), attrs `{ scale }` → n + 1 outputs: each input times `scale`,
 * then an int32 scalar that is 1 where any value of any input is inf or NaN, else 0. One kernel call for all the
 * gradients, and the check needs no copy of them.
 */
export const UNSCALE_GRADIENTS = 'ClsUnscaleGradients';

export interface UnscaleGradientsAttrs extends NamedAttrMap {
  /** The factor each gradient is multiplied by: 1 / the loss scale. */
  scale: number;
}

/**
 * torch.optim.SGD updates of n ≥ 1 parameters in one kernel call: inputs an array, [parameter, gradient] for each
 * parameter in turn, or [parameter, gradient, buffer] (its momentum buffer) when momentum > 0 → [parameter] for
 * each, or [parameter, buffer] with momentum.
 */
export const SGD_STEP = 'ClsSgdStep';

/**
 * Attributes of `SGD_STEP`: g = grad + weightDecay[i]·p; buf = firstStep[i] ? g : momentum·buf + (1 − dampening)·g.
 */
export interface SgdStepAttrs extends NamedAttrMap {
  lr: number;
  momentum: number;
  dampening: number;
  /** g = g + momentum·buf instead of buf. */
  nesterov: boolean;
  /** Per parameter. */
  weightDecay: number[];
  /** Per parameter: its first step, whose buffer becomes g (the buffer passed is ignored). */
  firstStep: boolean[];
}

/** One parameter's share of an `SGD_STEP` call. */
export interface SgdStepParameter<Input> {
  readonly parameter: Input;
  readonly gradient: Input;
  /** Present exactly when momentum > 0. */
  readonly buffer: Input | undefined;
  readonly weightDecay: number;
  readonly firstStep: boolean;
}

/**
 * The parameters of an `SGD_STEP` call, in order; throws "ClsSgdStep needs …" when the inputs are not two per
 * parameter (three with momentum), the gradient or buffer has not the parameter's number of values, or the
 * per-parameter attributes do not match them.
 */
export function sgdStepParameters<Input extends Shaped>(
  inputs: readonly Input[] | Readonly<Record<string, Input>>,
  attrs: Pick<SgdStepAttrs, 'momentum' | 'weightDecay' | 'firstStep'>,
): SgdStepParameter<Input>[] {
  const tensors = Array.isArray(inputs) ? (inputs as readonly Input[]) : [];
  const each = attrs.momentum === 0 ? 2 : 3;
  const count = tensors.length / each;
  if (count < 1 || !Number.isInteger(count)) {
    const names = attrs.momentum === 0 ? '[parameter, gradient]' : '[parameter, gradient, buffer]';
    throw new Error(`${SGD_STEP} needs an array of ${names} per parameter`);
  }
  if (attrs.weightDecay.length !== count || attrs.firstStep.length !== count) {
    throw new Error(`${SGD_STEP} needs weightDecay and firstStep for each of its ${count} parameters`);
  }
  return Array.from({ length: count }, (_, i) => {
    const [parameter, gradient, buffer] = tensors.slice(each * i, each * i + each) as [Input, Input, Input?];
    assertSameSizes(SGD_STEP, i, parameter, { gradient, buffer });
    return {
      parameter,
      gradient,
      buffer,
      weightDecay: attrs.weightDecay[i] ?? 0,
      firstStep: attrs.firstStep[i] ?? false,
    };
  });
}

/**
 * Softmax cross-entropy of class labels, averaged over the batch, as torch's `cross_entropy(logits, labels,
 * label_smoothing=ε)` and tfjs's `losses.softmaxCrossEntropy` of their one-hot labels compute it: inputs
 * `{ logits [n, k] float32, labels [n] int32 }`, attrs `{ labelSmoothing }` → the scalar
 * (1/n)·Σᵢ (logsumexp(xᵢ) − Σ_c tᵢ_c·xᵢ_c) with targets t = (1 − ε)·one_hot(label) + ε/k (a label outside 0…k−1 has
 * no one-hot term, as tfjs's oneHot gives it none). One kernel where tfjs runs about a dozen.
 */
export const SOFTMAX_CROSS_ENTROPY = 'ClsSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_INPUTS = ['logits', 'labels'] as const;

/**
 * The gradient of `SOFTMAX_CROSS_ENTROPY` with respect to the logits: inputs `{ dy (scalar), logits, labels }`,
 * attrs `{ labelSmoothing }` → (dy/n)·(softmax(x) − t), [n, k].
 */
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'ClsSoftmaxCrossEntropyGrad';
export const SOFTMAX_CROSS_ENTROPY_GRAD_INPUTS = ['dy', 'logits', 'labels'] as const;

export interface SoftmaxCrossEntropyAttrs extends NamedAttrMap {
  /** torch's label_smoothing ε, 0 ≤ ε ≤ 1. */
  labelSmoothing: number;
}
