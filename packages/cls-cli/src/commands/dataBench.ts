import { performance } from 'node:perf_hooks';
import { createLogger, formatImageSize, imageSizeSetting, type DataModule } from '@nextplay/cls-core';
import { createBuiltinRegistry } from '../builtinPlugins.js';
import type { CliArgs } from '../cliArgs.js';
import type { CliIo } from '../cliIo.js';
import { checkDataPaths } from '../checkDataPaths.js';
import { composeCommandConfig } from '../composeCommandConfig.js';
import { validatedRunConfig } from '../validatedRunConfig.js';

/** Epochs measured without `--epochs`: the first, and four for the steady state (the second still warms up). */
export const DEFAULT_BENCH_EPOCHS = 5;

/** What `cls data bench --json` prints. */
export interface DataBenchResult {
  readonly img_per_s: { readonly first_epoch: number; readonly steady: number | null };
  readonly peak_rss_mb: number;
  readonly images: number;
  readonly epochs: number;
  /** Building the dataset: scanning, and reading every training image once before the first epoch. */
  readonly setup_s: number;
  /** Seconds of each epoch's batches, setup not included. */
  readonly epoch_s: readonly number[];
  readonly batch_size: number;
  readonly image_size: number | readonly number[];
  readonly num_workers: number;
  /** Worker threads running the per-image transforms: num_workers, at most one per core; 0 on the main thread. */
  readonly transform_threads: number;
  readonly transforms: readonly string[];
}

/**
 * `cls data bench data.root=<dir> [transforms=…] [data.num_workers=N] [--epochs N] [--json]`: the input pipeline
 * alone, as `cls train` builds it from the same config (decode, transforms.train, normalize, batch, through the
 * dataset's public batches), over `--epochs` shuffled training epochs. The first epoch counts the dataset's
 * setup (its one read of every image, which fills the decode cache); the steady state is the later epochs.
 */
export async function dataBenchCommand(args: CliArgs, io: CliIo): Promise<number> {
  const registry = createBuiltinRegistry();
  const { composed } = await composeCommandConfig(args, io, args.overrides);
  const { config } = await validatedRunConfig(composed, registry, io.cwd);
  await checkDataPaths(config);
  // With --json, stdout holds the one object: only warnings and errors are logged (to stderr).
  const logger = createLogger({ level: args.json ? 1 : args.verbose ? 4 : 3 });
  const epochs = args.epochs ?? DEFAULT_BENCH_EPOCHS;
  const batchSize = config.data.batch_size;

  const setupStart = performance.now();
  const data: DataModule = await registry.create('dataset', config.data.name, config.data, {
    logger,
    seed: config.seed,
    splits: ['train'],
    ...(config.transforms === undefined ? {} : { transforms: config.transforms }),
    createTransform: (name, options, context) => registry.create('transform', name, options, context),
  });
  const setupSeconds = (performance.now() - setupStart) / 1000;

  const epochSeconds: number[] = [];
  let images = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    let seen = 0;
    const batches = data.train.batches({ batchSize, shuffle: true, seed: config.seed, epoch, augment: true });
    for await (const batch of batches) seen += batch.labels.length;
    epochSeconds.push((performance.now() - start) / 1000);
    images = seen;
    if (!args.json) {
      logger.info(
        `epoch ${epoch}: ${seen} images in ${epochSeconds[epoch]?.toFixed(2) ?? '?'} s` +
          (epoch === 0 ? ` (+ ${setupSeconds.toFixed(2)} s of setup)` : ''),
      );
    }
  }
  const later = epochSeconds.slice(1).reduce((sum, seconds) => sum + seconds, 0);
  const result: DataBenchResult = {
    img_per_s: {
      first_epoch: round(images / (setupSeconds + (epochSeconds[0] ?? 0))),
      steady: epochs > 1 ? round((images * (epochs - 1)) / later) : null,
    },
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    images,
    epochs,
    setup_s: round(setupSeconds, 3),
    epoch_s: epochSeconds.map((seconds) => round(seconds, 3)),
    batch_size: batchSize,
    image_size: imageSizeSetting(data.imageSize),
    num_workers: config.data.num_workers,
    transform_threads: transformThreads(data.train),
    transforms: (config.transforms?.train ?? []).map((step) => Object.keys(step)[0] ?? ''),
  };
  if (args.json) {
    io.stdout(`${JSON.stringify(result)}\n`);
    return 0;
  }
  io.stdout(
    `input pipeline of ${config.data.name} (${images} training images, batch ${batchSize}, ${formatImageSize(data.imageSize)} px, ` +
      `num_workers ${config.data.num_workers} (${result.transform_threads} transform threads), transforms.train: ${result.transforms.join(', ') || 'none'})\n` +
      `  first epoch: ${result.img_per_s.first_epoch} img/s (setup ${result.setup_s} s + epoch ${result.epoch_s[0]} s)\n` +
      `  steady:      ${result.img_per_s.steady ?? 'n/a (one epoch; use --epochs 2 or more)'}` +
      `${result.img_per_s.steady === null ? '' : ' img/s'} (epochs 1–${epochs - 1})\n` +
      `  peak RSS:    ${result.peak_rss_mb} MB\n`,
  );
  return 0;
}

/** The split's transform worker threads, where its dataset has them (ImageFolder's do). */
function transformThreads(split: object): number {
  return 'transformThreads' in split && typeof split.transformThreads === 'number'
    ? split.transformThreads
    : 0;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
