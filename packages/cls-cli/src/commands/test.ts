import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import {
  ClsError,
  formatImageSize,
  imageSizeSetting,
  toImageSize,
  writeFileAtomic,
  type DataConfig,
  type JsonValue,
  type Logger,
} from '@nextplay/cls-core';
import { writeRunConfig } from '@nextplay/cls-config';
import {
  limitBatches,
  loadTrainerState,
  selectBackend,
  testCheckpoint,
  type TrainerState,
} from '@nextplay/cls-engine';
import { checkpointHead, loadInferenceModel, prepareCheckpointCommand } from '../checkpointCommand.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { formatTestResults } from '../formatTestResults.js';

export const TEST_RESULTS_JSON = 'test_results.json';

/**
 * `cls test`: Lightning's `trainer.test`. Composes the config as `cls train` does, builds the dataset, evaluates
 * the checkpoint `ckpt_path` on its test split, prints the metrics and writes `test_results.json` to the run
 * directory.
 */
export async function testCommand(args: CliArgs, io: CliIo): Promise<number> {
  const setup = await prepareCheckpointCommand(args, io, 'test', args.overrides);
  if (setup === undefined) return 0;
  const { registry, config, runDir, checkpoint, logger } = setup;
  const state = await loadTrainerState(checkpoint);
  const head = await checkpointHead(registry, state, logger, setup.unloadedPlugins);
  const backend = await selectBackend(config.trainer.accelerator, registry, logger, {
    threads: config.trainer.num_threads,
    benchmark: config.trainer.benchmark,
  });

  const data = await registry.create(
    'dataset',
    config.data.name,
    checkpointDataNode(config.data, state, logger),
    {
      logger,
      seed: config.seed,
      splits: ['test'],
      // The checkpoint's index→class map labels the test images, matched by class name; never a re-scan.
      classes: { names: state.classes, source: `checkpoint ${checkpoint}` },
      // A digit head reads numbers it was not trained on: they join the checkpoint's classes.
      ...(head.readsUnseenClasses ? { unseenClasses: true } : {}),
      ...(config.transforms === undefined ? {} : { transforms: config.transforms }),
      createTransform: (name, options, context) => registry.create('transform', name, options, context),
    },
  );
  if (
    !sameClasses(
      state.classes,
      data.classes.slice(0, head.readsUnseenClasses ? state.classes.length : undefined),
    )
  ) {
    throw new ClsError(
      'CONFIG_INVALID',
      `checkpoint ${checkpoint} was trained on classes ${classList(state.classes)}, but dataset ` +
        `${config.data.name}${config.data.root === null ? '' : ` at ${config.data.root}`} has ${classList(data.classes)}`,
    );
  }
  if (data.test === undefined) {
    throw new ClsError(
      'DATA_SPLIT_MISSING',
      `dataset ${config.data.name}${config.data.root === null ? '' : ` at ${config.data.root}`} has no test split`,
    );
  }
  const batches = limitBatches(
    config.trainer.limit_test_batches,
    Math.ceil(data.test.size / config.data.batch_size),
    'limit_test_batches',
  );
  const testedImages = Math.min(data.test.size, batches * config.data.batch_size);
  logger.info(
    `testing checkpoint ${checkpoint} on ${testedImages} images` +
      (testedImages < data.test.size
        ? ` of ${data.test.size} (trainer.limit_test_batches=${config.trainer.limit_test_batches})`
        : ''),
  );
  const model = await loadInferenceModel(checkpoint);
  let tested;
  try {
    tested = await testCheckpoint(model, data.test, {
      classes: data.classes,
      head,
      // Numbers beyond the checkpoint's classes, and its classes without training images, are unseen.
      trainClassCounts: data.classes.map(
        (_, c) => state.train_class_counts?.[c] ?? (c < state.classes.length ? 1 : 0),
      ),
      batchSize: config.data.batch_size,
      limitBatches: config.trainer.limit_test_batches,
      seed: config.seed,
    });
  } finally {
    model.dispose();
  }
  const perClass: Record<string, JsonValue> = {};
  for (const [name, metrics] of Object.entries(tested.perClass)) perClass[name] = { ...metrics };
  const results: Record<string, JsonValue> = {
    'test/acc': tested.metrics['test/acc'] ?? null,
    'test/loss': tested.metrics['test/loss'] ?? null,
    'test/acc_top5': tested.metrics['test/acc_top5'] ?? null,
    'test/f1_macro': tested.metrics['test/f1_macro'] ?? null,
    ...tested.headMetrics,
    'test/per_class': perClass,
    ckpt_path: checkpoint,
    backend: backend.name,
    num_images: tested.numImages,
  };
  await mkdir(runDir, { recursive: true });
  // A run directory of its own records what was tested, as a training run does; a training run keeps its config.
  if (!existsSync(join(runDir, '.hydra', 'config.yaml'))) {
    writeRunConfig(runDir, {
      config: setup.composed.config,
      overrides: setup.composed.overrides,
      hydra: {
        choices: setup.composed.choices,
        configName: setup.composed.configName,
        configDirs: setup.configDirs,
        cwd: io.cwd,
        runDir,
      },
    });
  }
  const resultsPath = join(runDir, TEST_RESULTS_JSON);
  await writeFileAtomic(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  io.stdout(
    formatTestResults(tested.metrics, tested.perClass, data.classes) +
      `Tested ${checkpoint} on ${tested.numImages} images (backend ${backend.name}); results in ${resultsPath}\n`,
  );
  return 0;
}

/** The data node with the checkpoint's preprocessing: the model only fits images prepared as in training. */
function checkpointDataNode(data: DataConfig, state: TrainerState, logger: Logger): DataConfig {
  const configured = data as DataConfig & { readonly resize?: unknown };
  // Datasets with a resize mode (ImageFolder) resize as the checkpoint's training data was.
  const resize = state.resize !== undefined && 'resize' in configured ? state.resize : undefined;
  const node: DataConfig = {
    ...data,
    image_size: imageSizeSetting(toImageSize(state.image_size)),
    mean: [...state.mean],
    std: [...state.std],
    ...(resize === undefined ? {} : { resize }),
  };
  const differs =
    (resize !== undefined && configured.resize !== resize) ||
    formatImageSize(toImageSize(data.image_size)) !== formatImageSize(toImageSize(node.image_size)) ||
    data.mean.some((v, i) => v !== node.mean[i]) ||
    data.std.some((v, i) => v !== node.std[i]);
  if (differs) {
    logger.info(
      `using the checkpoint's preprocessing: image_size ${JSON.stringify(node.image_size)}, mean [${node.mean.join(', ')}], ` +
        `std [${node.std.join(', ')}], resize ${resize ?? 'as configured'}`,
    );
  }
  return node;
}

function sameClasses(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** `[a, b, c]`, cut after ten names. */
function classList(classes: readonly string[]): string {
  const shown = classes.slice(0, 10).join(', ');
  return classes.length > 10 ? `[${shown}, … (${classes.length} classes)]` : `[${shown}]`;
}
