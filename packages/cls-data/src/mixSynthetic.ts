import { ClsError, createRandom, deriveSeed, shuffleInPlace, type Logger } from '@nextplay/cls-core';
import { scanImageFolder, type ImageEntry, type ScannedSplit } from './scanImageFolder.js';

/** `data.synthetic`: synthetic crops (e.g. `cls data synth`) mixed into the train split. */
export interface SyntheticMixOptions {
  /** An ImageFolder whose train/ classes are named like the real ones (others are left out). */
  readonly root?: string | null;
  /** Share of each training epoch that is synthetic, in [0, 1). */
  readonly fraction?: number | null;
  /** Top every class up with synthetic images to the size of the largest real class. */
  readonly balance?: boolean;
}

/** What was mixed in, for the log and the run's results. */
export interface SyntheticMixSummary {
  readonly root: string;
  readonly mode: 'fraction' | 'balance';
  readonly added: number;
  readonly real: number;
}

/**
 * The train split with synthetic images added: a fixed subset of `synthetic.root`'s train split, drawn once from
 * `seed`, so every epoch's order stays a function of seed and epoch alone (resume-exact). `fraction` adds
 * round(f / (1 − f) × real) images, drawn evenly over the classes; `balance` adds, per class, the difference to
 * the largest real class.
 */
export async function mixSynthetic(
  train: ScannedSplit,
  classes: readonly string[],
  synthetic: SyntheticMixOptions,
  seed: number,
  logger: Logger,
): Promise<{ split: ScannedSplit; summary: SyntheticMixSummary | undefined }> {
  const root = synthetic.root ?? null;
  const fraction = synthetic.fraction ?? null;
  const balance = synthetic.balance ?? false;
  if (root === null || root === '') {
    if (fraction !== null || balance) {
      throw new ClsError(
        'CONFIG_INVALID',
        'data.synthetic.fraction and data.synthetic.balance need data.synthetic.root',
      );
    }
    return { split: train, summary: undefined };
  }
  if ((fraction === null) === !balance) {
    throw new ClsError(
      'CONFIG_INVALID',
      'data.synthetic.root needs exactly one of data.synthetic.fraction=<0..1) or data.synthetic.balance=true',
    );
  }
  if (fraction !== null && !(typeof fraction === 'number' && fraction >= 0 && fraction < 1)) {
    throw new ClsError(
      'CONFIG_INVALID',
      `data.synthetic.fraction must be a number in [0, 1), got ${String(fraction)}`,
    );
  }
  const scan = await scanImageFolder(root);
  const pools = classes.map((name, label) => {
    const files = [...(scan.train.files[name] ?? [])].sort();
    return shuffleInPlace(files, createRandom(deriveSeed(seed, 0x5917, label)));
  });
  const unknown = scan.classes.filter((name) => !classes.includes(name));
  if (unknown.length > 0) {
    logger.warn(
      `data.synthetic.root: ${unknown.length} class${unknown.length > 1 ? 'es' : ''} not in the dataset left out (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''})`,
    );
  }
  const real = train.images.length;
  const wanted = balance
    ? train.classCounts.map((count) => Math.max(...train.classCounts) - count)
    : evenly(
        Math.round(((fraction ?? 0) / (1 - (fraction ?? 0))) * real),
        pools.map((pool) => pool.length),
      );
  const added: ImageEntry[] = [];
  const short: string[] = [];
  pools.forEach((pool, label) => {
    const want = wanted[label] ?? 0;
    if (want > pool.length) short.push(`${classes[label] ?? label} (${pool.length} of ${want})`);
    for (const path of pool.slice(0, want)) added.push({ path, label });
  });
  if (short.length > 0) {
    logger.warn(
      `data.synthetic.root has too few images for ${short.slice(0, 5).join(', ')}${short.length > 5 ? ', …' : ''}`,
    );
  }
  const images = [...train.images, ...added].sort(
    (a, b) => a.label - b.label || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const classCounts = classes.map((_, label) => images.filter((image) => image.label === label).length);
  const files = Object.fromEntries(
    classes.map((name, label) => [
      name,
      images.filter((image) => image.label === label).map((image) => image.path),
    ]),
  );
  const summary: SyntheticMixSummary = {
    root: scan.root,
    mode: balance ? 'balance' : 'fraction',
    added: added.length,
    real,
  };
  logger.info(
    `data.synthetic: ${added.length.toLocaleString('en-US')} synthetic images from ${scan.root} added to ${real.toLocaleString('en-US')} real (${balance ? 'balance' : `fraction ${fraction}`}: ${((100 * added.length) / Math.max(1, real + added.length)).toFixed(1)}% of each epoch)`,
  );
  return { split: { ...train, images, classCounts, files }, summary };
}

/** `total` spread over classes as evenly as their pools allow, largest remainders first by class index. */
function evenly(total: number, available: readonly number[]): number[] {
  const take = available.map(() => 0);
  let left = total;
  while (left > 0) {
    const open = available.map((n, i) => ((take[i] ?? 0) < n ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) break;
    const each = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      if (left === 0) break;
      const step = Math.min(each, (available[i] ?? 0) - (take[i] ?? 0), left);
      take[i] = (take[i] ?? 0) + step;
      left -= step;
    }
  }
  return take;
}
