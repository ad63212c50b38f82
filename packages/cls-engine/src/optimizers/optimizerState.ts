import * as tf from '@tensorflow/tfjs-core';
import { ClsError, type JsonValue, type TrainableParameter } from '@nextplay/cls-core';

/**
 * Per-parameter optimizer buffers (momentum, moments), created lazily as zeros and kept across steps. A parameter
 * without buffers has not been stepped yet; that is how SGD knows its first step.
 */
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

  /** The existing buffers of `parameters`, named `<parameter index>/<buffer index>`; they stay owned here. */
  tensors(parameters: readonly TrainableParameter[]): Record<string, tf.Tensor> {
    const tensors: Record<string, tf.Tensor> = {};
    parameters.forEach(({ variable }, i) => {
      this.#buffers.get(variable)?.forEach((buffer, b) => {
        tensors[`${i}/${b}`] = buffer;
      });
    });
    return tensors;
  }

  /**
   * Replaces every buffer with float32 copies of `tensors` (named as `tensors()` names them); parameters without
   * tensors get none, as before their first step. Throws CHECKPOINT_INVALID, changing nothing, when they do not fit.
   */
  load(
    parameters: readonly TrainableParameter[],
    tensors: Readonly<Record<string, tf.Tensor>>,
    optimizer: string,
  ): void {
    const byParameter = new Map<number, { variable: tf.Variable; buffers: tf.Tensor[] }>();
    for (const [name, tensor] of Object.entries(tensors)) {
      const match = /^(\d+)\/(\d+)$/.exec(name);
      const i = Number(match?.[1]);
      const b = Number(match?.[2]);
      const parameter = parameters[i];
      if (match === null || parameter === undefined || b >= this.#count) {
        throw invalid(
          `${optimizer} state has a tensor "${name}"; expected <parameter index below ${parameters.length}>/<buffer index below ${this.#count}>`,
        );
      }
      const entry = byParameter.get(i) ?? { variable: parameter.variable, buffers: [] };
      entry.buffers[b] = tensor;
      byParameter.set(i, entry);
    }
    for (const [i, { variable, buffers }] of byParameter) {
      for (let b = 0; b < this.#count; b++) {
        const buffer = buffers[b];
        if (buffer === undefined) {
          throw invalid(
            `${optimizer} state for parameter ${i} (${variable.name}) lacks tensor "${i}/${b}" (it has ${this.#count} buffers)`,
          );
        }
        if (!sameShape(buffer.shape, variable.shape)) {
          throw invalid(
            `${optimizer} state for parameter ${i} (${variable.name}) has shape [${buffer.shape.join(', ')}] but the parameter has shape [${variable.shape.join(', ')}]`,
          );
        }
      }
    }
    this.dispose();
    for (const { variable, buffers } of byParameter.values()) {
      // A variable holds its own reference to the (immutable) data, so the caller may dispose `buffer`.
      const copies = buffers.map((buffer) => tf.tidy(() => tf.variable(buffer, false, undefined, 'float32')));
      this.#buffers.set(variable, copies);
    }
  }

  dispose(): void {
    for (const buffers of this.#buffers.values()) for (const buffer of buffers) buffer.dispose();
    this.#buffers.clear();
  }
}

/** The plain-number part of an optimizer's state: an object with exactly `keys`, each a non-negative integer. */
export function readStateCounts<K extends string>(
  json: JsonValue | undefined,
  keys: readonly K[],
  optimizer: string,
): Record<K, number> {
  const expected = keys.join(', ');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(`${optimizer} state must be an object with ${expected}, got ${describe(json)}`);
  }
  const record = json as Readonly<Record<string, JsonValue>>;
  const unknown = Object.keys(record).filter((key) => !(keys as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw invalid(`${optimizer} state has unknown entries ${unknown.join(', ')}; expected ${expected}`);
  }
  const values = {} as Record<K, number>;
  for (const key of keys) {
    const value = record[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw invalid(`${optimizer} state needs ${key} as a non-negative integer, got ${describe(value)}`);
    }
    values[key] = value;
  }
  return values;
}

/** The state's parameter count must be that of the parameters it is loaded for. */
export function assertParameterCount(
  count: number,
  parameters: readonly TrainableParameter[],
  optimizer: string,
): void {
  if (count !== parameters.length) {
    throw invalid(`${optimizer} state is for ${count} parameters but the model has ${parameters.length}`);
  }
}

function invalid(message: string): ClsError {
  return new ClsError('CHECKPOINT_INVALID', message);
}

function describe(value: JsonValue | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
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
