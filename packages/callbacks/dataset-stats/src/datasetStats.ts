import type { DataModuleInfo, DataSplitInfo, ImageSize, SplitName } from '@nextplay/cls-core';
import type { HeaderScan, UnreadableFile } from './headerScan.js';
import { summaryStats, type SummaryStats } from './summaryStats.js';

/** A class and its image count. */
export interface ClassCount {
  readonly name: string;
  readonly count: number;
}

/** What `dataset_stats.json` says of one split. */
export interface SplitStats {
  readonly name: SplitName;
  readonly images: number;
  /** Every class of the run, in its order, with 0 for a class the split lacks. */
  readonly classCounts: readonly ClassCount[];
  /** Largest class count over smallest; null when a class is empty (see `emptyClasses`) or there are none. */
  readonly imbalanceRatio: number | null;
  readonly emptyClasses: readonly string[];
  readonly largestClass: ClassCount | undefined;
  readonly smallestClass: ClassCount | undefined;
  /** False for a split held in memory: no files, so no sizes or formats. */
  readonly fromFiles: boolean;
  /** Headers read (successfully): what `width`, `height` and `formats` describe. */
  readonly sizesFromFiles: number;
  /** True when the headers are a sample of the split's files, not all of them. */
  readonly sampled: boolean;
  /**
   * Files that could not be read: those the data module left out of the split (`skipped_images.csv`), then those
   * whose header failed among the files read.
   */
  readonly unreadable: readonly UnreadableFile[];
  readonly width: SummaryStats | undefined;
  readonly height: SummaryStats | undefined;
  /** Format name → headers of that format, most common first. */
  readonly formats: readonly ClassCount[];
}

export interface DatasetStats {
  readonly classes: readonly string[];
  /** The model's input side, in pixels. */
  /** Model input `[height, width]`. */
  readonly imageSize: ImageSize;
  readonly channels: number;
  readonly splits: readonly SplitStats[];
}

export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

/** The present splits of `data`, in train, val, test order. */
export function presentSplits(data: DataModuleInfo): DataSplitInfo[] {
  return SPLIT_NAMES.flatMap((name) => {
    const split = data[name];
    return split === undefined ? [] : [split];
  });
}

/**
 * The statistics of a split: counts from `split` itself, sizes and formats from the headers in `scan`, and as
 * unreadable the files the data module `skipped` (not in `split`) and those whose header failed.
 */
export function splitStats(
  split: DataSplitInfo,
  classes: readonly string[],
  scan: HeaderScan | undefined,
  skipped: readonly UnreadableFile[] = [],
): SplitStats {
  const classCount = Math.max(classes.length, split.classCounts.length);
  const classCounts = Array.from({ length: classCount }, (_, c) => ({
    name: classes[c] ?? String(c),
    count: split.classCounts[c] ?? 0,
  }));
  const emptyClasses = classCounts.filter(({ count }) => count === 0).map(({ name }) => name);
  const largestClass = classCounts.reduce<ClassCount | undefined>(
    (best, entry) => (best === undefined || entry.count > best.count ? entry : best),
    undefined,
  );
  const smallestClass = classCounts.reduce<ClassCount | undefined>(
    (best, entry) => (best === undefined || entry.count < best.count ? entry : best),
    undefined,
  );
  const imbalanceRatio =
    largestClass === undefined || smallestClass === undefined || smallestClass.count === 0
      ? null
      : largestClass.count / smallestClass.count;
  const headers = scan?.headers ?? [];
  const formats = new Map<string, number>();
  for (const { format } of headers) formats.set(format, (formats.get(format) ?? 0) + 1);
  return {
    name: split.name,
    images: split.size,
    classCounts,
    imbalanceRatio,
    emptyClasses,
    largestClass,
    smallestClass,
    fromFiles: split.files !== undefined,
    sizesFromFiles: headers.length,
    sampled: scan !== undefined && scan.attempted < (split.files?.length ?? 0),
    unreadable: [...skipped, ...(scan?.unreadable ?? [])],
    width: summaryStats(headers.map(({ width }) => width)),
    height: summaryStats(headers.map(({ height }) => height)),
    formats: [...formats]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)),
  };
}
