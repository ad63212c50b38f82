import {
  ClsError,
  type BatchTransform,
  type DatasetContext,
  type ImageTransform,
  type Transform,
  type ImageSize,
} from '@nextplay/cls-core';
import { isBuildableInWorkers, type StepRecipe } from './builtinImageTransforms.js';
import { TransformOptionError } from './transforms/transformOptionError.js';

export interface PipelineTransforms {
  readonly train: readonly ImageTransform[];
  readonly eval: readonly ImageTransform[];
  readonly batch: readonly BatchTransform[];
  /**
   * `train` and `eval` as config names them, for worker threads to build again; undefined when a step is not one
   * of this package's plugins as it made it (a plugin or wrapper a worker cannot load), named in `notRebuildable`.
   */
  readonly recipes:
    { readonly train: readonly StepRecipe[]; readonly eval: readonly StepRecipe[] } | undefined;
  readonly notRebuildable: string | undefined;
}

/** Builds the steps of the run's `transforms` node (`transforms.train`, `.eval`, `.batch`) through the registry. */
export async function createPipelineTransforms(
  context: DatasetContext,
  imageSize: ImageSize,
): Promise<PipelineTransforms> {
  const recipes: Record<'train' | 'eval' | 'batch', StepRecipe[]> = { train: [], eval: [], batch: [] };
  let notRebuildable: string | undefined;
  const build = async (list: 'train' | 'eval' | 'batch'): Promise<Transform[]> => {
    const steps: Transform[] = [];
    for (const [index, step] of (context.transforms?.[list] ?? []).entries()) {
      for (const [name, options] of Object.entries(step)) {
        const place = `transforms.${list}.${index}`;
        const transform = await context
          .createTransform(name, options ?? {}, { imageSize })
          .catch((error: unknown) => {
            // The plugin names the option; the place in the list is known only here.
            if (!(error instanceof TransformOptionError)) throw error;
            throw new ClsError('CONFIG_INVALID', `${place}.${error.option}: ${error.rule}`, { cause: error });
          });
        const batchLevel = 'applyBatch' in transform;
        if (batchLevel !== (list === 'batch')) {
          throw new ClsError(
            'CONFIG_INVALID',
            `${place}.${name}: ${batchLevel ? 'mixes whole batches, so it goes in transforms.batch' : 'works on one image, so it goes in transforms.train or transforms.eval'}`,
          );
        }
        if (context.noMirroring === true && 'mirrors' in transform && transform.mirrors) {
          context.logger.warn(
            `${place}.${name}: left out, a mirrored image is read as another class by this model's head`,
          );
          continue;
        }
        steps.push(transform);
        recipes[list].push({ name, options: options ?? {} });
        if (list !== 'batch' && !isBuildableInWorkers(transform)) notRebuildable ??= name;
      }
    }
    return steps;
  };
  const train = (await build('train')) as ImageTransform[];
  const evaluation = (await build('eval')) as ImageTransform[];
  const batch = (await build('batch')) as BatchTransform[];
  return {
    train,
    eval: evaluation,
    batch,
    recipes: notRebuildable === undefined ? { train: recipes.train, eval: recipes.eval } : undefined,
    notRebuildable,
  };
}

/**
 * The short side images are decoded at for `steps`: up to the first step that resamples to a fixed size (a
 * crop-and-resize, a resize), the largest `detail` asked for, times `imageSize`'s longer side; Infinity when a step works in the
 * source's own pixels (a fixed-size crop). Undefined when there are no steps: decode straight to image_size.
 */
export function decodeSide(steps: readonly ImageTransform[], imageSize: ImageSize): number | undefined {
  if (steps.length === 0) return undefined;
  let detail = 1;
  for (const step of steps) {
    if (step.detail === undefined) continue;
    detail = Math.max(detail, step.detail);
    if (Number.isFinite(step.detail)) break;
  }
  return detail === Infinity ? Infinity : Math.ceil(Math.max(...imageSize) * detail);
}
