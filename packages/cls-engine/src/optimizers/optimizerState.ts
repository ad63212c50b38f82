import * as tf from '@tensorflow/tfjs-core';

/** Per-parameter optimizer buffers (momentum, moments), created lazily as zeros and kept across steps. */
export class ParameterBuffers {
  readonly #buffers = new Map<tf.Variable, tf.Variable[]>();
  readonly #count: number;

  constructor(count: number) {
    this.#count = count;
  }

  /** The buffers of `parameter`, and whether they were just created (first step for it). */
  of(parameter: tf.Variable): { buffers: tf.Variable[]; created: boolean } {
    const existing = this.#buffers.get(parameter);
    if (existing !== undefined) return { buffers: existing, created: false };
    const buffers = Array.from({ length: this.#count }, () =>
      tf.tidy(() => tf.variable(tf.zerosLike(parameter), false, undefined, 'float32')),
    );
    this.#buffers.set(parameter, buffers);
    return { buffers, created: true };
  }

  dispose(): void {
    for (const buffers of this.#buffers.values()) for (const buffer of buffers) buffer.dispose();
    this.#buffers.clear();
  }
}

export function optionalNumber(
  options: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
): number {
  const value = options[key];
  return typeof value === 'number' ? value : fallback;
}

export function assertSameLength(parameters: readonly unknown[], gradients: readonly unknown[]): void {
  if (parameters.length !== gradients.length) {
    throw new Error(`optimizer step got ${parameters.length} parameters but ${gradients.length} gradients`);
  }
}
