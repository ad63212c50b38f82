import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { definePlugin, type Logger } from '@nextplay/cls-core';
import {
  createImageFolderDataModule,
  imageFolderOptionsSchema,
  resolveImageFolderSettings,
  type ImageFolderOptions,
} from '@nextplay/cls-data';
import { parseNumbers, writeJerseySynth, type JerseySynthManifest } from '@nextplay/cls-synth';
import { parseImageSize, SYNTH_DEFAULTS } from './commands/dataSynth.js';

/** `data.synth`: what `cls data synth` generates on first use (its keys and defaults). */
export interface JerseySynthSettings {
  readonly numbers?: string | number;
  readonly per_number?: number;
  /** Pixels of the rendered crops, `64` or `[height, width]`; default `data.image_size`. */
  readonly image_size?: number | readonly number[];
  readonly seed?: number;
}

export type JerseySynthDatasetOptions = ImageFolderOptions & { readonly synth?: JerseySynthSettings };

const properties = (imageFolderOptionsSchema as { properties: Record<string, unknown> }).properties;

/**
 * `data=jersey_synth`: synthetic jersey crops written once by `cls data synth` at `data.root` when that folder does
 * not exist yet (as `data=mnist` prepares MNIST), then read as an ImageFolder. A `data.root` that already holds
 * files is read as it is, so `cls test ckpt_path=… data.root=<other ImageFolder>` evaluates on other data.
 */
export const jerseySynthDataset = definePlugin<'dataset', JerseySynthDatasetOptions>({
  kind: 'dataset',
  name: 'jersey_synth',
  package: '@nextplay/cls-cli',
  description:
    'Synthetic jersey-number crops (cls data synth) generated at data.root on first use with data.synth.{numbers,per_number,image_size,seed}, then read like imagefolder.',
  optionsSchema: {
    ...imageFolderOptionsSchema,
    properties: {
      ...properties,
      synth: {
        type: 'object',
        properties: {
          numbers: { type: ['string', 'integer'], default: SYNTH_DEFAULTS.numbers },
          per_number: { type: 'integer', minimum: 1, default: SYNTH_DEFAULTS.per_number },
          image_size: {
            type: ['integer', 'array'],
            description: 'Crop pixels, or [height, width]; default data.image_size.',
          },
          seed: { type: 'integer', minimum: 0, default: SYNTH_DEFAULTS.seed },
        },
        additionalProperties: false,
        description: 'What cls data synth renders at data.root when that folder does not exist yet.',
      },
    },
  },
  create: async ({ synth, ...options }, context) => {
    const { root } = resolveImageFolderSettings(options);
    await ensureJerseySynth(
      root,
      synth ?? {},
      options.image_size ?? SYNTH_DEFAULTS.image_size,
      context.logger,
    );
    return createImageFolderDataModule(options, context);
  },
});

async function ensureJerseySynth(
  root: string,
  synth: JerseySynthSettings,
  dataImageSize: number | readonly number[],
  logger: Logger,
): Promise<void> {
  const wanted = {
    numbers: parseNumbers(synth.numbers ?? SYNTH_DEFAULTS.numbers),
    perNumber: synth.per_number ?? SYNTH_DEFAULTS.per_number,
    imageSize: parseImageSize(synth.image_size ?? dataImageSize, 'data.synth.image_size'),
    seed: synth.seed ?? SYNTH_DEFAULTS.seed,
  };
  const entries = await readdir(root).catch(() => [] as string[]);
  if (entries.length === 0) {
    logger.info(`generating synthetic jersey crops at ${root} (first run only)`);
    const manifest = await writeJerseySynth({ out: root, ...wanted });
    logger.info(`synthetic jersey crops: ${JSON.stringify(manifest.counts)}`);
    return;
  }
  const manifest = await readFile(join(root, 'synth.json'), 'utf8')
    .then((text) => JSON.parse(text) as JerseySynthManifest)
    .catch(() => undefined);
  if (manifest === undefined) return;
  const same =
    JSON.stringify(manifest.numbers) === JSON.stringify(wanted.numbers) &&
    manifest.per_number === wanted.perNumber &&
    manifest.seed === wanted.seed &&
    manifest.image_size[0] === wanted.imageSize.height &&
    manifest.image_size[1] === wanted.imageSize.width;
  if (!same) {
    logger.warn(
      `${root} holds crops generated with other data.synth settings (${join(root, 'synth.json')}); reading them as they are (delete the folder to regenerate)`,
    );
  }
}
