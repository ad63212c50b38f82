import { join } from 'node:path';
import { checkChartFonts } from '@nextplay/cls-charts';
import {
  ClsError,
  writeFileAtomic,
  type Callback,
  type SplitPredictions,
  type TrainerContext,
} from '@nextplay/cls-core';
import { className, predictedLabel, predictionsDocument } from './predictionsDocument.js';
import {
  PREDICTIONS_DEFAULTS,
  PREDICTIONS_LIMITS,
  type PredictionsOptions,
  type ResolvedPredictionsOptions,
} from './predictionsOptions.js';
import { renderPredictionGrid } from './renderPredictionGrid.js';
import { selectSamples } from './selectSamples.js';

/** Run-relative paths of what the callback writes. */
export const PREDICTIONS_FILES = {
  png: 'plots/predictions.png',
  svg: 'plots/predictions.svg',
  json: 'predictions.json',
} as const;

let fontsReported = false;

/**
 * Draws `plots/predictions.{png,svg}`: a grid of test images (val images when the run has no test split) with
 * their true class, predicted class and its probability, wrong ones framed in red. It shows the most confident
 * wrong and least confident correct predictions and a seeded random sample of the rest, and lists them in
 * `predictions.json`. Drawn once: at the test pass's end, or at fit's end from the last validation when there is
 * no test split (not when interrupted).
 */
export class PredictionsCallback implements Callback {
  readonly name = 'predictions';
  readonly failure = 'warn';
  readonly options: ResolvedPredictionsOptions;

  constructor(options: Readonly<PredictionsOptions> = {}) {
    this.options = { ...PREDICTIONS_DEFAULTS, ...options };
    for (const key of ['count', 'columns', 'tile_size'] as const) {
      const { minimum, maximum } = PREDICTIONS_LIMITS[key];
      const value = this.options[key];
      if (!Number.isInteger(value) || value < minimum || value > maximum) {
        throw new ClsError(
          'CONFIG_INVALID',
          `callbacks.predictions.${key} must be an integer from ${minimum} to ${maximum}, got ${String(value)}`,
        );
      }
    }
  }

  async onFitEnd(context: TrainerContext): Promise<void> {
    if (context.interrupted || context.data.test !== undefined) return;
    await this.#draw(context, context.validationPredictions, 'val');
  }

  async onTestEnd(context: TrainerContext): Promise<void> {
    await this.#draw(context, context.testPredictions, 'test');
  }

  async #draw(
    context: TrainerContext,
    predictions: SplitPredictions | undefined,
    expected: SplitPredictions['split'],
  ): Promise<void> {
    if (predictions === undefined || predictions.targets.length === 0) {
      context.logger.info(`predictions: no ${expected} predictions; ${PREDICTIONS_FILES.png} not drawn`);
      return;
    }
    const { split } = predictions;
    const selected = selectSamples(predictions, {
      count: this.options.count,
      mostConfidentWrong: this.options.most_confident_wrong,
      leastConfidentCorrect: this.options.least_confident_correct,
      seed: this.options.seed,
    });
    const images = await context.loadImages(
      split,
      selected.map((sample) => sample.index),
    );
    if (images === undefined) {
      context.logger.info(
        `predictions: the ${split} split holds no images; ${PREDICTIONS_FILES.png} not drawn`,
      );
      return;
    }
    await this.#reportFonts(context);
    const tiles = selected.map(({ index }, i) => {
      const image = images[i];
      if (image === undefined) {
        throw new ClsError('PLUGIN_FAILED', `loadImages returned no image for ${split} sample ${index}`);
      }
      const t = predictions.targets[index] ?? -1;
      const p = predictions.predicted[index] ?? -1;
      return {
        image,
        trueLabel: className(context.classes, t),
        predictedLabel: predictedLabel(predictions, context.classes, index),
        confidence: predictions.confidence[index] ?? 0,
        correct: t === p,
      };
    });
    const grid = await renderPredictionGrid(tiles, {
      columns: this.options.columns,
      tileSize: this.options.tile_size,
      title: `${split} predictions, epoch ${predictions.epoch}: red frame = wrong; true class, predicted class, probability`,
    });
    const document = predictionsDocument(
      predictions,
      selected,
      context.classes,
      context.data[split],
      grid.layout,
    );
    await Promise.all([
      writeFileAtomic(join(context.runDir, PREDICTIONS_FILES.png), grid.png),
      writeFileAtomic(join(context.runDir, PREDICTIONS_FILES.svg), grid.svg),
    ]);
    await writeFileAtomic(
      join(context.runDir, PREDICTIONS_FILES.json),
      `${JSON.stringify(document, null, 2)}\n`,
    );
  }

  async #reportFonts(context: TrainerContext): Promise<void> {
    if (fontsReported) return;
    fontsReported = true;
    const check = await checkChartFonts();
    if (check.problem !== undefined) context.logger.warn(`predictions: ${check.problem}`);
  }
}
