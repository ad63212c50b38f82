import { join, resolve } from 'node:path';
import { ChartWriter } from '@nextplay/cls-charts';
import {
  ClsError,
  deriveSeed,
  writeFileAtomic,
  type Callback,
  type SkippedImage,
  type TrainerContext,
} from '@nextplay/cls-core';
import { presentSplits, SPLIT_NAMES, splitStats, type DatasetStats } from './datasetStats.js';
import { datasetStatsChart } from './datasetStatsChart.js';
import { DATASET_STATS_JSON, datasetStatsJson } from './datasetStatsJson.js';
import {
  DATASET_STATS_DEFAULTS,
  type DatasetStatsOptions,
  type ResolvedDatasetStatsOptions,
} from './datasetStatsOptions.js';
import { scanHeaders, type UnreadableFile } from './headerScan.js';
import { readSkippedImages } from './readSkippedImages.js';

/** Seeds the header sample: fixed, so every run and resume of a dataset reads the same files. */
export const HEADER_SAMPLE_SEED = 0x5eed;

/**
 * Writes `dataset_stats.json` and `plots/dataset_stats.{svg,png}`: per split, the exact class counts (from the
 * data module, no reads), the imbalance ratio, and the width, height and format distribution of a bounded,
 * seeded sample of file headers. The headers are read in the background from `onFitStart`, a few at a time
 * between training steps; the files are written when done and awaited at `onFitEnd`. The output depends only on
 * the data, so a resumed run writes the same bytes.
 */
export class DatasetStatsCallback implements Callback {
  readonly name = 'dataset_stats';
  readonly failure = 'warn';
  readonly options: ResolvedDatasetStatsOptions;
  #charts: ChartWriter | undefined;
  #work: Promise<void> = Promise.resolve();
  #failure: unknown;
  #stats: DatasetStats | undefined;

  constructor(options: Readonly<DatasetStatsOptions> = {}) {
    this.options = { ...DATASET_STATS_DEFAULTS, ...options };
    const limit = this.options.max_header_reads;
    if (!Number.isInteger(limit) || limit < 0) {
      throw new ClsError(
        'CONFIG_INVALID',
        `callbacks.dataset_stats.max_header_reads must be an integer >= 0, got ${String(limit)}`,
      );
    }
  }

  /** The statistics last computed; undefined until the background work is done. */
  get stats(): DatasetStats | undefined {
    return this.#stats;
  }

  onFitStart(context: TrainerContext): void {
    this.#charts = new ChartWriter({ logger: context.logger });
    const charts = this.#charts;
    this.#work = this.#work
      .then(() => this.#compute(context, charts))
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
  }

  onTrainEpochEnd(): void {
    this.#throwIfFailed();
  }

  async onFitEnd(): Promise<void> {
    await this.#work;
    this.#throwIfFailed();
    await this.#charts?.flush();
  }

  async #compute(context: TrainerContext, charts: ChartWriter): Promise<void> {
    const { data } = context;
    const skipped = await readSkippedImages(context.runDir);
    const splits = [];
    for (const split of presentSplits(data)) {
      const seed = deriveSeed(HEADER_SAMPLE_SEED, SPLIT_NAMES.indexOf(split.name));
      const scan =
        split.files === undefined || this.options.max_header_reads === 0
          ? undefined
          : await scanHeaders(split.files, this.options.max_header_reads, seed);
      const skippedHere = skipped.filter((image) => image.split === split.name);
      splits.push(splitStats(split, data.classes, scan, skippedFiles(skippedHere, context)));
    }
    const stats: DatasetStats = {
      classes: data.classes,
      imageSize: data.imageSize,
      channels: data.channels,
      splits,
    };
    this.#stats = stats;
    await writeFileAtomic(
      join(context.runDir, DATASET_STATS_JSON),
      datasetStatsJson(stats, { maxPerSplit: this.options.max_header_reads, seed: HEADER_SAMPLE_SEED }),
    );
    if (this.options.plots)
      charts.write(datasetStatsChart(stats), join(context.runDir, 'plots', 'dataset_stats'));
  }

  #throwIfFailed(): void {
    this.#charts?.throwIfFailed();
    const failure = this.#failure;
    if (failure === undefined) return;
    this.#failure = undefined;
    const reason = failure instanceof Error ? failure.message : 'unknown error';
    throw new ClsError('PLUGIN_FAILED', `dataset_stats.json could not be written: ${reason}`, {
      cause: failure,
    });
  }
}

/**
 * Skipped images with paths like the split's files: `skipped_images.csv` has them relative to `data.root`, which
 * the data module resolved from the working directory, as `resolve` does here.
 */
function skippedFiles(images: readonly SkippedImage[], context: TrainerContext): UnreadableFile[] {
  if (images.length === 0) return [];
  const root = context.config.data.root;
  return images.map(({ path, reason }) => ({ path: root === null ? path : resolve(root, path), reason }));
}
