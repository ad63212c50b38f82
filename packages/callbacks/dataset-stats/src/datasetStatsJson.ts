import { imageSizeSetting } from '@nextplay/cls-core';
import type { ClassCount, DatasetStats, SplitStats } from './datasetStats.js';
import { OrderedJsonObject, stringifyOrderedJson, type OrderedJsonValue } from './orderedJson.js';
import type { SummaryStats } from './summaryStats.js';

/** The file, relative to the run directory. */
export const DATASET_STATS_JSON = 'dataset_stats.json';

/** Unreadable files listed by name per split; the count covers them all. */
export const MAX_UNREADABLE_LISTED = 20;

/** How the headers were chosen, recorded beside the statistics. */
export interface HeaderReadSettings {
  readonly maxPerSplit: number;
  readonly seed: number;
}

/** The text of `dataset_stats.json`: the same stats always give the same bytes. */
export function datasetStatsJson(stats: DatasetStats, reads: HeaderReadSettings): string {
  const total = stats.splits.reduce((sum, split) => sum + split.images, 0);
  return stringifyOrderedJson({
    classes: [...stats.classes],
    num_classes: stats.classes.length,
    image_size: imageSizeSetting(stats.imageSize),
    channels: stats.channels,
    total_images: total,
    header_reads: {
      max_per_split: reads.maxPerSplit,
      seed: reads.seed,
      note: 'width, height and formats come from file headers (no pixels decoded), of a seeded sample of at most max_per_split files per split; sizes are after the EXIF orientation',
    },
    splits: new OrderedJsonObject(stats.splits.map((split) => [split.name, splitJson(split)])),
  });
}

function splitJson(split: SplitStats): OrderedJsonValue {
  return {
    images: split.images,
    class_counts: counts(split.classCounts),
    imbalance_ratio: split.imbalanceRatio === null ? null : Math.round(split.imbalanceRatio * 1e4) / 1e4,
    empty_classes: [...split.emptyClasses],
    largest_class: classJson(split.largestClass),
    smallest_class: classJson(split.smallestClass),
    from_files: split.fromFiles,
    sizes_from_files: split.sizesFromFiles,
    sampled: split.sampled,
    unreadable: split.unreadable.length,
    unreadable_files: split.unreadable
      .slice(0, MAX_UNREADABLE_LISTED)
      .map(({ path, reason }) => ({ path, reason })),
    width: summaryJson(split.width),
    height: summaryJson(split.height),
    formats: counts(split.formats),
  };
}

function counts(entries: readonly ClassCount[]): OrderedJsonObject {
  return new OrderedJsonObject(entries.map(({ name, count }) => [name, count]));
}

function classJson(entry: ClassCount | undefined): OrderedJsonValue {
  return entry === undefined ? null : { name: entry.name, count: entry.count };
}

function summaryJson(stats: SummaryStats | undefined): OrderedJsonValue {
  if (stats === undefined) return null;
  return {
    min: stats.min,
    max: stats.max,
    mean: stats.mean,
    median: stats.median,
    histogram: stats.histogram.map(({ from, to, count }) => ({ from, to, count })),
  };
}
