import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ClsError, toImageSize, type ClsConfig, type PredictConfig } from '@nextplay/cls-core';
import { RESIZE_MODES, type ResizeMode } from '@nextplay/cls-data';
import { loadTrainerState, predictImages, selectBackend, type TrainerState } from '@nextplay/cls-engine';
import { checkpointHead, loadInferenceModel, prepareCheckpointCommand } from '../checkpointCommand.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { findImageFiles } from '../findImageFiles.js';
import { formatPredictions } from '../formatPredictions.js';
import { imageFileBatches } from '../imageFileBatches.js';
import { predictionsCsv, type ImagePrediction } from '../predictionsCsv.js';

const PREDICT_DEFAULTS: PredictConfig = { input: null, output: null, top_k: 1 };
export const PREDICTIONS_CSV = 'predictions.csv';

/** `input=`, `output=` and `top_k=` are short for `predict.input=`, … on the `cls predict` command line. */
const SHORT_KEYS = ['input', 'output', 'top_k'];

export function expandPredictShortForms(overrides: readonly string[]): string[] {
  return overrides.map((override) => {
    const match = /^(\+{0,2})([a-z_]+)=/.exec(override);
    const key = match?.[2];
    if (match === null || key === undefined || !SHORT_KEYS.includes(key)) return override;
    return `${match[1] ?? ''}predict.${override.slice(match[1]?.length ?? 0)}`;
  });
}

/**
 * `cls predict`: Lightning's `trainer.predict`. Loads the checkpoint `ckpt_path`, prepares every image of
 * `predict.input` as the data pipeline does for evaluation, and writes each image's top-k classes with their
 * softmax confidences to a CSV (and the first rows to the terminal).
 */
export async function predictCommand(args: CliArgs, io: CliIo): Promise<number> {
  const setup = await prepareCheckpointCommand(
    args,
    io,
    'predict',
    expandPredictShortForms(args.overrides),
    'predict',
  );
  if (setup === undefined) return 0;
  const { registry, config, runDir, checkpoint, logger } = setup;
  const settings = config.predict ?? PREDICT_DEFAULTS;
  if (settings.input === null) {
    throw new ClsError('CONFIG_MISSING_VALUE', 'predict.input is required for cls predict', {
      hint: 'input=<image file or folder>',
    });
  }
  const input = resolve(io.cwd, settings.input);
  const images = await findImageFiles(input, settings.input);
  const state = await loadTrainerState(checkpoint);
  const head = await checkpointHead(registry, state, logger, setup.unloadedPlugins);
  if (settings.top_k > 1 && head.countTopK === undefined) {
    throw new ClsError(
      'CONFIG_INVALID',
      `predict.top_k=${settings.top_k}: checkpoint ${checkpoint} has a ${head.name} head, which reads one number per image (top_k=1)`,
    );
  }
  if (settings.top_k > state.classes.length) {
    throw new ClsError(
      'CONFIG_INVALID',
      `predict.top_k=${settings.top_k} is more than the ${state.classes.length} classes of checkpoint ${checkpoint}`,
    );
  }
  await selectBackend(config.trainer.accelerator, registry, logger, {
    threads: config.trainer.num_threads,
    benchmark: config.trainer.benchmark,
  });

  const model = await loadInferenceModel(checkpoint);
  let predictions: ImagePrediction[];
  // As in training (issue #13), an unreadable file in a folder is left out with a warning; a file given on its
  // own, or data.on_bad_image=fail, stops the command at it.
  const skipped = new Map<string, string>();
  const skipUnreadable =
    images.length === 1 && images[0]?.path === input
      ? undefined
      : (config.data as { readonly on_bad_image?: unknown }).on_bad_image === 'fail'
        ? undefined
        : (path: string, reason: string) => {
            skipped.set(path, reason);
            logger.warn(`skipping unreadable image ${path}: ${reason}`);
          };
  try {
    logger.info(`predicting ${images.length} image${images.length === 1 ? '' : 's'} with ${checkpoint}`);
    const batches = imageFileBatches(
      images.map((image) => image.path),
      config.data.batch_size,
      {
        imageSize: toImageSize(state.image_size),
        resize: resizeMode(state, config),
        mean: state.mean,
        std: state.std,
      },
      skipUnreadable,
    );
    const scores = await predictImages(model, batches, {
      classes: state.classes,
      topK: settings.top_k,
      head,
    });
    predictions = images
      .filter((image) => !skipped.has(image.path))
      .map((image, i) => ({ name: image.name, scores: scores[i] ?? [] }));
  } finally {
    model.dispose();
  }
  if (skipped.size > 0) {
    const [first] = skipped;
    if (predictions.length === 0 && first !== undefined) {
      throw new ClsError(
        'DATA_IMAGE_UNREADABLE',
        `cannot read image ${first[0]}: ${first[1]}` +
          (images.length > 1 ? ` (nor any of the other ${images.length - 1} under ${settings.input})` : ''),
      );
    }
    logger.warn(
      `${skipped.size} of ${images.length} images could not be read and were skipped; ` +
        `predictions for the other ${predictions.length}`,
    );
  }
  const output = settings.output === null ? join(runDir, PREDICTIONS_CSV) : resolve(io.cwd, settings.output);
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, predictionsCsv(predictions, settings.top_k));
  io.stdout(formatPredictions(predictions, settings.top_k, output));
  return 0;
}

/**
 * How the checkpoint's training images were resized: recorded in its trainer state, else `data.resize` of the
 * config (checkpoints from before it was recorded), else `fill`.
 */
function resizeMode(state: TrainerState, config: ClsConfig): ResizeMode {
  const resize = state.resize ?? (config.data as Record<string, unknown>).resize;
  return RESIZE_MODES.find((mode) => mode === resize) ?? 'fill';
}
