import { availableParallelism } from 'node:os';
import type { Logger } from '@nextplay/cls-core';
import type { ImageFolderSettings } from './imageFolderOptions.js';
import type { PipelineTransforms } from './pipelineTransforms.js';
import { TransformPool, transformWorkerFile } from './transformPool.js';

/**
 * `data.num_workers` transform worker threads (at most one per core), or undefined when the main thread does the
 * work: num_workers 0, or a step a worker cannot build (said in one log line).
 */
export function startTransformWorkers(
  transforms: PipelineTransforms,
  settings: ImageFolderSettings,
  logger: Logger,
): TransformPool | undefined {
  const threads = Math.min(settings.numWorkers, availableParallelism());
  if (threads < 1) return undefined;
  if (transforms.recipes === undefined) {
    logger.info(
      `transforms run on the main thread: worker threads cannot build "${transforms.notRebuildable ?? ''}" (not made by a cls-data plugin)`,
    );
    return undefined;
  }
  const file = transformWorkerFile();
  if (file === undefined) {
    logger.info(
      'transforms run on the main thread: the transform worker script is not built (npm run build)',
    );
    return undefined;
  }
  return new TransformPool(
    file,
    {
      ...transforms.recipes,
      imageSize: settings.imageSize,
      resize: settings.resize,
      mean: settings.mean,
      std: settings.std,
    },
    threads,
  );
}
