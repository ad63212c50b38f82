import { ClsError, formatImageSize, type ClassifierModel, type ImageSize } from '@nextplay/cls-core';

/**
 * Bytes of backend memory per float of one sample's layer outputs in a training step: the outputs kept for the
 * backward pass, their gradients and the kernels' scratch. Measured on the wasm backend for ResNet-18 and -50
 * from 32 to 224 px (2.3–2.7 once the weights are subtracted).
 */
const BYTES_PER_ACTIVATION = 4 * 2.5;
/** Weights, their gradients, two Adam moments and one update in flight, float32. */
const BYTES_PER_PARAMETER = 4 * 5;

export interface TrainingStepMemory {
  readonly bytes: number;
  /** The largest batch whose step fits in `limitBytes`; 0 when not even one sample does. */
  readonly largestBatch: number;
}

/** Estimates the memory of one training step from the model's layer output shapes, before running one. */
export function estimateTrainingStepMemory(
  model: ClassifierModel,
  batchSize: number,
  limitBytes: number,
): TrainingStepMemory {
  let activations = 0;
  for (const layer of model.layers) {
    const shape = layer.outputShape;
    if (!Array.isArray(shape) || !shape.every((d) => d === null || typeof d === 'number')) continue;
    activations += shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);
  }
  const fixed = model.countParams() * BYTES_PER_PARAMETER;
  const perSample = activations * BYTES_PER_ACTIVATION;
  return {
    bytes: fixed + batchSize * perSample,
    largestBatch: Math.max(0, Math.floor((limitBytes - fixed) / perSample)),
  };
}

function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Refuses a run whose training step cannot fit the backend's hard memory ceiling, before the first step, with
 * what to change, rather than letting the step fail (or, on wasm, corrupt its heap) minutes later.
 */
export function assertTrainingStepFits(options: {
  readonly model: ClassifierModel;
  readonly batchSize: number;
  readonly imageSize: ImageSize;
  readonly backend: string;
  readonly limitBytes: number | undefined;
}): void {
  const { model, batchSize, imageSize, backend, limitBytes } = options;
  if (limitBytes === undefined) return;
  const memory = estimateTrainingStepMemory(model, batchSize, limitBytes);
  if (memory.bytes <= limitBytes) return;
  const what =
    memory.largestBatch > 0
      ? `set data.batch_size=${memory.largestBatch} or lower, or lower data.image_size`
      : 'lower data.image_size (not even one image fits)';
  throw new ClsError(
    'OUT_OF_MEMORY',
    `out of memory: a training step at ${formatImageSize(imageSize)} with data.batch_size=${batchSize} needs about ` +
      `${formatGiB(memory.bytes)}, more than the ${backend} backend's ${formatGiB(limitBytes)}`,
    { hint: `${what}, or train on a GPU backend` },
  );
}
