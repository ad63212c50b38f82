import { describe, expect, it } from 'vitest';
import { createRandom, type Batch } from '@nextplay/cls-core';
import { digitsHead, sequenceHead } from '@nextplay/cls-models';

/** A batch of 1×4 single-channel images whose pixels say which sample and column they come from. */
function batchOf(labels: readonly number[]): Batch {
  const width = 4;
  const images = Float32Array.from(
    { length: labels.length * width },
    (_, k) => 10 * Math.floor(k / width) + (k % width),
  );
  return { images, labels: Int32Array.from(labels), shape: [labels.length, 1, width, 1] };
}

const always = () => 0;

describe('digit mixing (model.digit_mix)', () => {
  it('gives a two-digit sample its partner’s right half and the label of the number that makes', () => {
    const classes = ['23', '47', '7', '05'];
    // Partners: 0 ↔ 3 ("23" with "05"), 1 ↔ 2 ("47" with "7": a one-digit number is never mixed).
    const mixed = digitsHead.mixDigits?.(batchOf([0, 1, 2, 3]), classes, 1, always);
    expect(mixed?.classes).toEqual(['23', '47', '7', '05', '25', '03']);
    expect([...(mixed?.batch.labels ?? [])]).toEqual([4, 1, 2, 5]);
    expect([...(mixed?.batch.images ?? [])]).toEqual([
      0, 1, 32, 33, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 2, 3,
    ]);
  });

  it('labels a number that a class names with that class, and leaves the batch it was given unchanged', () => {
    const classes = ['23', '47', '27', '43'];
    const batch = batchOf([0, 1]);
    const before = batch.images.slice();
    const mixed = sequenceHead.mixDigits?.(batch, classes, 1, always);
    expect(mixed?.classes).toBe(classes);
    expect([...(mixed?.batch.labels ?? [])]).toEqual([2, 3]);
    expect(batch.images).toEqual(before);
  });

  it('mixes about `share` of the samples, none at 0, and leaves soft-target (mixup) batches alone', () => {
    const classes = ['12', '34'];
    const labels = Array.from({ length: 1000 }, (_, i) => i % 2);
    const mixed = digitsHead.mixDigits?.(batchOf(labels), classes, 0.3, createRandom(5));
    const changed = mixed?.batch.labels.filter((label, i) => label !== labels[i]).length ?? 0;
    expect(changed).toBeGreaterThan(240);
    expect(changed).toBeLessThan(360);
    const none = batchOf(labels);
    expect(digitsHead.mixDigits?.(none, classes, 0, always).batch).toBe(none);
    const soft = { ...batchOf([0, 1]), targets: Float32Array.of(1, 0, 0, 1) };
    expect(digitsHead.mixDigits?.(soft, classes, 1, always).batch).toBe(soft);
  });
});
