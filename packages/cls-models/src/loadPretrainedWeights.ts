import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ClsError, type ClassifierModel, type Logger } from '@nextplay/cls-core';
import { downloadWeights } from './downloadWeights.js';
import { IMAGENET_WEIGHT_URLS } from './imagenetWeights.js';
import { loadTorchvisionWeights } from './loadTorchvisionWeights.js';
import type { ResNetArchName } from './resnetArchitectures.js';
import { readWeightsFile } from './readWeightsFile.js';
import { readSafetensors } from './readSafetensors.js';
import { readTorchCheckpoint } from './readTorchCheckpoint.js';
import type { StateDict } from './stateDict.js';
import { weightsCacheDir } from './weightsCacheDir.js';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

export interface PretrainedOptions {
  readonly arch: ResNetArchName;
  readonly logger?: Logger;
  /** Default `weightsCacheDir()`. */
  readonly cacheDir?: string;
  /** Relative paths are resolved against it; default `process.cwd()`. */
  readonly cwd?: string;
}

/**
 * The local file `model.pretrained` names: `imagenet` → torchvision's weights for the arch, a URL → that file,
 * both downloaded once into the cache directory; anything else is a local path.
 */
export async function resolvePretrainedFile(pretrained: string, options: PretrainedOptions): Promise<string> {
  const url =
    pretrained === 'imagenet'
      ? IMAGENET_WEIGHT_URLS[options.arch]
      : /^https?:\/\//.test(pretrained)
        ? pretrained
        : undefined;
  if (url === undefined) {
    const path = resolve(options.cwd ?? process.cwd(), pretrained);
    if (!existsSync(path)) {
      throw new ClsError('CHECKPOINT_NOT_FOUND', `model.pretrained=${pretrained}: no such file ${path}`, {
        hint: 'use imagenet, a URL, or the path of a .pth/.safetensors state_dict',
      });
    }
    return path;
  }
  const fileName = basename(new URL(url).pathname) || 'weights.pth';
  const destination = join(options.cacheDir ?? weightsCacheDir(), fileName);
  if (!existsSync(destination)) {
    options.logger?.info(`downloading ${url} to ${destination}`);
    await downloadWeights(url, destination, options.logger === undefined ? {} : { logger: options.logger });
  }
  return destination;
}

/**
 * Reads a `.safetensors` file or a `torch.save` zip (told apart by extension and magic bytes): a regular file of
 * at most `WEIGHTS_FILE_LIMITS.maxFileBytes`, never a FIFO or a device.
 */
export async function readStateDictFile(path: string): Promise<StateDict> {
  const bytes = await readWeightsFile(path, WEIGHTS_FILE_LIMITS.maxFileBytes);
  return path.endsWith('.safetensors') ? readSafetensors(bytes, path) : readTorchCheckpoint(bytes, path);
}

/** Resolves `model.pretrained` and copies its weights into the model (see `loadTorchvisionWeights`). */
export async function loadPretrainedWeights(
  model: ClassifierModel,
  pretrained: string,
  options: PretrainedOptions,
): Promise<void> {
  const path = await resolvePretrainedFile(pretrained, options);
  const stateDict = await readStateDictFile(path);
  loadTorchvisionWeights(
    model,
    stateDict,
    options.logger === undefined ? { source: path } : { source: path, logger: options.logger },
  );
  options.logger?.info(`loaded pretrained weights from ${path}`);
}
