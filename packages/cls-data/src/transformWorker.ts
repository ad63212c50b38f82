import { parentPort, workerData } from 'node:worker_threads';
import { createPixelNormalizer, isClsError } from '@nextplay/cls-core';
import { applyImageSteps } from './applyImageSteps.js';
import { buildImageTransform } from './builtinImageTransforms.js';
import type { TransformJob, TransformReply, TransformWorkerSetup } from './transformPool.js';

// A transform worker: rebuilds the pipeline's steps from their recipes, then turns decoded images (shared with the
// main thread's cache, not copied) into normalized pixels, one chunk of a batch per message.
const setup = workerData as TransformWorkerSetup;
const context = { imageSize: setup.imageSize };
const lists = {
  train: await Promise.all(setup.train.map((recipe) => buildImageTransform(recipe, context))),
  eval: await Promise.all(setup.eval.map((recipe) => buildImageTransform(recipe, context))),
};
const normalize = createPixelNormalizer(setup.mean, setup.std);
const imageLength = setup.imageSize[0] * setup.imageSize[1] * 3;
const port = parentPort;

port?.on('message', (job: TransformJob) => {
  run(job).then(
    () => {
      port.postMessage({ id: job.id } satisfies TransformReply);
    },
    (error: unknown) => {
      port.postMessage({
        id: job.id,
        error: {
          message: error instanceof Error ? error.message : String(error),
          code: isClsError(error) ? error.code : undefined,
        },
      } satisfies TransformReply);
    },
  );
});

async function run(job: TransformJob): Promise<void> {
  const steps = job.augment ? lists.train : lists.eval;
  for (const [i, decoded] of job.images.entries()) {
    const image = await applyImageSteps(decoded, job.draws[i] ?? 0, job.seed, job.epoch, {
      steps,
      imageSize: setup.imageSize,
      resize: setup.resize,
    });
    normalize(image.data, job.output, i * imageLength);
  }
}
