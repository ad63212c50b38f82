import {
  createPixelNormalizer,
  createRandom,
  deriveSeed,
  type Batch,
  type BatchOptions,
  type BatchTransform,
  type DataSplit,
  type ImageTransform,
  type LabeledFile,
  type RawImage,
  type SplitName,
  type ImageSize,
} from '@nextplay/cls-core';
import { applyImageSteps } from './applyImageSteps.js';
import type { CacheBudget } from './cacheBudget.js';
import type { ConcurrencyLimiter } from './concurrencyLimiter.js';
import { epochDraws, type Sampler } from './epochOrder.js';
import { decodeForPipeline } from './decodeForPipeline.js';
import type { ResizeMode } from './decodeImage.js';
import type { ImageEntry, ScannedSplit } from './scanImageFolder.js';
import { toSharedImage, type TransformPool } from './transformPool.js';

export interface ImagePipelineSettings {
  readonly imageSize: ImageSize;
  readonly resize: ResizeMode;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** `transforms.train`: applied in order to each image when `BatchOptions.augment` is set. */
  readonly train: readonly ImageTransform[];
  /** `transforms.eval`: applied in order to each image otherwise. */
  readonly eval: readonly ImageTransform[];
  /** `transforms.batch`: applied in order to each training batch (augment set), after normalization. */
  readonly batch?: readonly BatchTransform[];
  /** The model's number of classes, for the soft targets of batch transforms; default: the split's. */
  readonly numClasses?: number;
  /**
   * The resolution images are decoded (and cached) at for the transforms: the short side shrunk to at most this
   * (Infinity: the source as it is). Undefined: straight to `imageSize` by `resize`, for a split
   * whose images no transform sees.
   */
  readonly decodeSide: number | undefined;
  /**
   * Bounds the images decoding at once (`num_workers`) while the pipeline waits for them; shared by the splits
   * of a dataset. The next batch is released past the bound when a batch is handed over.
   */
  readonly decoder: ConcurrencyLimiter;
  /** Batches prepared ahead of the one the caller holds; 0 prepares each batch only when asked for. */
  readonly prefetchBatches: number;
  /** How `batches({ shuffle: true })` orders an epoch (`data.sampler`); default `random`. */
  readonly sampler?: Sampler;
  /** Keep decoded images (before any transform) in memory after their first use, within this budget. */
  readonly cache: CacheBudget | undefined;
  /**
   * Worker threads that run the per-image steps and normalization (`data.num_workers`); the cache then lies in
   * shared memory they read. Undefined: this thread does it.
   */
  readonly workers?: TransformPool | undefined;
}

interface IterationState {
  stopped: boolean;
}

class IterationStopped extends Error {}

/** Separates batch-level draws from the per-image ones (which take three seed words, not four). */
const MIX_SEED_TAG = 0x6d6978;

/**
 * One split of an ImageFolder: decodes with sharp on libuv's threads, augments, normalizes, and keeps the next
 * batches in preparation while the caller works on the current one.
 */
export class ImageFolderSplit implements DataSplit {
  readonly name: SplitName;
  readonly size: number;
  readonly classCounts: readonly number[];
  /** Every image's path and label, in the split's (class, path) order: the unshuffled batch order. */
  readonly files: readonly LabeledFile[];
  /** The split folder. */
  readonly dir: string;
  readonly #images: readonly ImageEntry[];
  readonly #settings: ImagePipelineSettings;
  readonly #normalize: ReturnType<typeof createPixelNormalizer>;
  readonly #cache: (RawImage | undefined)[] | undefined;

