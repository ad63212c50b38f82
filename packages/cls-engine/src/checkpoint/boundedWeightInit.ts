import * as tf from '@tensorflow/tfjs-core';
import { ClsError } from '@nextplay/cls-core';

/** Weights a model being loaded may still create, by load: its checkpoint's declared weight values. */
const budgets = new Map<number, { remaining: number; file: string }>();
let nextBudget = 1;

/**
 * Replaces every initializer of a checkpoint's topology while tfjs builds it: zeros (the checkpoint's weights
 * overwrite them) instead of random draws, and never more values in all than the checkpoint's weight files
 * declare. Without it, a `model.json` whose layer declares a million units makes tfjs allocate and fill
 * gigabytes before it notices that the weight files do not match.
 */
class BoundedZeros extends tf.serialization.Serializable {
  static readonly className = 'ClsBoundedZeros';
  readonly #budget: number;

  constructor(config: { budget: number }) {
    super();
    this.#budget = config.budget;
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const budget = budgets.get(this.#budget);
    const values = shape.reduce((n, d) => n * d, 1);
    if (budget === undefined || !(values <= budget.remaining)) {
      throw new ClsError(
        'CHECKPOINT_INVALID',
        `checkpoint file ${budget?.file ?? 'model.json'}: its topology declares a weight of shape [${shape.join(', ')}], ` +
          `more than its weight files hold`,
      );
    }
    budget.remaining -= values;
    return tf.zeros(shape, dtype);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { budget: this.#budget };
  }
}
tf.serialization.registerClass(BoundedZeros);

/**
 * Runs `load` (which builds the topology `withBoundedInitializers` returned) with a budget of `maxValues` weight
 * values for that topology's initializers.
 */
export async function loadWithBoundedInit<T>(
  topology: unknown,
  maxValues: number,
  file: string,
  load: (topology: unknown) => Promise<T>,
): Promise<T> {
  const id = nextBudget++;
  budgets.set(id, { remaining: maxValues, file });
  try {
    return await load(replaceInitializers(topology, id));
  } finally {
    budgets.delete(id);
  }
}

/** A copy of a Keras topology with every `*_initializer` replaced by the bounded zeros of budget `id`. */
function replaceInitializers(node: unknown, id: number): unknown {
  if (Array.isArray(node)) return node.map((item) => replaceInitializers(item, id));
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] =
      key.endsWith('_initializer') && typeof value === 'object' && value !== null
        ? { class_name: BoundedZeros.className, config: { budget: id } }
        : replaceInitializers(value, id);
  }
  return copy;
}
