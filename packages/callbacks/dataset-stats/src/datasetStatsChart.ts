import { formatImageSize } from '@nextplay/cls-core';
import type { ChartSpec } from '@nextplay/cls-charts';
import type { DatasetStats, SplitStats } from './datasetStats.js';
import type { SummaryStats } from './summaryStats.js';

/** A class panel is about this wide, whatever the number of classes (bars 6 to 32 px). */
const CLASS_PANEL_WIDTH = 900;
/** Class labels longer than this many px end in an ellipsis. */
const CLASS_LABEL_LIMIT = 90;
/** A class slot widens to at most this many px so that its label fits horizontally. */
const MAX_HORIZONTAL_LABEL_STEP = 120;
/** Width of an average character in em, on the generous side (Inter's capitals are about 0.7). */
const LABEL_EM_PER_CHAR = 0.68;
/** Space between two horizontal labels. */
const LABEL_GAP = 6;
const SPLIT_COLORS: Readonly<Record<string, string>> = { train: '#4c78a8', val: '#f58518', test: '#54a24b' };
/** Empty classes named in a panel's subtitle; the rest are counted. */
const EMPTY_CLASSES_NAMED = 8;
const MIN_SIZE_DOMAIN = 16;

/**
 * The class distribution of every split (one bar panel per split with the run's classes in order, so 100 classes
 * such as jersey numbers stay readable; empty classes marked with a red 0, a dashed line at the mean count) and
 * the width and height histograms of the images whose headers were read.
 */
export function datasetStatsChart(stats: DatasetStats): ChartSpec {
  const classAxis = classAxisLayout(stats.classes);
  const classPanels = stats.splits.map((split) => classPanel(split, classAxis));
  const sizePanels = stats.splits.flatMap((split) => {
    if (split.width === undefined || split.height === undefined) return [];
    const formats = split.formats.map(({ name, count }) => `${name} ${count}`).join(', ');
    const read = `${split.sizesFromFiles}${split.sampled ? ' sampled' : ''} file headers`;
    const unreadable = split.unreadable.length > 0 ? `, ${split.unreadable.length} unreadable` : '';
    return [
      {
        title: {
          text: `${split.name}: image sizes of ${read}${unreadable}`,
          subtitle: `formats: ${formats}`,
        },
        hconcat: [sizePanel(split, split.width, 'width (px)'), sizePanel(split, split.height, 'height (px)')],
      },
    ];
  });
  const noSizes =
    sizePanels.length === 0
      ? [
          {
            title: 'image sizes: no file headers read (splits held in memory, or max_header_reads=0)',
            data: { values: [{}] },
            mark: { type: 'text' as const, text: '' },
            width: 10,
            height: 10,
          },
        ]
      : [];
  return {
    title: `Dataset: ${stats.classes.length} classes, model input ${formatImageSize(stats.imageSize)}`,
    vconcat: [...classPanels, ...sizePanels, ...noSizes],
    config: { view: { stroke: null } },
  };
}

/** How wide a class's slot is and how its label is drawn. */
interface ClassAxisLayout {
  readonly step: number;
  readonly labelSize: number;
  /** 0 (horizontal) when every label fits in its slot, else -90 (vertical, one label per slot). */
  readonly labelAngle: number;
}

/**
 * Horizontal labels when the longest fits beside its neighbours (the slot widened up to
 * `MAX_HORIZONTAL_LABEL_STEP` px for it, as with a few classes); vertical ones otherwise, which never overlap
 * since a slot is at least a label's height.
 */
function classAxisLayout(classes: readonly string[]): ClassAxisLayout {
  const fitStep = Math.floor(CLASS_PANEL_WIDTH / Math.max(1, classes.length));
  const step = Math.max(6, Math.min(32, fitStep));
  const labelSize = Math.max(6, Math.min(11, step - 1));
  const longest = Math.max(0, ...classes.map((name) => name.length));
  const labelWidth = Math.min(CLASS_LABEL_LIMIT, Math.ceil(longest * labelSize * LABEL_EM_PER_CHAR));
  const horizontalStep = Math.max(step, labelWidth + LABEL_GAP);
  return horizontalStep <= Math.min(fitStep, MAX_HORIZONTAL_LABEL_STEP)
    ? { step: horizontalStep, labelSize, labelAngle: 0 }
    : { step, labelSize, labelAngle: -90 };
}