  /**
   * `decoded`: the pixels of `split.images`, index for index, already decoded (by the check before training)
   * where the cache budget kept them; with the cache on they fill it, so no image is decoded twice.
   */
  constructor(
    split: ScannedSplit,
    settings: ImagePipelineSettings,
    decoded?: readonly (RawImage | undefined)[],
  ) {
    this.name = split.name;
    this.dir = split.dir;
    this.size = split.images.length;
    this.classCounts = split.classCounts;
    this.files = split.images;
    this.#images = split.images;
    this.#settings = settings;
    this.#normalize = createPixelNormalizer(settings.mean, settings.std);
    this.#cache = settings.cache ? new Array<RawImage | undefined>(this.size) : undefined;
    if (this.#cache !== undefined && decoded !== undefined) {
      if (decoded.length !== this.size) {
        throw new RangeError(`${decoded.length} decoded images for the ${this.size} of ${this.name}`);
      }
      const shared = settings.workers !== undefined;
      for (let i = 0; i < decoded.length; i++) {
        const image = decoded[i];
        this.#cache[i] = shared && image !== undefined ? toSharedImage(image) : image;
      }
    }
  }

  /** Worker threads running the per-image steps (`data.num_workers`); 0 when this thread does. */
  get transformThreads(): number {
    return this.#settings.workers?.threads ?? 0;
  }

  get cached(): boolean {
    return this.#cache !== undefined;
  }

  /** Images held in the cache now. */
  get cachedCount(): number {
    return this.#cache?.reduce((count, image) => count + (image === undefined ? 0 : 1), 0) ?? 0;
  }

  /** Number of batches `batches(options)` yields. */
  batchCount(options: Pick<BatchOptions, 'batchSize' | 'limitBatches' | 'dropLast'>): number {
    assertBatchSize(options.batchSize);
    const full =
      options.dropLast === true
        ? Math.floor(this.size / options.batchSize)
        : Math.ceil(this.size / options.batchSize);
    return options.limitBatches === undefined
      ? full
      : Math.min(full, Math.max(0, Math.floor(options.limitBatches)));
  }

  batches(options: BatchOptions): AsyncIterable<Batch> {
    const plan = this.#plan(options);
    return this.#iterate(plan, options);
  }

  /** Image `index` as evaluation sees it (`transforms.eval`, resized, not normalized), from the cache when it is on. */
  async loadImage(index: number): Promise<RawImage> {
    const options = { batchSize: 1, shuffle: false, seed: 0, epoch: 0, augment: false };
    return this.#prepareImage(index, options, { stopped: false }, {});
  }

  /** Path and label of image `index`, in the split's (class, path) order. */
  entry(index: number): ImageEntry {
    const entry = this.#images[index];
    if (entry === undefined) {
      throw new RangeError(`image index ${index} is outside ${this.name} (size ${this.size})`);
    }
    return entry;
  }

