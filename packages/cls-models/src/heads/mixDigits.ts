import type { Batch, MixedNumbers } from '@nextplay/cls-core';
import { formatJerseyNumber, parseJerseyNumber } from './jerseyNumber.js';

/**
 * Digit-level augmentation for heads that read numbers left to right: sample i is paired with sample n − 1 − i (the
 * batch reversed, as mixup pairs it), and when both are two-digit numbers, with probability `share`, its right half
 * (the columns from width / 2 on, where the units digit lies) is copied from its partner. "23" with "47" makes
 * "27": the model sees tens and units digits in combinations no folder holds, which is what lets it read unseen
 * numbers. Batches with soft targets (mixup, cutmix) are left as they are.
 */
export function mixDigits(
  batch: Batch,
  classes: readonly string[],
  share: number,
  random: () => number,
): MixedNumbers {
  if (batch.targets !== undefined || share <= 0) return { batch, classes };
  const numbers = classes.map((name) => parseJerseyNumber(name));
  const [size, height, width, channels] = batch.shape;
  const cut = Math.floor(width / 2);
  const index = new Map(classes.map((name, i) => [name, i]));
  const added: string[] = [];
  const labels = Int32Array.from(batch.labels);
  let images: Float32Array | undefined;
  for (let i = 0; i < size; i++) {
    // One draw per sample whatever its class, so the stream does not depend on the batch's numbers.
    const draw = random();
    const partner = size - 1 - i;
    const left = numbers[batch.labels[i] ?? -1];
    const right = numbers[batch.labels[partner] ?? -1];
    if (draw >= share || partner === i || left === undefined || right === undefined) continue;
    if (left.tens === null || right.tens === null) continue;
    images ??= batch.images.slice();
    const rowLength = width * channels;
    for (let y = 0; y < height; y++) {
      const target = (i * height + y) * rowLength;
      const source = (partner * height + y) * rowLength;
      images.set(batch.images.subarray(source + cut * channels, source + rowLength), target + cut * channels);
    }
    const name = formatJerseyNumber({ tens: left.tens, units: right.units });
    let label = index.get(name);
    if (label === undefined) {
      label = classes.length + added.length;
      added.push(name);
      index.set(name, label);
    }
    labels[i] = label;
  }
  if (images === undefined) return { batch, classes };
  return {
    batch: { ...batch, images, labels },
    classes: added.length === 0 ? classes : [...classes, ...added],
  };
}