function classPanel(split: SplitStats, { step, labelSize, labelAngle }: ClassAxisLayout) {
  const values = split.classCounts.map(({ name, count }) => ({ name, count }));
  const mean = split.images / Math.max(1, split.classCounts.length);
  const ratio = split.imbalanceRatio === null ? 'n/a' : split.imbalanceRatio.toFixed(2);
  const empty = split.emptyClasses;
  const emptyText =
    empty.length === 0
      ? ''
      : `; ${empty.length} empty: ${empty.slice(0, EMPTY_CLASSES_NAMED).join(', ')}${empty.length > EMPTY_CLASSES_NAMED ? ', …' : ''}`;
  const x = {
    field: 'name',
    type: 'ordinal' as const,
    sort: null,
    scale: { domain: split.classCounts.map(({ name }) => name) },
    title: 'class',
    axis: { labelFontSize: labelSize, labelAngle, labelLimit: CLASS_LABEL_LIMIT, labelOverlap: false },
  };
  return {
    title: {
      text: `${split.name}: ${split.images} images`,
      subtitle: `largest/smallest class ${ratio}${emptyText}; dashed: mean ${mean.toFixed(1)} per class`,
    },
    width: { step },
    height: 160,
    data: { values },
    layer: [
      {
        mark: { type: 'bar' as const, color: SPLIT_COLORS[split.name] ?? '#4c78a8' },
        encoding: { x, y: { field: 'count', type: 'quantitative' as const, title: 'images' } },
      },
      {
        transform: [{ filter: 'datum.count === 0' }],
        mark: { type: 'text' as const, color: '#c00', dy: -6, fontSize: Math.max(8, labelSize) },
        encoding: { x, y: { datum: 0, type: 'quantitative' as const }, text: { value: '0' } },
      },
      {
        data: { values: [{ mean }] },
        mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#555' },
        encoding: { y: { field: 'mean', type: 'quantitative' as const } },
      },
    ],
  };
}

function sizePanel(split: SplitStats, stats: SummaryStats, title: string) {
  const read = Math.max(1, split.sizesFromFiles);
  const values = stats.histogram.map(({ from, to, count }) => ({ from, end: to + 1, share: count / read }));
  return {
    title: `${title}: min ${stats.min}, median ${stats.median}, mean ${stats.mean.toFixed(1)}, max ${stats.max}`,
    width: 360,
    height: 120,
    data: { values },
    mark: {
      type: 'bar' as const,
      color: SPLIT_COLORS[split.name] ?? '#4c78a8',
      stroke: 'white',
      strokeWidth: 0.5,
    },
    encoding: {
      x: {
        field: 'from',
        type: 'quantitative' as const,
        title,
        scale: { zero: false, domain: sizeDomain(stats) },
        axis: { format: 'd', tickMinStep: 1 },
      },
      x2: { field: 'end' },
      y: {
        field: 'share',
        type: 'quantitative' as const,
        title: 'share of files read',
        axis: { format: '.0%' },
      },
      // With x and x2 given, vega-lite would draw a ranged bar at the share instead of up from 0.
      y2: { datum: 0 },
    },
  };
}

/** The bins' extent, widened to at least `MIN_SIZE_DOMAIN` px so one size (MNIST's 28) is a bar, not a wall. */
function sizeDomain(stats: SummaryStats): [number, number] {
  const pad = Math.max(0, Math.ceil((MIN_SIZE_DOMAIN - (stats.max + 1 - stats.min)) / 2));
  const from = Math.max(0, stats.min - pad);
  return [from, Math.max(stats.max + 1 + pad, from + MIN_SIZE_DOMAIN)];
}