  /** The epoch's draws (`epochDraws`: image `draw % size`) in batches. */
  #plan(options: BatchOptions): number[][] {
    const count = this.batchCount(options);
    const sampler = options.shuffle ? (this.#settings.sampler ?? 'random') : 'sequential';
    const order = epochDraws(
      this.#images.map((image) => image.label),
      sampler,
      options.seed,
      options.epoch,
    );
    const start = options.startBatch ?? 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new RangeError(`startBatch must be an integer ≥ 0; got ${start}`);
    }
    return Array.from({ length: Math.max(0, count - start) }, (_, i) => {
      const b = start + i;
      return order.slice(b * options.batchSize, (b + 1) * options.batchSize);
    });
  }

  async *#iterate(plan: readonly number[][], options: BatchOptions): AsyncGenerator<Batch> {
    const state: IterationState = { stopped: false };
    const pending: { readonly batch: Promise<Batch>; readonly group: object }[] = [];
    let started = 0;
    try {
      for (let b = 0; b < plan.length; b++) {
        for (; started < plan.length && started <= b + this.#settings.prefetchBatches; started++) {
          const group = {};
          const batch = this.#prepareBatch(plan[started] ?? [], options, state, group).then((prepared) =>
            this.#mixBatch(prepared, options, (options.startBatch ?? 0) + started),
          );
          batch.catch(() => undefined); // a failure surfaces when that batch is awaited, not as an unhandled rejection
          pending.push({ batch, group });
        }
        const current = pending.shift();
        if (current === undefined) break;
        const batch = await current.batch;
        // The caller's training step may block the main thread, which alone can start queued decodes: send the
        // whole next batch to sharp now, so it decodes on libuv's threads meanwhile.
        const following = pending[0];
        if (following !== undefined) this.#settings.decoder.startGroup(following.group);
        yield batch;
      }
    } finally {
      state.stopped = true;
    }
  }

  /** `transforms.batch` on a training batch, seeded by (seed, epoch, batch number): resume replays it. */
  #mixBatch(batch: Batch, options: BatchOptions, batchNumber: number): Batch {
    const steps = this.#settings.batch ?? [];
    if (!options.augment || steps.length === 0) return batch;
    const random = createRandom(deriveSeed(options.seed, options.epoch, MIX_SEED_TAG, batchNumber));
    const numClasses = this.#settings.numClasses ?? this.classCounts.length;
    return steps.reduce((mixed, step) => step.applyBatch(mixed, numClasses, random), batch);
  }

  async #prepareBatch(
    indices: readonly number[],
    options: BatchOptions,
    state: IterationState,
    group: object,
  ): Promise<Batch> {
    const [height, width] = this.#settings.imageSize;
    const imageLength = height * width * 3;
    const labels = Int32Array.from(indices, (draw) => this.entry(draw % this.size).label);
    const shape: Batch['shape'] = [indices.length, height, width, 3];
    const workers = this.#settings.workers;
    if (workers !== undefined) {
      const decoded = await Promise.all(indices.map((draw) => this.#load(draw % this.size, state, group)));
      // One chunk per worker; every image's pixels depend only on its draw, so chunking changes nothing.
      const chunk = Math.ceil(indices.length / workers.threads);
      const images = new Float32Array(indices.length * imageLength);
      const chunks: Promise<void>[] = [];
      for (let start = 0; start < indices.length; start += chunk) {
        const job = {
          images: decoded.slice(start, start + chunk),
          draws: indices.slice(start, start + chunk),
          seed: options.seed,
          epoch: options.epoch,
          augment: options.augment,
        };
        chunks.push(workers.run(job, imageLength, images, start * imageLength));
      }
      await Promise.all(chunks);
      return { images, labels, shape };
    }
    const images = new Float32Array(indices.length * imageLength);
    await Promise.all(
      indices.map(async (draw, slot) => {
        const image = await this.#prepareImage(draw, options, state, group);
        this.#normalize(image.data, images, slot * imageLength);
      }),
    );
    return { images, labels, shape };
  }

  /** `draw`: the image `draw % size`, its augmentation seeded by the draw (see `epochDraws`). */
  async #prepareImage(
    draw: number,
    options: BatchOptions,
    state: IterationState,
    group: object,
  ): Promise<RawImage> {
    const decoded = await this.#load(draw % this.size, state, group);
    const { train, eval: evaluation, imageSize, resize } = this.#settings;
    const steps = options.augment ? train : evaluation;
    return applyImageSteps(decoded, draw, options.seed, options.epoch, { steps, imageSize, resize });
  }

  async #load(index: number, state: IterationState, group?: object): Promise<RawImage> {
    const cached = this.#cache?.[index];
    if (cached !== undefined) return cached;
    const { path } = this.entry(index);
    const { imageSize, resize, decodeSide } = this.#settings;
    const image = await this.#settings.decoder.run(() => {
      if (state.stopped) return Promise.reject(new IterationStopped());
      return decodeForPipeline(path, { imageSize, resize, decodeSide });
    }, group);
    if (this.#cache !== undefined && this.#settings.cache?.take(image.data.byteLength) === true) {
      this.#cache[index] = this.#settings.workers === undefined ? image : toSharedImage(image);
    }
    return image;
  }
}

function assertBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
}
