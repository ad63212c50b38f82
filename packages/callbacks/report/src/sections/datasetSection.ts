import { formatJsonValue } from '../format.js';
import { jsonCell, keyValueTable } from '../jsonTables.js';
import { isRecord } from '../runData.js';
import { SECTION_ORDER, type ReportBlock, type ReportCell, type ReportSection } from '../reportSection.js';
import { chartImage } from './chartImage.js';
import type { SectionInput } from './sectionInput.js';

const FACTS = ['num_classes', 'image_size', 'channels', 'total_images'];

/**
 * `dataset_stats.json` and `plots/dataset_stats.{svg,png}` from the dataset-stats callback: the dataset's facts,
 * one row per split (images, balance, sizes, formats, unreadable files) and the images per class and split.
 */
export async function datasetSection({ files }: SectionInput): Promise<ReportSection | undefined> {
  const chart = await chartImage(files, 'plots/dataset_stats');
  const read = await files.json('dataset_stats.json');
  if (chart.path === undefined && read === undefined) return undefined;
  const blocks: ReportBlock[] = [];
  if (read !== undefined && 'error' in read) blocks.push({ kind: 'text', text: read.error });
  const stats = read !== undefined && 'value' in read && isRecord(read.value) ? read.value : undefined;
  if (stats !== undefined) {
    blocks.push({ kind: 'table', table: keyValueTable(stats, FACTS) });
    const splits = isRecord(stats.splits) ? Object.entries(stats.splits) : [];
    if (splits.length > 0) {
      blocks.push({
        kind: 'table',
        table: { caption: 'splits', columns: SPLIT_COLUMNS, rows: splits.map(splitRow) },
      });
      blocks.push(classCounts(stats.classes, splits));
    }
  }
  if (chart.path !== undefined) blocks.push({ kind: 'image', path: chart.path });
  return { id: 'dataset', title: 'Dataset', order: SECTION_ORDER.dataset, blocks, claims: chart.claims };
}

const SPLIT_COLUMNS = [
  'split',
  'images',
  'imbalance_ratio',
  'smallest_class',
  'largest_class',
  'empty_classes',
  'width',
  'height',
  'formats',
  'unreadable',
];

function splitRow([name, split]: [string, unknown]): ReportCell[] {
  const entry = isRecord(split) ? split : {};
  const named = (value: unknown) =>
    isRecord(value) ? `${formatJsonValue(value.name)} (${formatJsonValue(value.count)})` : jsonCell(value);
  const range = (value: unknown) =>
    isRecord(value)
      ? `${formatJsonValue(value.min)}–${formatJsonValue(value.max)}, median ${formatJsonValue(value.median)}`
      : jsonCell(value);
  const empty = Array.isArray(entry.empty_classes)
    ? entry.empty_classes.length
    : jsonCell(entry.empty_classes);
  return [
    name,
    jsonCell(entry.images),
    jsonCell(entry.imbalance_ratio),
    named(entry.smallest_class),
    named(entry.largest_class),
    empty,
    range(entry.width),
    range(entry.height),
    jsonCell(entry.formats),
    jsonCell(entry.unreadable),
  ];
}

function classCounts(classes: unknown, splits: readonly [string, unknown][]): ReportBlock {
  const counts = splits.map(([, split]) =>
    isRecord(split) && isRecord(split.class_counts) ? split.class_counts : {},
  );
  const names = Array.isArray(classes) ? classes.map(String) : Object.keys(counts[0] ?? {});
  return {
    kind: 'table',
    table: {
      caption: 'images per class',
      columns: ['class', ...splits.map(([name]) => name)],
      rows: names.map((name) => [name, ...counts.map((count) => jsonCell(count[name] ?? null))]),
    },
  };
}
