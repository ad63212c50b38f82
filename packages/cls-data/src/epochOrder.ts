import { createRandom, deriveSeed, shuffleInPlace } from '@nextplay/cls-core';

/** `data.sampler`: how a training epoch visits the split. */
export type Sampler = 'sequential' | 'random' | 'balanced';

export const SAMPLERS: readonly Sampler[] = ['sequential', 'random', 'balanced'];

/**
 * The draws of one training epoch, a pure function of the labels, seed and epoch (so a resumed run replays
 * them): `split.size` draws, like torch's samplers.
 * - `sequential`: the split's order (torch SequentialSampler).
 * - `random`: a permutation (RandomSampler).
 * - `balanced`: with replacement, every class equally likely and every image of a class equally likely
 *   (WeightedRandomSampler with weight 1 / count of the image's class, num_samples = split size).
 *
 * A draw is the image's index the first time the epoch draws it and `index + k · size` the k-th time it
 * repeats (only `balanced` repeats): the image is `draw % size`, and the draw seeds its augmentation, so the
 * copies of a rare image are augmented differently.
 */
export function epochDraws(
  labels: ArrayLike<number>,
  sampler: Sampler,
  seed: number,
  epoch: number,
): number[] {
  const size = labels.length;
  const order = Array.from({ length: size }, (_, i) => i);
  if (sampler === 'sequential') return order;
  const random = createRandom(deriveSeed(seed, epoch));
  if (sampler === 'random') return shuffleInPlace(order, random);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < size; i++) {
    const label = labels[i] ?? 0;
    const members = byClass.get(label);
    if (members === undefined) byClass.set(label, [i]);
    else members.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((label) => byClass.get(label) ?? []);
  const seen = new Uint32Array(size);
  return order.map(() => {
    const members = classes[Math.floor(random() * classes.length)] ?? [];
    const index = members[Math.floor(random() * members.length)] ?? 0;
    const repeat = seen[index] ?? 0;
    seen[index] = repeat + 1;
    return index + repeat * size;
  });
}
